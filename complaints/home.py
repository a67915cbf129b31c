"""The triage queues on the complaint officer's home page (registry/home.py): the same
counts as the queue tabs of /complaints/, each linking to its tab; and the identity
custodian's disclosure requests waiting. Registered on import (complaints/apps.py)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from complaints import selectors
from registry.home import Queue, register
from registry.models import Role


def officer_queues(user) -> list[Queue]:
    counts = selectors.queue_counts(user=user)
    url = reverse("complaint-inbox")
    return [
        Queue(_("Mới nhận, chờ phân loại"), counts["new"], f"{url}?queue=new", alarm=True),
        Queue(_("Sắp đến hạn"), counts["due_soon"], f"{url}?queue=due_soon", alarm=True),
        Queue(_("Quá hạn"), counts["overdue"], f"{url}?queue=overdue", alarm=True),
        Queue(_("Đang xử lý"), counts["open"], f"{url}?queue=open"),
    ]


def custodian_queues(user) -> list[Queue]:
    pending = selectors.disclosure_list(user=user, status="pending").count()
    url = reverse("disclosure-list")
    return [Queue(_("Đề nghị chờ bạn quyết định"), pending, f"{url}?status=pending", alarm=True)]


register(Role.COMPLAINT_OFFICER, officer_queues)
register(Role.IDENTITY_CUSTODIAN, custodian_queues)
