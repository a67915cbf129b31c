"""Resetting a lost second factor (registry/factor_reset.py): one administrator asks, a
second one decides; nobody decides their own request or a reset of their own account.

Personas: quan and quynh administer Hà Nội (unit 01), tung the national body; hoa
administers Hồ Chí Minh City (79). alice (Hà Nội) lost her phone.
"""

from importlib import import_module

import pytest
from django.apps import apps
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry import factor_reset, factors
from registry.errors import (
    Conflict,
    InvalidInput,
    InvalidTransition,
    NotFound,
    PermissionDenied,
)
from registry.home import queues_for
from registry.models import AuditEntry, FactorReset, Notification, PasskeyDevice, Role
from registry.second_factor import SECURITY_PATH, pending_step
from registry.services import api_token_create
from tests.factories import UserFactory, unit
from tests.registry.soft_authenticator import passkey_for
from tests.second_factor import UnverifiedClient, totp_device

pytestmark = pytest.mark.django_db


def admin(username, code="01"):
    return UserFactory(username=username, unit=unit(code), roles=[Role.ADMIN], is_staff=True)


@pytest.fixture
def quan(roles):
    return admin("quan")


@pytest.fixture
def quynh(roles):
    return admin("quynh")


@pytest.fixture
def tung(roles):
    return admin("tung", "TW")


@pytest.fixture
def hoa(roles):
    return admin("hoa", "79")


@pytest.fixture
def lost(alice):
    """alice with every kind of factor: the app, recovery codes and a passkey."""
    totp_device(alice)
    factors.recovery_codes_generate(user=alice)
    passkey_for(alice)
    return alice


def factor_rows(user) -> int:
    return sum(
        model.objects.filter(user=user).count()
        for model in (TOTPDevice, StaticDevice, PasskeyDevice)
    )


def ask(by, user, reason="Mất điện thoại ngày 02/12; đã gặp trực tiếp.") -> FactorReset:
    return factor_reset.factor_reset_request(by=by, username=user.username, reason=reason)


# The rules


def test_a_second_administrator_approves_and_every_factor_goes(quan, quynh, tung, hoa, lost):
    assert factor_rows(lost) == 3
    reset = ask(quan, lost)
    assert reset.status == FactorReset.Status.PENDING and reset.unit == unit("01")
    # The other administrators who may decide are told; not the requester, nor another unit's.
    told = set(
        Notification.objects.filter(subject__contains="chờ phê duyệt").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"quynh", "tung"}
    # The account holder is told of the request, and can object.
    assert Notification.objects.filter(recipient=lost, subject__contains="đề nghị").exists()

    factor_reset.factor_reset_approve(by=quynh, reset=reset)
    reset.refresh_from_db()
    assert reset.status == FactorReset.Status.APPROVED and reset.decided_by == quynh
    assert factor_rows(lost) == 0
    # At the next sign-in a required role enrols again; alice's role requires none, so
    # she signs in with the password until she adds one.
    assert pending_step(lost) is None
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"factor_reset.requested", "factor_reset.approved", "second_factor.reset"} <= actions
    assert Notification.objects.filter(recipient=quan, subject__contains="Đã đặt lại").exists()
    assert Notification.objects.filter(recipient=lost, subject__contains="đã được đặt lại").exists()


def test_a_required_user_enrols_again_after_the_reset(client_for, quan, quynh, bob):
    open_session = client_for(bob)  # verified with bob's app
    assert open_session.get("/units/").status_code == 200
    reset = ask(quan, bob)
    factor_reset.factor_reset_approve(by=quynh, reset=reset)
    # The session verified with a removed device is verified no more.
    response = open_session.get("/units/")
    assert response.status_code == 302 and response["Location"].startswith(SECURITY_PATH)
    client = UnverifiedClient()
    client.force_login(bob)
    assert pending_step(bob) == SECURITY_PATH
    response = client.get("/units/")
    assert response.status_code == 302 and response["Location"].startswith(SECURITY_PATH)


def test_nobody_approves_their_own_request(quan, lost):
    reset = ask(quan, lost)
    with pytest.raises(PermissionDenied) as refused:
        factor_reset.factor_reset_approve(by=quan, reset=reset)
    assert refused.value.code == "own_request"
    with pytest.raises(PermissionDenied):
        factor_reset.factor_reset_refuse(by=quan, reset=reset, reason="Nhầm")
    assert factor_rows(lost) == 3


