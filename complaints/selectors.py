from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint, ComplaintEvent, ComplaintMessage, ComplaintPhoto
from complaints.reward_selectors import reward_public
from registry import workdays
from registry.clocks import end_of_day
from registry.errors import InvalidInput, NotFound
from registry.models import ProductCategory, Province, Unit
from registry.permissions import get_visible
from registry.search import text_matches
from whistleblower.models import DisclosureRequest
from whistleblower.selectors import protection_public

CLOSED = (Complaint.Status.RESOLVED, Complaint.Status.REJECTED, Complaint.Status.MERGED)
# The triage queues: what waits for a first look, what falls due within two working
# days, what is past a deadline, and the open or closed reports.
QUEUES = ("open", "new", "due_soon", "overdue", "closed", "all")
NO_HANDLER = "none"


@dataclass(frozen=True)
class ComplaintFilters:
    queue: str = "open"
    status: str | None = None
    unit_id: int | None = None
    province_id: int | None = None
    category_id: int | None = None
    kind: str | None = None
    nature: str | None = None
    handler: str | None = None  # a user's id, or "none" for reports nobody handles yet
    q: str | None = None
    mine: bool = False
    grouped: bool = False  # only reports found to duplicate others


def filters_from_query(get) -> ComplaintFilters:
    """The filters of a queue page or export link. A value that is not one of the
    choices is ignored rather than refused: the page is a bookmark."""

    def choice(name, values):
        value = get.get(name) or None
        return value if value in values else None

    def number(name):
        value = get.get(name, "")
        return int(value) if value.isdecimal() and len(value) < 12 else None

    handler = get.get("handler", "")
    return ComplaintFilters(
        queue=choice("queue", QUEUES) or "open",
        status=choice("status", Complaint.Status.values),
        unit_id=number("unit"),
        province_id=number("province"),
        category_id=number("category"),
        kind=choice("kind", Complaint.Kind.values),
        nature=choice("nature", Complaint.Nature.values),
        handler=handler
        if handler == NO_HANDLER or (handler.isdecimal() and len(handler) < 12)
        else None,
        q=get.get("q", "").strip()[:100] or None,
        mine=get.get("mine") == "1",
        grouped=get.get("grouped") == "1",
    )


def due_soon_limit(now=None):
    """The end of the second working day from today: "due soon" ends there."""
    now = now or timezone.now()
    return end_of_day(workdays.add_working_days(timezone.localdate(now), 2))


def _queue(qs: QuerySet, queue: str, now) -> QuerySet:
    if queue == "new":
        return qs.filter(status=Complaint.Status.RECEIVED)
    if queue == "due_soon":
        return qs.filter(due_at__gt=now, due_at__lte=due_soon_limit(now))
    if queue == "overdue":
        return qs.filter(due_at__lte=now)
    if queue == "closed":
        return qs.filter(status__in=CLOSED)
    if queue == "all":
        return qs
    return qs.exclude(status__in=CLOSED)


def complaint_list(*, user, filters: ComplaintFilters | None = None, **kwargs) -> QuerySet:
    """The reports `user` may see, filtered for a triage queue. The nearest deadline
    first in the deadline queues, the newest first otherwise. A page of it costs one
    query whatever its size (the photo count is a subquery, not a join)."""
    filters = filters or ComplaintFilters(**kwargs)
    now = timezone.now()
    photos = (
        ComplaintPhoto.objects.filter(complaint=OuterRef("pk"))
        .order_by()
        .values("complaint")
        .annotate(n=Count("pk"))
        .values("n")
    )
    qs = (
        Complaint.objects.visible_to(user)
        .select_related("unit", "assigned_to", "seller_province", "product_category")
        .annotate(photo_count=Coalesce(Subquery(photos, output_field=IntegerField()), 0))
    )
    qs = _queue(qs, filters.queue if filters.queue in QUEUES else "open", now)
    exact = {
        "status": filters.status,
        "unit_id": filters.unit_id,
        "seller_province_id": filters.province_id,
        "product_category_id": filters.category_id,
        "kind": filters.kind,
        "nature": filters.nature,
    }
    qs = qs.filter(**{field: value for field, value in exact.items() if value})
    if filters.handler == NO_HANDLER:
        qs = qs.filter(assigned_to__isnull=True)
    elif filters.handler:
        qs = qs.filter(assigned_to_id=filters.handler)
    if filters.mine:
        qs = qs.filter(assigned_to=user)
    if filters.grouped:
        qs = qs.filter(duplicate_group__isnull=False)
    if filters.q:
        qs = text_matches(qs, filters.q)
    if filters.queue in ("due_soon", "overdue"):
        return qs.order_by("due_at", "pk")
    return qs.order_by("-received_at", "-pk")


