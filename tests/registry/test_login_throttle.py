"""Staff sign-in throttle (registry/login_throttle.py, docs/login-throttle.md): on the
login page and the token endpoint, per account and per network, with growing delays."""

import json
import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from registry.login_throttle import (
    LoginLocked,
    login_check,
    login_failed,
    login_released,
    login_succeeded,
    login_wait,
)
from registry.models import AuditEntry, Notification

ADDRESS = "203.0.113.45"
NETWORK_KEY = "0123456789abcdef0123456789abcdef"
WAIT_ONE_MINUTE = (
    "Đăng nhập tạm thời bị khóa vì có quá nhiều lần đăng nhập sai. Vui lòng thử lại sau 1 phút."
)


class FrozenClock:
    """timezone.now() standing still, moved on only by `advance`."""

    def __init__(self):
        self.now = timezone.now()

    def advance(self, seconds: int) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch):
    frozen = FrozenClock()
    monkeypatch.setattr(timezone, "now", lambda: frozen.now)
    return frozen


def page_login(client, username, password):
    return client.post("/login/", {"username": username, "password": password})


def admin_login(client, username, password):
    """The admin site's login, which sends the browser on to /login/ with its ?next=."""
    sent_on = client.get("/admin/login/?next=/admin/")
    assert sent_on.status_code == 302
    assert sent_on["Location"] == "/login/?next=/admin/"
    return client.post(sent_on["Location"], {"username": username, "password": password})


def token_login(client, username, password):
    return client.post(
        "/api/v1/auth/tokens",
        data=json.dumps({"username": username, "password": password, "device_name": "T"}),
        content_type="application/json",
    )


