"""Reads of violation handling, each through the inspection the user may see (a
record, decision, measure, follow-up, seal or alert of an inspection they cannot see is
a 404)."""

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from inspections.models import Inspection
from inspections.selectors import inspection_get, through_inspection
from registry.errors import NotFound, PermissionDenied
from registry.permissions import get_visible
from registry.text import unit_order
from violations.models import (
    FailedTestFollowUp,
    GoodsSeal,
    Notice,
    PenaltyDecision,
    ProductAlert,
    RemedialMeasure,
    Violation,
    ViolationRecord,
)

_VIOLATIONS = Prefetch(
    "violations",
    queryset=Violation.objects.select_related(
        "provision__document", "provision__amending_document"
    ).prefetch_related("findings", "photos", "samples"),
)


def record_list(*, user, inspection_id: int):
    inspection = inspection_get(user=user, inspection_id=inspection_id)
    return inspection.violation_records.select_related("violator").prefetch_related(_VIOLATIONS)


def record_get(*, user, record_id: int):
    return through_inspection(
        ViolationRecord.objects.select_related("inspection", "violator").prefetch_related(
            _VIOLATIONS
        ),
        user=user,
        pk=record_id,
    )


def decision_get(*, user, decision_id: int):
    return through_inspection(
        PenaltyDecision.objects.select_related("record__inspection").prefetch_related(
            "lines__violation__provision__document",
            "lines__violation__provision__amending_document",
            "measures__photos",
        ),
        user=user,
        pk=decision_id,
        path="record__inspection",
    )


def measure_get(*, user, measure_id: int):
    return through_inspection(
        RemedialMeasure.objects.select_related("decision__record__inspection"),
        user=user,
        pk=measure_id,
        path="decision__record__inspection",
    )


def follow_up_list(*, user, inspection_id: int):
    inspection = inspection_get(user=user, inspection_id=inspection_id)
    return (
        FailedTestFollowUp.objects.filter(sample__inspection=inspection)
        .select_related("sample")
        .prefetch_related("seals", "sample__retests")
    )


def follow_up_get(*, user, follow_up_id: int):
    return through_inspection(
        FailedTestFollowUp.objects.select_related("sample__inspection").prefetch_related(
            "seals", "sample__retests"
        ),
        user=user,
        pk=follow_up_id,
        path="sample__inspection",
    )


def seal_get(*, user, seal_id: int):
    return through_inspection(
        GoodsSeal.objects.select_related("follow_up__sample__inspection"),
        user=user,
        pk=seal_id,
        path="follow_up__sample__inspection",
    )


def alert_get(*, user, alert_id: int):
    return through_inspection(
        ProductAlert.objects.select_related("inspection"), user=user, pk=alert_id
    )


def public_alerts(q: str = ""):
    """Published alerts, newest first; `q` matches every word, accents ignored."""
    qs = ProductAlert.objects.published()
    return qs.search(q) if (q or "").strip() else qs


def public_alert_get(alert_id: int):
    alert = public_alerts().filter(pk=alert_id).first()
    if alert is None:
        raise NotFound()
    return alert


# --- Lists across inspections (the desk's queues) -----------------------------------------------


def records_visible(*, user, status: str | None = None):
    """The violation records of the inspections the user may see, newest first;
    `status` keeps one status (draft: to be signed; signed: waiting for the decision)."""
    qs = ViolationRecord.objects.filter(
        inspection__in=Inspection.objects.visible_to(user)
    ).select_related("inspection", "violator")
    return qs.filter(status=status) if status else qs


def decisions_visible(*, user, status: str | None = None):
    """The penalty decisions of the inspections the user may see, oldest waiting first;
    `status="submitted"` is what waits for a supervisor's approval."""
    qs = (
        PenaltyDecision.objects.filter(record__inspection__in=Inspection.objects.visible_to(user))
        .select_related("record__inspection", "record__violator")
        .order_by("created_at", "pk")
    )
    return qs.filter(status=status) if status else qs


# --- Notices between units (violations/notices.py) ------------------------------------------------


def notices_for_my_unit(*, user, waiting: bool = True):
    """The notices the user's unit received: those waiting for its answer (the oldest
    deadline first), or those answered (the latest first). A notice closed because its
    alert was withdrawn is in neither. Another unit's notices are never listed, even for
    national staff, who see them in the national overview."""
    qs = Notice.objects.visible_to(user).filter(unit_id=user.unit_id).select_related("alert")
    if waiting:
        return qs.filter(reacted_at__isnull=True, withdrawn_at__isnull=True).order_by(
            "due_on", "pk"
        )
    return qs.filter(reacted_at__isnull=False).order_by("-reacted_at", "pk")


def notice_get(*, user, notice_id: int) -> Notice:
    """A notice the user may see (their unit's; national staff any): NotFound otherwise."""
    return get_visible(
        Notice.objects.select_related("alert__inspection__unit", "unit", "reacted_by"),
        user,
        pk=notice_id,
    )


def _require_national(user) -> None:
    if not (user.unit_id and user.unit.is_national and user.has_perm("violations.view_notice")):
        raise PermissionDenied()


def notice_campaigns(*, user):
    """For the national unit: the published alerts, each with how many units were told,
    how many answered and how many are late (unanswered past their last day)."""
    _require_national(user)
    today = timezone.localdate()
    return (
        ProductAlert.objects.published()
        .select_related("inspection__unit")
        .annotate(
            sent=Count("notices"),
            answered=Count("notices", filter=Q(notices__reacted_at__isnull=False)),
            overdue=Count(
                "notices",
                filter=Q(
                    notices__reacted_at__isnull=True,
                    notices__withdrawn_at__isnull=True,
                    notices__due_on__lt=today,
                ),
            ),
        )
        .order_by("-published_on", "-pk")
    )


def notice_campaign(*, user, alert_id: int):
    """One alert's notices, unit by unit, for the national unit."""
    _require_national(user)
    alert = ProductAlert.objects.select_related("inspection__unit").filter(pk=alert_id).first()
    if alert is None:
        raise NotFound()
    notices = alert.notices.select_related("unit__province", "reacted_by")
    return alert, sorted(notices, key=lambda n: unit_order(n.unit))