def queue_counts(*, user) -> dict[str, int]:
    """How many reports wait in each triage queue (one query)."""
    now = timezone.now()
    return Complaint.objects.visible_to(user).aggregate(
        open=Count("pk", filter=~Q(status__in=CLOSED)),
        new=Count("pk", filter=Q(status=Complaint.Status.RECEIVED)),
        due_soon=Count("pk", filter=Q(due_at__gt=now, due_at__lte=due_soon_limit(now))),
        overdue=Count("pk", filter=Q(due_at__lte=now)),
    )


def filter_choices(*, user) -> dict:
    """The values the queue can be filtered by."""
    return {
        "statuses": Complaint.Status.choices,
        "kinds": Complaint.Kind.choices,
        "natures": Complaint.Nature.choices,
        "provinces": Province.objects.order_by("name"),
        "categories": ProductCategory.objects.order_by("name"),
        "units": Unit.objects.visible_to(user).filter(is_active=True).order_by("name")
        if user.unit_id and user.unit.is_national
        else Unit.objects.none(),
    }


def linked_inspections(*, user, complaint: Complaint):
    """The inspections made on the ground of this report that the user may open (an
    inspection they may not see stays unseen; the report's status says it is under
    inspection)."""
    return complaint.inspections.visible_to(user).select_related("operator").order_by("pk")


MAX_SELECTED = 200


def complaints_by_ids(*, user, ids) -> list[Complaint]:
    """The reports with these ids, each one `user` may see, or NotFound (a hidden one
    looks missing); empty or more than MAX_SELECTED is refused."""
    wanted = {int(i) for i in ids if 0 < int(i) < 2**63}
    if not wanted:
        raise InvalidInput.field("ids", "nothing_selected", _("Hãy chọn ít nhất một phản ánh."))
    if len(wanted) > MAX_SELECTED:
        raise InvalidInput.field(
            "ids", "too_many_selected", _("Tối đa %(max)d phản ánh mỗi lần."), {"max": MAX_SELECTED}
        )
    found = list(Complaint.objects.visible_to(user).filter(pk__in=wanted).order_by("pk"))
    if len(found) != len(wanted):
        raise NotFound()
    return found


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
        raise NotFound()
    return photo


def _merged_into(complaint: Complaint) -> dict | None:
    """For a merged report: the case it is settled with, as its reporter may read it
    (status and outcome, not the other reporter's messages)."""
    main = complaint.merged_into if complaint.merged_into_id else None
    if main is None:
        return None
    return {
        "tracking_number": main.tracking_number,
        "status": main.status,
        "status_label": str(Complaint.Status(main.status).label),
        "closed": main.is_closed,
        "outcome": main.outcome,
    }


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
        "merged_into": (merged := _merged_into(complaint)),
        "may_reply": not complaint.is_closed or bool(merged and not merged["closed"]),
        # The reporter's protection requests, newest first (docs/protection.md).
        "protection": protection_public(complaint),
        "reward": reward_public(complaint),
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


def disclosure_list(*, user, status: str | None = None):
    """The disclosure requests the user may see (a custodian: their unit's), newest first
    as the model orders them; with `status`, only those in it."""
    qs = DisclosureRequest.objects.visible_to(user).select_related("complaint", "requested_by")
    return qs.filter(status=status) if status else qs
