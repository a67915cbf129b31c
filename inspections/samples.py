"""Samples taken on site and the lab's results, with the retention clock."""

import hashlib
from datetime import date

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspections import signals
from inspections.clocks import retention_start
from inspections.minutes import require_open_minutes
from inspections.models import Inspection, InspectionEvent, Sample, SampleResult
from registry.audit import audit_record
from registry.errors import Conflict, InvalidInput
from registry.images import MAX_UPLOAD_BYTES
from registry.permissions import require_object_perm
from registry.text import fold

SAMPLING_OPEN = (Inspection.Status.DECIDED, Inspection.Status.ON_SITE, Inspection.Status.SAMPLED)


def sample_create(
    *,
    by,
    inspection: Inspection,
    client_uuid,
    product_name: str,
    test_unit_seal: str,
    retained_unit_seal: str,
    sampling_record_number: str,
    sampled_at,
    batch: str = "",
    quantity_per_unit: str = "",
    product=None,
) -> tuple[Sample, bool]:
    """Record a sample taken on site (two sealed units). Idempotent by the tablet's
    UUID. The first sample moves an inspection that is on site to "sampled"."""
    existing = Sample.objects.filter(client_uuid=client_uuid).first()
    if existing is not None:
        if existing.inspection_id != inspection.pk:
            raise Conflict(_("Mã định danh này đã dùng cho một mẫu khác."), code="uuid_taken")
        return existing, False
    require_object_perm(by, "change", inspection)
    require_open_minutes(inspection)
    if inspection.status not in SAMPLING_OPEN:
        raise Conflict(_("Cuộc kiểm tra không còn ở giai đoạn lấy mẫu."), code="sampling_closed")
    seals = [(test_unit_seal or "").strip(), (retained_unit_seal or "").strip()]
    if not all(seals) or seals[0] == seals[1]:
        raise InvalidInput.field(
            "retained_unit_seal",
            "two_seals_required",
            _("Mẫu gồm hai đơn vị với hai số niêm phong khác nhau."),
        )
    if not (product_name or "").strip() or not (sampling_record_number or "").strip():
        raise InvalidInput.field(
            "product_name", "required", _("Hãy ghi tên mẫu và số biên bản lấy mẫu.")
        )
    try:
        with transaction.atomic():
            sample = Sample.objects.create(
                client_uuid=client_uuid,
                inspection=inspection,
                product=product,
                product_name=product_name.strip()[:300],
                batch=batch[:100],
                quantity_per_unit=quantity_per_unit[:100],
                test_unit_seal=seals[0],
                retained_unit_seal=seals[1],
                sampling_record_number=sampling_record_number.strip(),
                sampled_at=sampled_at,
                sampled_by=by,
            )
            locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
            if locked.status == Inspection.Status.ON_SITE:
                locked.status = Inspection.Status.SAMPLED
                locked.save(update_fields=["status"])
                InspectionEvent.objects.create(
                    inspection=locked,
                    status_from=Inspection.Status.ON_SITE,
                    status_to=locked.status,
                    actor=by,
                )
            audit_record(
                actor=by,
                action="sample.create",
                target=inspection,
                changes={
                    "sample": sample.pk,
                    "seals": seals,
                    "record": sample.sampling_record_number,
                },
            )
    except IntegrityError:
        return Sample.objects.get(client_uuid=client_uuid), False
    return sample, True


@transaction.atomic
def sample_send(*, by, sample: Sample, lab_name: str, sent_on: date) -> Sample:
    require_object_perm(by, "change", sample.inspection)
    if sample.status != Sample.Status.TAKEN:
        raise Conflict(_("Mẫu đã được gửi."), code="sample_already_sent")
    if not (lab_name or "").strip():
        raise InvalidInput.field("lab_name", "required", _("Hãy ghi tổ chức thử nghiệm."))
    sample.lab_name, sample.sent_on, sample.status = (
        lab_name.strip()[:300],
        sent_on,
        Sample.Status.SENT,
    )
    sample.save(update_fields=["lab_name", "sent_on", "status"])
    audit_record(
        actor=by,
        action="sample.send",
        target=sample.inspection,
        changes={"sample": sample.pk, "lab": lab_name},
    )
    return sample


def _passes(measured, limit_min, limit_max) -> bool:
    return (limit_min is None or measured >= limit_min) and (
        limit_max is None or measured <= limit_max
    )


def failed_criteria(sample: Sample) -> list[str]:
    return list(sample.results.filter(passed=False).values_list("criterion", flat=True))


def check_retest_criteria(sample: Sample, criteria: list[dict]) -> None:
    """A re-test tests exactly the criteria the original sample failed."""
    wanted = {fold(c) for c in failed_criteria(sample.retest_of)}
    given = [fold(row.get("criterion", "")) for row in criteria]
    if set(given) != wanted or len(given) != len(wanted):
        raise InvalidInput.field(
            "criteria",
            "retest_criteria",
            _("Thử nghiệm lại đúng các chỉ tiêu không đạt: %(criteria)s."),
            {"criteria": ", ".join(failed_criteria(sample.retest_of))},
        )


