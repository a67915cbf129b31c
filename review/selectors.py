from dataclasses import dataclass

from complaints.models import Complaint
from inspections.models import Inspection
from registry.api_base import is_ranked, ranked_page_rows
from registry.search import search_rank, text_matches

SEARCH_LIMIT = 20


@dataclass
class Found:
    complaints: list
    complaint_count: int
    inspections: list
    inspection_count: int


def _found(qs, q: str, order: tuple, limit: int) -> tuple[list, int]:
    """The first `limit` rows matching `q`, the most relevant first (PostgreSQL), then
    in `order`, and how many match. On PostgreSQL both come from one scan of the
    matches (they are all read to be ranked anyway), the rows then by their ids."""
    qs = text_matches(qs, q)
    rank = search_rank(q, qs.model)
    if rank is not None:
        qs = qs.alias(search_rank=rank).order_by("-search_rank", *order)
    else:
        qs = qs.order_by(*order)
    if is_ranked(qs):
        return ranked_page_rows(qs, offset=0, limit=limit)
    return list(qs[:limit]), qs.count()


def search(*, user, q: str, limit: int = SEARCH_LIMIT) -> Found:
    """Reports and inspections `user` may see that match `q`, the most relevant first
    (on PostgreSQL), then the newest; the counts are exact."""
    complaints, complaint_count = _found(
        Complaint.objects.visible_to(user).select_related("unit"),
        q,
        ("-received_at", "-pk"),
        limit,
    )
    inspections, inspection_count = _found(
        Inspection.objects.visible_to(user).select_related("unit", "operator"),
        q,
        ("-created_at", "-pk"),
        limit,
    )
    return Found(complaints, complaint_count, inspections, inspection_count)
