"""Violation records, penalty decisions, remedial measures and their clocks."""

import shutil
import subprocess
import uuid
from datetime import date, datetime, timedelta
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from PIL import Image

from inspections import findings, services
from inspections.models import ChecklistItem, Inspection
from registry.errors import Conflict, InvalidInput, InvalidTransition, PermissionDenied
from registry.models import LegalProvision
from tests.factories import provision_version
from tests.inspections.helpers import decided_inspection
from violations import decisions, records
from violations.models import PenaltyDecision, RemedialMeasure, ViolationRecord

pytestmark = pytest.mark.django_db
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def provision(*, verified=True, low=10_000_000, high=20_000_000, clause=1) -> LegalProvision:
    """A catalogue version for the tests (the figures are the test's, not the decree's)."""
    return provision_version(
        code=f"TEST-Đ18-K{clause}-{uuid.uuid4().hex[:6]}",
        clause=clause,
        fine_min_vnd=low,
        fine_max_vnd=high,
        verified=verified,
    )


def finding(inspection, by, result="non_conforming"):
    item = ChecklistItem.objects.get(template__version=1, code="vietnamese_label")
    made, _ = findings.finding_create(
        by=by,
        inspection=inspection,
        client_uuid=uuid.uuid4(),
        item=item,
        result=result,
        note="Máy sấy tóc nhập khẩu không có nhãn phụ",
    )
    return made


def draft_record(inspection, by, *, rows=None):
    rows = rows or [
        {
            "provision": provision(),
            "description": "Bày bán 40 máy sấy tóc nhập khẩu không có nhãn phụ tiếng Việt.",
            "findings": [finding(inspection, by)],
        }
    ]
    return records.record_create(
        by=by,
        inspection=inspection,
        place="Chợ Đồng Xuân, Hà Nội",
        violations=rows,
        representative_name="Nguyễn Thị Hoa",
        representative_position="Chủ cửa hàng",
    )


def signed_record(inspection, by, *, when=None, **kwargs):
    record = draft_record(inspection, by, **kwargs)
    return records.record_sign(by=by, record=record, signed_at=when or timezone.now())


def pdf_text(field, keep_as: str = "") -> str:
    """The PDF's text (pdftotext); `keep_as` also keeps the file in test-artifacts/."""
    field.open("rb")
    data = field.read()
    field.close()
    if keep_as:
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / keep_as).write_bytes(data)
    result = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return result.stdout.decode()


def at_hanoi(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=HANOI)


def photo() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (64, 48), (30, 160, 60)).save(buffer, "JPEG")
    return buffer.getvalue()


# --- Records --------------------------------------------------------------------------------


def test_a_record_needs_a_verified_provision_and_real_evidence(alice, on_site):
    unverified = {
        "provision": provision(verified=False),
        "description": "Không có nhãn phụ",
        "findings": [finding(on_site, alice)],
    }
    with pytest.raises(InvalidInput) as error:
        draft_record(on_site, alice, rows=[unverified])
    assert error.value.code == "provision_unverified"
    conforming = {
        "provision": provision(),
        "description": "Không có nhãn phụ",
        "findings": [finding(on_site, alice, result="conforming")],
    }
    with pytest.raises(InvalidInput) as error:
        draft_record(on_site, alice, rows=[conforming])
    assert error.value.code == "finding_not_evidence"
    no_evidence = {"provision": provision(), "description": "Không có nhãn phụ"}
    with pytest.raises(InvalidInput) as error:
        draft_record(on_site, alice, rows=[no_evidence])
    assert error.value.code == "evidence_required"
    assert not ViolationRecord.objects.exists()


def test_a_record_is_not_made_before_the_team_is_on_site(bob, alice):
    inspection = decided_inspection(supervisor=bob, lead=alice, number="02/QĐ-KT")
    with pytest.raises(Conflict) as error:
        records.record_create(
            by=alice, inspection=inspection, place="Hà Nội", violations=[{"x": 1}]
        )
    assert error.value.code == "record_too_early"


def test_an_outsider_cannot_make_a_record(charlie, alice, on_site):
    with pytest.raises(PermissionDenied):
        draft_record(on_site, charlie)


def test_signing_numbers_locks_and_starts_the_clocks_across_tet_2027(alice, on_site):
    # Signed Monday 01/02/2027. Tết 2027 closes 04/02-10/02 (Thursday to Wednesday).
    # Decision (7 days): 08/02 falls in Tết -> the next working day, Thursday 11/02/2027.
    # Explanation (5 working days): 02/02, 03/02, [Tết], 11/02, 12/02, [weekend], 15/02/2027.
    when = datetime(2027, 2, 1, 10, 30, tzinfo=HANOI)
    record = signed_record(on_site, alice, when=when)
    assert record.status == ViolationRecord.Status.SIGNED
    assert record.number == "1/BB-VPHC"
    assert record.decision_due == date(2027, 2, 11)
    assert record.explanation_due == date(2027, 2, 15)
    with pytest.raises(Conflict) as error:
        records.record_sign(by=alice, record=record)
    assert error.value.code == "record_signed"
    second = signed_record(on_site, alice, when=when)
    assert second.number == "2/BB-VPHC"


