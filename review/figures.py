"""The counts by unit that the staff dashboard and the public statistics share.

Each function counts one measure for a period, by the unit that handles the record, in
one query, and answers `{unit_id: count}` (units with nothing are absent). Both the
dashboard (review/dashboard.py) and the public page (review/public_stats.py) call these,
so that a figure published to citizens is the figure staff report upward.

`period` is a review.dashboard.Period: `start`/`end` are aware datetimes (end
excluded), `date_from`/`date_to` the dates (both included).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q

from complaints.models import Complaint
from inspections.models import Inspection, Sample
from violations.models import ProductAlert

# Refused with a reason, or merged into another report whose answer they share.
ANSWERED = (Complaint.Status.REJECTED, Complaint.Status.MERGED)


@dataclass(frozen=True)
class ReportCounts:
    """Reports received in the period, by where they stand now; the three parts add up
    to `received`."""

    received: int = 0
    resolved: int = 0
    answered: int = 0

    @property
    def in_progress(self) -> int:
        return self.received - self.resolved - self.answered


def report_counts(*, unit_ids: Iterable[int], period) -> dict[int, ReportCounts]:
    rows = (
        Complaint.objects.filter(
            unit__in=list(unit_ids), received_at__gte=period.start, received_at__lt=period.end
        )
        .values("unit_id")
        .annotate(
            received=Count("pk"),
            resolved=Count("pk", filter=Q(status=Complaint.Status.RESOLVED)),
            answered=Count("pk", filter=Q(status__in=ANSWERED)),
        )
        .order_by()
    )
    return {
        item["unit_id"]: ReportCounts(item["received"], item["resolved"], item["answered"])
        for item in rows
    }


def inspections_opened(*, unit_ids: Iterable[int], period):
    """Inspections a unit opened (drafted, planned or ad hoc) in the period, except those
    cancelled since (never carried out): the dashboard and the public page both count
    these."""
    return Inspection.objects.filter(
        unit__in=list(unit_ids), created_at__gte=period.start, created_at__lt=period.end
    ).exclude(status=Inspection.Status.CANCELLED)


def _by_unit(qs, unit_field: str) -> dict[int, int]:
    return {
        item[unit_field]: item["n"]
        for item in qs.values(unit_field).annotate(n=Count("pk")).order_by()
    }


def inspection_counts(*, unit_ids: Iterable[int], period) -> dict[int, int]:
    return _by_unit(inspections_opened(unit_ids=unit_ids, period=period), "unit_id")


def failed_sample_counts(*, unit_ids: Iterable[int], period) -> dict[int, int]:
    """Samples (not their re-tests) whose test result, dated in the period, failed: the
    same samples a case cites as failed (violations/alerts.py, violations/outcome.py)."""
    samples = Sample.objects.filter(
        inspection__unit__in=list(unit_ids),
        retest_of=None,
        conforming=False,
        result_on__gte=period.date_from,
        result_on__lte=period.date_to,
    )
    return _by_unit(samples, "inspection__unit_id")


def alert_counts(*, unit_ids: Iterable[int], period) -> dict[int, int]:
    """Alerts published in the period and not withdrawn: those the public list shows."""
    alerts = ProductAlert.objects.published().filter(
        inspection__unit__in=list(unit_ids),
        published_on__gte=period.date_from,
        published_on__lte=period.date_to,
    )
    return _by_unit(alerts, "inspection__unit_id")
