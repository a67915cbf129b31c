"""Risk-based plan suggestions: when a unit drafts its plan, the operators of its area
ranked by a score, each with the reasons (docs/overlap-and-suggestions.md).

The score adds, for each signal, its weight times its count over the signal's window,
plus points for the time since the operator was last inspected (by any unit):

    signal            window      weight   reason shown
    reports           12 months   3 each   "3 phản ánh trong 12 tháng"
    failed samples    24 months   5 each   "1 mẫu không đạt"
    violations        24 months   6 each   "2 vi phạm"             (violations/ registers)
    alerts            24 months   8 each   "1 cảnh báo sản phẩm"   (violations/ registers)
    last inspection               3 a full year since, at most 12; never inspected 12
                                           "chưa kiểm tra từ 2023" / "chưa từng được kiểm tra"

The score is computed by the database: each signal is a correlated count per operator,
the points for the last inspection a CASE on its date, and the list is ordered and cut
to LIMIT there. One query whatever the number of operators in the area (a province
may hold tens of thousands), never a list of ids sent back to the database.

The violations and alerts live on a higher floor (violations/), which inspections may
not import: violations registers its signals here (`register_signal`, from its
AppConfig.ready). Reports are counted here: inspections already reads the reports an
inspection is opened on (docs/layout.md) and the import contract allows it.
"""

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from math import ceil

from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    DateField,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint
from inspections.models import Inspection, InspectionPlan, PlanSuggestionSkip, PlanTarget, Sample
from registry.models import EconomicOperator

# Points for the time since the last inspection (see the table above).
POINTS_PER_YEAR_SINCE_INSPECTION = 3
POINTS_NEVER_INSPECTED = 12
MAX_POINTS_SINCE_INSPECTION = 12
# How many suggestions a page lists.
LIMIT = 50

# A signal's rows: given the start of its window, the rows (of any model) that count
# against an operator; `operator_field` names the path from such a row to the operator.
Rows = Callable[[date], QuerySet]


@dataclass(frozen=True)
class Signal:
    key: str
    label: object
    weight: int
    window_days: int
    # "%(count)d ..." in Vietnamese, lazily translated.
    reason: object
    rows: Rows
    operator_field: str

    def count(self, since: date) -> Coalesce:
        """The number of this signal's rows since `since`, for the operator of the outer
        query (a correlated subquery, 0 when there are none)."""
        per_operator = (
            self.rows(since)
            .filter(**{self.operator_field: OuterRef("pk")})
            .order_by()
            .values(self.operator_field)
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(per_operator, output_field=IntegerField()), Value(0))


_signals: dict[str, Signal] = {}


def register_signal(
    key: str,
    *,
    label,
    weight: int,
    window_days: int,
    reason,
    rows: Rows,
    operator_field: str,
) -> None:
    """Add (or replace) a signal of the score. Higher floors call this from their
    AppConfig.ready (violations/plan_signals.py)."""
    _signals[key] = Signal(key, label, weight, window_days, reason, rows, operator_field)


def registered_signals() -> list[Signal]:
    return list(_signals.values())


register_signal(
    "complaints",
    label=_("Phản ánh về đối tượng"),
    weight=3,
    window_days=365,
    reason=_("%(count)d phản ánh trong 12 tháng"),
    rows=lambda since: Complaint.objects.filter(received_at__date__gte=since).exclude(
        status=Complaint.Status.MERGED
    ),
    operator_field="operator",
)
register_signal(
    "failed_samples",
    label=_("Mẫu không đạt"),
    weight=5,
    window_days=730,
    reason=_("%(count)d mẫu không đạt"),
    rows=lambda since: Sample.objects.filter(conforming=False, sampled_at__date__gte=since),
    operator_field="inspection__operator",
)


@dataclass
class Suggestion:
    operator: EconomicOperator
    score: int = 0
    reasons: list[str] = field(default_factory=list)
    last_inspected: date | None = None

    @property
    def note(self) -> str:
        """The plan target's note when accepted."""
        return str(_("Gợi ý theo rủi ro (%(score)d điểm): %(reasons)s")) % {
            "score": self.score,
            "reasons": "; ".join(self.reasons),
        }


def _inspections_of_outer_operator() -> QuerySet:
    """The outer operator's inspections by any unit (cancelled ones left out), each with
    its `day`: its decision, else its scheduled day, else the day it was drafted; the
    latest first."""
    day = Coalesce(
        F("decision_date"),
        F("scheduled_date"),
        TruncDate("created_at", tzinfo=timezone.get_current_timezone()),
        output_field=DateField(),
    )
    return (
        Inspection.objects.filter(operator=OuterRef("pk"))
        .exclude(status=Inspection.Status.CANCELLED)
        .annotate(day=day)
        .order_by("-day")
    )