def test_no_right_to_explain_below_the_threshold(alice, on_site):
    # Maximum 7 million for an individual = 14 million for an organisation, under the
    # 30 million an organisation needs for the right to explain (LHAV Art. 61).
    row = {
        "provision": provision(low=3_000_000, high=7_000_000),
        "description": "Nhãn thiếu nội dung bắt buộc",
        "findings": [finding(on_site, alice)],
    }
    record = signed_record(on_site, alice, rows=[row])
    assert record.explanation_due is None


def test_a_complex_case_gets_30_days_and_one_extension_of_30(alice, bob, on_site):
    # Signed Thursday 15/01/2026. 30 days: 14/02/2026 is a Saturday, then Sunday, then
    # Tết 2026 (16/02-20/02) and a weekend: Monday 23/02/2026.
    # Extended once by 30 days: 25/03/2026 (a Wednesday).
    record = signed_record(on_site, alice, when=datetime(2026, 1, 15, 9, 0, tzinfo=HANOI))
    assert record.decision_due == date(2026, 1, 22)
    with pytest.raises(Conflict) as error:
        records.record_extend(by=bob, record=record, reason="Chờ kết quả giám định")
    assert error.value.code == "extension_not_allowed"
    with pytest.raises(PermissionDenied):
        records.record_set_complex(by=alice, record=record, reason="Cần xác minh")
    record = records.record_set_complex(
        by=bob, record=record, reason="Cần xác minh nguồn gốc lô hàng"
    )
    assert record.decision_due == date(2026, 2, 23)
    with pytest.raises(InvalidInput):
        records.record_extend(by=bob, record=record, reason="  ")
    record = records.record_extend(by=bob, record=record, reason="Chờ kết quả giám định")
    assert record.extended_to == date(2026, 3, 25) == record.decision_deadline
    with pytest.raises(Conflict) as error:
        records.record_extend(by=bob, record=record, reason="Lần nữa")
    assert error.value.code == "already_extended"


def test_a_refusal_needs_a_witness_and_the_pdf_says_so(alice, on_site):
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is installed by make setup")
    record = draft_record(on_site, alice)
    with pytest.raises(InvalidInput) as error:
        records.record_sign(by=alice, record=record, refused=True)
    assert error.value.code == "witness_required"
    record = records.record_sign(
        by=alice,
        record=record,
        refused=True,
        witness_name="Trần Văn Bảy",
        witness_address="Tổ dân phố số 4, phường Hoàn Kiếm",
        refusal_reason="Không đồng ý với kết quả kiểm tra",
        signed_at=datetime(2027, 2, 1, 10, 30, tzinfo=HANOI),
    )
    text = pdf_text(record.pdf, keep_as="violation-record.pdf")
    flat = " ".join(text.split())
    assert "BIÊN BẢN VI PHẠM HÀNH CHÍNH" in flat and "Số: 1/BB-VPHC" in flat
    assert "hồi 10 giờ 30, ngày 01/02/2027" in flat
    assert on_site.operator.name in flat
    assert "điểm a khoản 1 Điều 18 Nghị định 119/2017/NĐ-CP" in flat
    assert "không có nhãn phụ tiếng Việt" in flat
    assert "chậm nhất ngày 15/02/2027" in flat and "chậm nhất ngày 11/02/2027" in flat
    assert "Người chứng kiến: Trần Văn Bảy" in flat and "từ chối ký" in flat
    assert len(record.pdf_sha256) == 64


# --- Decisions ------------------------------------------------------------------------------


def test_a_fine_outside_the_range_is_refused(alice, on_site):
    record = signed_record(on_site, alice)
    violation = record.violations.get()
    # The violator is an organisation: 10-20 million doubles to 20-40 million.
    for fine in (19_999_999, 40_000_001, "30000000", 0):
        with pytest.raises(InvalidInput) as error:
            decisions.decision_draft(
                by=alice, record=record, lines=[{"violation_id": violation.pk, "fine_vnd": fine}]
            )
        assert error.value.code == "fine_out_of_range"
        assert "20.000.000" in error.value.render() and "40.000.000" in error.value.render()
    with pytest.raises(InvalidInput) as error:
        decisions.decision_draft(by=alice, record=record, lines=[])
    assert error.value.code == "line_missing"


