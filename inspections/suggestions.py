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

Counts come from aggregate queries, one per signal over the whole area (never one per
operator), so the number of queries does not grow with the operators.

The violations and alerts live on a higher floor (violations/), which inspections may
not import: violations registers its signals here (`register_signal`, from its
AppConfig.ready). Reports are counted here: inspections already reads the reports an
inspection is opened on (docs/layout.md) and the import contract allows it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, DateField, F, Max, QuerySet
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

# A provider counts, per operator of `operators` (a queryset of EconomicOperator), what
# happened since `since`: {operator id: count}, in one aggregate query.
Provider = Callable[[QuerySet, date], dict[int, int]]


@dataclass(frozen=True)
class Signal:
    key: str
    label: object
    weight: int
    window_days: int
    # "%(count)d ..." in Vietnamese, lazily translated.
    reason: object
    provider: Provider


_signals: dict[str, Signal] = {}


def register_signal(
    key: str, *, label, weight: int, window_days: int, reason, provider: Provider
) -> None:
    """Add (or replace) a signal of the score. Higher floors call this from their
    AppConfig.ready (violations/plan_signals.py)."""
    _signals[key] = Signal(key, label, weight, window_days, reason, provider)


def registered_signals() -> list[Signal]:
    return list(_signals.values())


def _complaints(operators: QuerySet, since: date) -> dict[int, int]:
    return dict(
        Complaint.objects.filter(operator__in=operators, received_at__date__gte=since)
        .exclude(status=Complaint.Status.MERGED)
        .order_by()
        .values_list("operator_id")
        .annotate(n=Count("pk"))
    )


def _failed_samples(operators: QuerySet, since: date) -> dict[int, int]:
    return dict(
        Sample.objects.filter(
            inspection__operator__in=operators, conforming=False, sampled_at__date__gte=since
        )
        .order_by()
        .values_list("inspection__operator_id")
        .annotate(n=Count("pk"))
    )


register_signal(
    "complaints",
    label=_("Phản ánh về đối tượng"),
    weight=3,
    window_days=365,
    reason=_("%(count)d phản ánh trong 12 tháng"),
    provider=_complaints,
)
register_signal(
    "failed_samples",
    label=_("Mẫu không đạt"),
    weight=5,
    window_days=730,
    reason=_("%(count)d mẫu không đạt"),
    provider=_failed_samples,
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


def _last_inspections(operators: QuerySet) -> dict[int, date]:
    day = Coalesce(
        F("decision_date"),
        F("scheduled_date"),
        TruncDate("created_at", tzinfo=timezone.get_current_timezone()),
        output_field=DateField(),
    )
    return dict(
        Inspection.objects.filter(operator__in=operators)
        .exclude(status=Inspection.Status.CANCELLED)
        .annotate(day=day)
        .order_by()
        .values_list("operator_id")
        .annotate(last=Max("day"))
    )


def area_operators(plan: InspectionPlan) -> QuerySet:
    """The operators of the plan's unit's province (every operator for the national
    unit), less the plan's targets and the suggestions skipped for this plan."""
    qs = EconomicOperator.objects.all()
    if plan.unit.province_id is not None:
        qs = qs.filter(province_id=plan.unit.province_id)
    return qs.exclude(pk__in=PlanTarget.objects.filter(plan=plan).values("operator_id")).exclude(
        pk__in=PlanSuggestionSkip.objects.filter(plan=plan).values("operator_id")
    )


def score(operators: QuerySet, *, today: date | None = None) -> list[Suggestion]:
    """Every operator of `operators` with its score and reasons, highest first."""
    today = today or timezone.localdate()
    found = {o.pk: Suggestion(operator=o) for o in operators.order_by("name", "pk")}
    if not found:
        return []
    ids = EconomicOperator.objects.filter(pk__in=list(found))
    for signal in registered_signals():
        counts = signal.provider(ids, today - timedelta(days=signal.window_days))
        for operator_id, count in counts.items():
            suggestion = found.get(operator_id)
            if suggestion is None or not count:
                continue
            suggestion.score += signal.weight * count
            suggestion.reasons.append(str(signal.reason) % {"count": count})
    last = _last_inspections(ids)
    for operator_id, suggestion in found.items():
        day = last.get(operator_id)
        suggestion.last_inspected = day
        if day is None:
            suggestion.score += POINTS_NEVER_INSPECTED
            suggestion.reasons.append(str(_("chưa từng được kiểm tra")))
            continue
        years = max(0, (today - day).days // 365)
        if years:
            suggestion.score += min(
                MAX_POINTS_SINCE_INSPECTION, POINTS_PER_YEAR_SINCE_INSPECTION * years
            )
            suggestion.reasons.append(str(_("chưa kiểm tra từ %(year)d")) % {"year": day.year})
    # Highest score first; among equals, the one with more reasons, then by name.
    return sorted(
        found.values(), key=lambda s: (-s.score, -len(s.reasons), s.operator.name, s.operator.pk)
    )


def plan_suggestions(*, plan: InspectionPlan, limit: int = LIMIT) -> list[Suggestion]:
    return score(area_operators(plan))[:limit]


def suggestion_for(*, plan: InspectionPlan, operator: EconomicOperator) -> Suggestion | None:
    """The suggestion of one operator of the plan's area (None if it is not one)."""
    found = score(area_operators(plan).filter(pk=operator.pk))
    return found[0] if found else None
