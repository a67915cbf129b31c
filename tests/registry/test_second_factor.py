"""The second factor for staff (docs/second-factor.md): who needs it, the second step,
the vault key waiting for it, tokens, and the user's own security pages.

These tests sign in with the password only (`unverified_client`, UnverifiedClient) and
pass the second step themselves, unlike the rest of the suite (tests/second_factor.py).
"""

import json
import re
import time
from io import StringIO

import pytest
from django.contrib import admin
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django_otp.middleware import OTPMiddleware
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry import factors
from registry.models import AuditEntry, Notification, Role
from registry.second_factor import (
    RECENT_STEP_SESSION_KEY,
    factor_required,
    needs_second_step,
    validate_policy,
)
from tests.complaints.helpers import file_complaint
from tests.factories import DEFAULT_PASSWORD, UserFactory, unit
from tests.second_factor import UnverifiedClient, current_code, totp_device
from tests.whistleblower.test_vault import IDENTITY, request_disclosure
from whistleblower import vault
from whistleblower.models import DisclosureRequest

SECOND_STEP = "/login/second-factor/"
SECURITY = "/account/security/"


def password_only(user, next_path: str = "") -> UnverifiedClient:
    client = UnverifiedClient()
    data = {"username": user.username, "password": DEFAULT_PASSWORD}
    if next_path:
        data["next"] = next_path
    response = client.post("/login/", data)
    assert response.status_code == 302, response.content[:300]
    client.login_response = response
    return client


def second_step(client, code: str, next_path: str = ""):
    url = SECOND_STEP + (f"?next={next_path}" if next_path else "")
    return client.post(url, {"code": code})


def vault_key(client, user) -> bytes | None:
    """What the vault gives this client's session (session store, cookie, OTP state)."""
    request = RequestFactory().get("/")
    request.session = SessionStore(client.session.session_key)
    request.COOKIES[vault.COOKIE] = client.cookies[vault.COOKIE].value
    request.user = user
    return OTPMiddleware(vault.session_private_key)(request)


def token_request(client, user, **extra):
    body = {"username": user.username, "password": DEFAULT_PASSWORD, "device_name": "Máy tính bảng"}
    return client.post(
        "/api/v1/auth/tokens", data=json.dumps({**body, **extra}), content_type="application/json"
    )


@pytest.fixture
def production(settings):
    settings.PRODUCTION = True
    settings.SECOND_FACTOR_OPTOUT_ROLES = []
    return settings


# --- Who needs it ------------------------------------------------------------------------


def test_the_roles_that_guard_the_vault_need_a_factor(alice, bob, cora, audrey, olga, charlie):
    assert [factor_required(u) for u in (bob, cora, audrey)] == [True, True, True]
    assert [factor_required(u) for u in (alice, olga, charlie)] == [False, False, False]
    admin = UserFactory(username="quantri", unit=unit("01"), roles=[Role.ADMIN])
    root = UserFactory(username="root", unit=None, roles=[], is_superuser=True)
    assert factor_required(admin) and factor_required(root)
    # Whoever enrolled a factor signs in with it, whatever their role.
    assert not needs_second_step(alice)
    totp_device(alice)
    assert needs_second_step(alice)


def test_in_production_every_role_needs_it_unless_the_deployment_opts_out(
    production, alice, bob, olga
):
    assert factor_required(alice) and factor_required(olga) and factor_required(bob)
    production.SECOND_FACTOR_OPTOUT_ROLES = ["inspector", "team_lead"]
    assert not factor_required(alice)
    assert factor_required(olga) and factor_required(bob)


def test_a_misspelt_role_stops_the_app(settings):
    settings.SECOND_FACTOR_OPTOUT_ROLES = ["inspecter"]
    with pytest.raises(ImproperlyConfigured, match="inspecter"):
        validate_policy()
    settings.SECOND_FACTOR_OPTOUT_ROLES = []
    settings.SECOND_FACTOR_ROLES = ["supervisor", "custodian"]
    with pytest.raises(ImproperlyConfigured, match="custodian"):
        validate_policy()


# --- A custodian without a factor, in production ----------------------------------------


