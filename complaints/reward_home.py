"""The rewards waiting on the home pages (registry/home.py), each count the length of the
/rewards/ list it links to (complaints/reward_selectors.py): for the supervisor, the
proposals to approve; for the custodian, the payee details given to them; for the
complaint officer, the rewards to pay at the counter. Registered on import
(complaints/apps.py)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import Reward
from complaints.reward_selectors import reward_list
from registry.home import FIRST, Item, Queue, register
from registry.models import Role


def _queue(user, status: str, label: str) -> Queue:
    listed = reward_list(user=user, status=status)
    url = reverse("reward-list")
    items = tuple(
        Item(
            _("Khen thưởng, phản ánh %(number)s") % {"number": r.complaint.tracking_number},
            reverse("reward-detail", kwargs={"reward_id": r.pk}),
            _("đề xuất ngày %(day)s")
            % {"day": timezone.localtime(r.proposed_at).strftime("%d/%m/%Y")},
        )
        for r in listed[:FIRST]
    )
    return Queue(label, listed.count(), f"{url}?status={status}", alarm=True, items=items)


def supervisor_queues(user) -> list[Queue]:
    return [_queue(user, Reward.Status.PROPOSED, _("Khen thưởng chờ duyệt"))]


def custodian_queues(user) -> list[Queue]:
    return [_queue(user, Reward.Status.DISCLOSED, _("Khen thưởng chờ chi trả qua bạn"))]


def officer_queues(user) -> list[Queue]:
    return [_queue(user, Reward.Status.COUNTER, _("Khen thưởng chờ chi trả tại quầy"))]


register(Role.SUPERVISOR, supervisor_queues, position=60)
register(Role.IDENTITY_CUSTODIAN, custodian_queues, position=60)
register(Role.COMPLAINT_OFFICER, officer_queues, position=60)
