"""The legal clock of an inspection's samples (docs/legal-clocks.md): the retained unit
is kept 90 days after the test result. Also what violation handling's clocks share with
it: the team lead is reminded, and the case reads as the inspection."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from inspections.models import InspectionMember, Sample
from registry import clocks
from registry.clock_rules import DAYS, ClockKind, Rule, declare, declare_backfill
from registry.models import LegalClock


class InspectionClock(models.TextChoices):
    SAMPLE_RETENTION = "sample_retention", _("Lưu mẫu")


def team_leads(clock: LegalClock) -> set:
    leads = InspectionMember.objects.filter(
        inspection_id=clock.case_id, role=InspectionMember.Role.LEAD, user__is_active=True
    ).select_related("user")
    return {member.user for member in leads}


def inspection_label(clock: LegalClock, subject: str = "") -> str:
    """ "mẫu …, cuộc kiểm tra 12/QĐ-…": the subject (if any), then the inspection."""
    inspection = clock.case
    text = gettext("cuộc kiểm tra %(number)s") % {
        "number": inspection.decision_number or f"#{inspection.pk}"
    }
    return f"{subject}, {text}" if subject else text


def sample_label(sample: Sample | None) -> str:
    return gettext("mẫu %(product)s") % {"product": sample.product_name} if sample else ""


def case_link(clock: LegalClock) -> str:
    return f"/cases/{clock.case_id}/"


def _retention_label(clock: LegalClock) -> str:
    return inspection_label(clock, sample_label(Sample.objects.filter(pk=clock.subject_id).first()))


declare(
    ClockKind(
        kind=InspectionClock.SAMPLE_RETENTION,
        label=InspectionClock.SAMPLE_RETENTION.label,
        rule=Rule(
            90, DAYS, _("lưu mẫu 90 ngày kể từ ngày có kết quả thử nghiệm"), 5, escalates=False
        ),
        position=9,
        responsible=team_leads,
        case_label=_retention_label,
        link=case_link,
    )
)


def retention_start(sample: Sample) -> LegalClock:
    """The retained unit is kept 90 days from the day of the test result."""
    return clocks.clock_start(
        kind=InspectionClock.SAMPLE_RETENTION,
        subject_id=sample.pk,
        unit=sample.inspection.unit,
        case=sample.inspection,
        started_at=clocks.start_of_day(sample.result_on),
    )


def backfill(start) -> None:
    """The retention clocks of samples tested before clocks were kept as records."""
    for sample in Sample.objects.filter(
        status=Sample.Status.TESTED, retain_until__gte=timezone.localdate()
    ).select_related("inspection__unit"):
        start(
            InspectionClock.SAMPLE_RETENTION,
            sample.pk,
            unit=sample.inspection.unit,
            case=sample.inspection,
            started_at=clocks.start_of_day(sample.result_on),
        )


declare_backfill(backfill)
