"""Legal clocks on reports: counted on the working-day calendar (Tết 2027 is 04-10/02),
stopped by the acts they wait for, extended with a reason, swept once."""

from datetime import date, datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from complaints import selectors, services
from complaints.clocks import ComplaintClock as Kind
from complaints.models import Complaint
from registry.clocks import clock_for, clocks_sweep
from registry.errors import Conflict, InvalidInput
from registry.models import LegalClock, Notification
from tests.complaints.helpers import file_complaint

pytestmark = pytest.mark.django_db
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def at(*when) -> datetime:
    return datetime(*when, tzinfo=HANOI)


def on(moment: datetime):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def filed_on(moment: datetime, **kwargs) -> Complaint:
    with on(moment):
        return file_complaint(**kwargs).complaint


def clock(complaint, kind) -> LegalClock:
    return clock_for(kind=kind, subject_id=complaint.pk)


def move(complaint, by, to, note="", when=None):
    with on(when or at(2027, 2, 3, 9, 0)):
        return services.complaint_transition(by=by, complaint=complaint, to=to, public_note=note)


def test_a_report_filed_before_tet_is_acknowledged_and_accepted_after_it(olga):
    complaint = filed_on(at(2027, 2, 1, 10, 0))  # Monday 01/02/2027
    # 7 days end on Mon 08/02, inside Tết: the period runs to Thu 11/02.
    assert clock(complaint, Kind.ACKNOWLEDGE).due_on == date(2027, 2, 11)
    # 10 days end on Thu 11/02, the first working day after Tết.
    assert clock(complaint, Kind.ACCEPT_REPORT).due_on == date(2027, 2, 11)
    assert clock(complaint, Kind.ACCEPT_REPORT).due_at == at(2027, 2, 12, 0, 0)
    complaint.refresh_from_db()
    assert complaint.due_at == at(2027, 2, 12, 0, 0)


def test_a_denunciation_is_accepted_within_7_working_days_not_counting_tet(olga):
    complaint = filed_on(at(2027, 2, 1, 10, 0))
    services.complaint_set_nature(by=olga, complaint=complaint, nature="denunciation")
    # Working days after Mon 01/02: 02, 03, (Tết 04-10), 11, 12, 15, 16, 17.
    assert clock(complaint, Kind.ACCEPT_DENUNCIATION).due_on == date(2027, 2, 17)
    assert clock(complaint, Kind.ACCEPT_REPORT).state == LegalClock.State.CANCELLED
    # Back to a report: the 10-day clock runs again from the day it was received.
    services.complaint_set_nature(by=olga, complaint=complaint, nature="report")
    assert clock(complaint, Kind.ACCEPT_REPORT).state == LegalClock.State.RUNNING
    assert clock(complaint, Kind.ACCEPT_REPORT).due_on == date(2027, 2, 11)


def test_acceptance_starts_the_notice_and_settlement_clocks(olga):
    complaint = filed_on(at(2027, 2, 1, 10, 0))
    services.complaint_set_nature(by=olga, complaint=complaint, nature="denunciation")
    move(complaint, olga, "acknowledged", when=at(2027, 2, 2, 9, 0))
    assert clock(complaint, Kind.ACKNOWLEDGE).state == LegalClock.State.MET
    move(complaint, olga, "triaged", when=at(2027, 2, 3, 9, 0))
    assert clock(complaint, Kind.ACCEPT_DENUNCIATION).state == LegalClock.State.MET
    # 5 working days after Wed 03/02: 11, 12, 15, 16, 17/02.
    notice = clock(complaint, Kind.ACCEPTANCE_NOTICE)
    assert notice.is_running and notice.due_on == date(2027, 2, 17)
    # 30 days after 03/02/2027: Fri 05/03/2027.
    assert clock(complaint, Kind.SETTLE).due_on == date(2027, 3, 5)
    # An answer on the reporter's thread is the notice.
    with on(at(2027, 2, 18, 9, 0)):
        services.complaint_message_send(
            by=olga, complaint=complaint, body="Đơn vị đã thụ lý tố cáo.", internal=False
        )
    assert clock(complaint, Kind.ACCEPTANCE_NOTICE).state == LegalClock.State.LATE
    complaint.refresh_from_db()
    assert complaint.due_at == at(2027, 3, 6, 0, 0)  # now only the settlement runs


def test_an_internal_note_is_not_a_notice_and_a_public_note_at_triage_is(olga):
    first = filed_on(at(2027, 2, 1, 10, 0))
    move(first, olga, "acknowledged")
    move(first, olga, "triaged")
    services.complaint_message_send(by=olga, complaint=first, body="Ghi chú", internal=True)
    assert clock(first, Kind.ACCEPTANCE_NOTICE).is_running
    second = filed_on(at(2027, 2, 1, 10, 0))
    move(second, olga, "acknowledged")
    move(second, olga, "triaged", note="Đơn vị đã thụ lý phản ánh của bạn.")
    assert clock(second, Kind.ACCEPTANCE_NOTICE).state == LegalClock.State.MET