def test_in_production_a_custodian_without_a_factor_reaches_only_enrolment(
    settings, cora, olga, client_for
):
    complaint = file_complaint(identity=IDENTITY).complaint
    request = request_disclosure(client_for(olga), complaint.pk)
    settings.PRODUCTION = True  # after filing: sealing wants the production recovery key
    client = password_only(cora, next_path="/disclosures/")
    assert client.login_response["Location"] == f"{SECURITY}?next=%2Fdisclosures%2F"

    for path in ("/disclosures/", "/complaints/", "/home/identity_custodian/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(SECURITY), path
    # The second step has nothing to ask yet: enrolment first.
    assert client.get(SECOND_STEP)["Location"] == SECURITY
    # Deciding is refused before anything happens; the vault key is not usable.
    decided = client.post(f"/disclosures/{request['id']}/decide/", {"decision": "approve"})
    assert decided.status_code == 302 and decided["Location"] == SECURITY
    assert DisclosureRequest.objects.get(pk=request["id"]).status == "pending"
    assert vault_key(client, cora) is None
    # Nor through the API with the session.
    api = client.get("/api/v1/me")
    assert api.status_code == 401
    assert api.json()["code"] == "second_factor_required"

    page = client.get(SECURITY)
    assert page.status_code == 200
    assert "Cần thêm yếu tố xác thực thứ hai" in page.content.decode()
    assert 'class="site-nav"' not in page.content.decode()  # nothing else to go to

    # Enrolment: the QR code and the secret, then a code from the app.
    enrol = client.get("/account/security/totp/")
    assert enrol.status_code == 200 and "<svg" in enrol.content.decode()
    pending = TOTPDevice.objects.get(user=cora, confirmed=False)
    confirmed = client.post("/account/security/totp/", {"code": current_code(pending)})
    assert confirmed["Location"] == "/account/security/recovery-codes/"
    # That code was the second factor: the vault key and the pages open.
    assert vault_key(client, cora) is not None
    assert client.get("/disclosures/").status_code == 200
    assert client.get("/api/v1/me").status_code == 200
    assert AuditEntry.objects.filter(action="login.second_factor", target_id=str(cora.pk)).exists()


def test_a_user_with_a_factor_cannot_change_it_with_the_password_alone(cora):
    totp_device(cora)
    client = password_only(cora)
    assert client.login_response["Location"].startswith(SECOND_STEP)
    for path in (SECURITY, "/account/security/totp/", "/account/security/recovery-codes/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith(SECOND_STEP)
    refused = client.post("/account/security/totp/remove/", {"secret": DEFAULT_PASSWORD})
    assert refused.status_code == 302 and refused["Location"] == SECOND_STEP
    assert TOTPDevice.objects.filter(user=cora, confirmed=True).count() == 1


# --- The second step -------------------------------------------------------------------


def test_a_totp_code_works_once(cora):
    device = totp_device(cora)
    client = password_only(cora, next_path="/disclosures/")
    assert client.login_response["Location"] == f"{SECOND_STEP}?next=%2Fdisclosures%2F"
    code = current_code(device)
    passed = second_step(client, code, next_path="/disclosures/")
    assert passed.status_code == 302 and passed["Location"] == "/disclosures/"
    assert client.get("/disclosures/").status_code == 200
    entry = AuditEntry.objects.get(action="login.second_factor", target_id=str(cora.pk))
    assert entry.changes == {"kind": "totp"}

    again = password_only(cora)
    replayed = second_step(again, code)
    assert replayed.status_code == 400
    assert "Mã không đúng, đã hết hạn hoặc đã được dùng." in replayed.content.decode()
    assert again.get("/disclosures/")["Location"].startswith(SECOND_STEP)


def test_a_recovery_code_works_once(cora):
    totp_device(cora)
    codes = factors.recovery_codes_generate(user=cora)
    assert len(codes) == len(set(codes)) == 10

    client = password_only(cora)
    passed = client.post(SECOND_STEP, {"code": codes[0].upper()}, follow=True)
    assert passed.redirect_chain[0] == ("/", 302)
    assert "còn 9 mã" in passed.content.decode()
    entry = AuditEntry.objects.filter(action="login.second_factor").last()
    assert entry.changes == {"kind": "recovery_code"}

    again = password_only(cora)
    assert second_step(again, codes[0]).status_code == 400
    assert second_step(again, codes[1]).status_code == 302
    assert StaticDevice.objects.get(user=cora).token_set.count() == 8


def test_wrong_codes_are_throttled_with_wrong_passwords(cora):
    device = totp_device(cora)
    client = password_only(cora)
    for _ in range(5):
        assert second_step(client, "000000").status_code == 400
    locked = second_step(client, current_code(device))
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) > 0
    assert "Đăng nhập tạm thời bị khóa" in locked.content.decode()
    assert client.get("/disclosures/")["Location"].startswith(SECOND_STEP)
    assert AuditEntry.objects.filter(action="login.locked", target_id=str(cora.pk)).exists()


def test_the_next_page_must_be_on_this_site(cora):
    device = totp_device(cora)
    client = password_only(cora)
    passed = second_step(client, current_code(device), next_path="https://evil.example/")
    assert passed["Location"] == "/"


def test_the_vault_key_waits_for_the_second_factor(cora):
    device = totp_device(cora)
    client = password_only(cora)
    assert vault.PENDING_SESSION_KEY in client.session
    assert vault.SESSION_KEY not in client.session
    assert vault_key(client, cora) is None

    second_step(client, current_code(device))
    assert vault.SESSION_KEY in client.session
    assert vault.PENDING_SESSION_KEY not in client.session
    assert vault_key(client, cora) is not None


def test_the_key_of_a_user_who_needs_no_second_step_opens_with_the_password(olga):
    client = password_only(olga)
    assert client.login_response["Location"] == "/"
    assert vault_key(client, olga) is not None


# --- API tokens ----------------------------------------------------------------------


def test_a_token_needs_the_second_factor(bob, alice, client):
    device = totp_device(bob)
    missing = token_request(client, bob)
    assert missing.status_code == 401
    assert missing.json()["code"] == "second_factor_required"
    wrong = token_request(client, bob, otp_code="000000")
    assert wrong.status_code == 401 and wrong.json()["code"] == "invalid_second_factor"
    # Both languages, as every API error (the message is translated when sent).
    assert wrong.json()["messages"]["en"].startswith("The second-step code is wrong")
    assert token_request(client, bob, otp_code=current_code(device)).status_code == 201
    recovery = factors.recovery_codes_generate(user=bob)[0]
    assert token_request(client, bob, otp_code=recovery).status_code == 201
    assert token_request(client, bob, otp_code=recovery).status_code == 401  # used
    # Without a factor to pass, the password is enough.
    assert token_request(client, alice).status_code == 201


def test_a_verified_session_may_ask_for_a_token_without_a_code(bob, client_for, unverified_client):
    assert token_request(client_for(bob), bob).status_code == 201
    unverified_client.force_login(bob)
    totp_device(bob)
    assert token_request(unverified_client, bob).status_code == 401


def test_a_token_is_refused_until_a_required_factor_is_enrolled(cora, client):
    refused = token_request(client, cora, otp_code="123456")
    assert refused.status_code == 401
    assert refused.json()["code"] == "second_factor_enrolment_required"


# --- The user's own factors --------------------------------------------------------------


def _told(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user, link=SECURITY).values_list("subject", flat=True)
    )


