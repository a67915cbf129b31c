"""API shapes of a risk assessment (registry.risk_assessment), shared by the samples',
the violation records' and the alerts' operations."""

from datetime import datetime

from ninja import Field, Schema

from registry.risk_levels import Hazard, Probability


class RiskIn(Schema):
    """An assessment: the level is computed from severity and probability (EU Safety
    Gate, Table 4), never given."""

    hazard: str = Field(..., description=f"One of {', '.join(Hazard.values)}")
    severity: int = Field(..., ge=1, le=4)
    probability: str = Field(..., description=f"One of {', '.join(Probability.values)}")
    reasoning: str = Field(..., max_length=4000)


class PublicRiskOut(Schema):
    level: str
    level_label: str
    hazard: str
    hazard_label: str


class RiskOut(PublicRiskOut):
    severity: int
    probability: str
    reasoning: str
    assessed_by_id: int | None
    assessed_at: datetime | None


def risk_out(obj, *, public: bool = False) -> dict | None:
    """The assessment of a sample, record or alert for its schema, None if unassessed."""
    if not obj.risk_level:
        return None
    out = {
        "level": obj.risk_level,
        "level_label": obj.risk_level_label,
        "hazard": obj.risk_hazard,
        "hazard_label": obj.risk_hazard_label,
    }
    if public:
        return out
    return {
        **out,
        "severity": obj.risk_severity,
        "probability": obj.risk_probability,
        "reasoning": obj.risk_reasoning,
        "assessed_by_id": obj.risk_assessed_by_id,
        "assessed_at": obj.risk_assessed_at,
    }
