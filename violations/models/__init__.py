from violations.models.alerts import ProductAlert
from violations.models.followup import FailedTestFollowUp, GoodsSeal
from violations.models.notices import Notice
from violations.models.records import (
    AdditionalPenalty,
    PenaltyDecision,
    PenaltyLine,
    RemedialMeasure,
    Violation,
    ViolationRecord,
)

__all__ = [
    "AdditionalPenalty",
    "FailedTestFollowUp",
    "GoodsSeal",
    "Notice",
    "PenaltyDecision",
    "PenaltyLine",
    "ProductAlert",
    "RemedialMeasure",
    "Violation",
    "ViolationRecord",
]