def _last_inspected() -> Subquery:
    """The day of the outer operator's latest inspection (None if never inspected)."""
    return Subquery(_inspections_of_outer_operator().values("day")[:1], output_field=DateField())


def _since_inspection_points(today: date) -> Coalesce:
    """POINTS_PER_YEAR_SINCE_INSPECTION for each full year (365 days) since the outer
    operator's last inspection, at most MAX_POINTS_SINCE_INSPECTION;
    POINTS_NEVER_INSPECTED if none. Computed on the latest inspection's row inside one
    subquery, so that the score does not repeat the subquery in each threshold."""
    steps = ceil(MAX_POINTS_SINCE_INSPECTION / POINTS_PER_YEAR_SINCE_INSPECTION)
    points = Case(
        *(
            When(
                day__lte=today - timedelta(days=365 * years),
                then=Value(
                    min(MAX_POINTS_SINCE_INSPECTION, POINTS_PER_YEAR_SINCE_INSPECTION * years)
                ),
            )
            for years in range(steps, 0, -1)
        ),
        default=Value(0),
        output_field=IntegerField(),
    )
    latest = _inspections_of_outer_operator().annotate(points=points).values("points")[:1]
    return Coalesce(Subquery(latest, output_field=IntegerField()), Value(POINTS_NEVER_INSPECTED))


def area_operators(plan: InspectionPlan) -> QuerySet:
    """The operators of the plan's unit's province (every operator for the national
    unit), less the plan's targets and the suggestions skipped for this plan."""
    qs = EconomicOperator.objects.all()
    if plan.unit.province_id is not None:
        qs = qs.filter(province_id=plan.unit.province_id)
    return qs.exclude(pk__in=PlanTarget.objects.filter(plan=plan).values("operator_id")).exclude(
        pk__in=PlanSuggestionSkip.objects.filter(plan=plan).values("operator_id")
    )


def scored(operators: QuerySet, *, today: date | None = None) -> QuerySet:
    """`operators` annotated with each signal's count (`n_<key>`), `last_inspected`,
    `since_points` and `score`, highest score first, then by name. Each correlated
    subquery appears in the SQL once for its column and once in the score, no more."""
    today = today or timezone.localdate()
    signals = registered_signals()
    counts = {f"n_{s.key}": s.count(today - timedelta(days=s.window_days)) for s in signals}
    since_points = _since_inspection_points(today)
    score = since_points
    for s in signals:
        score = score + Value(s.weight) * counts[f"n_{s.key}"]
    return operators.annotate(
        **counts,
        last_inspected=_last_inspected(),
        since_points=since_points,
        score=score,
    ).order_by("-score", "name", "pk")


def _suggestion(operator: EconomicOperator) -> Suggestion:
    """A Suggestion of an operator annotated by `scored`, its reasons in signal order,
    the time since the last inspection last."""
    suggestion = Suggestion(
        operator=operator, score=operator.score, last_inspected=operator.last_inspected
    )
    for s in registered_signals():
        count = getattr(operator, f"n_{s.key}")
        if count:
            suggestion.reasons.append(str(s.reason) % {"count": count})
    if operator.last_inspected is None:
        suggestion.reasons.append(str(_("chưa từng được kiểm tra")))
    elif operator.since_points:
        suggestion.reasons.append(
            str(_("chưa kiểm tra từ %(year)d")) % {"year": operator.last_inspected.year}
        )
    return suggestion


def score(
    operators: QuerySet,
    *,
    today: date | None = None,
    limit: int | None = None,
) -> list[Suggestion]:
    """The operators of `operators` with a reason to be inspected (a score above 0) as
    Suggestions, highest score first, at most `limit`, in one query. Scores of 0 sort
    last, so they are dropped after the database's cut."""
    qs = scored(operators, today=today)
    if limit is not None:
        qs = qs[:limit]
    with _without_jit():
        rows = list(qs)
    return [_suggestion(o) for o in rows if o.score > 0]


@contextmanager
def _without_jit():
    """On PostgreSQL, the scoring query with JIT compilation off. Its estimated cost (a
    few index lookups per operator of a province) passes jit_above_cost, and compiling
    took 1.6 s of its 2 s over 40,000 operators, for a query that runs in 0.3 s
    (bench/plan_suggestions.py). SET LOCAL ends with the transaction."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        yield


def plan_suggestions(*, plan: InspectionPlan, limit: int = LIMIT) -> list[Suggestion]:
    """The operators of the plan's area with a reason to be inspected, highest first."""
    return score(area_operators(plan), limit=limit)


def suggestion_for(*, plan: InspectionPlan, operator: EconomicOperator) -> Suggestion | None:
    """The suggestion of one operator of the plan's area (None if it is not one, or has
    no reason to be inspected)."""
    found = score(area_operators(plan).filter(pk=operator.pk))
    return found[0] if found else None