def test_a_measure_without_a_deadline_is_refused(alice, on_site):
    record = signed_record(on_site, alice)
    line = {"violation_id": record.violations.get().pk, "fine_vnd": 30_000_000}
    for measure, code in [
        ({"kind": "relabel"}, "deadline_required"),
        ({"kind": "relabel", "deadline": "2027-01-01"}, "deadline_required"),
        ({"kind": "relabel", "deadline": timezone.localdate()}, "deadline_past"),
        (
            {"kind": "bury", "deadline": timezone.localdate() + timedelta(days=10)},
            "invalid_measure",
        ),
        ({"kind": "other", "deadline": timezone.localdate() + timedelta(days=10)}, "required"),
    ]:
        with pytest.raises(InvalidInput) as error:
            decisions.decision_draft(by=alice, record=record, lines=[line], measures=[measure])
        assert error.value.code == code, measure


def test_several_violations_are_each_fined_and_summed_then_approved(alice, bob, on_site):
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is installed by make setup")
    rows = [
        {
            "provision": provision(),
            "description": "Không có nhãn phụ tiếng Việt",
            "findings": [finding(on_site, alice)],
        },
        {
            "provision": provision(low=5_000_000, high=10_000_000, clause=2),
            "description": "Nhãn ghi sai xuất xứ",
            "findings": [finding(on_site, alice)],
        },
    ]
    record = signed_record(on_site, alice, rows=rows)
    first, second = record.violations.order_by("order")
    soon = timezone.localdate() + timedelta(days=15)
    decision = decisions.decision_draft(
        by=alice,
        record=record,
        lines=[
            {"violation_id": first.pk, "fine_vnd": 30_000_000, "additional_penalties": []},
            {
                "violation_id": second.pk,
                "fine_vnd": 15_000_000,
                "additional_penalties": ["confiscation"],
            },
        ],
        measures=[
            {"kind": "relabel", "deadline": soon, "violation_id": first.pk},
            {"kind": "recall", "deadline": soon + timedelta(days=5), "description": "40 máy"},
        ],
    )
    assert decision.total_fine_vnd == 45_000_000
    with pytest.raises(InvalidTransition):
        decisions.decision_decide(by=bob, decision=decision, approve=True)
    decision = decisions.decision_submit(by=alice, decision=decision)
    with pytest.raises(InvalidTransition):
        decisions.decision_submit(by=alice, decision=decision)
    with pytest.raises(PermissionDenied):
        decisions.decision_decide(by=alice, decision=decision, approve=True)
    returned = decisions.decision_decide(
        by=bob, decision=decision, approve=False, note="Ghi rõ số lượng hàng tái xuất"
    )
    assert returned.status == PenaltyDecision.Status.DRAFT
    decision = decisions.decision_submit(by=alice, decision=returned)
    decision = decisions.decision_decide(by=bob, decision=decision, approve=True)
    assert decision.status == PenaltyDecision.Status.APPROVED
    assert decision.number == "1/QĐ-XPHC" and decision.decided_on == timezone.localdate()
    record.refresh_from_db()
    assert record.status == ViolationRecord.Status.DECIDED
    flat = " ".join(pdf_text(decision.pdf, keep_as="penalty-decision.pdf").split())
    assert "QUYẾT ĐỊNH" in flat and "Số: 1/QĐ-XPHC" in flat
    assert "30.000.000" in flat and "15.000.000" in flat and "45.000.000 đồng" in flat
    assert "Bốn mươi lăm triệu đồng" in flat
    assert "Tịch thu tang vật vi phạm hành chính" in flat
    assert f"trước ngày {soon:%d/%m/%Y}" in flat
    assert (
        "Nghị định số 126/2021/NĐ-CP" in flat and "Biên bản vi phạm hành chính số 1/BB-VPHC" in flat
    )
    assert bob.full_name in flat


def test_past_the_deadline_no_decision_is_issued(alice, bob, on_site):
    record = signed_record(on_site, alice, when=timezone.now() - timedelta(days=20))
    line = {"violation_id": record.violations.get().pk, "fine_vnd": 30_000_000}
    decision = decisions.decision_draft(by=alice, record=record, lines=[line])
    decisions.decision_submit(by=alice, decision=decision)
    with pytest.raises(Conflict) as error:
        decisions.decision_decide(by=bob, decision=decision, approve=True)
    assert error.value.code == "decision_deadline_passed"
    assert record.decision_deadline.strftime("%d/%m/%Y") in error.value.render()


# --- Execution ------------------------------------------------------------------------------


