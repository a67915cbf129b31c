from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy, ngettext

from complaints.models import Complaint, ComplaintEvent, ComplaintMessage, ComplaintPhoto
from complaints.reward_selectors import reward_public
from registry import reference_cache, workdays
from registry.api_base import (
    CappedCount,
    capped,
    capped_count,
    capped_counts,
    is_ranked,
    page_rows,
    ranked_page_rows,
)
from registry.clocks import end_of_day
from registry.errors import InvalidInput, NotFound
from registry.models import ProductCategory, Province, Unit
from registry.permissions import get_visible
from registry.search import search_rank, text_matches
from registry.text import place_key, unit_order
from whistleblower.models import DisclosureRequest
from whistleblower.selectors import protection_public

CLOSED = (Complaint.Status.RESOLVED, Complaint.Status.REJECTED, Complaint.Status.MERGED)
# The triage queues: what waits for a first look, what falls due within two working
# days, what is past a deadline, and the open or closed reports.
QUEUES = ("open", "new", "due_soon", "overdue", "closed", "all")
# The queues counted on the queue's tabs and the home page.
HOME_QUEUES = ("open", "new", "due_soon", "overdue")
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


def _filtered(*, user, filters: ComplaintFilters, now) -> QuerySet:
    """The reports `user` may see that the filters keep, in the queue's order (a search
    ranks by relevance first), with no column or join chosen yet."""
    qs = _queue(
        Complaint.objects.visible_to(user),
        filters.queue if filters.queue in QUEUES else "open",
        now,
    )
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
    order = (
        ["due_at", "pk"] if filters.queue in ("due_soon", "overdue") else ["-received_at", "-pk"]
    )
    if filters.q:
        qs = text_matches(qs, filters.q)
        rank = search_rank(filters.q, Complaint)
        if rank is not None:
            qs = qs.alias(search_rank=rank)
            order = ["-search_rank", *order]
    return qs.order_by(*order)


def _photo_count():
    photos = (
        ComplaintPhoto.objects.filter(complaint=OuterRef("pk"))
        .order_by()
        .values("complaint")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(photos, output_field=IntegerField()), 0)


def complaint_list(*, user, filters: ComplaintFilters | None = None, **kwargs) -> QuerySet:
    """The reports `user` may see, filtered for a triage queue. The nearest deadline
    first in the deadline queues, the newest first otherwise; a search puts the most
    relevant first (registry.search.search_rank). Every column and the related rows
    (exports); the list pages fetch a page of it with `complaint_page`."""
    filters = filters or ComplaintFilters(**kwargs)
    return (
        _filtered(user=user, filters=filters, now=timezone.now())
        .select_related("unit", "assigned_to", "seller_province", "product_category")
        .annotate(photo_count=_photo_count())
    )


# The columns a row of the queue (page and API) shows: nothing else is read.
LIST_COLUMNS = (
    "tracking_number",
    "status",
    "nature",
    "kind",
    "product_name",
    "seller_name",
    "seller_province__name",
    "product_category_id",
    "unit_id",
    "assigned_to__username",
    "assigned_to__full_name",
    "received_at",
    "due_at",
    "duplicate_group",
)


