"""Legal clocks: when each starts, how it is counted, when it ends, and the sweep that
reminds before the deadline and escalates after it.

The periods (DESIGN.md, "Legal clocks"), counted on the working-day calendar
(`registry.workdays`): the day the event happens is not counted; a period of days that
ends on a day off runs to the next working day; a period in hours ends at its hour.

Services of the complaints and inspections apps call `clock_start`, `clock_stop`,
`clock_cancel`, `clock_set_variant` and `clock_extend` inside their own transaction,
after their own permission checks; the clocks are their bookkeeping, not a second
gate. `clocks_sweep` (Celery beat) claims each reminder and escalation with a
conditional UPDATE in the same transaction as its notifications, so a sweep that runs
twice, or two sweeps at once, send each one once.
"""

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import F, Min, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from registry import workdays
from registry.errors import Conflict, InvalidInput
from review.models import ClockExtension, LegalClock

logger = logging.getLogger(__name__)
Kind = LegalClock.Kind
State = LegalClock.State

DAYS, WORKING_DAYS, HOURS = "days", "working_days", "hours"
# Who is reminded before the deadline; after it the unit's supervisors are told as well.
HANDLER, LEAD, AGENCY = "handler", "lead", "agency"


@dataclass(frozen=True)
class Rule:
    amount: int
    unit: str
    basis: str
    responsible: str
    remind_before: int  # working days before the last day, or hours for a period in hours
    escalates: bool = True
    variants: dict = field(default_factory=dict)  # another period for a named case
    extensions: tuple = ()  # the days each successive extension adds


RULES: dict[str, Rule] = {
    Kind.ACKNOWLEDGE: Rule(7, DAYS, _("tối đa 7 ngày, càng sớm càng tốt"), HANDLER, 2),
    Kind.ACCEPT_REPORT: Rule(10, DAYS, _("Luật Khiếu nại 2011, Điều 27"), HANDLER, 2),
    Kind.ACCEPT_DENUNCIATION: Rule(7, WORKING_DAYS, _("Luật Tố cáo 2018, Điều 24"), HANDLER, 2),
    Kind.ACCEPTANCE_NOTICE: Rule(5, WORKING_DAYS, _("Luật Tố cáo 2018, Điều 29"), HANDLER, 1),
    Kind.SETTLE: Rule(30, DAYS, _("Luật Tố cáo 2018, Điều 30"), HANDLER, 5, extensions=(30, 30)),
    Kind.FAILED_TEST_REPORT: Rule(
        24, HOURS, _("Thông tư 26/2012/TT-BKHCN, sửa đổi bởi Thông tư 12/2017/TT-BKHCN"), LEAD, 1
    ),
    Kind.SUSPENSION_NOTICE: Rule(
        2,
        WORKING_DAYS,
        _("Thông tư 26/2012/TT-BKHCN, sửa đổi bởi Thông tư 12/2017/TT-BKHCN"),
        AGENCY,
        1,
    ),
    Kind.PENALTY_DECISION: Rule(
        7,
        DAYS,
        _("Luật Xử lý vi phạm hành chính, Điều 66"),
        LEAD,
        1,
        variants={"complex": 30},
        extensions=(30,),
    ),
    Kind.SAMPLE_RETENTION: Rule(
        90, DAYS, _("lưu mẫu 90 ngày kể từ ngày có kết quả thử nghiệm"), LEAD, 5, escalates=False
    ),
}

COMPLAINT_KINDS = (
    Kind.ACKNOWLEDGE,
    Kind.ACCEPT_REPORT,
    Kind.ACCEPT_DENUNCIATION,
    Kind.ACCEPTANCE_NOTICE,
    Kind.SETTLE,
)


# --- Counting ------------------------------------------------------------------------------


