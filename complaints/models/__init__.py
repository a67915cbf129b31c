from complaints.models.complaint import (
    Complaint,
    ComplaintEvent,
    ComplaintGroupObjectPermission,
    ComplaintMessage,
    ComplaintPhoto,
    ComplaintUserObjectPermission,
)
from complaints.models.duplicates import DuplicateLink
from complaints.models.retention import RetentionNotice

__all__ = [
    "Complaint",
    "ComplaintEvent",
    "ComplaintGroupObjectPermission",
    "ComplaintMessage",
    "ComplaintPhoto",
    "ComplaintUserObjectPermission",
    "DuplicateLink",
    "RetentionNotice",
]