def signed_in_on_page(client, response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in client.session


def signed_in_by_token(client, response) -> bool:
    return response.status_code == 201 and response.json()["token"].startswith("msq_")


WAYS_IN = [
    pytest.param(page_login, signed_in_on_page, id="login page"),
    pytest.param(token_login, signed_in_by_token, id="token endpoint"),
    pytest.param(admin_login, signed_in_on_page, id="admin site login"),
]


# --- The acceptance test ----------------------------------------------------------------


@pytest.mark.parametrize(("attempt", "signed_in"), WAYS_IN)
def test_thirty_guesses_are_refused_by_the_tenth_and_the_right_password_waits(
    alice, password, clock, attempt, signed_in
):
    client = Client(REMOTE_ADDR=ADDRESS)
    statuses = [attempt(client, "alice", f"doan-sai-{n}").status_code for n in range(30)]

    assert 429 in statuses[:10], statuses
    assert statuses.index(429) == 5  # the 6th guess, after 5 failures in a row
    assert set(statuses[5:]) == {429}  # refused guesses are not even tried

    locked = attempt(client, "alice", password)
    assert locked.status_code == 429
    assert not signed_in(client, locked)
    assert locked["Retry-After"] == "60"

    clock.advance(59)
    assert attempt(client, "alice", password)["Retry-After"] == "1"

    clock.advance(1)
    assert signed_in(client, attempt(client, "alice", password))


def test_the_admin_login_form_is_never_served(alice, password):
    client = Client(REMOTE_ADDR=ADDRESS)
    response = client.post("/admin/login/", {"username": "alice", "password": password})
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert "_auth_user_id" not in client.session


def test_the_page_says_how_long_to_wait(alice, clock):
    client = Client(REMOTE_ADDR=ADDRESS)
    for n in range(5):
        page_login(client, "alice", f"sai-{n}")
    response = page_login(client, "alice", "sai-6")
    assert response.status_code == 429
    assert response.context["form"].non_field_errors() == [WAIT_ONE_MINUTE]
    assert "Vui lòng thử lại sau 1 phút." in response.content.decode()


def test_the_api_answers_429_with_a_stable_code_and_retry_after(alice, clock):
    client = Client(REMOTE_ADDR=ADDRESS)
    for n in range(5):
        assert token_login(client, "alice", f"sai-{n}").status_code == 401
    response = token_login(client, "alice", "sai")
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    body = response.json()
    assert body["code"] == "too_many_requests"
    assert body["message"] == WAIT_ONE_MINUTE


def test_the_page_and_the_api_count_together(alice, password, clock):
    client = Client(REMOTE_ADDR=ADDRESS)
    for n in range(3):
        page_login(client, "alice", f"sai-{n}")
    for n in range(2):
        token_login(client, "alice", f"sai-{n}")
    assert token_login(client, "alice", password).status_code == 429
    assert page_login(client, "alice", password).status_code == 429


# --- Growing delays ---------------------------------------------------------------------


def retry_after(username: str = "alice", network_key: str = NETWORK_KEY) -> int:
    try:
        login_wait(username, network_key)
    except LoginLocked as locked:
        return locked.retry_after
    return 0


def fail_waiting_out_each_lock(clock, times: int, username: str = "alice") -> list[int]:
    """Fail `times` times, each once the last lock ended: the lock after each failure."""
    delays = []
    for _ in range(times):
        clock.advance(retry_after(username))
        login_failed(username, NETWORK_KEY)
        delays.append(retry_after(username))
    return delays


def test_delays_grow_with_the_failures_in_a_row(db, clock):
    minute = 60
    assert fail_waiting_out_each_lock(clock, 25) == (
        [0] * 4 + [minute] * 5 + [5 * minute] * 5 + [15 * minute] * 5 + [60 * minute] * 6
    )


def test_retry_after_counts_down_with_the_clock(db, clock):
    for _ in range(5):
        login_failed("alice", NETWORK_KEY)
    assert retry_after() == 60
    clock.advance(45)
    assert retry_after() == 15
    clock.advance(15)
    assert retry_after() == 0


def test_a_sign_in_clears_the_account_failures(db, clock):
    for _ in range(4):
        login_failed("alice", NETWORK_KEY)
    login_succeeded("alice", NETWORK_KEY)
    for _ in range(4):
        login_failed("alice", NETWORK_KEY)
    assert retry_after() == 0
    login_failed("alice", NETWORK_KEY)
    assert retry_after() == 60


def test_usernames_count_lowercased(db, clock):
    for name in ["alice", "Alice", "ALICE", "aLiCe", "alicE"]:
        login_failed(name, NETWORK_KEY)
    assert retry_after("ALICE") == 60


def test_failures_are_forgotten_after_the_memory_without_another(db, clock, settings):
    settings.LOGIN_ACCOUNT_MEMORY = 1
    for _ in range(4):
        login_failed("alice", NETWORK_KEY)
    time.sleep(1.1)  # the count's memory runs on the cache's own clock
    login_failed("alice", NETWORK_KEY)
    assert retry_after() == 0


# --- Parallel guesses -------------------------------------------------------------------


def test_parallel_guesses_get_no_more_than_the_step(db, clock):
    """Ten requests that all pass the check before any failure is counted: only five
    go on, as five in a row would, and the sixth attempt waits for the lock."""
    admitted = []
    for _ in range(10):
        try:
            login_check("alice", NETWORK_KEY)
        except LoginLocked as locked:
            assert locked.retry_after == 60
        else:
            admitted.append(True)
    assert len(admitted) == 5
    for _ in admitted:
        login_failed("alice", NETWORK_KEY)
    assert retry_after() == 60
    with pytest.raises(LoginLocked):
        login_check("alice", NETWORK_KEY)


def test_after_a_lock_parallel_guesses_get_one_at_a_time(db, clock):
    for _ in range(5):
        login_failed("alice", NETWORK_KEY)
    clock.advance(60)
    login_check("alice", NETWORK_KEY)  # the 6th guess, once the lock is over
    with pytest.raises(LoginLocked):
        login_check("alice", NETWORK_KEY)  # a 7th, while the 6th is in flight
    login_failed("alice", NETWORK_KEY)
    assert retry_after() == 60


def test_an_ended_reservation_frees_its_place(db, clock):
    for _ in range(4):
        login_failed("alice", NETWORK_KEY)
    login_check("alice", NETWORK_KEY)
    with pytest.raises(LoginLocked):
        login_check("alice", NETWORK_KEY)
    login_released("alice", NETWORK_KEY)  # the right password, a second step due
    login_check("alice", NETWORK_KEY)


# --- Per network ------------------------------------------------------------------------


def test_a_spray_over_many_accounts_locks_the_network(alice, password, clock):
    sprayer = Client(REMOTE_ADDR=ADDRESS)
    for n in range(50):  # one guess each: no account reaches its own lock
        assert page_login(sprayer, f"canbo-{n}", "123456").status_code == 200
    refused = token_login(sprayer, "alice", password)
    assert refused.status_code == 429
    assert refused["Retry-After"] == str(15 * 60)
    assert page_login(sprayer, "alice", password).status_code == 429

    colleague = Client(REMOTE_ADDR="198.51.100.7")  # another network signs in as usual
    assert signed_in_on_page(colleague, page_login(colleague, "alice", password))

    clock.advance(15 * 60)
    assert signed_in_on_page(sprayer, page_login(sprayer, "alice", password))
    entry = AuditEntry.objects.get(action="login.network_locked")
    assert entry.target_id == ""
    assert entry.changes["failures"] == 50
    assert entry.changes["locked_seconds"] == 15 * 60


def test_the_network_lock_grows_too(db, clock):
    for n in range(50):
        login_failed(f"canbo-{n}", NETWORK_KEY)
    assert retry_after("someone", NETWORK_KEY) == 15 * 60
    clock.advance(15 * 60)
    for n in range(50, 100):
        login_failed(f"canbo-{n}", NETWORK_KEY)
    assert retry_after("someone", NETWORK_KEY) == 60 * 60


def test_a_sign_in_does_not_clear_the_network_count(db, clock):
    for n in range(49):
        login_failed(f"canbo-{n}", NETWORK_KEY)
    login_succeeded("alice", NETWORK_KEY)
    login_failed("canbo-49", NETWORK_KEY)
    assert retry_after("someone", NETWORK_KEY) == 15 * 60


# --- Unknown names, audit, notification ------------------------------------------------


def test_an_unknown_username_is_locked_the_same_way_with_no_audit_target(db, clock):
    client = Client(REMOTE_ADDR=ADDRESS)
    statuses = [page_login(client, "khong-co-ai", f"sai-{n}").status_code for n in range(7)]
    assert statuses == [200] * 5 + [429] * 2
    entry = AuditEntry.objects.get(action="login.locked")
    assert entry.target_type is None
    assert entry.target_id == entry.target_repr == ""
    assert entry.actor is None
    assert "khong-co-ai" not in json.dumps(entry.changes)
    assert not Notification.objects.exists()


def test_a_burst_is_audited_and_the_holder_told_at_each_step(alice, clock):
    fail_waiting_out_each_lock(clock, 4)
    assert not AuditEntry.objects.filter(action="login.locked").exists()

    fail_waiting_out_each_lock(clock, 1)
    entry = AuditEntry.objects.get(action="login.locked")
    assert entry.target_id == str(alice.pk)
    assert entry.unit == alice.unit
    assert entry.changes["failures"] == 5
    assert entry.changes["locked_seconds"] == 60
    notice = Notification.objects.get(recipient=alice)
    assert notice.subject == "Đăng nhập vào tài khoản của bạn bị tạm khóa"
    until = timezone.localtime(clock.now + timedelta(seconds=60))
    assert "5 lần đăng nhập sai liên tiếp" in notice.body
    assert until.strftime("%H:%M %d/%m/%Y") in notice.body

    fail_waiting_out_each_lock(clock, 4)  # failures 6 to 9: the same step, nothing new
    assert AuditEntry.objects.filter(action="login.locked").count() == 1

    fail_waiting_out_each_lock(clock, 11)  # failures 10, 15 and 20 start longer steps
    entries = AuditEntry.objects.filter(action="login.locked").order_by("id")
    assert [e.changes["failures"] for e in entries] == [5, 10, 15, 20]
    assert [e.changes["locked_seconds"] for e in entries] == [60, 300, 900, 3600]
    assert Notification.objects.filter(recipient=alice).count() == 4


def cache_keys() -> list[str]:
    """Every key the cache holds: LocMemCache's dict, or Redis's keyspace."""
    store = cache._cache
    if isinstance(store, dict):
        return list(store)
    return [key.decode() for key in store.get_client().keys("*")]


def test_no_address_or_username_is_kept(alice, clock):
    client = Client(REMOTE_ADDR=ADDRESS)
    for n in range(6):
        page_login(client, "alice", f"sai-{n}")
        token_login(client, "khong-co-ai", f"sai-{n}")
    keys = " ".join(cache_keys())
    assert "throttle:login-account" in keys
    for secret in ("203.0.113", "alice", "khong-co-ai"):
        assert secret not in keys
    for entry in AuditEntry.objects.all():
        assert "203.0.113" not in json.dumps(
            [entry.changes, entry.target_repr, entry.actor_username]
        )


def test_a_password_alone_does_not_clear_the_count_when_a_second_step_is_due(bob, password, clock):
    client = Client(REMOTE_ADDR=ADDRESS)
    for n in range(4):
        page_login(client, "bob", f"sai-{n}")
    response = page_login(client, "bob", password)  # a supervisor: a second factor is due
    assert response.status_code == 302
    assert response["Location"].startswith(("/login/second-factor/", "/account/security/"))
    page_login(Client(REMOTE_ADDR=ADDRESS), "bob", "sai-5")
    assert retry_after("bob", "any network") == 60
