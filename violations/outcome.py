"""The outcome of a case goes back to each reporter whose complaint led to it.

A case has concluded when its inspection is concluded (or closed) and no violation record
still waits for a decision. Then each linked complaint (and each complaint merged into
one) gets the outcome on its receipt page: an open complaint is resolved with it; a
closed one gets a public message when the outcome changes later (a penalty decision after
the conclusion, an alert published).

The text names the operator, the decision and the fines, never a staff member.
"""

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from complaints.services import complaints_tell_outcome
from inspections.models import Inspection
from inspections.services import inspection_outcome_told
from registry.audit import audit_record
from violations.documents import vnd
from violations.models import FailedTestFollowUp, PenaltyDecision, ViolationRecord

PENDING_RECORDS = (ViolationRecord.Status.DRAFT, ViolationRecord.Status.SIGNED)


def case_concluded(inspection: Inspection) -> bool:
    return (
        inspection.status in (Inspection.Status.CONCLUDED, Inspection.Status.CLOSED)
        and not inspection.violation_records.filter(status__in=PENDING_RECORDS).exists()
    )


def outcome_text(inspection: Inspection) -> str:
    """In Vietnamese, whatever language the request was in: it is stored as the case's
    text and read on the receipt page."""
    with translation.override("vi"):
        lines = [
            _("Cơ quan quản lý đã kiểm tra %(operator)s theo quyết định kiểm tra số %(number)s.")
            % {"operator": inspection.operator.name, "number": inspection.decision_number or "—"}
        ]
        failed = inspection.samples.filter(retest_of=None, conforming=False)
        for sample in failed:
            failed_results = sample.results.filter(passed=False)
            criteria = ", ".join(failed_results.values_list("criterion", flat=True))
            lines.append(
                _("Mẫu %(product)s không đạt chỉ tiêu: %(criteria)s.")
                % {"product": sample.product_name, "criteria": criteria}
            )
            follow_up = FailedTestFollowUp.objects.filter(sample=sample).first()
            if follow_up and follow_up.status == FailedTestFollowUp.Status.SUSPENDED:
                lines.append(_("Hàng hóa này đang bị tạm dừng lưu thông."))
            elif follow_up and follow_up.status == FailedTestFollowUp.Status.RESUMED:
                lines.append(
                    _("Sau khi khắc phục và thử nghiệm lại đạt, hàng hóa được lưu thông trở lại.")
                )
        decisions = PenaltyDecision.objects.filter(
            record__inspection=inspection,
            status__in=(PenaltyDecision.Status.APPROVED, PenaltyDecision.Status.CLOSED),
        ).prefetch_related(
            "lines__violation__provision__document",
            "lines__violation__provision__amending_document",
            "measures",
        )
        for decision in decisions:
            acts = "; ".join(
                f"{line.violation.description} ({line.violation.provision.citation})"
                for line in decision.lines.all()
            )
            lines.append(
                _(
                    "Đã xử phạt vi phạm hành chính theo quyết định số %(number)s ngày %(date)s: "
                    "phạt tiền %(total)s đồng về hành vi: %(acts)s."
                )
                % {
                    "number": decision.number,
                    "date": decision.decided_on.strftime("%d/%m/%Y"),
                    "total": vnd(decision.total_fine_vnd),
                    "acts": acts,
                }
            )
            measures = [m.description or m.get_kind_display() for m in decision.measures.all()]
            if measures:
                lines.append(
                    _("Biện pháp khắc phục hậu quả: %(measures)s.")
                    % {"measures": "; ".join(measures)}
                )
        if inspection.violation_records.filter(status=ViolationRecord.Status.DISMISSED).exists():
            lines.append(_("Một biên bản vi phạm đã được xem xét và không ra quyết định xử phạt."))
        if not (failed.exists() or decisions.exists()):
            lines.append(_("Không phát hiện vi phạm trong phạm vi kiểm tra."))
        if inspection.alerts.published().exists():
            lines.append(_("Cảnh báo về sản phẩm đã được công bố tại trang Cảnh báo sản phẩm."))
        lines.append(_("Cảm ơn bạn đã phản ánh."))
    return "\n".join(str(line) for line in lines)


@transaction.atomic
def tell_reporters(*, by, inspection: Inspection) -> int:
    """Give the outcome to every reporter of the case, once per outcome. Returns how
    many complaints were told."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if not case_concluded(inspection):
        return 0
    text = outcome_text(inspection)
    if text == inspection.outcome_text:
        return 0
    told = complaints_tell_outcome(
        by=by, complaint_ids=inspection.complaints.values("pk"), text=text
    )
    inspection_outcome_told(inspection=inspection, text=text)
    audit_record(
        actor=by,
        action="inspection.outcome",
        target=inspection,
        changes={"complaints": told},
    )
    return told
