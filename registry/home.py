"""The work waiting on each role's home page, offered by the apps that keep it.

A lower floor never imports a higher one, so the home page (registry) does not ask the
workflows; each app registers, when its `home` module is imported (by its
AppConfig.ready), a function that returns the queues it keeps for a role. A queue's
count is the count of the list its link opens, so the two always agree, and it shows the
first few items of that list, each linking to its page.

A queue with no list page of its own in its app (the minutes a team lead still has to
sign, for instance) registers a work list here (`register_list`); the generic page
/work/<key>/ (registry/home_views.py) then lists all of it, and the queue links there.

The legal clocks are registry's: /clocks/ lists the running ones the user may see (their
case's visibility), and `?mine=1` narrows to the cases the user works on, as each app
tells (`register_mine`).
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

# How many of a queue's items the home page shows; the link opens the rest.
FIRST = 5
# The admin's list of active accounts without a role.
NO_ROLE_QUERY = "?groups__isnull=True&is_active__exact=1"


@dataclass(frozen=True)
class Item:
    """One thing waiting: what it is, where it is done, and a short note (a deadline)."""

    label: str
    url: str
    note: str = ""


@dataclass(frozen=True)
class Queue:
    label: str
    count: int
    url: str
    alarm: bool = False  # shown as needing attention when the count is not zero
    items: tuple = ()  # the first items of the list `url` opens (at most FIRST)


_PROVIDERS: dict[str, list[tuple[int, Callable]]] = defaultdict(list)


def register(role: str, provider: Callable, position: int = 50) -> None:
    """`provider(user)` returns the role's queues (a list of Queue); providers are shown
    by `position`, then in the order they registered."""
    if provider not in [known for _, known in _PROVIDERS[role]]:
        _PROVIDERS[role].append((position, provider))
        _PROVIDERS[role].sort(key=lambda pair: pair[0])


def queues_for(role: str, user) -> list[Queue]:
    return [queue for _, provider in _PROVIDERS[role] for queue in provider(user)]


# --- Work lists without a page of their own -------------------------------------------------


@dataclass(frozen=True)
class WorkList:
    key: str
    label: str
    fetch: Callable  # fetch(user) -> list[Item], the whole list, in order
    hint: str = ""


_LISTS: dict[str, WorkList] = {}


def register_list(key: str, label: str, fetch: Callable, hint: str = "") -> None:
    _LISTS[key] = WorkList(key=key, label=label, fetch=fetch, hint=hint)


def work_list(key: str) -> WorkList | None:
    return _LISTS.get(key)


def work_queue(key: str, user, label=None, alarm: bool = False) -> Queue:
    """The home page's queue for a registered work list: its length, its first items,
    and a link to /work/<key>/."""
    found = _LISTS[key]
    items = list(found.fetch(user))
    return Queue(
        str(label or found.label),
        len(items),
        reverse("work-list", kwargs={"key": key}),
        alarm=alarm,
        items=tuple(items[:FIRST]),
    )


# --- "Mine": the cases a user works on ------------------------------------------------------

_MINE: dict = {}


def register_mine(model, cases: Callable) -> None:
    """`cases(user)` returns the queryset of `model` rows (cases) the user works on, e.g.
    the inspections whose team they are on; /clocks/?mine=1 lists only their clocks."""
    _MINE[model] = cases


def mine(model) -> Callable | None:
    return _MINE.get(model)


# --- Registry's own queues ----------------------------------------------------------------


def legal_officer_queues(user) -> list[Queue]:
    from registry.selectors import provision_list

    url = reverse("provision-list")
    queues = []
    for key, label, alarm in (
        ("verify", _("Chờ bạn xác minh"), True),
        ("returned", _("Bạn nhập, bị trả lại"), False),
    ):
        listed = provision_list(user=user, mine=key)
        items = tuple(
            Item(
                f"{p.code} — {p.title}",
                reverse("provision-detail", kwargs={"provision_id": p.pk}),
            )
            for p in listed[:FIRST]
        )
        queues.append(Queue(label, listed.count(), f"{url}?mine={key}", alarm=alarm, items=items))
    return queues


def auditor_queues(user) -> list[Queue]:
    """Today's audit entries and the views of reporters' identities in the last 30 days,
    each the filtered /audit/ list (registry/audit_filters.py)."""
    from datetime import timedelta

    from django.utils import timezone

    from registry.audit_filters import AuditFilters, audit_entries

    today = timezone.localdate()
    url = reverse("audit-list")
    queues = []
    for label, filters, alarm in (
        (_("Mục nhật ký hôm nay"), AuditFilters(day=today), False),
        (
            _("Lần xem thông tin nhân thân trong 30 ngày"),
            AuditFilters(action="identity.view", since=today - timedelta(days=29)),
            True,
        ),
    ):
        entries = audit_entries(user=user, filters=filters)
        items = tuple(
            Item(
                f"#{e.pk} {e.action} — {e.target_repr or '—'}",
                reverse("audit-detail", kwargs={"entry_id": e.pk}),
                timezone.localtime(e.at).strftime("%d/%m/%Y %H:%M"),
            )
            for e in entries[:FIRST]
        )
        queues.append(
            Queue(label, entries.count(), f"{url}?{filters.query()}", alarm=alarm, items=items)
        )
    return queues


def admin_queues(user) -> list[Queue]:
    """What waits for an administrator, each an admin list they may open: active staff
    accounts without a role, and e-mail notifications that failed to send."""
    from registry.models import Notification, User

    if not user.is_staff:
        return []
    queues = []
    if user.has_perm("registry.view_user") or user.has_perm("registry.change_user"):
        users = User.objects.filter(is_active=True, groups__isnull=True).order_by("username")
        items = tuple(
            Item(u.full_name or u.username, reverse("admin:registry_user_change", args=[u.pk]))
            for u in users[:FIRST]
        )
        queues.append(
            Queue(
                _("Tài khoản chưa có vai trò"),
                users.count(),
                reverse("admin:registry_user_changelist") + NO_ROLE_QUERY,
                alarm=True,
                items=items,
            )
        )
    if user.has_perm("registry.view_notification"):
        failed = Notification.objects.filter(email_state=Notification.State.FAILED)
        queues.append(
            Queue(
                _("Thư điện tử gửi lỗi"),
                failed.count(),
                reverse("admin:registry_notification_changelist") + "?email_state__exact=failed",
                alarm=True,
            )
        )
    return queues
