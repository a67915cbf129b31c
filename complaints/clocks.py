"""The legal clocks of a report (docs/legal-clocks.md): acknowledge it, accept or refuse
it (a complaint's 10 days, a denunciation's 7 working days), notify the acceptance, and
settle it. The foundation counts and sweeps them (`registry.clocks`)."""

from django.db import models
from django.db.models import Subquery
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint
from registry import clocks
from registry.clock_rules import (
    DAYS,
    WORKING_DAYS,
    ClockKind,
    Rule,
    clock_changed,
    declare,
    declare_backfill,
)
from registry.models import LegalClock, Role, User


class ComplaintClock(models.TextChoices):
    ACKNOWLEDGE = "acknowledge", _("Xác nhận đã nhận phản ánh")
    ACCEPT_REPORT = "accept_report", _("Thụ lý hoặc từ chối phản ánh")
    ACCEPT_DENUNCIATION = "accept_denunciation", _("Thụ lý hoặc từ chối tố cáo")
    ACCEPTANCE_NOTICE = "acceptance_notice", _("Thông báo thụ lý cho người phản ánh")
    SETTLE = "settle", _("Giải quyết phản ánh, tố cáo")


# Which acceptance clock runs depends on the report's nature.
ACCEPT_CLOCK = {
    Complaint.Nature.REPORT: ComplaintClock.ACCEPT_REPORT,
    Complaint.Nature.DENUNCIATION: ComplaintClock.ACCEPT_DENUNCIATION,
}


def handler(clock: LegalClock) -> set:
    """The report's handler, or the unit's complaint officers while nobody handles it."""
    complaint = clock.case  # fetched once per clock, and kept on it for case_label
    if complaint.assigned_to is not None and complaint.assigned_to.is_active:
        return {complaint.assigned_to}
    return set(
        User.objects.filter(
            unit_id=clock.unit_id, groups__name=Role.COMPLAINT_OFFICER, is_active=True
        )
    )


def case_label(clock: LegalClock) -> str:
    return gettext("phản ánh %(number)s") % {"number": clock.case.tracking_number}


def link(clock: LegalClock) -> str:
    return f"/complaints/{clock.case_id}/"


RULES = {
    ComplaintClock.ACKNOWLEDGE: Rule(7, DAYS, _("tối đa 7 ngày, càng sớm càng tốt"), 2),
    ComplaintClock.ACCEPT_REPORT: Rule(10, DAYS, _("Luật Khiếu nại 2011, Điều 27"), 2),
    ComplaintClock.ACCEPT_DENUNCIATION: Rule(7, WORKING_DAYS, _("Luật Tố cáo 2018, Điều 24"), 2),
    ComplaintClock.ACCEPTANCE_NOTICE: Rule(5, WORKING_DAYS, _("Luật Tố cáo 2018, Điều 29"), 1),
    ComplaintClock.SETTLE: Rule(30, DAYS, _("Luật Tố cáo 2018, Điều 30"), 5, extensions=(30, 30)),
}

for position, (kind, label) in enumerate(ComplaintClock.choices, start=1):
    declare(
        ClockKind(
            kind=kind,
            label=label,
            rule=RULES[kind],
            position=position,
            responsible=handler,
            case_label=case_label,
            link=link,
        )
    )


def clock_start(kind: str, complaint: Complaint, **kwargs) -> LegalClock:
    return clocks.clock_start(
        kind=kind, subject_id=complaint.pk, unit=complaint.unit, case=complaint, **kwargs
    )


def intake_clocks_start(complaint: Complaint) -> list[LegalClock]:
    """From the day it is received: acknowledge it, and accept or refuse it (a report
    just filed, in the filing's transaction)."""
    return clocks.clocks_start_new(
        kinds=[ComplaintClock.ACKNOWLEDGE, ACCEPT_CLOCK[complaint.nature]],
        subject_id=complaint.pk,
        unit=complaint.unit,
        case=complaint,
        started_at=complaint.received_at,
    )


def clocks_stop(*, complaint: Complaint, at=None, cancel: bool = False) -> None:
    """The report ended (resolved, rejected) or left the queue (merged): every clock of
    it still running stops."""
    for kind in ComplaintClock.values:
        if cancel:
            clocks.clock_cancel(kind=kind, subject_id=complaint.pk, at=at)
        else:
            clocks.clock_stop(kind=kind, subject_id=complaint.pk, at=at)


def keep_nearest_deadline(sender, *, clock: LegalClock, **kwargs) -> None:
    """Keep the report's nearest running deadline on its row, for the triage queues
    (connected to `registry.clock_rules.clock_changed`)."""
    if clock.kind not in ComplaintClock.values:
        return
    nearest = LegalClock.objects.filter(
        case_type=clock.case_type_id, case_id=clock.case_id, state=LegalClock.State.RUNNING
    ).order_by("due_at")
    # One UPDATE with the nearest deadline as a subquery (NULL once none runs).
    Complaint.objects.filter(pk=clock.case_id).update(due_at=Subquery(nearest.values("due_at")[:1]))


clock_changed.connect(keep_nearest_deadline, dispatch_uid="complaints.due_at")


def backfill(start) -> None:
    """The clocks of reports open before clocks were kept as records."""
    waiting = Complaint.objects.filter(
        status__in=[Complaint.Status.RECEIVED, Complaint.Status.ACKNOWLEDGED]
    ).select_related("unit")
    for c in waiting.iterator():
        case = {"unit": c.unit, "case": c, "started_at": c.received_at}
        if c.status == Complaint.Status.RECEIVED:
            start(ComplaintClock.ACKNOWLEDGE, c.pk, **case)
        start(ACCEPT_CLOCK[c.nature], c.pk, **case)
    accepted = Complaint.objects.filter(
        status__in=[Complaint.Status.TRIAGED, Complaint.Status.UNDER_INSPECTION]
    ).select_related("unit")
    for c in accepted.iterator():
        event = c.events.filter(status_to=Complaint.Status.TRIAGED).first()
        at = event.at if event else c.received_at
        start(ComplaintClock.SETTLE, c.pk, unit=c.unit, case=c, started_at=at)


declare_backfill(backfill)