def test_execution_fine_paid_measures_done_with_photos_then_closed(
    alice, bob, on_site, django_capture_on_commit_callbacks
):
    record = signed_record(on_site, alice)
    line = {"violation_id": record.violations.get().pk, "fine_vnd": 30_000_000}
    measure = {"kind": "relabel", "deadline": timezone.localdate() + timedelta(days=10)}
    decision = decisions.decision_draft(by=alice, record=record, lines=[line], measures=[measure])
    decisions.decision_submit(by=alice, decision=decision)
    decision = decisions.decision_decide(by=bob, decision=decision, approve=True)
    with pytest.raises(Conflict) as error:
        decisions.decision_close(by=alice, decision=decision)
    assert error.value.code == "fine_unpaid"
    today = timezone.localdate()
    with pytest.raises(InvalidInput) as error:
        decisions.fine_paid(by=alice, decision=decision, paid_on=today, receipt_number=" ")
    assert error.value.code == "required"
    decisions.fine_paid(by=alice, decision=decision, paid_on=today, receipt_number="BL 0012345")
    with pytest.raises(Conflict) as error:
        decisions.decision_close(by=alice, decision=decision)
    assert error.value.code == "measures_pending"
    pending = decision.measures.get()
    with pytest.raises(InvalidInput) as error:
        decisions.measure_done(by=alice, measure=pending, done_on=today, note="Đã dán nhãn phụ")
    assert error.value.code == "photo_required"
    with django_capture_on_commit_callbacks(execute=True):
        stored, created = findings.evidence_upload(by=alice, measure=pending, data=photo())
    assert created and stored.measure == pending and stored.finding is None
    decisions.measure_done(by=alice, measure=pending, done_on=today, note="Đã dán nhãn phụ")
    decision = decisions.decision_close(by=alice, decision=decision)
    assert decision.status == PenaltyDecision.Status.CLOSED
    record.refresh_from_db()
    assert record.status == ViolationRecord.Status.CLOSED
    assert RemedialMeasure.objects.get().status == RemedialMeasure.Status.DONE


def test_a_supervisor_may_dismiss_a_signed_record(alice, bob, on_site):
    record = signed_record(on_site, alice)
    with pytest.raises(PermissionDenied):
        records.record_dismiss(by=alice, record=record, reason="Giải trình hợp lý")
    record = records.record_dismiss(by=bob, record=record, reason="Giải trình hợp lý")
    assert record.status == ViolationRecord.Status.DISMISSED
    with pytest.raises(Conflict):
        decisions.decision_draft(by=alice, record=record, lines=[])


def test_a_due_decision_and_a_late_measure_are_escalated_once(alice, bob, on_site):
    from registry.clocks import clocks_sweep
    from registry.models import Notification

    # Signed today: the decision is due in 7 days, so not yet reminded today...
    record = signed_record(on_site, alice)
    assert clocks_sweep().notified == 0
    # ...but it is on the working day before its deadline, to the lead (alice)...
    on = record.decision_deadline
    assert clocks_sweep(now=at_hanoi(on - timedelta(days=1))).notified == 1
    assert clocks_sweep(now=at_hanoi(on - timedelta(days=1))).notified == 0  # a rerun
    assert Notification.objects.get().recipient == alice
    assert record.number in Notification.objects.first().subject
    # ...and escalated to the lead and the supervisor once it has passed.
    assert clocks_sweep(now=at_hanoi(on + timedelta(days=1))).notified == 2
    assert {n.recipient for n in Notification.objects.all()} == {alice, bob}
    Notification.objects.all().delete()
    # A measure past its deadline.
    line = {"violation_id": record.violations.get().pk, "fine_vnd": 30_000_000}
    deadline = timezone.localdate() + timedelta(days=5)
    decision = decisions.decision_draft(
        by=alice, record=record, lines=[line], measures=[{"kind": "recall", "deadline": deadline}]
    )
    decisions.decision_submit(by=alice, decision=decision)
    decisions.decision_decide(by=bob, decision=decision, approve=True)
    assert decisions.escalate_overdue(today=deadline) == 0
    assert decisions.escalate_overdue(today=deadline + timedelta(days=1)) == 2
    measure = RemedialMeasure.objects.get()
    assert measure.escalated_on == deadline + timedelta(days=1)
    late = Notification.objects.filter(subject__contains="Quá hạn biện pháp")
    assert late.count() == 2 and late.first().link == f"/cases/{on_site.pk}/"


def test_an_inspection_is_not_closed_while_a_record_waits_for_its_decision(alice, bob, on_site):
    record = signed_record(on_site, alice)
    concluded = services.inspection_transition(
        by=alice, inspection=on_site, to=Inspection.Status.CONCLUDED
    )
    with pytest.raises(Conflict) as error:
        services.inspection_transition(by=bob, inspection=concluded, to=Inspection.Status.CLOSED)
    assert error.value.code == "records_open"
    records.record_dismiss(by=bob, record=record, reason="Giải trình được chấp nhận")
    closed = services.inspection_transition(
        by=bob, inspection=concluded, to=Inspection.Status.CLOSED
    )
    assert closed.status == Inspection.Status.CLOSED
