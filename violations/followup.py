"""After a failed test: report, suspension, seals, re-test, resumption.

Circular 26/2012/TT-BKHCN as amended by Circular 12/2017/TT-BKHCN: the team reports a
failed test report to the agency within 24 hours of receiving it; the agency notifies
the operator within 2 working days to suspend circulation of the goods; the goods are
sealed (biên bản niêm phong); once the operator has remedied them the failed criteria are
tested again, the seals are lifted (biên bản mở niêm phong) and a notice lets the goods
circulate again.

The flow: open → reported → suspended → resumed. Every write is checked, audited and
atomic; the two clocks (violations/clocks.py) are reminded and escalated by the
foundation's sweep (registry.clocks).
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspections.models import InspectionMember, Sample
from inspections.samples import retest_create
from registry import clocks
from registry.audit import audit_record
from registry.errors import Conflict, InvalidInput, InvalidTransition, PermissionDenied
from registry.permissions import require_object_perm, require_perm
from violations import outcome
from violations.clocks import ViolationClock
from violations.models import FailedTestFollowUp, GoodsSeal
from violations.records import next_number

AGENCY = "inspections.decide_inspection"  # the agency's head: a supervisor

Status = FailedTestFollowUp.Status


def follow_up_open(sample: Sample, *, received_at=None) -> FailedTestFollowUp:
    """Called when a test report says the sample failed: the clocks start now."""
    received_at = received_at or timezone.now()
    # The due times are the clocks' (violations/clocks.py), kept on the row for the minutes.
    follow_up = FailedTestFollowUp.objects.create(
        sample=sample,
        result_received_at=received_at,
        report_due=received_at,
        suspension_due=timezone.localdate(received_at),
    )
    started = {
        kind: clocks.clock_start(
            kind=kind,
            subject_id=follow_up.pk,
            unit=sample.inspection.unit,
            case=sample.inspection,
            started_at=received_at,
        )
        for kind in (ViolationClock.FAILED_TEST_REPORT, ViolationClock.SUSPENSION_NOTICE)
    }
    follow_up.report_due = started[ViolationClock.FAILED_TEST_REPORT].due_at
    follow_up.suspension_due = started[ViolationClock.SUSPENSION_NOTICE].due_on
    follow_up.save(update_fields=["report_due", "suspension_due"])
    return follow_up


def _locked(follow_up: FailedTestFollowUp) -> FailedTestFollowUp:
    return (
        FailedTestFollowUp.objects.select_for_update()
        .select_related("sample__inspection")
        .get(pk=follow_up.pk)
    )


def _expect(follow_up: FailedTestFollowUp, source: str, target: str) -> None:
    if follow_up.status != source:
        raise InvalidTransition.between(follow_up.status, target, Status)


@transaction.atomic
def follow_up_report(*, by, follow_up: FailedTestFollowUp, text: str) -> FailedTestFollowUp:
    """The team lead reports the failed test to the agency (24 hours)."""
    follow_up = _locked(follow_up)
    inspection = follow_up.sample.inspection
    require_object_perm(by, "change", inspection)
    if not (
        by.has_perm(AGENCY)
        or inspection.team.filter(user=by, role=InspectionMember.Role.LEAD).exists()
    ):
        raise PermissionDenied(_("Chỉ trưởng đoàn báo cáo kết quả."), code="lead_only")
    _expect(follow_up, Status.OPEN, Status.REPORTED)
    if not (text or "").strip():
        raise InvalidInput.field("text", "required", _("Hãy ghi nội dung báo cáo."))
    follow_up.reported_at, follow_up.reported_by = timezone.now(), by
    follow_up.report_text = text.strip()[:5000]
    follow_up.status = Status.REPORTED
    follow_up.save()
    clocks.clock_stop(
        kind=ViolationClock.FAILED_TEST_REPORT,
        subject_id=follow_up.pk,
        at=follow_up.reported_at,
    )
    audit_record(
        actor=by,
        action="follow_up.report",
        target=inspection,
        changes={"follow_up": follow_up.pk, "late": follow_up.reported_at > follow_up.report_due},
    )
    return follow_up


@transaction.atomic
def follow_up_suspend(*, by, follow_up: FailedTestFollowUp, goods: str) -> FailedTestFollowUp:
    """The agency notifies the operator to suspend circulation (2 working days)."""
    follow_up = _locked(follow_up)
    inspection = follow_up.sample.inspection
    require_perm(by, AGENCY)
    require_object_perm(by, "view", inspection)
    _expect(follow_up, Status.REPORTED, Status.SUSPENDED)
    if not (goods or "").strip():
        raise InvalidInput.field(
            "goods", "required", _("Hãy ghi hàng hóa phải tạm dừng lưu thông (tên, lô, số lượng).")
        )
    today = timezone.localdate()
    follow_up.suspension_number = next_number(
        FailedTestFollowUp,
        unit_id=inspection.unit_id,
        date_field="suspension_issued_on",
        year=today.year,
        suffix="TB-TDLT",
        number_field="suspension_number",
    )
    follow_up.suspension_issued_on, follow_up.suspended_by = today, by
    follow_up.suspension_goods = goods.strip()[:5000]
    follow_up.status = Status.SUSPENDED
    follow_up.save()
    clocks.clock_stop(kind=ViolationClock.SUSPENSION_NOTICE, subject_id=follow_up.pk)
    audit_record(
        actor=by,
        action="follow_up.suspend",
        target=inspection,
        changes={
            "follow_up": follow_up.pk,
            "number": follow_up.suspension_number,
            "late": today > follow_up.suspension_due,
        },
    )
    outcome.tell_reporters(by=by, inspection=inspection)
    return follow_up


@transaction.atomic
def seal(
    *, by, follow_up: FailedTestFollowUp, seal_number: str, goods: str, place: str, sealed_at=None
) -> GoodsSeal:
    """Biên bản niêm phong: the goods under suspension are sealed where they are."""
    follow_up = _locked(follow_up)
    inspection = follow_up.sample.inspection
    require_object_perm(by, "change", inspection)
    if follow_up.status not in (Status.REPORTED, Status.SUSPENDED):
        raise Conflict(
            _("Chỉ niêm phong hàng hóa của mẫu không đạt đang chờ xử lý."), code="not_suspending"
        )
    fields = {"seal_number": seal_number, "goods": goods, "place": place}
    for name, value in fields.items():
        if not (value or "").strip():
            raise InvalidInput.field(
                name, "required", _("Hãy ghi số niêm phong, hàng hóa và nơi niêm phong.")
            )
    sealed_at = sealed_at or timezone.now()
    try:
        with transaction.atomic():
            goods_seal = GoodsSeal.objects.create(
                follow_up=follow_up,
                seal_number=seal_number.strip()[:50],
                goods=goods.strip()[:5000],
                place=place.strip()[:300],
                sealed_at=sealed_at,
                sealed_by=by,
                record_number=next_number(
                    GoodsSeal,
                    unit_id=inspection.unit_id,
                    date_field="sealed_at",
                    year=timezone.localdate(sealed_at).year,
                    suffix="BB-NP",
                    number_field="record_number",
                ),
            )
    except IntegrityError:
        raise Conflict(_("Số niêm phong này đã được ghi."), code="seal_number_taken") from None
    audit_record(
        actor=by,
        action="follow_up.seal",
        target=inspection,
        changes={"seal": goods_seal.pk, "record": goods_seal.record_number},
    )
    return goods_seal


@transaction.atomic
def unseal(*, by, goods_seal: GoodsSeal, reason: str) -> GoodsSeal:
    """Biên bản mở niêm phong: to remedy the goods, destroy them, or let them circulate."""
    goods_seal = GoodsSeal.objects.select_for_update().get(pk=goods_seal.pk)
    inspection = goods_seal.follow_up.sample.inspection
    require_object_perm(by, "change", inspection)
    if goods_seal.unsealed_at is not None:
        raise Conflict(_("Niêm phong đã được mở."), code="already_unsealed")
    if not (reason or "").strip():
        raise InvalidInput.field("reason", "required", _("Hãy ghi lý do mở niêm phong."))
    now = timezone.now()
    goods_seal.unseal_record_number = next_number(
        GoodsSeal,
        unit_id=inspection.unit_id,
        date_field="unsealed_at",
        year=timezone.localdate(now).year,
        suffix="BB-MNP",
        number_field="unseal_record_number",
    )
    goods_seal.unsealed_at, goods_seal.unsealed_by = now, by
    goods_seal.unseal_reason = reason.strip()[:2000]
    goods_seal.save()
    audit_record(
        actor=by,
        action="follow_up.unseal",
        target=inspection,
        changes={"seal": goods_seal.pk, "record": goods_seal.unseal_record_number},
    )
    return goods_seal


@transaction.atomic
def retest_take(
    *,
    by,
    follow_up: FailedTestFollowUp,
    client_uuid,
    test_unit_seal: str,
    retained_unit_seal: str,
    sampling_record_number: str,
    sampled_at=None,
) -> tuple[Sample, bool]:
    """A new sample of the remedied goods, to test the failed criteria again. Idempotent
    by the tablet's UUID, like any sample."""
    existing = Sample.objects.filter(client_uuid=client_uuid).first()
    if existing is not None:
        if existing.retest_of_id != follow_up.sample_id:
            raise Conflict(_("Mã định danh này đã dùng cho một mẫu khác."), code="uuid_taken")
        return existing, False
    follow_up = _locked(follow_up)
    original = follow_up.sample
    require_object_perm(by, "change", original.inspection)
    if follow_up.status != Status.SUSPENDED:
        raise Conflict(
            _("Chỉ thử nghiệm lại khi hàng hóa đang tạm dừng lưu thông."), code="not_suspended"
        )
    if original.retests.exclude(status=Sample.Status.TESTED).exists():
        raise Conflict(_("Đang có mẫu thử nghiệm lại chờ kết quả."), code="retest_pending")
    sample = retest_create(
        by=by,
        original=original,
        client_uuid=client_uuid,
        test_unit_seal=test_unit_seal,
        retained_unit_seal=retained_unit_seal,
        sampling_record_number=sampling_record_number,
        sampled_at=sampled_at,
    )
    audit_record(
        actor=by,
        action="follow_up.retest",
        target=original.inspection,
        changes={"follow_up": follow_up.pk, "sample": sample.pk},
    )
    return sample, True


