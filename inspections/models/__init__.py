from inspections.models.findings import ChecklistItem, ChecklistTemplate, EvidencePhoto, Finding
from inspections.models.inspection import (
    Inspection,
    InspectionEvent,
    InspectionGroupObjectPermission,
    InspectionMember,
    InspectionUserObjectPermission,
    Scope,
)
from inspections.models.minutes import Minutes, MinutesScan, MinutesSignature
from inspections.models.plan import InspectionPlan, PlanSuggestionSkip, PlanTarget, RepeatReason
from inspections.models.samples import Sample, SampleResult
from inspections.models.uploads import PhotoUpload, PhotoUploadChunk

__all__ = [
    "ChecklistItem",
    "ChecklistTemplate",
    "EvidencePhoto",
    "Finding",
    "Inspection",
    "InspectionEvent",
    "InspectionGroupObjectPermission",
    "InspectionMember",
    "InspectionPlan",
    "InspectionUserObjectPermission",
    "Minutes",
    "MinutesScan",
    "MinutesSignature",
    "PhotoUpload",
    "PhotoUploadChunk",
    "PlanSuggestionSkip",
    "PlanTarget",
    "RepeatReason",
    "Sample",
    "SampleResult",
    "Scope",
]
