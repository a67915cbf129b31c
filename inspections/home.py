"""The home queues inspections keep (registry/home.py), registered on import:

- inspector and team lead: today's inspections they are on (the "today" list of
  /field/) and the legal clocks of their inspections (/clocks/?mine=1); the team lead
  also the minutes still to sign on their inspections (/work/minutes-to-sign/) and the
  samples waiting for the lab (/samples/);
- supervisor: the plans submitted for approval (/plans/?status=submitted), the
  inspections waiting for a decision (/inspections/?status=planned), each as the unit's
  lists show them, for a supervisor who holds the right to act on them; and the samples
  waiting for the lab (/samples/).
"""

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inspections import selectors
from inspections.minutes import MINUTES_STAGES
from inspections.models import Inspection, InspectionPlan, Minutes
from registry.clock_views import clock_queues
from registry.home import FIRST, Item, Queue, register, register_list, register_mine, work_queue
from registry.models import Role

MINUTES_TO_SIGN = "minutes-to-sign"


def _inspection_label(inspection: Inspection) -> str:
    number = inspection.decision_number or f"#{inspection.pk}"
    return f"{number} — {inspection.operator.name}"


def _day(day) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def todays_inspections(user) -> Queue:
    today = list(selectors.my_inspections(user=user, day=timezone.localdate()))
    items = tuple(
        Item(
            _inspection_label(i),
            reverse("field-inspection", kwargs={"inspection_id": i.pk}),
            i.get_status_display(),
        )
        for i in today[:FIRST]
    )
    return Queue(_("Cuộc kiểm tra hôm nay"), len(today), reverse("field-today"), items=items)


def minutes_waiting(user) -> QuerySet[Inspection]:
    """The user's inspections whose latest minutes are a draft (the minutes or a later
    amendment), or, on site or sampled, that have no minutes yet: the team still has to
    draw them up and sign."""
    latest = Minutes.objects.filter(inspection=OuterRef("pk")).order_by("-number").values("status")
    on_site = [Inspection.Status.ON_SITE, Inspection.Status.SAMPLED]
    return (
        selectors.my_inspections(user=user)
        .filter(status__in=MINUTES_STAGES)
        .annotate(latest_minutes=Subquery(latest[:1]))
        .filter(
            Q(latest_minutes=Minutes.Status.DRAFT)
            | Q(latest_minutes__isnull=True, status__in=on_site)
        )
    )


def minutes_items(user) -> list[Item]:
    return [
        Item(
            _inspection_label(i),
            reverse("field-minutes", kwargs={"inspection_id": i.pk}),
            _("biên bản dự thảo, chưa ký") if i.latest_minutes else _("chưa lập biên bản"),
        )
        for i in minutes_waiting(user)
    ]


register_list(
    MINUTES_TO_SIGN,
    gettext_lazy("Biên bản chờ ký"),
    minutes_items,
    gettext_lazy(
        "Các cuộc kiểm tra bạn là thành viên đoàn, đang kiểm tra tại chỗ hoặc đã lấy mẫu, "
        "mà biên bản chưa lập hoặc còn là dự thảo."
    ),
)


def samples_waiting(user) -> Queue:
    """Samples taken but not sent to the lab, or sent without a result: the default list
    of /samples/ (inspections/selectors.py sample_queue), of the inspections the user may see."""
    waiting = selectors.sample_queue(user)
    items = tuple(
        Item(
            f"{s.product_name} — {s.inspection.operator.name}",
            reverse("lab-sample", kwargs={"sample_id": s.pk}),
            s.get_status_display(),
        )
        for s in waiting[:FIRST]
    )
    return Queue(
        _("Mẫu chờ gửi hoặc chờ kết quả thử nghiệm"),
        waiting.count(),
        reverse("lab-sample-list"),
        items=items,
    )


def inspector_queues(user) -> list[Queue]:
    return [todays_inspections(user), *clock_queues(user, mine=True, overdue=False)]


def team_lead_queues(user) -> list[Queue]:
    return [
        todays_inspections(user),
        work_queue(MINUTES_TO_SIGN, user, alarm=True),
        samples_waiting(user),
    ]


def team_lead_clock_queues(user) -> list[Queue]:
    return clock_queues(user, mine=True)


def plans_to_approve(user) -> QuerySet[InspectionPlan]:
    return selectors.plan_list(user=user, status=InspectionPlan.Status.SUBMITTED).order_by(
        "submitted_at", "pk"
    )


def inspections_to_decide(user) -> QuerySet[Inspection]:
    return selectors.inspection_list(user=user, status=Inspection.Status.PLANNED).order_by(
        "scheduled_date", "pk"
    )


def supervisor_queues(user) -> list[Queue]:
    queues = []
    if user.has_perm("inspections.approve_inspectionplan"):
        plans = plans_to_approve(user)
        items = tuple(
            Item(
                p.title,
                reverse("plan-detail", kwargs={"plan_id": p.pk}),
                f"{_day(p.period_start)} - {_day(p.period_end)}",
            )
            for p in plans[:FIRST]
        )
        queues.append(
            Queue(
                _("Kế hoạch chờ phê duyệt"),
                plans.count(),
                reverse("plan-list") + "?status=submitted",
                alarm=True,
                items=items,
            )
        )
    if user.has_perm("inspections.decide_inspection"):
        waiting = inspections_to_decide(user)
        items = tuple(
            Item(
                i.operator.name,
                reverse("desk-inspection", kwargs={"inspection_id": i.pk}),
                _("dự kiến %(day)s") % {"day": _day(i.scheduled_date)} if i.scheduled_date else "",
            )
            for i in waiting[:FIRST]
        )
        queues.append(
            Queue(
                _("Cuộc kiểm tra chờ quyết định"),
                waiting.count(),
                reverse("desk-inspection-list") + "?status=planned",
                alarm=True,
                items=items,
            )
        )
    return queues


def sample_queues(user) -> list[Queue]:
    return [samples_waiting(user)]


def my_cases(user) -> QuerySet[Inspection]:
    """The inspections whose team the user is on: their clocks are the user's own."""
    return Inspection.objects.filter(team__user=user)


register_mine(Inspection, my_cases)
register(Role.INSPECTOR, inspector_queues, position=10)
register(Role.TEAM_LEAD, team_lead_queues, position=10)
register(Role.TEAM_LEAD, team_lead_clock_queues, position=90)
register(Role.SUPERVISOR, supervisor_queues, position=10)
register(Role.SUPERVISOR, sample_queues, position=40)
