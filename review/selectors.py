from dataclasses import dataclass

from complaints.models import Complaint
from inspections.models import Inspection
from registry.search import text_matches

SEARCH_LIMIT = 20


@dataclass
class Found:
    complaints: list
    complaint_count: int
    inspections: list
    inspection_count: int


def search(*, user, q: str, limit: int = SEARCH_LIMIT) -> Found:
    """Reports and inspections `user` may see that match `q`, newest first."""
    complaints = text_matches(
        Complaint.objects.visible_to(user).select_related("unit"), q
    ).order_by("-received_at", "-pk")
    inspections = text_matches(
        Inspection.objects.visible_to(user).select_related("unit", "operator"), q
    ).order_by("-created_at", "-pk")
    return Found(
        complaints=list(complaints[:limit]),
        complaint_count=complaints.count(),
        inspections=list(inspections[:limit]),
        inspection_count=inspections.count(),
    )
