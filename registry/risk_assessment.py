"""The risk assessment a failed sample, a violation record and a product alert carry
(`registry.risk_levels`: the EU Safety Gate method), as fields the models inherit, and
the check every service that records one runs.

The level is computed here from the severity and the probability, never typed; the
services of each app write their own records with what `assessment_values` returns.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.errors import InvalidInput
from registry.risk_levels import (
    Hazard,
    Probability,
    RiskLevel,
    Severity,
    hazard_label,
    level_label,
    risk_level,
)

FIELDS = ("risk_hazard", "risk_severity", "risk_probability", "risk_reasoning")
MAX_REASONING = 4000


class RiskAssessed(models.Model):
    """Đánh giá rủi ro: hazard, severity, probability, the level they give, the injury
    scenario and reasoning, who assessed and when. Blank until assessed."""

    risk_hazard = models.CharField(
        _("loại nguy cơ"), max_length=20, choices=Hazard.choices, blank=True
    )
    risk_severity = models.PositiveSmallIntegerField(
        _("mức độ nghiêm trọng của tổn hại"), choices=Severity.choices, null=True, blank=True
    )
    risk_probability = models.CharField(
        _("xác suất gây tổn hại"), max_length=10, choices=Probability.choices, blank=True
    )
    risk_level = models.CharField(
        _("mức rủi ro"), max_length=10, choices=RiskLevel.choices, blank=True, editable=False
    )
    risk_reasoning = models.TextField(_("kịch bản tổn hại và lập luận"), blank=True)
    risk_assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người đánh giá rủi ro"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    risk_assessed_at = models.DateTimeField(_("thời điểm đánh giá rủi ro"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def risk_assessed(self) -> bool:
        return bool(self.risk_level)

    @property
    def risk_hazard_label(self) -> str:
        return hazard_label(self.risk_hazard)

    @property
    def risk_level_label(self) -> str:
        return level_label(self.risk_level)


def assessment_values(*, by, hazard: str, severity, probability: str, reasoning: str) -> dict:
    """The fields of an assessment, checked, with its level computed (Table 4 of the
    guidelines). Raises InvalidInput naming the field at fault."""
    if hazard not in Hazard.values:
        raise InvalidInput.field("hazard", "hazard_unknown", _("Hãy chọn loại nguy cơ."))
    try:
        severity = Severity(int(severity))
    except (TypeError, ValueError):
        raise InvalidInput.field(
            "severity", "severity_unknown", _("Hãy chọn mức độ nghiêm trọng từ 1 đến 4.")
        ) from None
    if probability not in Probability.values:
        raise InvalidInput.field(
            "probability", "probability_unknown", _("Hãy chọn xác suất gây tổn hại.")
        )
    reasoning = (reasoning or "").strip()
    if not reasoning:
        raise InvalidInput.field(
            "reasoning",
            "reasoning_required",
            _("Hãy mô tả kịch bản tổn hại và lý do chọn mức độ, xác suất."),
        )
    return {
        "risk_hazard": hazard,
        "risk_severity": int(severity),
        "risk_probability": probability,
        "risk_level": str(risk_level(severity, probability)),
        "risk_reasoning": reasoning[:MAX_REASONING],
        "risk_assessed_by": by,
        "risk_assessed_at": timezone.now(),
    }


UPDATE_FIELDS = [
    "risk_hazard",
    "risk_severity",
    "risk_probability",
    "risk_level",
    "risk_reasoning",
    "risk_assessed_by",
    "risk_assessed_at",
]


def assessment_changes(obj) -> dict:
    """What an audit entry records of an assessment (no free text: the reasoning stays on
    the record)."""
    return {
        "hazard": obj.risk_hazard,
        "severity": obj.risk_severity,
        "probability": obj.risk_probability,
        "level": obj.risk_level,
    }


def assessment_of(obj) -> dict | None:
    """The assessment of `obj` as the keyword arguments a service takes, to copy it
    (an alert taking its sample's or record's), or None when it has none."""
    if obj is None or not getattr(obj, "risk_level", ""):
        return None
    return {
        "hazard": obj.risk_hazard,
        "severity": obj.risk_severity,
        "probability": obj.risk_probability,
        "reasoning": obj.risk_reasoning,
    }
