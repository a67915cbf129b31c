"""Legal clocks: when each starts, how it is counted, when it ends, and the sweep that
reminds before the deadline and escalates after it (docs/legal-clocks.md).

Which clocks exist is declared by the workflows (`registry.clock_rules`); this module
counts them on the working-day calendar (`registry.workdays`): the day the event happens
is not counted; a period of days that ends on a day off runs to the next working day; a
period in hours ends at its hour.

Workflow services call `clock_start`, `clock_stop`, `clock_cancel`, `clock_set_variant`
and `clock_extend` inside their own transaction, after their own permission checks; the
clocks are their bookkeeping, not a second gate. Each change sends
`clock_rules.clock_changed` in that transaction. `clocks_sweep` (Celery beat) claims each
reminder and escalation with a conditional UPDATE in the same transaction as its
notifications, so a sweep that runs twice, or two sweeps at once, send each one once.
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from registry import workdays
from registry.clock_rules import DAYS, HOURS, Rule, clock_changed, declarations, declared
from registry.errors import Conflict, InvalidInput
from registry.models import ClockExtension, LegalClock, Role, User
from registry.services import notification_send

logger = logging.getLogger(__name__)
State = LegalClock.State

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


def _running_fields(rule: Rule, amount: int, started_at, unit, case, calendar=None) -> dict:
    """The fields of a clock that starts running at `started_at` for `case`."""
    when = period(rule, started_at, amount, calendar)
    return {
        "state": State.RUNNING,
        "unit": unit,
        "case_type": ContentType.objects.get_for_model(case),
        "case_id": case.pk,
        "started_at": started_at,
        "due_on": when.due_on,
        "due_at": when.due_at,
        "remind_at": when.remind_at,
    }


def clock_start(
    *,
    kind: str,
    subject_id: int,
    unit,
    case,
    started_at: datetime | None = None,
    variant: str = "",
) -> LegalClock:
    """Start the clock of `kind` for a subject (a report, a sample, a record...) of a
    case (the report, the inspection). Starting it again returns the same clock; a
    cancelled one starts afresh (e.g. a report first taken for a denunciation)."""
    rule = declared(kind).rule
    started_at = started_at or timezone.now()
    amount = rule.variants[variant] if variant else rule.amount
    fields = {
        **_running_fields(rule, amount, started_at, unit, case),
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
    _changed(clock)
    return clock


def clocks_start_new(
    *, kinds: list[str], subject_id: int, unit, case, started_at: datetime | None = None
) -> list[LegalClock]:
    """Start the clocks of `kinds` for a subject created in the caller's transaction (a
    report just filed), which can have no clock yet: one calendar and one INSERT for
    them all, where `clock_start` looks for an earlier clock of each kind first. A clock
    that exists anyway breaks the unique constraint: the transaction fails, nothing is
    counted twice. Each started clock sends `clock_changed`, as `clock_start` does."""
    started_at = started_at or timezone.now()
    calendar = workdays.current_calendar()
    started = []
    for kind in kinds:
        rule = declared(kind).rule
        fields = _running_fields(rule, rule.amount, started_at, unit, case, calendar)
        started.append(LegalClock(kind=kind, subject_id=subject_id, **fields))
    clocks = LegalClock.objects.bulk_create(started)
    for clock in clocks:
        _changed(clock)
    return clocks


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
    _changed(clock)
    return clock


def clock_cancel(*, kind: str, subject_id: int, at: datetime | None = None) -> LegalClock | None:
    """The clock no longer applies (the report was merged, taken for another kind...)."""
    clock = _running(kind, subject_id)
    if clock is None:
        return None
    clock.state, clock.stopped_at = State.CANCELLED, at or timezone.now()
    clock.save(update_fields=["state", "stopped_at"])
    _changed(clock)
    return clock


def clock_set_variant(*, kind: str, subject_id: int, variant: str) -> LegalClock:
    """Count the period of a named case from the same start (a complex case's 30 days)."""
    clock = _running(kind, subject_id)
    if clock is None:
        raise Conflict(_("Thời hạn này đã kết thúc."), code="clock_not_running")
    rule = declared(kind).rule
    when = period(rule, clock.started_at, rule.variants[variant])
    clock.variant = variant
    clock.due_on, clock.due_at, clock.remind_at = when.due_on, when.due_at, when.remind_at
    clock.save(update_fields=["variant", "due_on", "due_at", "remind_at"])
    _changed(clock)
    return clock


def clock_extend(*, by, clock: LegalClock, reason: str) -> LegalClock:
    """Extend a running clock by its rule's next extension, with a reason. The caller
    checks that `by` may do so and tells whoever the law says must be told."""
    clock = LegalClock.objects.select_for_update().get(pk=clock.pk)
    rule = declared(clock.kind).rule
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
    _changed(clock)
    return clock


def _changed(clock: LegalClock) -> None:
    clock_changed.send(sender=LegalClock, clock=clock)


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


def _silent_kinds() -> list[str]:
    return [item.kind for item in declarations() if not item.rule.escalates]


def clocks_sweep(*, now: datetime | None = None, limit: int = 5000) -> SweepResult:
    """Remind before the deadline, escalate after it, end the clocks that only run out
    (sample retention). Each step is claimed row by row with the same condition that
    listed it (a clock extended in between is no longer due), so it is sent once; a row
    that fails is logged and left for the next sweep, and the others go on."""
    now = now or timezone.now()
    result = SweepResult()
    running = LegalClock.objects.filter(state=State.RUNNING)
    silent = _silent_kinds()
    steps = [
        (
            running.filter(_NOT_REMINDED, remind_at__lte=now, due_at__gt=now),
            {"reminded_for": F("due_at")},
            "remind",
        ),
        (
            running.filter(_NOT_ESCALATED, due_at__lte=now).exclude(kind__in=silent),
            {"escalated_for": F("due_at")},
            "escalate",
        ),
        (
            running.filter(kind__in=silent, due_at__lte=now),
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
                        people |= unit_supervisors(clock.unit_id)
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
    return LegalClock.objects.select_related("case_type").get(pk=pk)


def unit_supervisors(unit_id: int) -> set:
    """The unit's supervisors: told when a clock runs out, and the agency's people."""
    return set(User.objects.filter(unit_id=unit_id, groups__name=Role.SUPERVISOR, is_active=True))


def _responsible(clock: LegalClock) -> set:
    return set(declared(clock.kind).responsible(clock))


def case_label(clock: LegalClock) -> str:
    """The case a clock belongs to, as staff know it (never who reported it)."""
    return declared(clock.kind).case_label(clock)


def case_link(clock: LegalClock) -> str:
    return declared(clock.kind).link(clock)


def due_text(clock: LegalClock) -> str:
    if declared(clock.kind).rule.unit == HOURS:
        return timezone.localtime(clock.due_at).strftime("%d/%m/%Y %H:%M")
    return clock.due_on.strftime("%d/%m/%Y")


def _tell(clock: LegalClock, what: str, people: set) -> int:
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
    body = f"{subject}\n{gettext('Căn cứ')}: {declared(clock.kind).rule.basis}"
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
