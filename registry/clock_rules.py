"""The legal clocks each workflow declares (docs/legal-clocks.md).

The foundation keeps the clock records, counts them on the working-day calendar and runs
the sweep (`registry.clocks`); it does not know which clocks exist. Each workflow declares
its own in its `clocks.py`, imported by its AppConfig.ready(): the kind, its label, the
period and its legal basis, who is reminded, and how the case reads in a reminder.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.dispatch import Signal

DAYS, WORKING_DAYS, HOURS = "days", "working_days", "hours"


@dataclass(frozen=True)
class Rule:
    amount: int
    unit: str  # DAYS, WORKING_DAYS or HOURS
    basis: str  # the law (or rule) the period comes from
    remind_before: int  # working days before the last day, or hours for a period in hours
    escalates: bool = True  # after the deadline the unit's supervisors are told
    variants: dict = field(default_factory=dict)  # another period for a named case
    extensions: tuple = ()  # the days each successive extension adds


@dataclass(frozen=True)
class ClockKind:
    """One legal clock, as its workflow declares it.

    `responsible(clock)` returns the active users reminded before the deadline;
    `case_label(clock)` how staff know the case (never who reported it); `link(clock)`
    the page of the case. `position` orders the clocks in lists and figures (the order of
    a case's life, docs/legal-clocks.md)."""

    kind: str
    label: str
    rule: Rule
    position: int
    responsible: Callable
    case_label: Callable
    link: Callable


_DECLARED: dict[str, ClockKind] = {}

# Sent by registry.clocks after a clock starts, stops, changes its period or is extended,
# inside the same transaction, with `clock`. The workflow that owns the case keeps its own
# records in step (a report's nearest deadline, for instance).
clock_changed = Signal()


def declare(clock_kind: ClockKind) -> None:
    known = _DECLARED.get(clock_kind.kind)
    if known is not None and known != clock_kind:
        raise ValueError(f"The legal clock {clock_kind.kind!r} is declared twice.")
    _DECLARED[clock_kind.kind] = clock_kind


def declared(kind: str) -> ClockKind:
    try:
        return _DECLARED[kind]
    except KeyError:
        raise LookupError(f"No workflow declares the legal clock {kind!r}.") from None


def declarations() -> list[ClockKind]:
    return sorted(_DECLARED.values(), key=lambda item: item.position)


def kind_choices() -> list[tuple[str, str]]:
    """The choices of `LegalClock.kind`, from the declarations."""
    return [(item.kind, item.label) for item in declarations()]


# Backfills start the clocks missing on cases that were open before clocks were kept as
# records (`manage.py clocks_backfill`). Each is called with `start(kind, subject_id, *,
# case, unit, started_at, variant="")`, which starts a clock unless it already exists.
_BACKFILLS: list[Callable] = []


def declare_backfill(backfill: Callable) -> None:
    if backfill not in _BACKFILLS:
        _BACKFILLS.append(backfill)


def backfills() -> list[Callable]:
    return list(_BACKFILLS)
