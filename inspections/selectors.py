from datetime import date

from django.db.models import Prefetch, QuerySet

from inspections.models import Inspection, InspectionMember, InspectionPlan, Violation
from registry.errors import NotFound
from registry.permissions import get_visible

_VIOLATIONS = Prefetch(
    "violations",
    queryset=Violation.objects.select_related("provision").prefetch_related(
        "findings", "photos", "samples"
    ),
)
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
    from inspections.models import Sample

    return through_inspection(Sample.objects.select_related("inspection"), user=user, pk=sample_id)


def minutes_get(*, user, minutes_id: int):
    from inspections.models import Minutes

    return through_inspection(
        Minutes.objects.select_related("inspection"), user=user, pk=minutes_id
    )


# --- Violation handling -----------------------------------------------------------------------


def record_list(*, user, inspection_id: int):
    inspection = inspection_get(user=user, inspection_id=inspection_id)
    return inspection.violation_records.select_related("violator").prefetch_related(_VIOLATIONS)


def record_get(*, user, record_id: int):
    from inspections.models import ViolationRecord

    return through_inspection(
        ViolationRecord.objects.select_related("inspection", "violator").prefetch_related(
            _VIOLATIONS
        ),
        user=user,
        pk=record_id,
    )


def decision_get(*, user, decision_id: int):
    from inspections.models import PenaltyDecision

    return through_inspection(
        PenaltyDecision.objects.select_related("record__inspection").prefetch_related(
            "lines__violation__provision", "measures__photos"
        ),
        user=user,
        pk=decision_id,
        path="record__inspection",
    )


def measure_get(*, user, measure_id: int):
    from inspections.models import RemedialMeasure

    return through_inspection(
        RemedialMeasure.objects.select_related("decision__record__inspection"),
        user=user,
        pk=measure_id,
        path="decision__record__inspection",
    )


def follow_up_list(*, user, inspection_id: int):
    from inspections.models import FailedTestFollowUp

    inspection = inspection_get(user=user, inspection_id=inspection_id)
    return (
        FailedTestFollowUp.objects.filter(sample__inspection=inspection)
        .select_related("sample")
        .prefetch_related("seals", "sample__retests")
    )


def follow_up_get(*, user, follow_up_id: int):
    from inspections.models import FailedTestFollowUp

    return through_inspection(
        FailedTestFollowUp.objects.select_related("sample__inspection").prefetch_related(
            "seals", "sample__retests"
        ),
        user=user,
        pk=follow_up_id,
        path="sample__inspection",
    )


def seal_get(*, user, seal_id: int):
    from inspections.models import GoodsSeal

    return through_inspection(
        GoodsSeal.objects.select_related("follow_up__sample__inspection"),
        user=user,
        pk=seal_id,
        path="follow_up__sample__inspection",
    )


def alert_get(*, user, alert_id: int):
    from inspections.models import ProductAlert

    return through_inspection(
        ProductAlert.objects.select_related("inspection"), user=user, pk=alert_id
    )


def public_alerts(q: str = ""):
    """Published alerts, newest first; `q` matches every word, accents ignored."""
    from inspections.models import ProductAlert

    qs = ProductAlert.objects.published()
    return qs.search(q) if (q or "").strip() else qs


def public_alert_get(alert_id: int):
    alert = public_alerts().filter(pk=alert_id).first()
    if alert is None:
        raise NotFound()
    return alert
