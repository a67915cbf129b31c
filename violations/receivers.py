"""Violation handling's answers to what the floors below announce: inspections'
signals (inspections.signals), and the reports' retention (complaints.retention: a
report is kept while a violation record of its case is not finished). Connected when
ViolationsConfig.ready() imports this module."""

from django.utils.translation import gettext_lazy as _

from complaints.models import RetentionNotice
from complaints.retention import register_block
from inspections import signals
from registry.errors import Conflict
from violations import followup, outcome
from violations.models import ViolationRecord


def open_follow_up(sender, *, sample, **kwargs):
    followup.follow_up_open(sample)


def refuse_closing_with_open_records(sender, *, inspection, **kwargs):
    if inspection.violation_records.filter(status__in=outcome.PENDING_RECORDS).exists():
        raise Conflict(
            _("Còn biên bản vi phạm chưa có quyết định: chưa đóng được cuộc kiểm tra."),
            code="records_open",
        )


def unfinished_violation(cases: list[int]) -> str:
    unfinished = (
        ViolationRecord.Status.DRAFT,
        ViolationRecord.Status.SIGNED,
        ViolationRecord.Status.DECIDED,
    )
    records = ViolationRecord.objects.filter(
        inspection__complaints__in=cases, status__in=unfinished
    )
    return RetentionNotice.Block.VIOLATION_OPEN if records.exists() else ""


def tell_reporters(sender, *, by, inspection, **kwargs):
    outcome.tell_reporters(by=by, inspection=inspection)


signals.sample_failed.connect(open_follow_up, dispatch_uid="violations.follow_up")
signals.inspection_closing.connect(
    refuse_closing_with_open_records, dispatch_uid="violations.closing"
)
signals.inspection_concluded.connect(tell_reporters, dispatch_uid="violations.outcome")
register_block(unfinished_violation, position=2)
