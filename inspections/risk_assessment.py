"""The risk assessment of a failed sample (registry.risk_levels: the EU Safety Gate
method): hazard, severity and probability give the level, recorded with the reasoning.
Only a sample whose lab result is a fail is assessed; the violation record and the
product alert of the case may take it over (violations/risk_assessment.py)."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from inspections.models import Sample
from registry.audit import audit_record
from registry.errors import Conflict
from registry.permissions import require_object_perm
from registry.risk_assessment import UPDATE_FIELDS, assessment_changes, assessment_values


@transaction.atomic
def sample_risk_assess(
    *, by, sample: Sample, hazard: str, severity: int, probability: str, reasoning: str
) -> Sample:
    """Record (or correct) the risk of a failed sample: who may record its result may
    assess it (the team on its inspection and the unit's supervisors)."""
    require_object_perm(by, "change", sample.inspection)
    sample = Sample.objects.select_for_update().select_related("inspection").get(pk=sample.pk)
    if sample.conforming is not False:
        raise Conflict(
            _("Chỉ đánh giá rủi ro cho mẫu có kết quả thử nghiệm không đạt."),
            code="sample_not_failed",
        )
    values = assessment_values(
        by=by, hazard=hazard, severity=severity, probability=probability, reasoning=reasoning
    )
    for name, value in values.items():
        setattr(sample, name, value)
    sample.save(update_fields=UPDATE_FIELDS)
    audit_record(
        actor=by,
        action="sample.risk",
        target=sample.inspection,
        changes={"sample": sample.pk, **assessment_changes(sample)},
    )
    return sample
