"""A reward proposed from the case page for a report the case led to (docs/rewards.md).

A report led to the case when the inspection was opened on it, or on the report it was
merged into (and it was not refused). The case is a ground for a reward once a penalty
decision was issued (approved, or executed and closed) or a product alert is published.
Violation handling checks both and asks complaints to record the proposal
(complaints/rewards.py), which tells the unit's supervisors; approval and payment are
complaints' pages.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints.models import Complaint, Reward
from complaints.reward_selectors import rewards_of
from complaints.rewards import reward_propose
from inspections.models import Inspection
from registry.errors import Conflict, InvalidInput
from registry.permissions import require_object_perm
from violations.models import PenaltyDecision

ISSUED = (PenaltyDecision.Status.APPROVED, PenaltyDecision.Status.CLOSED)


@dataclass(frozen=True)
class Ground:
    """What a report led to, as complaints records it: a kind, an id and its number."""

    kind: str
    ref: int
    number: str
    label: str

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.ref}"


def reward_grounds(inspection: Inspection) -> list[Ground]:
    """The penalty decisions issued and the alerts published on this case."""
    decisions = PenaltyDecision.objects.filter(
        record__inspection=inspection, status__in=ISSUED
    ).order_by("decided_on", "pk")
    grounds = [
        Ground(
            Reward.Ground.PENALTY_DECISION,
            d.pk,
            d.number,
            _("Quyết định xử phạt số %(number)s ngày %(day)s")
            % {
                "number": d.number or "—",
                "day": d.decided_on.strftime("%d/%m/%Y") if d.decided_on else "—",
            },
        )
        for d in decisions
    ]
    grounds += [
        Ground(
            Reward.Ground.PRODUCT_ALERT,
            a.pk,
            f"{a.product_name[:80]} ({a.published_on:%d/%m/%Y})",
            _("Cảnh báo sản phẩm %(product)s ngày %(day)s")
            % {"product": a.product_name, "day": a.published_on.strftime("%d/%m/%Y")},
        )
        for a in inspection.alerts.published().order_by("published_on", "pk")
    ]
    return grounds


def rewardable_reports(inspection: Inspection) -> QuerySet[Complaint]:
    """The reports the case led to: those it was opened on and those merged into them,
    except the refused ones."""
    linked = inspection.complaints.values("pk")
    return (
        Complaint.objects.filter(Q(pk__in=linked) | Q(merged_into__in=linked))
        .exclude(status=Complaint.Status.REJECTED)
        .order_by("received_at", "pk")
    )


def reports_to_reward(inspection: Inspection) -> QuerySet[Complaint]:
    """The case's reports without a reward proposed, approved or paid (a returned
    proposal may be made again)."""
    live = Reward.objects.exclude(status=Reward.Status.RETURNED).values("complaint")
    return rewardable_reports(inspection).exclude(pk__in=live)


# Once approved, the case's team reads "approved" until it is paid: how the reporter
# chose to receive it (at the counter, through the custodian, or not at all) is not theirs.
SHOWN_APPROVED = (
    Reward.Status.APPROVED,
    Reward.Status.COUNTER,
    Reward.Status.DISCLOSED,
    Reward.Status.DECLINED,
)


@dataclass(frozen=True)
class CaseReward:
    """A reward as the case page shows it: its status told without the reporter's choice."""

    reward: Reward
    status: str
    status_label: str


def case_reward(reward: Reward) -> CaseReward:
    if reward.status in SHOWN_APPROVED:
        return CaseReward(reward, Reward.Status.APPROVED, _("Đã duyệt"))
    return CaseReward(reward, reward.status, reward.get_status_display())


def case_rewards(inspection: Inspection) -> list[CaseReward]:
    """The rewards proposed for the case's reports, for its page (whoever sees the case)."""
    found = rewards_of(complaint_ids=rewardable_reports(inspection).values("pk"))
    return [case_reward(reward) for reward in found.order_by("-proposed_at", "-pk")]


NO_GROUND = gettext_lazy(
    "Chưa đề xuất khen thưởng được: vụ việc chưa có quyết định xử phạt đã ban hành hoặc "
    "cảnh báo sản phẩm đang công bố."
)


def case_reward_propose(
    *,
    by,
    inspection: Inspection,
    complaint_id: int,
    ground_key: str,
    kind: str,
    amount_vnd: int | None,
    basis: str,
) -> Reward:
    """The team (or a supervisor) of the case proposes a reward for one of its reports,
    on the ground of a decision issued or an alert published on this case."""
    require_object_perm(by, "change", inspection)
    grounds = {ground.key: ground for ground in reward_grounds(inspection)}
    if not grounds:
        raise Conflict(NO_GROUND, code="no_reward_ground")
    ground = grounds.get(ground_key)
    if ground is None:
        raise InvalidInput.field(
            "ground",
            "invalid_ground",
            gettext_lazy("Chọn quyết định xử phạt hoặc cảnh báo của vụ việc này."),
        )
    complaint = rewardable_reports(inspection).filter(pk=complaint_id).first()
    if complaint is None:
        raise InvalidInput.field(
            "complaint",
            "report_not_linked",
            gettext_lazy("Chọn một phản ánh mà cuộc kiểm tra này được tiến hành theo."),
        )
    return reward_propose(
        by=by,
        complaint=complaint,
        kind=kind,
        amount_vnd=amount_vnd,
        basis=basis,
        ground_kind=ground.kind,
        ground_ref=ground.ref,
        ground_number=ground.number,
        origin_link=reverse("case-detail", kwargs={"inspection_id": inspection.pk}) + "#rewards",
    )
