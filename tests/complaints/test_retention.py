"""Retention: the clock is moved past the warning point and past the expiry; the sweep
warns the handler (notice, notification, banner on the case page), then removes the
item and leaves one audit entry per removal, the chain still verifying."""

from datetime import UTC, datetime, timedelta
from io import StringIO
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import TestCase

from complaints import services
from complaints.models import Complaint, ComplaintMessage, ComplaintPhoto, RetentionNotice
from complaints.retention import complaint_retention_hold
from complaints.retention_sweep import retention_sweep
from registry.audit import audit_verify
from registry.errors import InvalidInput, PermissionDenied
from registry.models import AuditEntry, Notification
from tests.complaints.helpers import file_complaint
from tests.test_settings import manage
from whistleblower import protection
from whistleblower.models import (
    DisclosureRequest,
    ProtectionFollowUp,
    ProtectionRequest,
    SealedIdentity,
    WrappedKey,
)

pytestmark = pytest.mark.django_db
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
IDENTITY = {"full_name": "Trần Thị Bình", "phone": "0912 345 678", "email": "binh@example.vn"}
DESCRIPTION = "Tôi mua chai nước mắm ở chợ, về nhà thấy mùi lạ và nhãn không có hạn dùng."
CLOSED_AT = datetime(2027, 3, 1, 10, 0, tzinfo=HANOI)
W = timedelta(hours=72)
MINUTE = timedelta(minutes=1)
What, State = RetentionNotice.What, RetentionNotice.State


def on(moment: datetime):
    # In UTC, as timezone.now() gives it: the audit chain hashes the time as written.
    return mock.patch("django.utils.timezone.now", return_value=moment.astimezone(UTC))


def sweep(moment: datetime):
    # Files are deleted after the removal commits: run what waits for the commit.
    with on(moment), TestCase.captureOnCommitCallbacks(execute=True):
        return retention_sweep()


@pytest.fixture
def periods(settings):
    """Short periods, so each kind has its own moment: identity 30 days after closing,
    photos 60, the report 90."""
    settings.RETENTION_IDENTITY_DAYS = 30
    settings.RETENTION_CITIZEN_PHOTOS_DAYS = 60
    settings.RETENTION_CLOSED_REPORT_DAYS = 90
    settings.RETENTION_WARNING_HOURS = 72
    return settings


def expiry(days: int) -> datetime:
    return CLOSED_AT + timedelta(days=days)


@pytest.fixture
def closed(olga, bob, django_capture_on_commit_callbacks):
    """A report with a photo and an identity, handled by olga, settled on CLOSED_AT."""
    with on(CLOSED_AT - timedelta(days=20)), django_capture_on_commit_callbacks(execute=True):
        filed = file_complaint(photos=1, identity=IDENTITY, description=DESCRIPTION)
    complaint = filed.complaint
    services.complaint_assign(by=bob, complaint=complaint, officer=olga)
    with on(CLOSED_AT - timedelta(days=10)):
        services.complaint_transition(by=olga, complaint=complaint, to="acknowledged")
        services.complaint_transition(by=olga, complaint=complaint, to="triaged")
        services.complaint_message_send(
            by=olga, complaint=complaint, body="Xin chị cho biết ngày mua.", internal=False
        )
        services.reporter_reply(complaint=complaint, body="Tôi mua hôm 12/02, ở sạp số 4.")
    with on(CLOSED_AT):
        services.complaint_transition(
            by=olga, complaint=complaint, to="resolved", public_note="Đã kiểm tra, xử phạt."
        )
    complaint.refresh_from_db()
    assert complaint.closed_at == CLOSED_AT
    assert ComplaintPhoto.objects.get(complaint=complaint).state == ComplaintPhoto.State.READY
    assert SealedIdentity.objects.filter(complaint=complaint).exists()
    complaint.receipt = filed.receipt
    return complaint


def notices(complaint, what=None):
    qs = RetentionNotice.objects.filter(complaint=complaint)
    return qs.filter(what=what) if what else qs


def reminders(user, complaint):
    return Notification.objects.filter(recipient=user, link=f"/complaints/{complaint.pk}/")


def audit(complaint, action):
    return AuditEntry.objects.filter(action=action, target_id=str(complaint.pk))


