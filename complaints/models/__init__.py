from complaints.models.complaint import (
    Complaint,
    ComplaintEvent,
    ComplaintGroupObjectPermission,
    ComplaintMessage,
    ComplaintPhoto,
    ComplaintUserObjectPermission,
)

__all__ = [
    "Complaint",
    "ComplaintEvent",
    "ComplaintGroupObjectPermission",
    "ComplaintMessage",
    "ComplaintPhoto",
    "ComplaintUserObjectPermission",
]