def _changes(user) -> list[tuple[str, dict]]:
    return [
        (entry.action, entry.changes)
        for entry in AuditEntry.objects.filter(
            action__startswith="second_factor.", target_id=str(user.pk)
        ).order_by("id")
    ]


def test_enrolling_and_removing_an_app_is_audited_and_told(alice, client_for):
    client = client_for(alice)
    client.get("/account/security/totp/")
    pending = TOTPDevice.objects.get(user=alice, confirmed=False)
    wrong = client.post("/account/security/totp/", {"code": "000000"})
    assert wrong.status_code == 400
    assert not TOTPDevice.objects.filter(user=alice, confirmed=True).exists()

    enrolled = client.post("/account/security/totp/", {"code": current_code(pending)})
    assert enrolled["Location"] == "/account/security/recovery-codes/"
    shown = client.get("/account/security/recovery-codes/").content.decode()
    codes = list(StaticDevice.objects.get(user=alice).token_set.values_list("token", flat=True))
    assert len(codes) == 10 and all(code in shown for code in codes)
    # Shown once.
    assert not any(
        code in client.get("/account/security/recovery-codes/").content.decode() for code in codes
    )
    assert _changes(alice) == [
        ("second_factor.enrolled", {"kind": "totp"}),
        ("second_factor.enrolled", {"kind": "recovery_code"}),
    ]
    assert len(_told(alice)) == 2
    # The session stays verified with the new app.
    assert client.get("/clocks/").status_code == 200

    wrong = client.post("/account/security/totp/remove/", {"secret": "khong-dung"})
    assert wrong.status_code == 400
    removed = client.post("/account/security/totp/remove/", {"secret": DEFAULT_PASSWORD})
    assert removed["Location"] == SECURITY
    assert not TOTPDevice.objects.filter(user=alice).exists()
    assert not StaticDevice.objects.filter(user=alice).exists()  # useless alone
    assert _changes(alice)[-1] == ("second_factor.removed", {"kind": "totp"})
    assert _told(alice)[0] == "Một yếu tố xác thực đã bị gỡ khỏi tài khoản của bạn"
    assert client.get("/clocks/").status_code == 200  # no factor, no second step


