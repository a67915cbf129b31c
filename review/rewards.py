"""Rewards on the dashboard and in its export (docs/rewards.md): for each year and unit of
the period, how many rewards were proposed, approved and paid, and the đồng paid. Each
is counted by the day of its own step (a proposal made in December and paid in January
counts in both years). Counts and sums only: no report, no person, no voucher."""

from dataclasses import dataclass

from django.db.models import Count, Sum
from django.db.models.functions import ExtractYear

from complaints.models import Reward
from registry.models import Unit

# What approval leads to: every status after it but a return.
APPROVED = (
    Reward.Status.APPROVED,
    Reward.Status.COUNTER,
    Reward.Status.DISCLOSED,
    Reward.Status.PAID,
    Reward.Status.DECLINED,
)


@dataclass
class RewardRow:
    year: int
    unit: Unit
    proposed: int = 0
    approved: int = 0
    paid: int = 0
    paid_vnd: int = 0


def reward_rows(*, units: list[Unit], period) -> list[RewardRow]:
    """One row per year and unit with any reward step in the period, by year then unit."""
    by_pk = {unit.pk: unit for unit in units}
    rows: dict[tuple[int, int], RewardRow] = {}

    def count(moment: str, names: tuple[str, ...], qs, **sums) -> None:
        qs = qs.filter(
            unit__in=list(by_pk), **{f"{moment}__gte": period.start, f"{moment}__lt": period.end}
        )
        found = (
            qs.annotate(year=ExtractYear(moment))
            .values("year", "unit_id")
            .annotate(n=Count("pk"), **{name: Sum(field) for name, field in sums.items()})
            .order_by()
        )
        for item in found:
            key = (item["year"], item["unit_id"])
            row = rows.setdefault(key, RewardRow(year=item["year"], unit=by_pk[item["unit_id"]]))
            for name in names:
                setattr(row, name, item["n"])
            for name in sums:
                setattr(row, name, item[name] or 0)

    count("proposed_at", ("proposed",), Reward.objects.all())
    count("decided_at", ("approved",), Reward.objects.filter(status__in=APPROVED))
    count(
        "paid_at",
        ("paid",),
        Reward.objects.filter(status=Reward.Status.PAID),
        paid_vnd="amount_vnd",
    )
    return sorted(rows.values(), key=lambda row: (row.year, row.unit.kind, row.unit.name))
