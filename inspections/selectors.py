from datetime import date

from django.db.models import Prefetch, QuerySet

from inspections.models import Inspection, InspectionMember, InspectionPlan
from registry.permissions import get_visible

_TEAM = Prefetch(
    "team", queryset=InspectionMember.objects.select_related("user").order_by("role", "pk")
)


def plan_list(*, user, status: str | None = None) -> QuerySet[InspectionPlan]:
    qs = InspectionPlan.objects.visible_to(user).select_related("unit", "created_by")
    return qs.filter(status=status) if status else qs


def plan_get(*, user, plan_id: int) -> InspectionPlan:
    return get_visible(
        InspectionPlan.objects.select_related("unit").prefetch_related(
            "target_operators", "target_categories"
        ),
        user,
        pk=plan_id,
    )


def inspection_list(*, user, status: str | None = None) -> QuerySet[Inspection]:
    qs = (
        Inspection.objects.visible_to(user)
        .select_related("unit", "operator", "plan")
        .prefetch_related(_TEAM)
    )
    return qs.filter(status=status) if status else qs


def my_inspections(*, user, day: date | None = None) -> QuerySet[Inspection]:
    """The inspections the user is on, open ones first; `day` limits to that date."""
    qs = (
        inspection_list(user=user)
        .filter(team__user=user)
        .exclude(status=Inspection.Status.CLOSED)
        .order_by("scheduled_date", "pk")
    )
    return qs.filter(scheduled_date=day) if day else qs


def inspection_get(*, user, inspection_id: int) -> Inspection:
    return get_visible(
        Inspection.objects.select_related("unit", "operator", "plan").prefetch_related(
            _TEAM, "complaints"
        ),
        user,
        pk=inspection_id,
    )