def test_nobody_decides_a_reset_of_their_own_account(quan, quynh, tung):
    totp_device(quynh)
    reset = ask(quan, quynh)
    with pytest.raises(PermissionDenied) as refused:
        factor_reset.factor_reset_approve(by=quynh, reset=reset)
    assert refused.value.code == "own_account"
    assert TOTPDevice.objects.filter(user=quynh).exists()
    # quynh is not asked to decide; the national administrator is.
    factor_reset.factor_reset_approve(by=tung, reset=reset)
    assert not TOTPDevice.objects.filter(user=quynh).exists()


def test_nobody_asks_for_their_own_account(quan):
    totp_device(quan)
    with pytest.raises(InvalidInput) as refused:
        ask(quan, quan)
    assert refused.value.code == "own_account"


def test_another_units_administrator_neither_asks_nor_decides(quan, hoa, lost):
    with pytest.raises(InvalidInput) as refused:
        ask(hoa, lost)
    assert refused.value.code == "unknown_account"
    reset = ask(quan, lost)
    assert not factor_reset.factor_reset_list(user=hoa).exists()
    assert factor_reset.factor_reset_list(user=quan).get() == reset


def test_another_units_administrator_cannot_approve_through_the_service(quan, hoa, lost):
    # The service checks the scope itself, not only the page that finds the request.
    reset = ask(quan, lost)
    with pytest.raises(NotFound):
        factor_reset.factor_reset_approve(by=hoa, reset=reset)
    assert factor_rows(lost) == 3


def test_approval_revokes_the_holders_api_tokens(quan, quynh, lost, bob):
    record, _token = api_token_create(user=lost, name="Máy tính bảng")
    other, _ = api_token_create(user=bob, name="Máy tính bảng")
    factor_reset.factor_reset_approve(by=quynh, reset=ask(quan, lost))
    record.refresh_from_db()
    other.refresh_from_db()
    assert record.revoked_at is not None
    assert other.revoked_at is None
    entry = AuditEntry.objects.get(action="factor_reset.approved")
    assert entry.changes["tokens_revoked"] == 1


def test_an_unconfirmed_app_is_not_a_factor_to_reset(quan, ivan):
    TOTPDevice.objects.create(user=ivan, name="Điện thoại", confirmed=False)
    with pytest.raises(Conflict) as refused:
        ask(quan, ivan)
    assert refused.value.code == "no_factor"


def test_only_administrators_ask(alice, bob, lost):
    with pytest.raises(PermissionDenied):
        ask(bob, lost)


def test_one_open_request_per_account_and_none_without_factors(quan, quynh, lost, ivan):
    ask(quan, lost)
    with pytest.raises(Conflict) as refused:
        ask(quynh, lost)
    assert refused.value.code == "reset_pending"
    with pytest.raises(Conflict) as refused:
        ask(quan, ivan)
    assert refused.value.code == "no_factor"


def test_a_refusal_keeps_the_factors_and_tells_the_requester(quan, quynh, lost):
    reset = ask(quan, lost)
    with pytest.raises(InvalidInput):
        factor_reset.factor_reset_refuse(by=quynh, reset=reset, reason="  ")
    factor_reset.factor_reset_refuse(
        by=quynh, reset=reset, reason="Chưa xác minh được người đề nghị"
    )
    reset.refresh_from_db()
    assert reset.status == FactorReset.Status.REFUSED
    assert reset.refusal_reason == "Chưa xác minh được người đề nghị"
    assert factor_rows(lost) == 3
    assert Notification.objects.filter(recipient=quan, subject__contains="bị từ chối").exists()
    assert AuditEntry.objects.filter(action="factor_reset.refused").exists()
    # Decided once: a second decision is refused.
    with pytest.raises(InvalidTransition):
        factor_reset.factor_reset_approve(by=quynh, reset=reset)
    assert factor_rows(lost) == 3


def test_the_admin_home_counts_the_requests_waiting_for_them(client_for, quan, quynh, lost):
    ask(quan, lost)
    mine = {q.label: q.count for q in queues_for(Role.ADMIN, quan)}
    theirs = {q.label: q for q in queues_for(Role.ADMIN, quynh)}
    label = "Đề nghị đặt lại yếu tố xác thực chờ bạn quyết định"
    assert mine[label] == 0
    assert theirs[label].count == 1
    assert theirs[label].url == "/staff/factor-resets/?waiting=1"
    # The count is the length of the list it opens.
    listed = client_for(quynh).get(theirs[label].url).context["page"].paginator.count
    assert listed == 1
    assert client_for(quan).get(theirs[label].url).context["page"].paginator.count == 0


