"""The work waiting on each role's home page, offered by the apps that keep it.

A lower floor never imports a higher one, so the home page (registry) does not ask the
workflows; each app registers, in its AppConfig.ready, a function that returns the
queues it keeps for a role. A queue's count is the count of the list its link opens, so
the two always agree.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Queue:
    label: str
    count: int
    url: str
    alarm: bool = False  # shown as needing attention when the count is not zero


_PROVIDERS: dict[str, list[Callable]] = defaultdict(list)


def register(role: str, provider: Callable) -> None:
    """`provider(user)` returns the role's queues (a list of Queue)."""
    if provider not in _PROVIDERS[role]:
        _PROVIDERS[role].append(provider)


def queues_for(role: str, user) -> list[Queue]:
    return [queue for provider in _PROVIDERS[role] for queue in provider(user)]


def legal_officer_queues(user) -> list[Queue]:
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from registry.selectors import provision_work_counts

    counts = provision_work_counts(user=user)
    url = reverse("provision-list")
    return [
        Queue(_("Chờ bạn xác minh"), counts["verify"], f"{url}?mine=verify", alarm=True),
        Queue(_("Bạn nhập, bị trả lại"), counts["returned"], f"{url}?mine=returned"),
    ]
