"""The figures supervisors report upward, for a period and the units they answer for.

Reports received in the period are counted by where they stand now: resolved,
answered (refused with a reason, or merged into another report whose answer they
share) and in progress; the three add up to the received. Clocks are counted by the
period they started in; a clock is on time when it was met, and not when it ended late
or is running past its deadline. Aggregates only: no row, name or identity.

The protection requests' clock (`protection_decision`) is not counted: a unit's figures
reach staff who may not know that a reporter asked to be protected, the report's
handler among them (docs/protection.md).
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, Sum
from django.utils import timezone

from complaints.models import Complaint
from inspections.models import Scope
from registry.clock_rules import kind_choices
from registry.models import LegalClock, LegalProvision, Unit
from registry.text import unit_order
from review import figures
from review.figures import ANSWERED
from review.rewards import RewardRow, reward_rows
from violations.models import PenaltyDecision, Violation
from whistleblower.clocks import ProtectionClock

# Clocks whose very existence is not for every reader of the figures.
UNCOUNTED_CLOCKS = frozenset({ProtectionClock.DECISION.value})
CLOSED = (Complaint.Status.RESOLVED, *ANSWERED)


@dataclass(frozen=True)
class Period:
    date_from: date
    date_to: date

    @classmethod
    def year_to_date(cls, today: date | None = None) -> "Period":
        today = today or timezone.localdate()
        return cls(date(today.year, 1, 1), today)

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.date_from, time.min))

    @property
    def end(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.date_to + timedelta(days=1), time.min))


FIRST_YEAR, LAST_YEAR = 2000, 2100


def period_problem(date_from: date, date_to: date) -> str | None:
    """Why a period cannot be reported on (a stable code), or None."""
    if date_to < date_from:
        return "period_reversed"
    if date_from.year < FIRST_YEAR or date_to.year > LAST_YEAR:
        return "period_out_of_range"
    return None


@dataclass
class UnitRow:
    unit: Unit
    received: int = 0
    resolved: int = 0
    answered: int = 0
    in_progress: int = 0
    inspections: int = 0
    decisions: int = 0
    fines_vnd: int = 0


@dataclass
class ClockRow:
    kind: str
    label: str
    started: int = 0
    met: int = 0
    late: int = 0
    overdue: int = 0
    running: int = 0
    cancelled: int = 0

    @property
    def on_time_rate(self) -> float | None:
        judged = self.met + self.late + self.overdue
        return self.met / judged if judged else None


@dataclass
class Dashboard:
    period: Period
    units: list[Unit]
    by_unit: list[UnitRow] = field(default_factory=list)
    clocks: list[ClockRow] = field(default_factory=list)
    inspections_by_scope: list[tuple[str, str, int]] = field(default_factory=list)
    violations_by_provision: list[tuple[str, str, int]] = field(default_factory=list)
    decisions: int = 0
    fines_vnd: int = 0
    fines_paid_vnd: int = 0
    rewards: list[RewardRow] = field(default_factory=list)  # review/rewards.py

    def total(self, name: str) -> int:
        return sum(getattr(row, name) for row in self.by_unit)

    @property
    def received(self) -> int:
        return self.total("received")

    @property
    def resolved(self) -> int:
        return self.total("resolved")

    @property
    def answered(self) -> int:
        return self.total("answered")

    @property
    def in_progress(self) -> int:
        return self.total("in_progress")

    @property
    def inspections(self) -> int:
        return self.total("inspections")


def dashboard_units(*, user, unit_id: int | None = None) -> list[Unit]:
    """The units whose figures `user` may see: their own, or any for national staff."""
    if not user.unit_id:
        return []
    if not user.unit.is_national:
        return [user.unit] if unit_id in (None, user.unit_id) else []
    units = Unit.objects.filter(is_active=True).select_related("province")
    if unit_id:
        units = units.filter(pk=unit_id)
    return sorted(units, key=unit_order)


def dashboard_get(*, user, period: Period, unit_id: int | None = None) -> Dashboard:
    units = dashboard_units(user=user, unit_id=unit_id)
    board = Dashboard(period=period, units=units)
    rows = {unit.pk: UnitRow(unit=unit) for unit in units}
    ids = list(rows)
    now = timezone.now()

    for unit_id, counts in figures.report_counts(unit_ids=ids, period=period).items():
        row = rows[unit_id]
        row.received, row.resolved, row.answered = (
            counts.received,
            counts.resolved,
            counts.answered,
        )
        row.in_progress = counts.in_progress

    for unit_id, n in figures.inspection_counts(unit_ids=ids, period=period).items():
        rows[unit_id].inspections = n
    inspections = figures.inspections_opened(unit_ids=ids, period=period)
    scopes = Counter()
    for chosen in inspections.values_list("scopes", flat=True).iterator(chunk_size=5000):
        scopes.update(chosen or [])
    board.inspections_by_scope = [
        (value, str(label), scopes[value]) for value, label in Scope.choices
    ]

    decisions = PenaltyDecision.objects.filter(
        record__inspection__unit__in=ids,
        status__in=(PenaltyDecision.Status.APPROVED, PenaltyDecision.Status.CLOSED),
        decided_on__gte=period.date_from,
        decided_on__lte=period.date_to,
    )
    for item in decisions.values("record__inspection__unit_id").annotate(
        n=Count("pk"), fines=Sum("total_fine_vnd")
    ):
        row = rows[item["record__inspection__unit_id"]]
        row.decisions, row.fines_vnd = item["n"], item["fines"] or 0
    board.fines_paid_vnd = (
        decisions.filter(fine_paid_on__isnull=False).aggregate(s=Sum("total_fine_vnd"))["s"] or 0
    )

    acts = (
        Violation.objects.filter(
            record__inspection__unit__in=ids,
            record__signed_at__gte=period.start,
            record__signed_at__lt=period.end,
        )
        .values("provision_id", "provision__article", "provision__clause", "provision__point")
        .annotate(n=Count("pk"))
        .order_by("-n", "provision__article", "provision__clause", "provision__point")
    )
    citations = {
        p.pk: (p.citation, p.act)
        for p in LegalProvision.objects.filter(pk__in=[a["provision_id"] for a in acts])
    }
    board.violations_by_provision = [
        (*citations[a["provision_id"]], a["n"]) for a in acts if a["provision_id"] in citations
    ]

    clocks = (
        LegalClock.objects.filter(
            unit__in=ids, started_at__gte=period.start, started_at__lt=period.end
        )
        .exclude(kind__in=UNCOUNTED_CLOCKS)
        .values("kind")
        .annotate(
            started=Count("pk"),
            met=Count("pk", filter=Q(state=LegalClock.State.MET)),
            late=Count("pk", filter=Q(state=LegalClock.State.LATE)),
            overdue=Count("pk", filter=Q(state=LegalClock.State.RUNNING, due_at__lte=now)),
            running=Count("pk", filter=Q(state=LegalClock.State.RUNNING, due_at__gt=now)),
            cancelled=Count("pk", filter=Q(state=LegalClock.State.CANCELLED)),
        )
    )
    counted = {item["kind"]: item for item in clocks}
    for kind, label in kind_choices():
        if kind in UNCOUNTED_CLOCKS:
            continue
        item = counted.get(kind, {})
        board.clocks.append(
            ClockRow(
                kind=kind,
                label=str(label),
                **{
                    name: item.get(name, 0)
                    for name in ("started", "met", "late", "overdue", "running", "cancelled")
                },
            )
        )
    board.by_unit = list(rows.values())
    board.decisions = board.total("decisions")
    board.fines_vnd = board.total("fines_vnd")
    board.rewards = reward_rows(units=units, period=period)
    return board


ROW_HEIGHT, BAR_SPACE = 14, 220


def bars(items: list[tuple[str, int]]) -> dict:
    """A horizontal bar chart's geometry, in SVG user units, for review/_bars.html."""
    top = max((value for _label, value in items), default=0)
    rows = [
        {
            "label": label,
            "value": value,
            "y": i * ROW_HEIGHT,
            "width": round(BAR_SPACE * value / top, 1) if top else 0,
        }
        for i, (label, value) in enumerate(items)
    ]
    for row in rows:
        # As strings: the template must not localise "12.5" into "12,5" inside SVG.
        row["value_x"], row["width"] = str(row["width"] + 160), str(row["width"])
    return {"rows": rows, "height": max(len(rows), 1) * ROW_HEIGHT}
