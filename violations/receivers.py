"""Violation handling's answers to what inspections announce (inspections.signals),
connected in ViolationsConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from registry.errors import Conflict
from violations import followup, outcome


def open_follow_up(sender, *, sample, **kwargs):
    followup.follow_up_open(sample)


def refuse_closing_with_open_records(sender, *, inspection, **kwargs):
    if inspection.violation_records.filter(status__in=outcome.PENDING_RECORDS).exists():
        raise Conflict(
            _("Còn biên bản vi phạm chưa có quyết định: chưa đóng được cuộc kiểm tra."),
            code="records_open",
        )


def tell_reporters(sender, *, by, inspection, **kwargs):
    outcome.tell_reporters(by=by, inspection=inspection)