# The pages


def test_the_pages_ask_approve_and_show_the_new_state(client_for, quan, quynh, lost):
    asking = client_for(quan)
    assert asking.get("/staff/factor-resets/").status_code == 200
    empty = asking.post("/staff/factor-resets/", {"username": lost.username, "reason": ""})
    assert empty.status_code == 400
    response = asking.post(
        "/staff/factor-resets/", {"username": lost.username, "reason": "Mất điện thoại"}
    )
    assert response.status_code == 302
    reset = FactorReset.objects.get()
    page = asking.get(response["Location"]).content.decode()
    assert "Đã gửi đề nghị" in page
    assert "không thể tự quyết định" in page
    assert f"/staff/factor-resets/{reset.pk}/approve/" not in page
    assert (
        asking.post(f"/staff/factor-resets/{reset.pk}/approve/", {"confirm": "on"}).status_code
        == 403
    )

    deciding = client_for(quynh)
    waiting = deciding.get("/staff/factor-resets/?waiting=1").content.decode()
    assert f"/staff/factor-resets/{reset.pk}/" in waiting
    detail = deciding.get(f"/staff/factor-resets/{reset.pk}/").content.decode()
    assert f"/staff/factor-resets/{reset.pk}/approve/" in detail
    unconfirmed = deciding.post(f"/staff/factor-resets/{reset.pk}/approve/", {})
    assert unconfirmed.status_code == 400
    assert factor_rows(lost) == 3
    response = deciding.post(f"/staff/factor-resets/{reset.pk}/approve/", {"confirm": "on"})
    assert response.status_code == 302
    shown = deciding.get(response["Location"]).content.decode()
    assert "Đã đặt lại: mọi yếu tố xác thực" in shown  # the confirmation
    assert "Mọi yếu tố xác thực của tài khoản đã bị gỡ" in shown  # the new state
    assert factor_rows(lost) == 0
    again = deciding.post(f"/staff/factor-resets/{reset.pk}/approve/", {"confirm": "on"})
    assert again.status_code == 409


def test_a_refusal_from_the_page(client_for, quan, quynh, lost):
    reset = ask(quan, lost)
    client = client_for(quynh)
    url = f"/staff/factor-resets/{reset.pk}/refuse/"
    assert client.post(url, {"reason": ""}).status_code == 400
    response = client.post(url, {"reason": "Không liên lạc được với người này"})
    assert response.status_code == 302
    assert "Không liên lạc được" in client.get(response["Location"]).content.decode()


def test_an_unknown_account_is_an_error_on_its_field(client_for, quan):
    response = client_for(quan).post(
        "/staff/factor-resets/", {"username": "khong-co", "reason": "Mất điện thoại"}
    )
    assert response.status_code == 400
    assert "Không có tài khoản cán bộ nào tên này" in response.content.decode()


def test_other_staff_and_other_units_are_kept_out(client_for, quan, hoa, bob, lost):
    reset = ask(quan, lost)
    for path in ("/staff/factor-resets/", f"/staff/factor-resets/{reset.pk}/"):
        assert client_for(bob).get(path).status_code == 403
    other = client_for(hoa)
    assert reset.target.username not in other.get("/staff/factor-resets/").content.decode()
    assert other.get(f"/staff/factor-resets/{reset.pk}/").status_code == 404
    assert (
        other.post(f"/staff/factor-resets/{reset.pk}/approve/", {"confirm": "on"}).status_code
        == 404
    )
    assert factor_rows(lost) == 3


def test_the_migration_revokes_tokens_issued_on_a_password_alone(alice, bob, quan):
    # registry 0010: the roles that need a second factor sign their tablets in again.
    migration = import_module("registry.migrations.0010_revoke_password_only_tokens")
    kept, _ = api_token_create(user=alice, name="Máy tính bảng")  # inspector, team lead
    supervisors, _ = api_token_create(user=bob, name="Máy tính bảng")
    admins, _ = api_token_create(user=quan, name="Máy tính bảng")
    migration.revoke(apps, None)
    for record in (kept, supervisors, admins):
        record.refresh_from_db()
    assert kept.revoked_at is None
    assert supervisors.revoked_at is not None and admins.revoked_at is not None
