"""Reads of violation handling, each through the inspection the user may see (a
record, decision, measure, follow-up, seal or alert of an inspection they cannot see is
a 404)."""

from django.db.models import Prefetch

from inspections.models import Inspection
from inspections.selectors import inspection_get, through_inspection
from registry.errors import NotFound
from violations.models import (
    FailedTestFollowUp,
    GoodsSeal,
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
