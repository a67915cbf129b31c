"""/clocks/: the running legal clocks of the cases a user may see, nearest deadline first,
filtered to those due within 2 working days (?due=soon) or past their deadline
(?due=overdue), and to the user's own cases (?mine=1). The home pages count the same
lists (registry/home.py), so a count and its list always agree.

A clock is seen exactly when its case is: the case's model (a report, an inspection)
answers `visible_to(user)` as on its own pages, so a unit's supervisor sees the unit's
clocks, and an inspector only those of the inspections they are on.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from registry import clocks, home, workdays
from registry.models import LegalClock

PAGE_SIZE = 25
DUE = ("soon", "overdue")


def soon_limit(now=None):
    """The end of the second working day from today: "due soon" ends there (the same
    limit as the reports' "due soon" queue)."""
    now = now or timezone.now()
    return clocks.end_of_day(workdays.add_working_days(timezone.localdate(now), 2))


def clocks_of_visible_cases(
    user, clocks: QuerySet[LegalClock], *, mine: bool = False
) -> QuerySet[LegalClock]:
    """The clocks of `clocks` (running or stopped) whose case `user` may see, as the
    case's own pages answer it (`visible_to`); with `mine`, only the cases the user works
    on. A clock whose case's model has no `visible_to` is left out."""
    visible = Q(pk__in=[])
    case_types = clocks.order_by().values_list("case_type", flat=True).distinct()
    for type_id in sorted(set(case_types)):
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None or not hasattr(model.objects, "visible_to"):
            continue
        cases = model.objects.visible_to(user)
        if mine:
            own = home.mine(model)
            if own is None:
                continue
            cases = cases.filter(pk__in=own(user).values("pk"))
        visible |= Q(case_type_id=type_id, case_id__in=cases.values("pk"))
    return clocks.filter(visible)


def clock_list(*, user, due: str | None = None, mine: bool = False) -> QuerySet[LegalClock]:
    """The running clocks whose case `user` may see (with `mine`, only the cases the
    user works on), nearest deadline first; `due`: "soon" or "overdue"."""
    now = timezone.now()
    running = LegalClock.objects.filter(state=LegalClock.State.RUNNING)
    qs = clocks_of_visible_cases(user, running, mine=mine)
    if due == "soon":
        qs = qs.filter(due_at__gt=now, due_at__lte=soon_limit(now))
    elif due == "overdue":
        qs = qs.filter(due_at__lte=now)
    return qs.select_related("case_type", "unit").order_by("due_at", "pk")


@dataclass
class ClockRow:
    clock: LegalClock
    case_label: str
    case_link: str
    due_text: str
    days_left: int  # working days from today to the last day; negative when past it
    overdue: bool


def _rows(clock_page, today: date) -> list[ClockRow]:
    calendar = workdays.current_calendar()
    now = timezone.now()
    rows = []
    for clock in clock_page:
        if clock.due_on >= today:
            left = calendar.working_days_between(today, clock.due_on)
        else:
            left = -calendar.working_days_between(clock.due_on, today)
        rows.append(
            ClockRow(
                clock=clock,
                case_label=clocks.case_label(clock),
                case_link=clocks.case_link(clock),
                due_text=clocks.due_text(clock),
                days_left=left,
                overdue=clock.due_at <= now,
            )
        )
    return rows


def left_text(row: ClockRow) -> str:
    if row.overdue:
        return _("quá hạn")
    if row.days_left == 0:
        return _("hết hạn hôm nay")
    return ngettext("còn %(count)d ngày làm việc", "còn %(count)d ngày làm việc", row.days_left) % {
        "count": row.days_left
    }


def clock_item(clock: LegalClock) -> home.Item:
    """One clock as a home page item: the case and the clock, the deadline."""
    row = _rows([clock], timezone.localdate())[0]
    label = f"{clock.get_kind_display()}: {row.case_label}"
    return home.Item(label, row.case_link, f"{_('hạn')} {row.due_text} ({left_text(row)})")


def clock_queues(user, *, mine: bool = False, overdue: bool = True) -> list[home.Queue]:
    """Running legal clocks due within 2 working days, and (with `overdue`) those past
    their deadline: the lists /clocks/?due=soon and ?due=overdue (?mine=1: on the user's
    own cases)."""
    wanted = [("soon", _("Thời hạn đến trong 2 ngày làm việc"))]
    if overdue:
        wanted.append(("overdue", _("Thời hạn đã quá")))
    queues = []
    for due, label in wanted:
        listed = clock_list(user=user, due=due, mine=mine)
        query = f"?due={due}&mine=1" if mine else f"?due={due}"
        first = listed.prefetch_related("case")[: home.FIRST]
        queues.append(
            home.Queue(
                label,
                listed.count(),
                reverse("clock-list") + query,
                alarm=True,
                items=tuple(clock_item(clock) for clock in first),
            )
        )
    return queues


def supervisor_clock_queues(user) -> list[home.Queue]:
    return clock_queues(user)


@login_required
def clock_list_page(request):
    due = request.GET.get("due")
    due = due if due in DUE else ""
    mine = request.GET.get("mine") == "1"
    listed = clock_list(user=request.user, due=due or None, mine=mine)
    page = Paginator(listed.prefetch_related("case"), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = _rows(page.object_list, timezone.localdate())
    for row in rows:
        row.left = left_text(row)
    query = "&".join(
        part for part in (f"due={due}" if due else "", "mine=1" if mine else "") if part
    )
    tabs = [
        (value, label, reverse("clock-list") + (f"?due={value}" if value else ""))
        for value, label in (
            ("", _("Tất cả đang chạy")),
            ("soon", _("Đến hạn trong 2 ngày làm việc")),
            ("overdue", _("Quá hạn")),
        )
    ]
    if mine:
        tabs = [
            (value, label, url + ("&" if "?" in url else "?") + "mine=1")
            for value, label, url in tabs
        ]
    return render(
        request,
        "registry/clock_list.html",
        {
            "page": page,
            "rows": rows,
            "due": due,
            "mine": mine,
            "query": query,
            "tabs": tabs,
        },
    )