def test_replacing_the_app_is_audited_and_the_old_one_stops(bob, client_for):
    client = client_for(bob)
    old = totp_device(bob)
    client.get("/account/security/totp/")
    new = TOTPDevice.objects.get(user=bob, confirmed=False)
    replaced = client.post("/account/security/totp/", {"code": current_code(new)})
    assert replaced["Location"] == SECURITY
    assert list(TOTPDevice.objects.filter(user=bob).values_list("pk", flat=True)) == [new.pk]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert _changes(bob) == [("second_factor.replaced", {"kind": "totp"})]
    assert _told(bob) == ["Một yếu tố xác thực của tài khoản của bạn đã được thay"]
    assert client.get("/clocks/").status_code == 200


def test_the_last_required_factor_cannot_be_removed(bob, client_for):
    client = client_for(bob)
    page = client.get("/account/security/totp/remove/").content.decode()
    assert "vai trò của bạn bắt buộc phải có" in page
    refused = client.post("/account/security/totp/remove/", {"secret": DEFAULT_PASSWORD})
    assert refused.status_code == 409
    assert TOTPDevice.objects.filter(user=bob, confirmed=True).exists()
    assert _changes(bob) == []


def test_a_new_set_of_recovery_codes_replaces_the_old(bob, client_for):
    client = client_for(bob)
    old = factors.recovery_codes_generate(user=bob)
    made = client.post("/account/security/recovery-codes/")
    assert made["Location"] == "/account/security/recovery-codes/"
    new = set(StaticDevice.objects.get(user=bob).token_set.values_list("token", flat=True))
    assert len(new) == 10 and not new & set(old)
    assert _changes(bob)[-1] == ("second_factor.replaced", {"kind": "recovery_code"})


def age_last_step(client, seconds: int) -> None:
    """Make the client's last second step `seconds` old."""
    session = client.session
    session[RECENT_STEP_SESSION_KEY] = time.time() - seconds
    session.save()


def _recovery_codes(user) -> set[str]:
    return set(StaticDevice.objects.get(user=user).token_set.values_list("token", flat=True))