def test_the_settlement_is_extended_twice_with_reasons_told_to_the_reporter(olga):
    filed = None
    with on(at(2027, 2, 1, 10, 0)):
        filed = file_complaint()
    complaint = filed.complaint
    move(complaint, olga, "acknowledged")
    move(complaint, olga, "triaged")
    with pytest.raises(InvalidInput) as error:
        services.complaint_extend_settlement(by=olga, complaint=complaint, reason=" ")
    assert error.value.code == "required"
    first = services.complaint_extend_settlement(
        by=olga, complaint=complaint, reason="Vụ việc phức tạp, cần lấy mẫu thử nghiệm."
    )
    # 05/03 + 30 days = Sun 04/04/2027: the period runs to Mon 05/04.
    assert first.due_on == date(2027, 4, 5)
    second = services.complaint_extend_settlement(
        by=olga, complaint=complaint, reason="Vụ việc đặc biệt phức tạp."
    )
    assert second.due_on == date(2027, 5, 5)
    with pytest.raises(Conflict) as error:
        services.complaint_extend_settlement(by=olga, complaint=complaint, reason="Lần ba")
    assert error.value.code == "extensions_exhausted"
    assert [e.new_due_on for e in second.extension_log.all()] == [
        date(2027, 4, 5),
        date(2027, 5, 5),
    ]
    # The reporter reads each extension with its reason on their thread.
    public = selectors.public_view(complaint)
    bodies = [m["body"] for m in public["messages"]]
    assert (
        "Thời hạn giải quyết được gia hạn đến ngày 05/04/2027. Lý do: Vụ việc phức tạp, "
        "cần lấy mẫu thử nghiệm." in bodies
    )
    assert any("05/05/2027" in body for body in bodies)


def test_the_nature_is_fixed_once_accepted_and_an_outsider_cannot_change_it(olga, oscar):
    from registry.errors import PermissionDenied

    complaint = filed_on(at(2027, 2, 1, 10, 0))
    with pytest.raises(PermissionDenied):
        services.complaint_set_nature(by=oscar, complaint=complaint, nature="denunciation")
    with pytest.raises(InvalidInput):
        services.complaint_set_nature(by=olga, complaint=complaint, nature="rumour")
    move(complaint, olga, "acknowledged")
    move(complaint, olga, "triaged")
    with pytest.raises(Conflict) as error:
        services.complaint_set_nature(by=olga, complaint=complaint, nature="denunciation")
    assert error.value.code == "nature_locked"


def test_closing_a_report_stops_every_clock(olga):
    complaint = filed_on(at(2027, 2, 1, 10, 0))
    move(complaint, olga, "rejected", note="Không thuộc thẩm quyền.", when=at(2027, 2, 15, 9, 0))
    states = dict(LegalClock.objects.filter(complaint=complaint).values_list("kind", "state"))
    assert states == {"acknowledge": "late", "accept_report": "late"}
    complaint.refresh_from_db()
    assert complaint.due_at is None


def test_a_sweep_reminds_then_escalates_each_clock_once(olga, bob, alice):
    complaint = filed_on(at(2027, 2, 1, 10, 0))
    # Both clocks end on Thu 11/02; two working days before it, Tết aside, is Tue 02/02.
    assert clocks_sweep(now=at(2027, 2, 1, 23, 0)).notified == 0
    first = clocks_sweep(now=at(2027, 2, 2, 8, 0))
    assert (first.reminded, first.notified) == (2, 2)  # both clocks, to the unit's officer
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"olga"}
    again = clocks_sweep(now=at(2027, 2, 2, 8, 10))
    assert (again.reminded, again.notified) == (0, 0)
    subjects = sorted(Notification.objects.values_list("subject", flat=True))
    assert subjects == [
        f"Sắp đến hạn thụ lý hoặc từ chối phản ánh: phản ánh {complaint.tracking_number}, "
        "hạn 11/02/2027",
        f"Sắp đến hạn xác nhận đã nhận phản ánh: phản ánh {complaint.tracking_number}, "
        "hạn 11/02/2027",
    ]
    assert Notification.objects.first().link == f"/complaints/{complaint.pk}/"
    # Once given to an officer, the reminders go to them; escalation adds the supervisor.
    services.complaint_assign(by=olga, complaint=complaint, officer=bob)
    late = clocks_sweep(now=at(2027, 2, 12, 0, 1))
    assert (late.escalated, late.notified) == (2, 2)  # bob, handler and supervisor at once
    assert clocks_sweep(now=at(2027, 2, 12, 9, 0)).notified == 0
    escalated = Notification.objects.filter(subject__startswith="Quá hạn")
    assert set(escalated.values_list("recipient__username", flat=True)) == {"bob"}
    assert "alice" not in set(Notification.objects.values_list("recipient__username", flat=True))


def test_an_extension_arms_the_reminder_again(olga, bob):
    complaint = filed_on(at(2027, 2, 1, 10, 0))
    move(complaint, olga, "acknowledged")
    move(complaint, olga, "triaged", note="Đã thụ lý.")
    # Settlement due Fri 05/03; reminded from five working days before: Fri 26/02.
    assert clocks_sweep(now=at(2027, 2, 26, 9, 0)).reminded == 1
    services.complaint_extend_settlement(by=olga, complaint=complaint, reason="Phức tạp")
    assert clocks_sweep(now=at(2027, 3, 6, 9, 0)).escalated == 0  # no longer late
    # The new deadline (05/04) is reminded again from Mon 29/03.
    assert clocks_sweep(now=at(2027, 3, 29, 9, 0)).reminded == 1
    assert clocks_sweep(now=at(2027, 4, 6, 0, 1)).escalated == 1
