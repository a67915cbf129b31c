"""The triage queues on the complaint officer's home page (registry/home.py): the same
counts as the queue tabs of /complaints/ (capped: "hơn 1.000" beyond 1,000, as there,
docs/case-list.md), each linking to its tab with its first reports; and the identity
custodian's disclosure requests waiting. Registered on import
(complaints/apps.py)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import selectors
from registry.home import FIRST, Item, Queue, register
from registry.models import Role


def _report(complaint, note: str = "") -> Item:
    return Item(
        f"{complaint.tracking_number} — {complaint.product_name}",
        reverse("complaint-detail", kwargs={"complaint_id": complaint.pk}),
        note,
    )


def _due(complaint) -> str:
    if complaint.due_at is None:
        return ""
    return _("hạn %(due)s") % {"due": timezone.localtime(complaint.due_at).strftime("%d/%m/%Y")}


def officer_queues(user) -> list[Queue]:
    counts = selectors.queue_counts(user=user)
    url = reverse("complaint-inbox")
    queues = []
    for key, label, alarm in (
        ("new", _("Mới nhận, chờ phân loại"), True),
        ("due_soon", _("Sắp đến hạn"), True),
        ("overdue", _("Quá hạn"), True),
        ("open", _("Đang xử lý"), False),
    ):
        first = selectors.queue_first(user=user, queue=key, n=FIRST) if counts[key] else []
        items = tuple(_report(c, _due(c)) for c in first)
        queues.append(Queue(label, counts[key], f"{url}?queue={key}", alarm=alarm, items=items))
    return queues


def custodian_queues(user) -> list[Queue]:
    pending = selectors.disclosure_list(user=user, status="pending")
    url = reverse("disclosure-list")
    items = tuple(
        Item(
            _("Đề nghị xem nhân thân, phản ánh %(number)s")
            % {"number": r.complaint.tracking_number},
            f"{url}?status=pending#d{r.pk}-approve",
            _("ngày %(day)s") % {"day": timezone.localtime(r.created_at).strftime("%d/%m/%Y")},
        )
        for r in pending[:FIRST]
    )
    return [
        Queue(
            _("Đề nghị chờ bạn quyết định"),
            pending.count(),
            f"{url}?status=pending",
            alarm=True,
            items=items,
        )
    ]


register(Role.COMPLAINT_OFFICER, officer_queues)
register(Role.IDENTITY_CUSTODIAN, custodian_queues)
