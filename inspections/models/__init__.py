from inspections.models.inspection import (
    Inspection,
    InspectionEvent,
    InspectionGroupObjectPermission,
    InspectionMember,
    InspectionUserObjectPermission,
    Scope,
)
from inspections.models.plan import InspectionPlan

__all__ = [
    "Inspection",
    "InspectionEvent",
    "InspectionGroupObjectPermission",
    "InspectionMember",
    "InspectionPlan",
    "InspectionUserObjectPermission",
    "Scope",
]