@transaction.atomic
def follow_up_resume(*, by, follow_up: FailedTestFollowUp, reason: str) -> FailedTestFollowUp:
    """The agency lets the goods circulate again: the re-test passed and no seal is on."""
    follow_up = _locked(follow_up)
    inspection = follow_up.sample.inspection
    require_perm(by, AGENCY)
    require_object_perm(by, "view", inspection)
    _expect(follow_up, Status.SUSPENDED, Status.RESUMED)
    latest = follow_up.sample.retests.filter(status=Sample.Status.TESTED).order_by("-pk").first()
    if latest is None or not latest.conforming:
        raise Conflict(
            _("Cần kết quả thử nghiệm lại đạt các chỉ tiêu trước khi cho lưu thông trở lại."),
            code="retest_not_passed",
        )
    if follow_up.seals.filter(unsealed_at__isnull=True).exists():
        raise Conflict(_("Hàng hóa còn niêm phong chưa mở."), code="seals_in_place")
    if not (reason or "").strip():
        raise InvalidInput.field("reason", "required", _("Hãy ghi căn cứ cho lưu thông trở lại."))
    today = timezone.localdate()
    follow_up.resume_number = next_number(
        FailedTestFollowUp,
        unit_id=inspection.unit_id,
        date_field="resumed_on",
        year=today.year,
        suffix="TB-LTTL",
        number_field="resume_number",
    )
    follow_up.resumed_on, follow_up.resumed_by = today, by
    follow_up.resume_reason = reason.strip()[:4000]
    follow_up.status = Status.RESUMED
    follow_up.save()
    audit_record(
        actor=by,
        action="follow_up.resume",
        target=inspection,
        changes={
            "follow_up": follow_up.pk,
            "number": follow_up.resume_number,
            "retest": latest.pk,
        },
    )
    outcome.tell_reporters(by=by, inspection=inspection)
    return follow_up
