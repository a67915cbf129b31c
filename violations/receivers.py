"""Violation handling's answers to what the floors below announce: inspections'
signals (inspections.signals), and the reports' retention (complaints.retention: a
report is kept while a violation record of its case is not finished). Connected when
ViolationsConfig.ready() imports this module."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from complaints.models import RetentionNotice
from complaints.retention import register_block
from inspections import signals
from inspections.models import InspectionMember
from registry.errors import Conflict
from registry.models import User
from registry.services import notification_send
from violations import followup, outcome
from violations.models import ViolationRecord


def open_follow_up(sender, *, sample, by=None, **kwargs):
    follow_up = followup.follow_up_open(sample)
    tell_follow_up_opened(follow_up, by=by)


def tell_follow_up_opened(follow_up, *, by=None) -> None:
    """Who acts next on a failed test: the team lead, who reports it to the agency
    within 24 hours (the agency acts on the report; the clocks' sweep reminds both).
    The one who recorded the result is not told what they just did."""
    sample = follow_up.sample
    inspection = sample.inspection
    people = User.objects.filter(
        pk__in=inspection.team.filter(role=InspectionMember.Role.LEAD).values("user_id"),
        is_active=True,
    )
    subject = gettext("Mẫu không đạt: %(product)s (phiếu kết quả %(report)s)") % {
        "product": sample.product_name,
        "report": sample.test_report_number,
    }
    body = gettext(
        "Phiếu kết quả thử nghiệm %(report)s: mẫu %(product)s (biên bản lấy mẫu %(record)s) "
        "tại %(operator)s không đạt. Trưởng đoàn báo cáo cơ quan trước %(report_due)s; "
        "cơ quan thông báo tạm dừng lưu thông trước hết ngày %(suspension_due)s."
    ) % {
        "report": sample.test_report_number,
        "product": sample.product_name,
        "record": sample.sampling_record_number,
        "operator": inspection.operator.name,
        "report_due": f"{timezone.localtime(follow_up.report_due):%d/%m/%Y %H:%M}",
        "suspension_due": f"{follow_up.suspension_due:%d/%m/%Y}",
    }
    link = reverse("case-detail", kwargs={"inspection_id": inspection.pk})
    for person in people:
        if by is not None and person.pk == by.pk:
            continue
        notification_send(
            recipient=person,
            subject=subject,
            body=body,
            link=f"{link}#follow-up-{follow_up.pk}",
            dedup_key=f"follow-up-open:{follow_up.pk}:{person.pk}",
        )


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