def test_an_old_second_step_must_be_confirmed_before_changing_a_factor(bob, client_for):
    client = client_for(bob)
    old = totp_device(bob)
    codes = set(factors.recovery_codes_generate(user=bob))
    age_last_step(client, 11 * 60)

    page = client.get("/account/security/totp/").content.decode()
    assert "đã quá 10 phút" in page and 'name="secret"' in page
    assert 'class="qr"' not in page  # no new secret shown yet
    assert not TOTPDevice.objects.filter(user=bob, confirmed=False).exists()
    refused = client.post("/account/security/totp/", {"code": current_code(old)})
    assert refused.status_code == 403
    assert "đã quá 10 phút" in refused.content.decode()
    assert client.post("/account/security/recovery-codes/").status_code == 403
    assert _recovery_codes(bob) == codes
    assert list(TOTPDevice.objects.filter(user=bob).values_list("pk", flat=True)) == [old.pk]

    wrong = client.post("/account/security/recovery-codes/", {"secret": "khong-dung"})
    assert wrong.status_code == 400
    assert "Mật khẩu hoặc mã không đúng." in wrong.content.decode()
    assert _recovery_codes(bob) == codes

    confirmed = client.post("/account/security/recovery-codes/", {"secret": current_code(old)})
    assert confirmed["Location"] == "/account/security/recovery-codes/"
    assert client.post("/account/security/recovery-codes/").status_code == 302
    assert not _recovery_codes(bob) & codes
    # The confirmation counts for the next minutes: the app can be replaced too.
    assert 'class="qr"' in client.get("/account/security/totp/").content.decode()
    new = TOTPDevice.objects.get(user=bob, confirmed=False)
    replaced = client.post("/account/security/totp/", {"code": current_code(new)})
    assert replaced["Location"] == SECURITY
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()


def test_a_second_step_within_ten_minutes_needs_no_confirmation(bob, client_for):
    client = client_for(bob)
    totp_device(bob)
    codes = set(factors.recovery_codes_generate(user=bob))
    age_last_step(client, 9 * 60)
    assert 'class="qr"' in client.get("/account/security/totp/").content.decode()
    assert client.post("/account/security/recovery-codes/").status_code == 302
    assert not _recovery_codes(bob) & codes


def test_the_second_step_itself_makes_the_session_recent(cora):
    device = totp_device(cora)
    client = password_only(cora)
    second_step(client, current_code(device))
    assert time.time() - client.session[RECENT_STEP_SESSION_KEY] < 60
    assert 'class="qr"' in client.get("/account/security/totp/").content.decode()


def test_the_confirmation_is_throttled_with_the_sign_in(bob, client_for):
    client = client_for(bob)
    totp_device(bob)
    age_last_step(client, 3600)
    for _ in range(5):
        assert client.post("/account/security/totp/", {"secret": "khong-dung"}).status_code == 400
    locked = client.post("/account/security/totp/", {"secret": DEFAULT_PASSWORD})
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) > 0
    assert "Đăng nhập tạm thời bị khóa" in locked.content.decode()
    assert 'class="qr"' not in client.get("/account/security/totp/").content.decode()


def test_a_first_enrolment_needs_no_confirmation(alice, client_for):
    client = client_for(alice)
    age_last_step(client, 3600)
    assert 'class="qr"' in client.get("/account/security/totp/").content.decode()


def test_the_security_page_lists_the_factors(bob, client_for):
    client = client_for(bob)
    factors.recovery_codes_generate(user=bob)
    page = client.get(SECURITY).content.decode()
    assert "Thay ứng dụng xác thực" in page
    assert "Còn 10 mã chưa dùng." in page
    assert 'href="/account/security/"' in client.get("/clocks/").content.decode()


# --- Demo data ---------------------------------------------------------------------------


def test_the_demo_users_who_need_a_factor_get_an_app_and_a_code_command(db, settings):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    printed = out.getvalue().split("Second factor")[1]
    secrets_by_user = dict(re.findall(r"^\s+(\S+)\s+((?:[A-Z2-7]{4} ?)+)$", printed, re.M))
    assert set(secrets_by_user) == {
        "lanhdao.hn",
        "nhanthan.hn",
        "kiemtoan.hn",
        "quantri.hn",
        "lanhdao.tw",
    }
    device = TOTPDevice.objects.get(user__username="lanhdao.hn")
    assert secrets_by_user["lanhdao.hn"].strip() == factors.totp_secret(device)
    assert not TOTPDevice.objects.filter(user__username="kiemtra.hn").exists()

    code = StringIO()
    call_command("demo_otp_code", "lanhdao.hn", stdout=code, stderr=StringIO())
    assert device.verify_token(code.getvalue().strip())

    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("demo_otp_code", "lanhdao.hn")


def test_the_admin_site_cannot_read_or_delete_a_factor():
    assert not admin.site.is_registered(TOTPDevice)
    assert not admin.site.is_registered(StaticDevice)
