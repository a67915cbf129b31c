"""The risk assessment of a violation record and of a product alert (registry.risk_levels:
the EU Safety Gate method). The level is computed from severity and probability, never
typed. An alert may take the assessment of its case's failed sample or record: the alert
form and the API's alert draft are prefilled with the gravest one (`case_assessment`)."""

from django.db import transaction

from inspections.models import Inspection
from registry.audit import audit_record
from registry.permissions import require_object_perm, require_perm
from registry.risk_assessment import (
    UPDATE_FIELDS,
    assessment_changes,
    assessment_of,
    assessment_values,
)
from registry.risk_levels import RiskLevel
from violations import notices
from violations.models import ProductAlert, ViolationRecord

PUBLISH = "violations.publish_productalert"
_GRAVITY = {level: rank for rank, level in enumerate(RiskLevel.values)}  # serious first


def _apply(obj, values: dict) -> None:
    for name, value in values.items():
        setattr(obj, name, value)
    obj.save(update_fields=UPDATE_FIELDS)


@transaction.atomic
def record_risk_assess(
    *, by, record: ViolationRecord, hazard: str, severity: int, probability: str, reasoning: str
) -> ViolationRecord:
    """Who may draft the case's records may assess their risk, at any stage: the
    assessment is not part of the signed record's text."""
    require_object_perm(by, "change", record.inspection)
    record = ViolationRecord.objects.select_for_update().get(pk=record.pk)
    values = assessment_values(
        by=by, hazard=hazard, severity=severity, probability=probability, reasoning=reasoning
    )
    _apply(record, values)
    audit_record(
        actor=by,
        action="record.risk",
        target=record.inspection,
        changes={"record": record.pk, **assessment_changes(record)},
    )
    return record


@transaction.atomic
def alert_risk_assess(
    *, by, alert: ProductAlert, hazard: str, severity: int, probability: str, reasoning: str
) -> ProductAlert:
    """Assess (or correct) a published alert's risk: the supervisors who publish alerts.
    An alert that becomes serious or high risk tells the other units then."""
    require_perm(by, PUBLISH)
    require_object_perm(by, "view", alert.inspection)
    alert = ProductAlert.objects.select_for_update().select_related("inspection").get(pk=alert.pk)
    values = assessment_values(
        by=by, hazard=hazard, severity=severity, probability=probability, reasoning=reasoning
    )
    _apply(alert, values)
    audit_record(
        actor=by,
        action="alert.risk",
        target=alert.inspection,
        changes={"alert": alert.pk, **assessment_changes(alert)},
    )
    notices.notices_for_urgent_alert(by=by, alert=alert)
    return alert


def case_assessment(inspection: Inspection) -> dict | None:
    """The gravest assessment among the case's failed samples and violation records, as
    the services take it, to prefill an alert; None when none is assessed."""
    assessed = [
        *inspection.samples.filter(conforming=False).exclude(risk_level=""),
        *inspection.violation_records.exclude(risk_level=""),
    ]
    if not assessed:
        return None
    gravest = min(assessed, key=lambda obj: (_GRAVITY[obj.risk_level], -obj.risk_severity))
    return assessment_of(gravest)
