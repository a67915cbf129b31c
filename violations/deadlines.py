"""The deadlines of a case as the case page shows them: each legal clock of the case
(registry.LegalClock: the failed test's report and suspension notice, the penalty
decision) and the dates the services set without a clock (the violator's explanation, a
remedial measure's deadline), with the working days left and whether it is overdue."""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from registry import workdays
from registry.clock_rules import HOURS, declared
from registry.models import LegalClock

State = LegalClock.State


@dataclass(frozen=True)
class Deadline:
    label: str
    due_on: date
    state: str = State.RUNNING
    due_at: datetime | None = None  # the exact moment for a period in hours
    basis: str = ""
    extensions: int = 0

    @classmethod
    def of_clock(cls, clock: LegalClock) -> "Deadline":
        hours = declared(clock.kind).rule.unit == HOURS
        return cls(
            label=str(clock.get_kind_display()),
            due_on=clock.due_on,
            state=clock.state,
            due_at=clock.due_at if hours else None,
            basis=clock.basis,
            extensions=clock.extensions,
        )

    @classmethod
    def of_day(cls, label, day: date, *, done_on: date | None = None) -> "Deadline":
        """A date set without a clock; `done_on` when what it waits for is done."""
        state = State.RUNNING
        if done_on is not None:
            state = State.MET if done_on <= day else State.LATE
        return cls(label=str(label), due_on=day, state=state)

    @property
    def running(self) -> bool:
        return self.state == State.RUNNING

    @property
    def overdue(self) -> bool:
        if not self.running:
            return False
        if self.due_at is not None:
            return timezone.now() >= self.due_at
        return timezone.localdate() > self.due_on

    @property
    def due_today(self) -> bool:
        return self.running and not self.overdue and self.due_on == timezone.localdate()

    @property
    def working_days_left(self) -> int | None:
        """Working days after today up to the deadline (running, not overdue)."""
        if not self.running or self.overdue:
            return None
        return workdays.working_days_between(timezone.localdate(), self.due_on)

    @property
    def due_text(self) -> str:
        if self.due_at is not None:
            return timezone.localtime(self.due_at).strftime("%d/%m/%Y %H:%M")
        return self.due_on.strftime("%d/%m/%Y")


def case_clocks(inspection) -> dict[tuple[str, int], Deadline]:
    """The inspection's legal clocks by (kind, subject id)."""
    return {
        (clock.kind, clock.subject_id): Deadline.of_clock(clock)
        for clock in inspection.clocks.all()
    }