@dataclass
class ListPage:
    """A page of the queue: its rows, the capped count of the whole list, and whether a
    next page exists (known from one row more than the page). It answers what the
    templates ask of Django's Page and Paginator; `num_pages` is None when the count is
    capped (the last page is not known then)."""

    object_list: list
    count: CappedCount
    number: int
    page_size: int
    has_next: bool

    @property
    def paginator(self) -> "ListPage":
        return self

    @property
    def num_pages(self) -> int | None:
        return None if self.count.capped else max(1, -(-self.count // self.page_size))

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next or self.number > 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


MAX_PAGE = 10_000_000


def page_number(value) -> int:
    """The page asked for in a link: a number from 1, else the first page."""
    value = str(value or "")
    return min(int(value), MAX_PAGE) if value.isdecimal() and 0 < len(value) < 9 else 1


def complaint_rows(*, user, filters: ComplaintFilters) -> QuerySet:
    """The queue's rows as the API lists them: the filtered reports with only the
    listed columns (its pagination counts and pages them)."""
    return listed(_filtered(user=user, filters=filters, now=timezone.now()))


def complaint_page(
    *,
    user,
    filters: ComplaintFilters,
    page: int = 1,
    page_size: int = 25,
    count: CappedCount | None = None,
) -> ListPage:
    """A page of the queue in two queries whatever its number and size: the capped
    count of the list, and the page's rows by a deferred join (one row more, to tell if
    a next page exists). A page past the end of a list counted exactly is its last.
    `count`: the list's capped count when the caller has it (a queue tab's)."""
    qs = _filtered(user=user, filters=filters, now=timezone.now())
    page = max(page, 1)
    if is_ranked(qs):
        # A search: the page and the number of matches from one scan.
        rows, total = ranked_page_rows(
            listed(qs), offset=(page - 1) * page_size, limit=page_size + 1
        )
        count = capped(total)
        if rows or page == 1 or count.capped:
            return ListPage(rows[:page_size], count, page, page_size, len(rows) > page_size)
    elif count is None:
        count = capped_count(qs)
    if not count.capped and (page - 1) * page_size >= count:
        page = max(1, -(-count // page_size))
    rows = page_rows(listed(qs), offset=(page - 1) * page_size, limit=page_size + 1)
    return ListPage(rows[:page_size], count, page, page_size, len(rows) > page_size)


def listed(qs: QuerySet) -> QuerySet:
    """The rows of `qs` with only the listed columns, the handler's and province's names
    and the photo count: what a row of the queue (page or API) shows."""
    return (
        qs.select_related("assigned_to", "seller_province")
        .only(*LIST_COLUMNS)
        .annotate(photo_count=_photo_count())
    )


def queue_first(*, user, queue: str, n: int) -> list[Complaint]:
    """The first `n` reports of a queue, with only the listed columns (home pages)."""
    qs = _filtered(user=user, filters=ComplaintFilters(queue=queue), now=timezone.now())
    return page_rows(listed(qs), offset=0, limit=n)


def queue_counts(*, user, also: str | None = None) -> dict[str, CappedCount]:
    """How many reports wait in each triage queue, capped (one query); with `also`, the
    count of that queue too (the queue page's own, when its tab is not counted)."""
    now = timezone.now()
    every = Complaint.objects.all()
    queues = (*HOME_QUEUES, also) if also in QUEUES and also not in HOME_QUEUES else HOME_QUEUES
    return capped_counts(
        Complaint.objects.visible_to(user),
        # "all" has no condition of its own: written as one always true (capped_counts
        # needs a condition to compile).
        {
            queue: _queue(every, queue, now)
            if queue != "all"
            else every.filter(status__isnull=False)
            for queue in queues
        },
        columns=("status", "due_at"),
    )


def filter_choices(*, user) -> dict:
    """The values the queue can be filtered by. Provinces, categories and units are
    (id, name) pairs from the reference cache (registry/reference_cache.py): no query
    once it is warm."""
    national = bool(user.unit_id and user.unit.is_national)
    return {
        "statuses": Complaint.Status.choices,
        "kinds": Complaint.Kind.choices,
        "natures": Complaint.Nature.choices,
        "provinces": reference_cache.remembered(
            "places",
            "provinces",
            lambda: sorted(
                Province.objects.values_list("pk", "name"), key=lambda p: place_key(p[1])
            ),
        ),
        "categories": reference_cache.remembered(
            "places",
            "categories",
            lambda: list(ProductCategory.objects.order_by("name").values_list("pk", "name")),
        ),
        # National staff who may see units see every active unit (registry.permissions).
        "units": _active_units() if national and user.has_perm("registry.view_unit") else [],
    }


def _active_units() -> list[tuple]:
    return reference_cache.remembered(
        "places",
        "active-units",
        lambda: [
            (u.pk, u.name)
            for u in sorted(
                Unit.objects.filter(is_active=True).select_related("province"), key=unit_order
            )
        ],
    )


@dataclass(frozen=True)
class Officer:
    """An officer offered in the queue's handler filter and assignment list."""

    pk: int
    name: str  # the full name, else the username
    unit_code: str


def _officers(qs) -> list[Officer]:
    return [
        Officer(pk, full_name or username, unit_code)
        for pk, full_name, username, unit_code in qs.values_list(
            "pk", "full_name", "username", "unit__code"
        )
    ]


def officer_choices(*, user, unit_id: int | None, handlers) -> list[Officer]:
    """The officers of unit `unit_id` who may be given reports (`handlers`: the queryset
    of services.handlers_of, that unit's), as `user` may see them. When `user` sees
    every user of that unit (their own unit, or any unit for national staff, with the
    view_user permission), the unit's list comes from the reference cache, the same for
    every viewer; otherwise from `handlers`."""
    if (
        unit_id
        and user.has_perm("registry.view_user")
        and (unit_id == user.unit_id or (user.unit_id and user.unit.is_national))
    ):
        return reference_cache.remembered(
            "staff", f"handlers:{unit_id}", lambda: _officers(handlers)
        )
    return _officers(handlers)


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
        raise InvalidInput.field(
            "ids", "nothing_selected", gettext_lazy("Hãy chọn ít nhất một phản ánh.")
        )
    if len(wanted) > MAX_SELECTED:
        raise InvalidInput.field(
            "ids",
            "too_many_selected",
            gettext_lazy("Tối đa %(max)d phản ánh mỗi lần."),
            {"max": MAX_SELECTED},
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


# Failures of ours, not of the reporter's file: the original lost from quarantine or
# sealed under another key (complaints/tasks.py). The note on the status page says the
# file was damaged, so these are not counted there; staff see them as failed.
SERVER_SIDE_FAILURES = ("original_missing", "original_unreadable")


def photos_rejected(complaint: Complaint) -> int:
    """How many of the reporter's photos (filed or sent later) the photo worker rejected
    because their pixels did not decode. Their originals are deleted and staff never see
    them."""
    return (
        complaint.photos.filter(state=ComplaintPhoto.State.FAILED)
        .exclude(error_code__in=SERVER_SIDE_FAILURES)
        .count()
    )


def photos_rejected_note(count: int) -> str:
    if not count:
        return ""
    return ngettext(
        "%(count)d ảnh bạn gửi không đọc được (tệp ảnh bị hỏng) nên đã bị loại: cán bộ "
        "xử lý không nhận được ảnh này.",
        "%(count)d ảnh bạn gửi không đọc được (tệp ảnh bị hỏng) nên đã bị loại: cán bộ "
        "xử lý không nhận được các ảnh này.",
        count,
    ) % {"count": count}


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
        # Photos the worker could not decode: rejected there, never shown to staff.
        "photos_rejected": (rejected := photos_rejected(complaint)),
        "photos_rejected_note": photos_rejected_note(rejected),
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