def end_of_day(day: date) -> datetime:
    """The first moment after `day` in Asia/Ho_Chi_Minh: the period's last day is whole."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def start_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _working_days_before(calendar, day: date, count: int) -> date:
    while count > 0:
        day -= timedelta(days=1)
        if calendar.is_working_day(day):
            count -= 1
    return day


@dataclass(frozen=True)
class Period:
    due_on: date
    due_at: datetime
    remind_at: datetime


def period(rule: Rule, started_at: datetime, amount: int, calendar=None) -> Period:
    """When a period of `amount` (in the rule's unit) that started at `started_at` ends,
    and when its reminder is due."""
    calendar = calendar or workdays.current_calendar()
    if rule.unit == HOURS:
        due_at = started_at + timedelta(hours=amount)
        remind_at = due_at - timedelta(hours=rule.remind_before)
        return Period(workdays.local_date(due_at), due_at, max(remind_at, started_at))
    start = workdays.local_date(started_at)
    if rule.unit == DAYS:
        due_on = calendar.add_days(start, amount)
    else:
        due_on = calendar.add_working_days(start, amount)
    return _ending(rule, started_at, due_on, calendar)


def _ending(rule: Rule, started_at: datetime, due_on: date, calendar) -> Period:
    remind_at = start_of_day(_working_days_before(calendar, due_on, rule.remind_before))
    return Period(due_on, end_of_day(due_on), max(remind_at, started_at))


# --- Starting and stopping -----------------------------------------------------------------


def clock_start(
    *,
    kind: str,
    subject_id: int,
    unit,
    started_at: datetime | None = None,
    complaint=None,
    inspection=None,
    variant: str = "",
) -> LegalClock:
    """Start the clock of `kind` for a subject. Starting it again returns the same
    clock; a cancelled one starts afresh (e.g. a report first taken for a denunciation)."""
    rule = RULES[kind]
    started_at = started_at or timezone.now()
    amount = rule.variants[variant] if variant else rule.amount
    when = period(rule, started_at, amount)
    fields = {
        "state": State.RUNNING,
        "unit": unit,
        "complaint": complaint,
        "inspection": inspection,
        "started_at": started_at,
        "due_on": when.due_on,
        "due_at": when.due_at,
        "remind_at": when.remind_at,
        "stopped_at": None,
        "variant": variant,
        "extensions": 0,
        "reminded_for": None,
        "escalated_for": None,
    }
    clock = LegalClock.objects.select_for_update().filter(kind=kind, subject_id=subject_id).first()
    if clock is None:
        clock = LegalClock.objects.create(kind=kind, subject_id=subject_id, **fields)
    elif clock.state == State.CANCELLED:
        for name, value in fields.items():
            setattr(clock, name, value)
        clock.save()
        clock.extension_log.all().delete()
    _refresh_complaint(clock)
    return clock


def _running(kind: str, subject_id: int) -> LegalClock | None:
    return (
        LegalClock.objects.select_for_update()
        .filter(kind=kind, subject_id=subject_id, state=State.RUNNING)
        .first()
    )


def clock_stop(*, kind: str, subject_id: int, at: datetime | None = None) -> LegalClock | None:
    """The act the clock waits for is done: met in time, or late."""
    clock = _running(kind, subject_id)
    if clock is None:
        return None
    clock.stopped_at = at or timezone.now()
    clock.state = State.MET if clock.stopped_at < clock.due_at else State.LATE
    clock.save(update_fields=["state", "stopped_at"])
    _refresh_complaint(clock)
    return clock


def clock_cancel(*, kind: str, subject_id: int, at: datetime | None = None) -> LegalClock | None:
    """The clock no longer applies (the report was merged, taken for another kind...)."""
    clock = _running(kind, subject_id)
    if clock is None:
        return None
    clock.state, clock.stopped_at = State.CANCELLED, at or timezone.now()
    clock.save(update_fields=["state", "stopped_at"])
    _refresh_complaint(clock)
    return clock


def clocks_stop_for_complaint(*, complaint, at=None, cancel: bool = False) -> None:
    """The report ended (resolved, rejected) or left the queue (merged): every clock of
    it still running stops."""
    for kind in COMPLAINT_KINDS:
        if cancel:
            clock_cancel(kind=kind, subject_id=complaint.pk, at=at)
        else:
            clock_stop(kind=kind, subject_id=complaint.pk, at=at)


def clock_set_variant(*, kind: str, subject_id: int, variant: str) -> LegalClock:
    """Count the period of a named case from the same start (a complex case's 30 days)."""
    clock = _running(kind, subject_id)
    if clock is None:
        raise Conflict(_("Thời hạn này đã kết thúc."), code="clock_not_running")
    rule = RULES[kind]
    when = period(rule, clock.started_at, rule.variants[variant])
    clock.variant = variant
    clock.due_on, clock.due_at, clock.remind_at = when.due_on, when.due_at, when.remind_at
    clock.save(update_fields=["variant", "due_on", "due_at", "remind_at"])
    _refresh_complaint(clock)
    return clock


def clock_extend(*, by, clock: LegalClock, reason: str) -> LegalClock:
    """Extend a running clock by its rule's next extension, with a reason. The caller
    checks that `by` may do so and tells whoever the law says must be told."""
    clock = LegalClock.objects.select_for_update().get(pk=clock.pk)
    rule = RULES[clock.kind]
    if clock.state != State.RUNNING:
        raise Conflict(_("Thời hạn này đã kết thúc."), code="clock_not_running")
    if clock.extensions >= len(rule.extensions):
        if not rule.extensions:
            raise Conflict(_("Thời hạn này không được gia hạn."), code="extension_not_allowed")
        raise Conflict(
            _("Thời hạn đã được gia hạn %(count)d lần, không gia hạn thêm được."),
            code="extensions_exhausted",
            params={"count": clock.extensions},
        )
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput.field("reason", "required", _("Hãy ghi lý do gia hạn."))
    calendar = workdays.current_calendar()
    previous = clock.due_on
    due_on = calendar.add_days(previous, rule.extensions[clock.extensions])
    when = _ending(rule, clock.started_at, due_on, calendar)
    clock.due_on, clock.due_at, clock.remind_at = when.due_on, when.due_at, when.remind_at
    clock.extensions += 1
    clock.save(update_fields=["due_on", "due_at", "remind_at", "extensions"])
    ClockExtension.objects.create(
        clock=clock, by=by, reason=reason[:2000], previous_due_on=previous, new_due_on=due_on
    )
    _refresh_complaint(clock)
    return clock


def _refresh_complaint(clock: LegalClock) -> None:
    """Keep the report's nearest running deadline on its row, for the triage queues."""
    if clock.complaint_id is None:
        return
    from complaints.models import Complaint

    due = LegalClock.objects.filter(complaint_id=clock.complaint_id, state=State.RUNNING).aggregate(
        due=Min("due_at")
    )["due"]
    Complaint.objects.filter(pk=clock.complaint_id).update(due_at=due)


def clock_for(*, kind: str, subject_id: int) -> LegalClock | None:
    return LegalClock.objects.filter(kind=kind, subject_id=subject_id).first()


# --- The sweep -----------------------------------------------------------------------------


@dataclass
class SweepResult:
    reminded: int = 0
    escalated: int = 0
    completed: int = 0
    notified: int = 0


_NOT_REMINDED = Q(reminded_for__isnull=True) | ~Q(reminded_for=F("due_at"))
_NOT_ESCALATED = Q(escalated_for__isnull=True) | ~Q(escalated_for=F("due_at"))
_SILENT_KINDS = [kind for kind, rule in RULES.items() if not rule.escalates]


def clocks_sweep(*, now: datetime | None = None, limit: int = 5000) -> SweepResult:
    """Remind before the deadline, escalate after it, end the clocks that only run out
    (sample retention). Each step is claimed row by row with the same condition that
    listed it (a clock extended in between is no longer due), so it is sent once; a row
    that fails is logged and left for the next sweep, and the others go on."""
    now = now or timezone.now()
    result = SweepResult()
    running = LegalClock.objects.filter(state=State.RUNNING)
    steps = [
        (
            running.filter(_NOT_REMINDED, remind_at__lte=now, due_at__gt=now),
            {"reminded_for": F("due_at")},
            "remind",
        ),
        (
            running.filter(_NOT_ESCALATED, due_at__lte=now).exclude(kind__in=_SILENT_KINDS),
            {"escalated_for": F("due_at")},
            "escalate",
        ),
        (
            running.filter(kind__in=_SILENT_KINDS, due_at__lte=now),
            {"state": State.MET, "stopped_at": F("due_at")},
            "ended",
        ),
    ]
    for due, claim, what in steps:
        for pk in due.values_list("pk", flat=True)[:limit]:
            try:
                with transaction.atomic():
                    if not due.filter(pk=pk).update(**claim):
                        continue
                    clock = _loaded(pk)
                    people = _responsible(clock)
                    if what == "escalate":
                        people |= _supervisors(clock.unit_id)
                    result.notified += _tell(clock, what, people)
            except Exception:
                logger.exception(
                    "Legal clock %s: the %s step failed; the next sweep retries", pk, what
                )
                continue
            if what == "remind":
                result.reminded += 1
            elif what == "escalate":
                result.escalated += 1
            else:
                result.completed += 1
    return result


def _loaded(pk: int) -> LegalClock:
    return LegalClock.objects.select_related("complaint", "inspection").get(pk=pk)


def _supervisors(unit_id: int) -> set:
    from registry.models import Role, User

    return set(User.objects.filter(unit_id=unit_id, groups__name=Role.SUPERVISOR, is_active=True))


def _responsible(clock: LegalClock) -> set:
    from registry.models import Role, User

    rule = RULES[clock.kind]
    if rule.responsible == AGENCY:
        return _supervisors(clock.unit_id)
    if rule.responsible == HANDLER:
        handler = clock.complaint.assigned_to if clock.complaint_id else None
        if handler is not None and handler.is_active:
            return {handler}
        return set(
            User.objects.filter(
                unit_id=clock.unit_id, groups__name=Role.COMPLAINT_OFFICER, is_active=True
            )
        )
    from inspections.models import InspectionMember

    leads = InspectionMember.objects.filter(
        inspection_id=clock.inspection_id, role=InspectionMember.Role.LEAD, user__is_active=True
    ).select_related("user")
    return {member.user for member in leads}


def case_label(clock: LegalClock) -> str:
    """The case a clock belongs to, as staff know it (never who reported it)."""
    if clock.complaint_id:
        return gettext("phản ánh %(number)s") % {"number": clock.complaint.tracking_number}
    inspection = gettext("cuộc kiểm tra %(number)s") % {
        "number": clock.inspection.decision_number or f"#{clock.inspection_id}"
    }
    subject = _subject_label(clock)
    return f"{subject}, {inspection}" if subject else inspection


def _subject_label(clock: LegalClock) -> str:
    from inspections.models import Sample
    from violations.models import FailedTestFollowUp, ViolationRecord

    if clock.kind == Kind.PENALTY_DECISION:
        record = ViolationRecord.objects.filter(pk=clock.subject_id).first()
        return gettext("biên bản %(number)s") % {"number": record.number} if record else ""
    if clock.kind == Kind.SAMPLE_RETENTION:
        sample = Sample.objects.filter(pk=clock.subject_id).first()
    else:
        follow_up = FailedTestFollowUp.objects.filter(pk=clock.subject_id).first()
        sample = follow_up.sample if follow_up else None
    return gettext("mẫu %(product)s") % {"product": sample.product_name} if sample else ""


def case_link(clock: LegalClock) -> str:
    if clock.complaint_id:
        return f"/complaints/{clock.complaint_id}/"
    return f"/cases/{clock.inspection_id}/"


def due_text(clock: LegalClock) -> str:
    if RULES[clock.kind].unit == HOURS:
        return timezone.localtime(clock.due_at).strftime("%H:%M %d/%m/%Y")
    return clock.due_on.strftime("%d/%m/%Y")


def _tell(clock: LegalClock, what: str, people: set) -> int:
    from registry.services import notification_send

    subjects = {
        "remind": _("Sắp đến hạn %(clock)s: %(case)s, hạn %(due)s"),
        "escalate": _("Quá hạn %(clock)s: %(case)s, hạn %(due)s"),
        "ended": _("Hết thời hạn lưu mẫu: %(case)s, hạn %(due)s"),
    }
    subject = str(subjects[what]) % {
        "clock": clock.get_kind_display().lower(),
        "case": case_label(clock),
        "due": due_text(clock),
    }
    body = f"{subject}\n{gettext('Căn cứ')}: {RULES[clock.kind].basis}"
    stamp = int(clock.due_at.timestamp())
    for person in people:
        notification_send(
            recipient=person,
            subject=subject,
            body=body,
            link=case_link(clock),
            dedup_key=f"clock:{clock.pk}:{what}:{stamp}:{person.pk}",
        )
    return len(people)
