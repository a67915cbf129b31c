"""The protection requests waiting for a decision, on the identity custodian's and the
supervisor's home pages (registry/home.py): the count of /protection/?status=pending,
from the same selector, with its first requests and their deadlines. Registered on import
(whistleblower/apps.py)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from registry.home import FIRST, Item, Queue, register
from registry.models import Role
from whistleblower import selectors
from whistleblower.models import ProtectionRequest


def _item(request: ProtectionRequest) -> Item:
    clock = selectors.decision_clock(request)
    return Item(
        _("Đề nghị bảo vệ số %(number)s, phản ánh %(tracking)s")
        % {"number": request.pk, "tracking": request.complaint.tracking_number},
        reverse("protection-detail", kwargs={"protection_id": request.pk}),
        _("hạn %(due)s") % {"due": clock.due_on.strftime("%d/%m/%Y")} if clock else "",
    )


def protection_queues(user) -> list[Queue]:
    pending = selectors.protection_list(user=user, status=ProtectionRequest.Status.PENDING)
    return [
        Queue(
            _("Đề nghị bảo vệ chờ quyết định"),
            pending.count(),
            f"{reverse('protection-list')}?status=pending",
            alarm=True,
            items=tuple(_item(r) for r in pending[:FIRST]),
        )
    ]


register(Role.IDENTITY_CUSTODIAN, protection_queues)
register(Role.SUPERVISOR, protection_queues)
