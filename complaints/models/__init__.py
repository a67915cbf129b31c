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
from complaints.models.rewards import Reward, RewardPayee, RewardPayeeKey

__all__ = [
    "Complaint",
    "ComplaintEvent",
    "ComplaintGroupObjectPermission",
    "ComplaintMessage",
    "ComplaintPhoto",
    "ComplaintUserObjectPermission",
    "DuplicateLink",
    "RetentionNotice",
    "Reward",
    "RewardPayee",
    "RewardPayeeKey",
]
