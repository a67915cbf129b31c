"""The home queues violation handling keeps (registry/home.py), registered on import
(violations/apps.py):

- supervisor: penalty decisions submitted for approval (/cases/decisions/?status=
  submitted), those of the inspections the supervisor may see, for one who may approve;
- team lead: penalty decisions returned to the team with a note (a draft again, with the
  supervisor's note) on the inspections they are on (/work/decisions-returned/);
- supervisor and team lead: the notices about an alerted product their unit has not
  answered yet (/notices/, violations/notices.py).
"""

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inspections.selectors import my_inspections
from registry.home import FIRST, Item, Queue, register, register_list, work_queue
from registry.models import Role
from violations.documents import vnd
from violations.models import PenaltyDecision
from violations.selectors import decisions_visible, notices_for_my_unit

DECISIONS_RETURNED = "decisions-returned"


def _item(decision: PenaltyDecision, note: str, *, to_draft: bool = False) -> Item:
    """A decision, linked where the next step is taken: its draft page for the team, the
    record on the case page (with the approval form) for the supervisor."""
    record = decision.record
    inspection = record.inspection
    label = _("Quyết định xử phạt %(violator)s, cuộc kiểm tra %(number)s") % {
        "violator": record.violator.name,
        "number": inspection.decision_number or f"#{inspection.pk}",
    }
    if to_draft:
        url = reverse("case-decision-edit", kwargs={"record_id": record.pk})
    else:
        url = reverse("case-detail", kwargs={"inspection_id": inspection.pk}) + (
            f"#record-{record.pk}"
        )
    return Item(label, url, note)


def decisions_to_approve(user) -> QuerySet[PenaltyDecision]:
    """Submitted decisions of the inspections the user may see, oldest first."""
    return decisions_visible(user=user, status=PenaltyDecision.Status.SUBMITTED)


def decisions_returned(user) -> QuerySet[PenaltyDecision]:
    """Decisions a supervisor returned (a draft again, with the return note) on the
    inspections whose team the user is on."""
    return (
        PenaltyDecision.objects.filter(
            status=PenaltyDecision.Status.DRAFT,
            record__inspection__in=my_inspections(user=user).values("pk"),
        )
        .exclude(return_note="")
        .select_related("record__inspection", "record__violator")
        .order_by("created_at", "pk")
    )


def returned_items(user) -> list[Item]:
    return [
        _item(d, _("trả lại: %(note)s") % {"note": d.return_note[:120]}, to_draft=True)
        for d in decisions_returned(user)
    ]


register_list(
    DECISIONS_RETURNED,
    gettext_lazy("Quyết định xử phạt bị trả lại"),
    returned_items,
    gettext_lazy(
        "Dự thảo quyết định xử phạt mà lãnh đạo đã trả lại kèm ý kiến, trên các cuộc kiểm tra "
        "bạn là thành viên đoàn: sửa theo ý kiến rồi trình lại."
    ),
)


def supervisor_queues(user) -> list[Queue]:
    if not user.has_perm("violations.approve_penaltydecision"):
        return []
    waiting = decisions_to_approve(user)
    items = tuple(
        _item(d, _("tổng tiền phạt %(amount)s đồng") % {"amount": vnd(d.total_fine_vnd)})
        for d in waiting[:FIRST]
    )
    return [
        Queue(
            _("Quyết định xử phạt chờ duyệt"),
            waiting.count(),
            reverse("case-decision-list") + "?status=submitted",
            alarm=True,
            items=items,
        )
    ]


def team_lead_queues(user) -> list[Queue]:
    return [work_queue(DECISIONS_RETURNED, user, alarm=True)]


register(Role.SUPERVISOR, supervisor_queues, position=30)
register(Role.TEAM_LEAD, team_lead_queues, position=50)


def notice_queues(user) -> list[Queue]:
    """The unit's notices waiting for its answer: the count is that of /notices/."""
    if not user.has_perm("violations.view_notice"):
        return []
    waiting = notices_for_my_unit(user=user, waiting=True)
    items = tuple(
        Item(
            n.alert.product_name,
            reverse("notice-detail", kwargs={"notice_id": n.pk}),
            _("hạn trả lời %(due)s") % {"due": n.due_on.strftime("%d/%m/%Y")},
        )
        for n in waiting[:FIRST]
    )
    return [
        Queue(
            _("Thông báo sản phẩm rủi ro chờ trả lời"),
            waiting.count(),
            reverse("notice-list"),
            alarm=True,
            items=items,
        )
    ]


register(Role.SUPERVISOR, notice_queues, position=35)
register(Role.TEAM_LEAD, notice_queues, position=55)