def retest_create(
    *,
    by,
    original: Sample,
    client_uuid,
    test_unit_seal: str,
    retained_unit_seal: str,
    sampling_record_number: str,
    sampled_at=None,
) -> Sample:
    """A new sample of the same goods, to test again the criteria `original` failed.
    Violation handling decides when (violations.followup.retest_take) and checks the
    caller's rights; this keeps the sample in step with any other."""
    seals = [(test_unit_seal or "").strip(), (retained_unit_seal or "").strip()]
    if not all(seals) or seals[0] == seals[1]:
        raise InvalidInput.field(
            "retained_unit_seal",
            "two_seals_required",
            _("Mẫu gồm hai đơn vị với hai số niêm phong khác nhau."),
        )
    if not (sampling_record_number or "").strip():
        raise InvalidInput.field(
            "sampling_record_number", "required", _("Hãy ghi số biên bản lấy mẫu.")
        )
    return Sample.objects.create(
        client_uuid=client_uuid,
        inspection=original.inspection,
        product=original.product,
        product_name=original.product_name,
        batch=original.batch,
        quantity_per_unit=original.quantity_per_unit,
        test_unit_seal=seals[0],
        retained_unit_seal=seals[1],
        sampling_record_number=sampling_record_number.strip()[:50],
        sampled_at=sampled_at or timezone.now(),
        sampled_by=by,
        retest_of=original,
    )


@transaction.atomic
def lab_result_record(
    *,
    by,
    sample: Sample,
    test_report_number: str,
    result_on: date,
    criteria: list[dict],
    received_on=None,
    report_pdf: bytes | None = None,
) -> Sample:
    """Record the test report: each criterion against its limit, pass/fail computed;
    the sample fails if any criterion fails. The retained unit is kept 90 days after
    the result (a period ending on a day off runs to the next working day).

    `report_pdf`, the lab's report as received, is kept byte for byte under its
    SHA-256; it must be a PDF by its content (`%PDF-`), whatever its name says. A
    failed sample (not a re-test) is announced with `signals.sample_failed`, which
    opens the follow-up (violation handling) in this transaction."""
    require_object_perm(by, "change", sample.inspection)
    if report_pdf is not None:
        check_report_pdf(report_pdf)
    sample = Sample.objects.select_for_update().get(pk=sample.pk)
    if sample.status == Sample.Status.TESTED:
        raise Conflict(_("Mẫu đã có kết quả thử nghiệm."), code="result_recorded")
    if not (test_report_number or "").strip():
        raise InvalidInput.field(
            "test_report_number", "required", _("Hãy ghi số phiếu kết quả thử nghiệm.")
        )
    if not criteria:
        raise InvalidInput.field(
            "criteria", "criteria_required", _("Hãy nhập ít nhất một chỉ tiêu.")
        )
    if sample.retest_of_id is not None:
        check_retest_criteria(sample, criteria)
    results = []
    for row in criteria:
        low, high = row.get("limit_min"), row.get("limit_max")
        if low is None and high is None:
            raise InvalidInput.field(
                "criteria", "limit_required", _("Mỗi chỉ tiêu cần giới hạn theo quy chuẩn.")
            )
        if low is not None and high is not None and low > high:
            raise InvalidInput.field(
                "criteria", "limits_reversed", _("Giới hạn dưới lớn hơn giới hạn trên.")
            )
        results.append(
            SampleResult(
                sample=sample,
                criterion=row["criterion"][:200],
                unit=row.get("unit", "")[:30],
                limit_min=low,
                limit_max=high,
                reference=row.get("reference", "")[:100],
                method=row.get("method", "")[:200],
                measured=row["measured"],
                passed=_passes(row["measured"], low, high),
            )
        )
    SampleResult.objects.bulk_create(results)
    sample.test_report_number = test_report_number.strip()
    sample.result_on = result_on
    sample.received_on = received_on or sample.received_on
    sample.conforming = all(r.passed for r in results)
    # The retained unit is kept 90 days after the result (inspections/clocks.py).
    sample.retain_until = retention_start(sample).due_on
    sample.status = Sample.Status.TESTED
    if report_pdf is not None:
        sample.test_report_sha256 = hashlib.sha256(report_pdf).hexdigest()
        sample.test_report_pdf.save(
            f"phieu-ket-qua-{sample.pk}-{sample.test_report_sha256[:12]}.pdf",
            ContentFile(report_pdf),
            save=False,
        )
    try:
        sample.save()
        if not sample.conforming and sample.retest_of_id is None:
            signals.sample_failed.send(sender=Sample, sample=sample, by=by)
        audit_record(
            actor=by,
            action="sample.result",
            target=sample.inspection,
            changes={
                "sample": sample.pk,
                "report": sample.test_report_number,
                "conforming": sample.conforming,
                "report_pdf_sha256": sample.test_report_sha256,
            },
        )
    except Exception:
        # The transaction rolls back; the file written just before must not stay behind.
        if sample.test_report_pdf:
            sample.test_report_pdf.delete(save=False)
        raise
    return sample


def check_report_pdf(data: bytes) -> None:
    """A test report is a PDF by its content, within the upload limit."""
    if not data:
        raise InvalidInput.field(
            "test_report_pdf", "report_empty", _("Tệp phiếu kết quả thử nghiệm trống.")
        )
    if len(data) > MAX_UPLOAD_BYTES:
        raise InvalidInput.field(
            "test_report_pdf",
            "report_too_large",
            _("Tệp phiếu kết quả quá lớn: tối đa %(max)s MB."),
            {"max": MAX_UPLOAD_BYTES // (1024 * 1024)},
        )
    if not data.startswith(b"%PDF-"):
        raise InvalidInput.field(
            "test_report_pdf",
            "report_not_pdf",
            _("Tệp này không phải là PDF: hãy chọn bản PDF của phiếu kết quả thử nghiệm."),
        )
