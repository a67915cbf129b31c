from dataclasses import dataclass, field

from django.db.models import Q

from complaints.models import Complaint
from inspections.models import Inspection, Sample
from registry.api_base import is_ranked, ranked_page_rows
from registry.models import Product
from registry.search import gtin_query, search_rank, text_matches
from violations.models import ProductAlert

SEARCH_LIMIT = 20


@dataclass
class Found:
    complaints: list
    complaint_count: int
    inspections: list
    inspection_count: int
    # A barcode (review.selectors.search): the products and published alerts with it.
    products: list = field(default_factory=list)
    alerts: list = field(default_factory=list)
    gtin: bool = False

    @property
    def product_count(self) -> int:
        return len(self.products)

    @property
    def alert_count(self) -> int:
        return len(self.alerts)


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


def _by_gtin(qs, order: tuple, limit: int) -> tuple[list, int]:
    qs = qs.order_by(*order)
    return list(qs[:limit]), qs.count()


def search(*, user, q: str, limit: int = SEARCH_LIMIT) -> Found:
    """Reports and inspections `user` may see that match `q`, the most relevant first
    (on PostgreSQL), then the newest; the counts are exact.

    A barcode (8, 12, 13 or 14 digits with a right check digit, leading zeros or not)
    is looked up instead as a GTIN in every form it may be written in, by the indexes
    of the products' and reports' barcode columns (never as a word prefix of the
    reports' text): the products, the reports naming one of them or the barcode, the
    inspections that sampled one of them, and the published alerts with it (public, so
    for everyone)."""
    forms = gtin_query(q)
    inspections_seen = Inspection.objects.visible_to(user).select_related("unit", "operator")
    if forms is None:
        inspections, inspection_count = _found(inspections_seen, q, ("-created_at", "-pk"), limit)
        complaints, complaint_count = _found(
            Complaint.objects.visible_to(user).select_related("unit"),
            q,
            ("-received_at", "-pk"),
            limit,
        )
        return Found(complaints, complaint_count, inspections, inspection_count)
    products = list(
        Product.objects.visible_to(user).filter(gtin__in=forms).order_by("name", "pk")[:limit]
    )
    named = Q(product_gtin__in=forms)
    if products:
        named |= Q(product__in=[p.pk for p in products])
    sampled = Sample.objects.filter(product__in=[p.pk for p in products]).values("inspection_id")
    inspections, inspection_count = _by_gtin(
        inspections_seen.filter(pk__in=sampled) if products else inspections_seen.none(),
        ("-created_at", "-pk"),
        limit,
    )
    complaints, complaint_count = _by_gtin(
        Complaint.objects.visible_to(user).filter(named).select_related("unit"),
        ("-received_at", "-pk"),
        limit,
    )
    alerts = list(
        ProductAlert.objects.published()
        .filter(barcode__in=forms)
        .select_related("inspection__unit")
        .order_by("-published_on", "-pk")[:limit]
    )
    return Found(
        complaints,
        complaint_count,
        inspections,
        inspection_count,
        products=products,
        alerts=alerts,
        gtin=True,
    )
