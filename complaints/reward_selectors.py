"""Reads of rewards: the staff's list and page, what the receipt shows, and the rewards
of the reports a case led to."""

from django.db.models import QuerySet

from complaints.models import Complaint, Reward
from registry.permissions import get_visible

# What the reporter sees: nothing until a supervisor has approved the reward.
SHOWN_TO_REPORTER = (
    Reward.Status.APPROVED,
    Reward.Status.COUNTER,
    Reward.Status.DISCLOSED,
    Reward.Status.PAID,
    Reward.Status.DECLINED,
)


def reward_list(*, user, status: str | None = None) -> QuerySet[Reward]:
    """The rewards of the units `user` sees (officers, supervisors, custodians), the
    newest proposal first; with `status`, those in it. The home pages count this."""
    qs = Reward.objects.visible_to(user).select_related("complaint", "unit", "proposed_by")
    return qs.filter(status=status) if status else qs


def reward_get(*, user, reward_id: int) -> Reward:
    return get_visible(
        Reward.objects.select_related(
            "complaint", "unit", "proposed_by", "decided_by", "paid_by", "paid_unit"
        ),
        user,
        pk=reward_id,
    )


def rewards_of(*, complaint_ids) -> QuerySet[Reward]:
    """The rewards proposed for these reports, for a caller that has checked who may see
    the case they belong to (the case page, violations/rewards.py)."""
    return Reward.objects.filter(complaint__in=complaint_ids).select_related("complaint")


def reward_public(complaint: Complaint) -> dict | None:
    """The reward the holder of the receipt may see and act on, or None: kind, amount,
    basis, where to receive it. Never a staff member's name or the payment's voucher."""
    reward = (
        complaint.rewards.filter(status__in=SHOWN_TO_REPORTER)
        .select_related("unit")
        .order_by("-proposed_at", "-pk")
        .first()
    )
    if reward is None:
        return None
    return {
        "kind": reward.kind,
        "kind_label": str(Reward.Kind(reward.kind).label),
        "amount_vnd": reward.amount_vnd,
        "basis": reward.basis,
        "ground_label": str(Reward.Ground(reward.ground_kind).label),
        "ground_number": reward.ground_number,
        "status": reward.status,
        "status_label": str(Reward.Status(reward.status).label),
        "unit": reward.unit.name,
        "unit_address": reward.unit.address,
        "unit_phone": reward.unit.phone,
        "may_choose": reward.status == Reward.Status.APPROVED,
        "approved_at": reward.decided_at,
        "chosen_at": reward.chosen_at,
        "paid_at": reward.paid_at,
    }
