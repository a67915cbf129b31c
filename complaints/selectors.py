from django.db.models import Count, Prefetch, Q, QuerySet

from complaints.models import Complaint, ComplaintEvent, ComplaintMessage, ComplaintPhoto
from registry.permissions import get_visible


def complaint_list(
    *, user, status: str | None = None, q: str | None = None, mine: bool = False
) -> QuerySet:
    qs = (
        Complaint.objects.visible_to(user)
        .select_related("unit", "assigned_to", "seller_province")
        .annotate(photo_count=Count("photos"))
        .order_by("-received_at", "-pk")
    )
    if status:
        qs = qs.filter(status=status)
    if mine:
        qs = qs.filter(assigned_to=user)
    if q:
        qs = qs.filter(
            Q(tracking_number__iexact=q.strip())
            | Q(product_name__icontains=q)
            | Q(seller_name__icontains=q)
            | Q(product_gtin=q.strip())
            | Q(seller_tax_code__startswith=q.strip())
            | Q(description__icontains=q)
        )
    return qs


def complaint_get(*, user, complaint_id: int) -> Complaint:
    return get_visible(
        Complaint.objects.select_related(
            "unit", "assigned_to", "seller_province", "product_category"
        ).prefetch_related(
            Prefetch("events", queryset=ComplaintEvent.objects.select_related("actor")),
            Prefetch("messages", queryset=ComplaintMessage.objects.select_related("author")),
            Prefetch("photos", queryset=ComplaintPhoto.objects.order_by("created_at")),
        ),
        user,
        pk=complaint_id,
    )


def photo_get(*, user, complaint_id: int, photo_id: int) -> ComplaintPhoto:
    complaint = complaint_get(user=user, complaint_id=complaint_id)
    photo = complaint.photos.filter(pk=photo_id, state=ComplaintPhoto.State.READY).first()
    if photo is None:
        from registry.errors import NotFound

        raise NotFound()
    return photo


def public_view(complaint: Complaint) -> dict:
    """What the holder of the receipt sees: status, history, public messages. Never
    internal notes, staff names or photos of the thread."""
    events = complaint.events.order_by("at", "id")
    messages = (
        complaint.messages.filter(internal=False)
        .order_by("at", "id")
        .annotate(photo_count=Count("photos"))
    )
    return {
        "tracking_number": complaint.tracking_number,
        "status": complaint.status,
        "status_label": str(Complaint.Status(complaint.status).label),
        "received_at": complaint.received_at,
        "unit": complaint.unit.name,
        "kind": complaint.kind,
        "kind_label": str(Complaint.Kind(complaint.kind).label),
        "product_name": complaint.product_name,
        "seller_name": complaint.seller_name,
        "closed": complaint.is_closed,
        "outcome": complaint.outcome,
        "history": [
            {
                "at": e.at,
                "status": e.status_to,
                "status_label": str(Complaint.Status(e.status_to).label),
                "note": e.public_note,
            }
            for e in events
        ],
        "messages": [
            {
                "at": m.at,
                "from_reporter": m.author_kind == ComplaintMessage.Author.REPORTER,
                "body": m.body,
                "photo_count": m.photo_count,
            }
            for m in messages
        ],
    }
