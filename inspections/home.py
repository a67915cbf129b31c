"""The inspector's and team lead's home queue (registry/home.py): today's inspections
they are on, the count of the "today" list of /field/ that the link opens."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections import selectors
from registry.home import Queue, register
from registry.models import Role


def field_queues(user) -> list[Queue]:
    today = selectors.my_inspections(user=user, day=timezone.localdate()).count()
    return [Queue(_("Cuộc kiểm tra hôm nay"), today, reverse("field-today"))]


register(Role.INSPECTOR, field_queues)
register(Role.TEAM_LEAD, field_queues)