def page(client_for, user, complaint) -> str:
    response = client_for(user).get(f"/complaints/{complaint.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_warning_then_purge_then_audit_entry_for_the_identity(periods, closed, olga, client_for):
    sealed = SealedIdentity.objects.get(complaint=closed)
    warn_at = expiry(30) - W

    sweep(warn_at - MINUTE)  # before the warning point: nothing
    assert not notices(closed).exists()
    assert not reminders(olga, closed).exists()

    sweep(warn_at + MINUTE)  # past the warning point
    notice = notices(closed, What.IDENTITY).get()
    assert notice.state == State.WARNED
    assert notice.expires_at == expiry(30)
    assert notice.purge_after == warn_at + MINUTE + W  # never sooner than 72 h after it
    reminder = reminders(olga, closed).get()
    assert closed.tracking_number in reminder.subject
    assert "31/03/2027 10:01" in reminder.subject
    with on(warn_at + 2 * MINUTE):
        html = page(client_for, olga, closed)
    assert "Sắp hết thời hạn lưu trữ" in html
    assert "Thông tin nhân thân người phản ánh (nếu có)" in html
    assert "sẽ bị xóa từ 31/03/2027 10:01" in html
    assert SealedIdentity.objects.filter(complaint=closed).exists()

    sweep(expiry(30))  # the period ends, but the warning is not 72 hours old yet
    assert SealedIdentity.objects.filter(complaint=closed).exists()

    sweep(expiry(30) + 2 * MINUTE)  # past the expiry and the warning period
    assert not SealedIdentity.objects.filter(complaint=closed).exists()
    assert not WrappedKey.objects.filter(identity_id=sealed.pk).exists()
    notice.refresh_from_db()
    assert notice.state == State.PURGED
    entry = audit(closed, "retention.purge_identity").get()
    assert entry.actor is None and entry.unit_id == closed.unit_id
    assert "Trần Thị Bình" not in str(entry.changes) and "0912" not in str(entry.changes)
    assert audit_verify().ok
    call_command("audit_verify", stdout=StringIO())
    # The photos and the report wait for their own periods.
    assert ComplaintPhoto.objects.filter(complaint=closed).exists()
    closed.refresh_from_db()
    assert closed.description == DESCRIPTION
    with on(expiry(30) + timedelta(hours=1)):
        assert "Thông tin nhân thân người phản ánh (nếu có)" not in page(client_for, olga, closed)


def test_purged_photos_are_gone_from_storage(periods, closed, olga):
    photo = ComplaintPhoto.objects.get(complaint=closed)
    files = [photo.display.name, photo.thumb.name]
    assert all(default_storage.exists(name) for name in files)

    sweep(expiry(60) - W - MINUTE)
    assert not notices(closed, What.PHOTOS).exists()
    sweep(expiry(60) - W + MINUTE)
    assert notices(closed, What.PHOTOS).get().state == State.WARNED
    assert all(default_storage.exists(name) for name in files)

    sweep(expiry(60) + MINUTE)
    assert not ComplaintPhoto.objects.filter(complaint=closed).exists()
    assert not any(default_storage.exists(name) for name in files)
    entry = audit(closed, "retention.purge_photos").get()
    assert entry.changes["photos"] == 1
    assert audit_verify().ok


def test_the_report_is_anonymised_and_its_figures_kept(periods, closed, olga, client_for):
    before = Complaint.objects.get(pk=closed.pk)
    sweep(expiry(90) - W + MINUTE)
    assert notices(closed, What.REPORT).get().state == State.WARNED
    closed.refresh_from_db()
    assert closed.description == DESCRIPTION and closed.anonymised_at is None

    sweep(expiry(90) + MINUTE)
    report = Complaint.objects.get(pk=closed.pk)
    assert report.anonymised_at == expiry(90) + MINUTE
    assert report.description == "" and report.product_batch == ""
    assert report.purchase_date is None
    assert set(
        ComplaintMessage.objects.filter(complaint=report).values_list("body", flat=True)
    ) == {""}
    # The description was searchable ("hạn dùng" folded), and is no more.
    assert "han dung" in before.search_text
    assert "han dung" not in report.search_text
    assert report.search_text  # what is kept (product, seller) still is
    # What the figures and the operator's history need is kept.
    for field in (
        "tracking_number",
        "unit_id",
        "kind",
        "nature",
        "channel",
        "status",
        "received_at",
        "closed_at",
        "outcome",
        "product_name",
        "product_category_id",
        "seller_name",
        "seller_province_id",
        "assigned_to_id",
    ):
        assert getattr(report, field) == getattr(before, field), field
    assert report.messages.count() == 2
    # Whatever was left of it went too, and the receipt opens nothing any more.
    assert not ComplaintPhoto.objects.filter(complaint=report).exists()
    assert not SealedIdentity.objects.filter(complaint=report).exists()
    with pytest.raises(services.ReceiptNotFound):
        services.complaint_by_receipt(receipt=closed.receipt, network_key="n")
    entry = audit(closed, "retention.anonymise_report").get()
    assert DESCRIPTION not in str(entry.changes)
    assert "description" in entry.changes["cleared"]
    assert audit_verify().ok
    with on(expiry(90) + timedelta(hours=1)):
        html = page(client_for, olga, report)
    assert "đã được xóa theo thời hạn lưu trữ" in html
    assert DESCRIPTION not in html


def test_the_protection_requests_lose_their_texts_with_the_report(periods, closed, cora):
    fear = "Chủ sạp số 4 biết tôi là người phản ánh và dọa đánh."
    told = ("Công an phường Hàng Bạc", "Tuần tra quanh nhà người phản ánh.", "Đã ổn định.")
    asked = CLOSED_AT + timedelta(days=1)
    with on(asked):
        granted = protection.protection_request_file(
            complaint=closed, kinds=["life"], fear=fear, network_key="n"
        )
        protection.protection_decide(
            by=cora, request_id=granted.pk, grant=True, measures=told[1], authority=told[0]
        )
        protection.protection_follow_up(
            by=cora, request_id=granted.pk, on=asked.date(), text=told[2], tell_reporter=True
        )
        protection.protection_close(by=cora, request_id=granted.pk, note=told[2])
        refused = protection.protection_request_file(
            complaint=closed, kinds=["job"], fear=fear, network_key="n"
        )
        protection.protection_decide(by=cora, request_id=refused.pk, grant=False, reason=told[1])

    sweep(expiry(90) - W + MINUTE)
    assert ProtectionRequest.objects.filter(fear=fear).count() == 2
    sweep(expiry(90) + MINUTE)
    for request in ProtectionRequest.objects.filter(complaint=closed):
        texts = (request.fear, request.measures, request.authority, request.refusal_reason)
        assert texts == ("", "", "", "") and request.closing_note == ""
        assert request.kinds and request.status in ("closed", "refused")  # kept
    assert list(ProtectionFollowUp.objects.values_list("text", flat=True)) == [""]
    entry = audit(closed, "retention.anonymise_report").get()
    assert "protection" not in str(entry.changes)
    assert audit_verify().ok


def test_running_the_sweep_twice_does_nothing_more(periods, closed, olga):
    moment = expiry(30) - W + MINUTE
    first, second = sweep(moment), sweep(moment)
    assert first.warned == 1 and second.warned == 0
    assert notices(closed).count() == 1
    assert reminders(olga, closed).count() == 1

    later = expiry(30) + 2 * MINUTE
    first, second = sweep(later), sweep(later)
    assert first.purged == 1 and second.purged == 0
    assert audit(closed, "retention.purge_identity").count() == 1
    assert reminders(olga, closed).count() == 1
    assert audit_verify().ok


def test_a_sweep_that_missed_the_warning_warns_now_and_purges_72_hours_later(periods, closed, olga):
    back = expiry(30) + timedelta(days=10)  # the job was down past the expiry
    sweep(back)
    notice = notices(closed, What.IDENTITY).get()
    assert notice.state == State.WARNED
    assert notice.purge_after == back + W
    assert reminders(olga, closed).count() == 1
    assert SealedIdentity.objects.filter(complaint=closed).exists()

    sweep(back + W - MINUTE)
    assert SealedIdentity.objects.filter(complaint=closed).exists()
    sweep(back + W)
    assert not SealedIdentity.objects.filter(complaint=closed).exists()
    assert audit(closed, "retention.purge_identity").count() == 1


def test_a_held_report_is_skipped_and_the_warning_says_so(periods, closed, olga, bob, client_for):
    with on(expiry(30) - timedelta(days=5)):
        complaint_retention_hold(
            by=bob, complaint=closed, hold=True, reason="Người bị tố cáo đang khởi kiện."
        )
    sweep(expiry(30) - W + MINUTE)
    notice = notices(closed, What.IDENTITY).get()
    assert notice.state == State.BLOCKED
    assert notice.blocked_reason == RetentionNotice.Block.HOLD
    with on(expiry(30) - W + 2 * MINUTE):
        html = page(client_for, olga, closed)
    assert "chưa bị xóa: lãnh đạo đang giữ hồ sơ" in html

    sweep(expiry(90) + timedelta(days=1))  # long past every period
    assert SealedIdentity.objects.filter(complaint=closed).exists()
    assert ComplaintPhoto.objects.filter(complaint=closed).exists()
    assert Complaint.objects.get(pk=closed.pk).description == DESCRIPTION
    assert not AuditEntry.objects.filter(action__startswith="retention.purge").exists()

    # Let go: the handler is warned again, and nothing goes before 72 hours more.
    released = expiry(90) + timedelta(days=2)
    with on(released):
        complaint_retention_hold(by=bob, complaint=closed, hold=False)
    sweep(released + MINUTE)
    assert notices(closed, What.IDENTITY).get().state == State.WARNED
    assert reminders(olga, closed).count() >= 1
    assert SealedIdentity.objects.filter(complaint=closed).exists()
    sweep(released + W)
    assert SealedIdentity.objects.filter(complaint=closed).exists()
    sweep(released + MINUTE + W)
    assert not SealedIdentity.objects.filter(complaint=closed).exists()
    assert Complaint.objects.get(pk=closed.pk).anonymised_at is not None
    assert audit_verify().ok


def test_a_hold_after_the_warning_stops_the_purge(periods, closed, bob):
    sweep(expiry(30) - W + MINUTE)
    with on(expiry(30) - timedelta(hours=1)):
        complaint_retention_hold(
            by=bob, complaint=closed, hold=True, reason="Thanh tra tỉnh yêu cầu giữ hồ sơ."
        )
    assert notices(closed, What.IDENTITY).get().state == State.BLOCKED
    sweep(expiry(30) + timedelta(hours=1))
    assert SealedIdentity.objects.filter(complaint=closed).exists()


def test_only_a_supervisor_of_the_unit_holds_and_with_a_reason(periods, closed, olga, bob, roles):
    from registry.models import Role
    from tests.factories import UserFactory, unit

    with pytest.raises(PermissionDenied):
        complaint_retention_hold(by=olga, complaint=closed, hold=True, reason="Cần giữ lại hồ sơ.")
    other = UserFactory(username="sam", unit=unit("79"), roles=[Role.SUPERVISOR])
    with pytest.raises(PermissionDenied):
        complaint_retention_hold(by=other, complaint=closed, hold=True, reason="Cần giữ lại hồ sơ.")
    with pytest.raises(InvalidInput):
        complaint_retention_hold(by=bob, complaint=closed, hold=True, reason="vì")
    assert not Complaint.objects.get(pk=closed.pk).retention_hold
    assert not audit(closed, "retention.hold").exists()


def test_a_report_of_an_open_inspection_waits(periods, closed, alice, bob):
    from tests.inspections.helpers import decided_inspection

    inspection = decided_inspection(supervisor=bob, lead=alice)
    inspection.complaints.add(closed)
    sweep(expiry(30) - W + MINUTE)
    notice = notices(closed, What.IDENTITY).get()
    assert notice.blocked_reason == RetentionNotice.Block.INSPECTION_OPEN
    sweep(expiry(30) + timedelta(days=1))
    assert SealedIdentity.objects.filter(complaint=closed).exists()

    inspection.status = inspection.Status.CLOSED
    inspection.save(update_fields=["status"])
    moment = expiry(30) + timedelta(days=3)  # looked at again after a day
    sweep(moment)
    assert notices(closed, What.IDENTITY).get().state == State.WARNED
    sweep(moment + W)
    assert not SealedIdentity.objects.filter(complaint=closed).exists()


def test_a_merged_report_waits_for_the_case_it_joined(periods, olga):
    with on(CLOSED_AT - timedelta(days=5)):
        main = file_complaint().complaint
        merged = file_complaint(identity=IDENTITY).complaint
        services.complaint_merge(by=olga, complaints=[merged], into=main)
    merged.refresh_from_db()
    assert merged.closed_at is not None

    sweep(merged.closed_at + timedelta(days=200))  # the case it joined is still open
    assert not notices(merged).exists()
    assert SealedIdentity.objects.filter(complaint=merged).exists()

    main_closed = CLOSED_AT + timedelta(days=200)
    with on(main_closed):
        services.complaint_transition(
            by=olga, complaint=main, to="rejected", public_note="Không đủ căn cứ."
        )
    sweep(main_closed + timedelta(days=30) - W - MINUTE)
    assert not notices(merged).exists()
    sweep(main_closed + timedelta(days=30) - W + MINUTE)
    assert notices(merged, What.IDENTITY).get().expires_at == main_closed + timedelta(days=30)
    sweep(main_closed + timedelta(days=30) + MINUTE)
    assert not SealedIdentity.objects.filter(complaint=merged).exists()


def test_open_grants_end_and_pending_requests_close_with_the_identity(periods, closed, olga, cora):
    grant = DisclosureRequest.objects.create(
        complaint=closed,
        requested_by=olga,
        reason="Cần xác minh thêm",
        status=DisclosureRequest.Status.APPROVED,
        decided_by=cora,
        expires_at=expiry(30) + timedelta(days=10),
    )
    pending = DisclosureRequest.objects.create(
        complaint=closed, requested_by=olga, reason="Đề nghị xem lại danh tính"
    )
    sweep(expiry(30) - W + MINUTE)
    sweep(expiry(30) + 2 * MINUTE)
    grant.refresh_from_db()
    pending.refresh_from_db()
    assert grant.expires_at == expiry(30) + 2 * MINUTE
    assert pending.status == DisclosureRequest.Status.DENIED


def test_the_default_periods(settings, closed, olga):
    assert settings.RETENTION_IDENTITY_DAYS == 1826  # 5 years
    assert settings.RETENTION_CLOSED_REPORT_DAYS == 5479  # 15 years
    assert settings.RETENTION_CITIZEN_PHOTOS_DAYS == settings.RETENTION_CLOSED_REPORT_DAYS
    five_years = CLOSED_AT + timedelta(days=1826)
    sweep(five_years - W - MINUTE)
    assert not notices(closed).exists()
    sweep(five_years - W + MINUTE)
    assert list(notices(closed).values_list("what", flat=True)) == [What.IDENTITY]


def test_supervisors_list_their_units_notices(
    periods, closed, bob, charlie, client_for, django_assert_max_num_queries
):
    sweep(expiry(30) - W + MINUTE)
    for _ in range(3):
        other = file_complaint().complaint
        Complaint.objects.filter(pk=other.pk).update(status="rejected", closed_at=CLOSED_AT)
    sweep(expiry(30) - W + MINUTE)
    with on(expiry(30) - W + 2 * MINUTE):
        bobs = client_for(bob)  # signed in at that time, or the session has expired
        with django_assert_max_num_queries(8):
            mine = bobs.get("/complaints/retention/")
    with on(expiry(30) - W + 2 * MINUTE):
        theirs = client_for(charlie).get("/complaints/retention/")
    assert mine.status_code == theirs.status_code == 200
    assert closed.tracking_number in mine.content.decode()
    assert "31/03/2027 10:01" in mine.content.decode()
    assert closed.tracking_number not in theirs.content.decode()
    # They were told once that their unit has reports about to lose content.
    assert Notification.objects.filter(recipient=bob, link="/complaints/retention/").count() == 1


def hold_via_page(client, complaint, reason="Đang có đơn khiếu nại lần hai."):
    return client.post(
        f"/complaints/{complaint.pk}/retention-hold/", {"hold": "1", "hold_reason": reason}
    )


def test_the_supervisor_holds_from_the_case_page(periods, closed, bob, client_for):
    client = client_for(bob)
    assert hold_via_page(client, closed).status_code == 302
    closed.refresh_from_db()
    assert closed.retention_hold and closed.retention_hold_by == bob
    entry = audit(closed, "retention.hold").get()
    assert entry.actor == bob and entry.changes == {"reason": "Đang có đơn khiếu nại lần hai."}
    assert (
        "Đang có đơn khiếu nại lần hai." in client.get(f"/complaints/{closed.pk}/").content.decode()
    )
    response = client.post(f"/complaints/{closed.pk}/retention-hold/", {"hold": "0"})
    assert response.status_code == 302
    assert not Complaint.objects.get(pk=closed.pk).retention_hold
    assert audit(closed, "retention.release").count() == 1


def test_the_hold_page_refuses_an_officer_and_another_unit(
    periods, closed, olga, charlie, client_for
):
    from django.contrib.auth.models import Group

    from registry.models import Role

    response = hold_via_page(client_for(olga), closed)  # she handles it, but cannot hold it
    assert response.status_code == 403
    # A supervisor, but of Hồ Chí Minh City: the report does not exist for him.
    charlie.groups.add(Group.objects.get(name=Role.SUPERVISOR))
    assert hold_via_page(client_for(charlie), closed).status_code == 404
    assert not Complaint.objects.get(pk=closed.pk).retention_hold
    assert not audit(closed, "retention.hold").exists()


def test_a_hold_without_a_reason_is_refused_on_the_page(periods, closed, bob, client_for):
    response = hold_via_page(client_for(bob), closed, reason="vì")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Hãy nêu căn cứ giữ hồ sơ" in html and ">vì</textarea>" in html  # kept in the form
    assert not Complaint.objects.get(pk=closed.pk).retention_hold


def test_the_command_counts_without_changing_anything(periods, closed):
    out = StringIO()
    with on(expiry(30) - W + MINUTE):
        call_command("retention_sweep", "--dry-run", stdout=out)
    assert "identity: 1 to warn" in out.getvalue()
    assert not notices(closed).exists()
    with on(expiry(30) - W + MINUTE):
        call_command("retention_sweep", stdout=StringIO())
    assert notices(closed).count() == 1


@pytest.mark.parametrize(
    "env_vars",
    [
        {"RETENTION_IDENTITY_DAYS": "0"},
        {"RETENTION_WARNING_HOURS": "240", "RETENTION_IDENTITY_DAYS": "10"},
        {"RETENTION_IDENTITY_DAYS": "9000"},  # longer than the report itself
    ],
)
def test_bad_retention_settings_stop_the_start(env_vars, tmp_path):
    result = manage("check", env_vars=env_vars, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "RETENTION_" in result.stderr


def test_a_report_without_an_identity_is_warned_and_audited_the_same(
    periods, closed, olga, client_for
):
    bare = file_complaint(description=DESCRIPTION).complaint
    assert not SealedIdentity.objects.filter(complaint=bare).exists()
    Complaint.objects.filter(pk=bare.pk).update(
        status="resolved", closed_at=CLOSED_AT, assigned_to=olga
    )
    sweep(expiry(30) - W + MINUTE)
    for report in (closed, bare):
        notice = notices(report, What.IDENTITY).get()
        assert (notice.state, notice.expires_at) == (State.WARNED, expiry(30))
        assert reminders(olga, report).count() == 1
    subjects = [
        reminders(olga, r).get().subject.replace(r.tracking_number, "N") for r in (closed, bare)
    ]
    assert subjects[0] == subjects[1]
    with on(expiry(30) - W + 2 * MINUTE):
        banners = [
            page(client_for, olga, r).split('id="retention-h"')[1].split("</div>")[0]
            for r in (closed, bare)
        ]
    assert banners[0] == banners[1]
    assert "Thông tin nhân thân người phản ánh (nếu có)" in banners[0]

    sweep(expiry(30) + 2 * MINUTE)
    entries = [audit(r, "retention.purge_identity").get() for r in (closed, bare)]

    def shape(entry):
        return {k: v for k, v in entry.changes.items() if k != "notice"}

    assert shape(entries[0]) == shape(entries[1])
    assert set(entries[0].changes) == {
        "notice",
        "expired_at",
        "warned_at",
        "grants_ended",
        "requests_closed",
    }
    assert audit_verify().ok


def photo_files(complaint) -> list[str]:
    photo = ComplaintPhoto.objects.get(complaint=complaint)
    names = [photo.display.name, photo.thumb.name, photo.quarantine_name]
    return [name for name in names if name]


def test_a_purge_that_rolls_back_keeps_rows_and_files_and_the_next_sweep_completes(periods, closed):
    files = photo_files(closed)
    assert len(files) == 2 and all(default_storage.exists(name) for name in files)
    sweep(expiry(30) - W + MINUTE)  # the identity goes first, on its own
    sweep(expiry(30) + 2 * MINUTE)
    sweep(expiry(60) - W + MINUTE)
    with mock.patch(
        "complaints.retention_sweep.audit_record", side_effect=RuntimeError("chain busy")
    ):
        result = sweep(expiry(60) + MINUTE)
    assert result.failed == 1 and result.purged == 0
    # Rolled back: the rows are there, their files too, and the notice still waits.
    assert ComplaintPhoto.objects.filter(complaint=closed).count() == 1
    assert all(default_storage.exists(name) for name in files)
    notice = notices(closed, What.PHOTOS).get()
    assert notice.state == State.WARNED and notice.pending_files is None
    assert not audit(closed, "retention.purge_photos").exists()

    result = sweep(expiry(60) + 2 * MINUTE)
    assert result.purged == 1 and result.failed == 0
    assert not ComplaintPhoto.objects.filter(complaint=closed).exists()
    assert not any(default_storage.exists(name) for name in files)
    assert audit(closed, "retention.purge_photos").count() == 1
    assert audit_verify().ok


def test_files_that_could_not_be_deleted_are_deleted_by_the_next_sweep(periods, closed):
    files = photo_files(closed)
    sweep(expiry(30) - W + MINUTE)  # the identity goes first, on its own
    sweep(expiry(30) + 2 * MINUTE)
    sweep(expiry(60) - W + MINUTE)
    storage = ComplaintPhoto._meta.get_field("display").storage
    with mock.patch.object(storage, "delete", side_effect=OSError("storage down")):
        result = sweep(expiry(60) + MINUTE)
    assert result.purged == 1
    assert not ComplaintPhoto.objects.filter(complaint=closed).exists()
    assert all(default_storage.exists(name) for name in files)  # not deleted, not forgotten
    notice = notices(closed, What.PHOTOS).get()
    assert notice.state == State.PURGED and sorted(notice.pending_files) == sorted(files)

    result = sweep(expiry(60) + timedelta(hours=1))
    assert result.failed == 0
    assert not any(default_storage.exists(name) for name in files)
    notice.refresh_from_db()
    assert notice.pending_files is None
    assert audit(closed, "retention.purge_photos").count() == 1


def test_a_photo_still_waiting_in_quarantine_loses_its_original(periods, olga):
    # Filed without running the photo task: the encrypted original waits in quarantine.
    complaint = file_complaint(photos=1, description=DESCRIPTION).complaint
    original = ComplaintPhoto.objects.get(complaint=complaint).quarantine_name
    assert original and default_storage.exists(original)
    Complaint.objects.filter(pk=complaint.pk).update(
        status="resolved", closed_at=CLOSED_AT, assigned_to=olga
    )
    sweep(expiry(60) - W + MINUTE)
    sweep(expiry(60) + MINUTE)
    assert not ComplaintPhoto.objects.filter(complaint=complaint).exists()
    assert not default_storage.exists(original)
    assert notices(complaint, What.PHOTOS).get().pending_files is None


def test_with_nobody_to_warn_nothing_is_armed_and_supervisors_are_the_fallback(
    periods, closed, olga, bob, nadia, client_for
):
    from registry.models import User

    User.objects.filter(pk=olga.pk).update(is_active=False)  # the handler, the only officer
    sweep(expiry(30) - W + MINUTE)
    assert notices(closed, What.IDENTITY).get().state == State.WARNED
    assert reminders(bob, closed).count() == 1  # the unit's supervisor, instead

    User.objects.filter(pk=bob.pk).update(is_active=False)  # and now nobody is left
    sweep(expiry(60) - W + MINUTE)
    notice = notices(closed, What.PHOTOS).get()
    assert notice.state == State.BLOCKED
    assert notice.blocked_reason == RetentionNotice.Block.NO_RECIPIENT
    sweep(expiry(60) + timedelta(days=5))
    assert ComplaintPhoto.objects.filter(complaint=closed).exists()
    # The national supervisors see why it waits.
    with on(expiry(60) + timedelta(days=5)):
        listed = client_for(nadia).get("/complaints/retention/?state=blocked").content.decode()
    assert closed.tracking_number in listed
    assert "Không có cán bộ nào của đơn vị để nhận cảnh báo" in listed

    User.objects.filter(pk=bob.pk).update(is_active=True)
    rearmed = expiry(60) + timedelta(days=6)
    sweep(rearmed)
    assert notices(closed, What.PHOTOS).get().state == State.WARNED
    assert reminders(bob, closed).count() == 2
    sweep(rearmed + W - MINUTE)
    assert ComplaintPhoto.objects.filter(complaint=closed).exists()
    sweep(rearmed + W)
    assert not ComplaintPhoto.objects.filter(complaint=closed).exists()
