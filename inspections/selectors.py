from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q, QuerySet

from complaints.models import Complaint
from inspections.models import Inspection, InspectionMember, InspectionPlan, Sample
from registry import risk
from registry.errors import NotFound
from registry.models import AuditEntry, ProductCategory, Role, User
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
        .exclude(status__in=(Inspection.Status.CLOSED, Inspection.Status.CANCELLED))
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


def checklist_list(*, user, scope: str | None = None):
    from inspections.models import ChecklistItem, ChecklistTemplate

    qs = (
        ChecklistTemplate.objects.visible_to(user)
        .filter(is_active=True)
        .prefetch_related(Prefetch("items", queryset=ChecklistItem.objects.order_by("order", "pk")))
    )
    return qs.filter(scope=scope) if scope else qs


def finding_list(*, user, inspection_id: int):
    inspection = inspection_get(user=user, inspection_id=inspection_id)
    return inspection.findings.select_related("item", "item__template", "author").prefetch_related(
        "photos"
    )


def through_inspection(queryset: QuerySet, *, user, pk: int, path: str = "inspection"):
    """One child object of an inspection the user may see, or NotFound: records,
    samples, minutes and the rest are reached only through their inspection. `path` is
    the lookup from the object to its inspection."""
    found = queryset.filter(pk=pk, **{f"{path}__in": Inspection.objects.visible_to(user)}).first()
    if found is None:
        raise NotFound()
    return found


def finding_get(*, user, finding_id: int):
    from inspections.models import Finding

    return through_inspection(
        Finding.objects.select_related("inspection", "item", "item__template"),
        user=user,
        pk=finding_id,
    )


def evidence_get(*, user, finding_id: int, photo_id: int):
    finding = finding_get(user=user, finding_id=finding_id)
    photo = finding.photos.filter(pk=photo_id).first()
    if photo is None:
        raise NotFound()
    return photo


def sample_list(*, user, inspection_id: int):
    inspection = inspection_get(user=user, inspection_id=inspection_id)
    return inspection.samples.prefetch_related("results")


def sample_get(*, user, sample_id: int):

    return through_inspection(Sample.objects.select_related("inspection"), user=user, pk=sample_id)


def minutes_get(*, user, minutes_id: int):
    from inspections.models import Minutes

    return through_inspection(
        Minutes.objects.select_related("inspection"), user=user, pk=minutes_id
    )


def inspection_day(inspection: Inspection) -> date:
    """The day an inspection's goods are judged on: its decision's date, else the day it
    was planned for, else today in Vietnam."""
    return inspection.decision_date or inspection.scheduled_date or risk.today()


def inspection_category_classes(*, inspection: Inspection) -> list[tuple]:
    """(category, class in force on the inspection's day or None) for each product
    category involved: those the decision names, of its samples' products and of its
    plan, by name. Five queries however many categories there are."""

    ids = set(
        Sample.objects.filter(inspection=inspection, product__category__isnull=False).values_list(
            "product__category_id", flat=True
        )
    )
    ids |= set(
        Inspection.categories.through.objects.filter(inspection_id=inspection.pk).values_list(
            "productcategory_id", flat=True
        )
    )
    if inspection.plan_id:
        ids |= set(
            InspectionPlan.target_categories.through.objects.filter(
                inspectionplan_id=inspection.plan_id
            ).values_list("productcategory_id", flat=True)
        )
    if not ids:
        return []
    day = inspection_day(inspection)
    categories = risk.with_classes(ProductCategory.objects.filter(pk__in=ids)).order_by("name")
    return [(category, risk.class_on(category, day)) for category in categories]


# --- The desk pages (inspections/desk_views.py) -------------------------------------------------


def plan_inspections(*, user, plan: InspectionPlan) -> QuerySet[Inspection]:
    """The inspections under a plan that the user may see."""
    return inspection_list(user=user).filter(plan=plan).order_by("scheduled_date", "pk")


def plans_open_for_inspections(*, user) -> QuerySet[InspectionPlan]:
    """The approved plans of the user's unit: an inspection by plan is made under one."""
    return plan_list(user=user, status=InspectionPlan.Status.APPROVED).filter(unit_id=user.unit_id)


def audit_trail(obj) -> QuerySet[AuditEntry]:
    """The audit entries whose target is `obj`, oldest first. Shown on the object's own
    page to whoever may see the object: what was done to it, by whom and when (the
    services never put a reporter's identity or a receipt in an entry)."""
    return AuditEntry.objects.filter(
        target_type=ContentType.objects.get_for_model(obj), target_id=str(obj.pk)
    ).order_by("id")


def team_candidates(*, user, inspection: Inspection) -> dict:
    """Who may lead and who may join the team of an inspection: active staff of its unit
    with the team lead role (to lead) or the inspector or team lead role (to join)."""
    staff = (
        User.objects.visible_to(user)
        .filter(is_active=True, unit_id=inspection.unit_id)
        .order_by("full_name", "username")
    )
    return {
        "leads": staff.filter(groups__name=Role.TEAM_LEAD).distinct(),
        "members": staff.filter(
            Q(groups__name=Role.INSPECTOR) | Q(groups__name=Role.TEAM_LEAD)
        ).distinct(),
    }


def linkable_complaints(*, user) -> QuerySet[Complaint]:
    """The accepted reports the user may see, to link to a new inspection."""
    return (
        Complaint.objects.visible_to(user)
        .filter(status__in=(Complaint.Status.TRIAGED, Complaint.Status.UNDER_INSPECTION))
        .order_by("-received_at", "-pk")
    )


# --- The samples at the desk (inspections/lab_views.py, home pages) -------------------------

# The list's tabs: what waits at the desk (the default), then each status.
WAITING = "waiting"
WAITING_STATUSES = (Sample.Status.TAKEN, Sample.Status.SENT)


def visible_samples(user):
    """The samples of the inspections `user` may see (the inspections' own rule)."""
    return Sample.objects.filter(inspection__in=Inspection.objects.visible_to(user))


def sample_queue(user, status: str = WAITING):
    """The list `/samples/?status=…` shows: `waiting` (taken but not sent, or sent
    without a result), or one status. Oldest first: the retained unit's clock and the
    lab's run from the sampling."""
    qs = visible_samples(user)
    qs = qs.filter(status__in=WAITING_STATUSES) if status == WAITING else qs.filter(status=status)
    order = ("-result_on", "-pk") if status == Sample.Status.TESTED else ("sampled_at", "pk")
    return qs.select_related("inspection__operator").order_by(*order)


def samples_waiting_count(user) -> int:
    """The count a home page shows beside its link to `/samples/` (the same list)."""
    return sample_queue(user).count()
