from inspections.models.alerts import ProductAlert
from inspections.models.findings import ChecklistItem, ChecklistTemplate, EvidencePhoto, Finding
from inspections.models.followup import FailedTestFollowUp, GoodsSeal
from inspections.models.inspection import (
    Inspection,
    InspectionEvent,
    InspectionGroupObjectPermission,
    InspectionMember,
    InspectionUserObjectPermission,
    Scope,
)
from inspections.models.minutes import Minutes
from inspections.models.plan import InspectionPlan
from inspections.models.samples import Sample, SampleResult
from inspections.models.uploads import PhotoUpload, PhotoUploadChunk
from inspections.models.violations import (
    AdditionalPenalty,
    PenaltyDecision,
    PenaltyLine,
    RemedialMeasure,
    Violation,
    ViolationRecord,
)

__all__ = [
    "AdditionalPenalty",
    "ChecklistItem",
    "ChecklistTemplate",
    "EvidencePhoto",
    "FailedTestFollowUp",
    "Finding",
    "GoodsSeal",
    "Inspection",
    "InspectionEvent",
    "InspectionGroupObjectPermission",
    "InspectionMember",
    "InspectionPlan",
    "InspectionUserObjectPermission",
    "Minutes",
    "PenaltyDecision",
    "PenaltyLine",
    "PhotoUpload",
    "PhotoUploadChunk",
    "ProductAlert",
    "RemedialMeasure",
    "Sample",
    "SampleResult",
    "Scope",
    "Violation",
    "ViolationRecord",
]
