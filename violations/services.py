"""Violation handling: from non-conforming findings or a failed test to a closed case.

Law on Handling Administrative Violations 2012 as amended by Law 67/2020 (LHAV):

* Art. 61: a violator of an act whose maximum fine is at least 15 million đồng for an
  individual (30 million for an organisation) may explain in writing within 5 working
  days of the record.
* Art. 66: the penalty decision is due within 7 days of the record; 30 days when the case
  needs explanation or verification; a complex case may be extended once by at most 30
  days, with a reason. Past the deadline no penalty decision may be issued.

Decree 119/2017/NĐ-CP as amended by Decree 126/2021/NĐ-CP: the fines in the catalogue
are an individual's; an organisation's fine is twice that (`LegalProvision.fine_range`).

Every write is checked, audited and atomic. Periods of days that end on a day off run to
the next working day (`registry.workdays.add_days`).
"""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspections.models import EvidencePhoto, Finding, Inspection, InspectionMember
from registry import clocks, workdays
from registry.audit import audit_record
from registry.errors import Conflict, InvalidInput, InvalidTransition
from registry.models import EconomicOperator, LegalClock, LegalProvision, Role, Unit, User
from registry.permissions import require_object_perm, require_perm
from registry.services import notification_send
from violations import outcome
from violations.clocks import ViolationClock
from violations.documents import store_decision_pdf, store_record_pdf, vnd
from violations.models import (
    AdditionalPenalty,
    PenaltyDecision,
    PenaltyLine,
    RemedialMeasure,
    Violation,
    ViolationRecord,
)

EXPLANATION_WORKING_DAYS = 5
EXPLANATION_THRESHOLD_VND = 15_000_000  # an individual's maximum fine (organisation: x2)
# The decision's 7 days (30 for a complex case, extendable once by 30) are a legal clock:
# see violations/clocks.py (PENALTY_DECISION).

# Records are made once the team has been on site, until the case is closed.
RECORD_STAGES = (
    Inspection.Status.ON_SITE,
    Inspection.Status.SAMPLED,
    Inspection.Status.AWAITING_LAB,
    Inspection.Status.CONCLUDED,
)

APPROVE = "violations.approve_penaltydecision"


# --- Violation record ---------------------------------------------------------------------


@transaction.atomic
def record_create(
    *,
    by,
    inspection: Inspection,
    place: str,
    violations: list[dict],
    violator: EconomicOperator | None = None,
    representative_name: str = "",
    representative_position: str = "",
) -> ViolationRecord:
    """Draft a record. Each violation is {provision, description, findings, photos,
    samples}: the evidence must belong to this inspection and show a non-conformity (a
    non-conforming finding, a sample that failed its test) or be a photo of one."""
    require_object_perm(by, "change", inspection)
    if inspection.status not in RECORD_STAGES:
        raise Conflict(
            _("Chỉ lập biên bản vi phạm sau khi đã kiểm tra tại chỗ."), code="record_too_early"
        )
    if not (place or "").strip():
        raise InvalidInput.field("place", "required", _("Hãy ghi địa điểm lập biên bản."))
    violator = violator or inspection.operator
    record = ViolationRecord.objects.create(
        inspection=inspection,
        violator=violator,
        violator_is_organisation=violator.kind == EconomicOperator.Kind.ORGANISATION,
        place=place.strip()[:300],
        representative_name=representative_name.strip()[:150],
        representative_position=representative_position.strip()[:150],
        created_by=by,
    )
    _set_violations(record, violations)
    audit_record(
        actor=by,
        action="violation_record.create",
        target=inspection,
        changes={"record": record.pk, "provisions": [v["provision"].code for v in violations]},
    )
    return record


def _set_violations(record: ViolationRecord, rows: list[dict]) -> None:
    if not rows:
        raise InvalidInput.field(
            "violations", "violations_required", _("Biên bản cần ít nhất một hành vi vi phạm.")
        )
    inspection = record.inspection
    for order, row in enumerate(rows, start=1):
        provision = row.get("provision")
        if not isinstance(provision, LegalProvision) or not provision.is_active:
            raise InvalidInput.field(
                "provision_id", "unknown_provision", _("Không có điều khoản xử phạt này.")
            )
        if not provision.verified:
            raise InvalidInput.field(
                "provision_id",
                "provision_unverified",
                _(
                    "Điều khoản %(citation)s chưa được đối chiếu với văn bản gốc: quản trị viên "
                    "cần xác nhận trước khi dùng để xử phạt."
                ),
                {"citation": provision.citation},
            )
        if not (row.get("description") or "").strip():
            raise InvalidInput.field("description", "required", _("Hãy mô tả hành vi vi phạm."))
        findings = list(row.get("findings") or [])
        photos = list(row.get("photos") or [])
        samples = list(row.get("samples") or [])
        if not (findings or samples):
            raise InvalidInput.field(
                "findings",
                "evidence_required",
                _("Mỗi hành vi cần chứng cứ: kết quả kiểm tra không đạt hoặc mẫu không đạt."),
            )
        if any(
            f.inspection_id != inspection.pk or f.result != Finding.Result.NON_CONFORMING
            for f in findings
        ):
            raise InvalidInput.field(
                "findings",
                "finding_not_evidence",
                _("Chỉ dẫn chứng kết quả không đạt của chính cuộc kiểm tra này."),
            )
        if any(s.inspection_id != inspection.pk or s.conforming is not False for s in samples):
            raise InvalidInput.field(
                "samples",
                "sample_not_evidence",
                _("Chỉ dẫn chứng mẫu của cuộc kiểm tra này đã có kết quả không đạt."),
            )
        if any(p.inspection_id != inspection.pk for p in photos):
            raise InvalidInput.field(
                "photos", "photo_not_evidence", _("Ảnh không thuộc cuộc kiểm tra này.")
            )
        violation = Violation.objects.create(
            record=record,
            provision=provision,
            description=row["description"].strip()[:5000],
            order=order,
        )
        violation.findings.set(findings)
        violation.photos.set(photos)
        violation.samples.set(samples)


@transaction.atomic
def record_sign(
    *,
    by,
    record: ViolationRecord,
    representative_name: str = "",
    representative_position: str = "",
    statement: str = "",
    refused: bool = False,
    witness_name: str = "",
    witness_address: str = "",
    refusal_reason: str = "",
    signed_at=None,
) -> ViolationRecord:
    """The record is made: signed by the violator's representative, or refused before a
    witness. It is numbered and locked; the explanation and decision clocks start."""
    record = ViolationRecord.objects.select_for_update().get(pk=record.pk)
    require_object_perm(by, "change", record.inspection)
    if record.status != ViolationRecord.Status.DRAFT:
        raise Conflict(_("Biên bản vi phạm đã lập, không sửa được."), code="record_signed")
    if not (representative_name or record.representative_name).strip():
        raise InvalidInput.field(
            "representative_name", "required", _("Hãy ghi người đại diện của đối tượng vi phạm.")
        )
    if refused and not (witness_name.strip() and refusal_reason.strip()):
        raise InvalidInput.field(
            "witness_name",
            "witness_required",
            _("Khi người vi phạm từ chối ký, cần người chứng kiến và lý do từ chối."),
        )
    signed_at = signed_at or timezone.now()
    day = timezone.localdate(signed_at)
    record.representative_name = (representative_name or record.representative_name).strip()
    record.representative_position = (
        representative_position or record.representative_position
    ).strip()
    record.representative_statement = statement.strip()[:5000]
    record.representative_refused = refused
    record.witness_name = witness_name.strip()[:150] if refused else ""
    record.witness_address = witness_address.strip()[:300] if refused else ""
    record.refusal_reason = refusal_reason.strip()[:300] if refused else ""
    record.signed_at = signed_at
    unit_id = record.inspection.unit_id
    record.number = next_number(
        ViolationRecord,
        unit_id=unit_id,
        date_field="signed_at",
        year=day.year,
        suffix="BB-VPHC",
    )
    record.explanation_due = (
        workdays.add_working_days(day, EXPLANATION_WORKING_DAYS) if may_explain(record) else None
    )
    record.status = ViolationRecord.Status.SIGNED
    record.decision_due = clocks.clock_start(
        kind=ViolationClock.PENALTY_DECISION,
        subject_id=record.pk,
        unit=record.inspection.unit,
        case=record.inspection,
        started_at=signed_at,
        variant="complex" if record.needs_verification else "",
    ).due_on
    store_record_pdf(record)
    record.save()
    audit_record(
        actor=by,
        action="violation_record.sign",
        target=record.inspection,
        changes={
            "record": record.pk,
            "number": record.number,
            "refused": refused,
            "decision_due": record.decision_due.isoformat(),
            "pdf_sha256": record.pdf_sha256,
        },
    )
    return record


def may_explain(record: ViolationRecord) -> bool:
    """LHAV Art. 61: the right to explain, for an act whose maximum fine reaches 15 million
    đồng for an individual (30 million for an organisation)."""
    threshold = EXPLANATION_THRESHOLD_VND * (2 if record.violator_is_organisation else 1)
    return any(
        v.provision.fine_range(organisation=record.violator_is_organisation)[1] >= threshold
        for v in record.violations.select_related("provision")
    )


def next_number(
    model,
    *,
    unit_id: int,
    date_field: str,
    year: int,
    suffix: str,
    number_field: str = "number",
) -> str:
    """ "7/BB-VPHC": the model's rows are numbered per unit (its `scope_unit_field`) and
    year, counted under a lock on the unit."""
    Unit.objects.select_for_update().get(pk=unit_id)
    count = (
        model.objects.filter(**{model.scope_unit_field: unit_id, f"{date_field}__year": year})
        .exclude(**{number_field: ""})
        .count()
    )
    return f"{count + 1}/{suffix}"


@transaction.atomic
def record_set_complex(*, by, record: ViolationRecord, reason: str) -> ViolationRecord:
    """The case needs explanation or verification: the decision is due 30 days after the
    record instead of 7 (LHAV Art. 66(1))."""
    record = _signed_record(by, record)
    if record.needs_verification:
        raise Conflict(_("Vụ việc đã được xác định là phức tạp."), code="already_complex")
    if not (reason or "").strip():
        raise InvalidInput.field("reason", "required", _("Hãy ghi lý do."))
    record.needs_verification = True
    decision_clock(record)
    record.decision_due = clocks.clock_set_variant(
        kind=ViolationClock.PENALTY_DECISION, subject_id=record.pk, variant="complex"
    ).due_on
    record.extension_reason = reason.strip()[:2000]
    record.save(update_fields=["needs_verification", "decision_due", "extension_reason"])
    audit_record(
        actor=by,
        action="violation_record.complex",
        target=record.inspection,
        changes={"record": record.pk, "decision_due": record.decision_due.isoformat()},
    )
    return record


@transaction.atomic
def record_extend(*, by, record: ViolationRecord, reason: str) -> ViolationRecord:
    """Extend a complex case's deadline once, by 30 days, with a reason (LHAV Art. 66(1))."""
    record = _signed_record(by, record)
    if not record.needs_verification:
        raise Conflict(
            _("Chỉ gia hạn cho vụ việc phải giải trình hoặc xác minh."),
            code="extension_not_allowed",
        )
    if record.extended_to is not None:
        raise Conflict(_("Thời hạn chỉ được gia hạn một lần."), code="already_extended")
    if not (reason or "").strip():
        raise InvalidInput.field("reason", "required", _("Hãy ghi lý do gia hạn."))
    record.extended_to = clocks.clock_extend(
        by=by, clock=decision_clock(record), reason=reason
    ).due_on
    record.extension_reason = (record.extension_reason + "\n" + reason.strip())[:4000].strip()
    record.save(update_fields=["extended_to", "extension_reason"])
    audit_record(
        actor=by,
        action="violation_record.extend",
        target=record.inspection,
        changes={"record": record.pk, "extended_to": record.extended_to.isoformat()},
    )
    return record


@transaction.atomic
def record_dismiss(*, by, record: ViolationRecord, reason: str) -> ViolationRecord:
    """No penalty decision (e.g. the explanation was accepted); a supervisor decides."""
    record = _signed_record(by, record)
    if hasattr(record, "decision") and record.decision.status != PenaltyDecision.Status.DRAFT:
        raise Conflict(_("Đã có quyết định xử phạt đang xử lý."), code="decision_exists")
    if not (reason or "").strip():
        raise InvalidInput.field("reason", "required", _("Hãy ghi lý do."))
    record.status = ViolationRecord.Status.DISMISSED
    record.dismissal_reason = reason.strip()[:4000]
    record.save(update_fields=["status", "dismissal_reason"])
    clocks.clock_stop(kind=ViolationClock.PENALTY_DECISION, subject_id=record.pk)
    audit_record(
        actor=by,
        action="violation_record.dismiss",
        target=record.inspection,
        changes={"record": record.pk},
    )
    outcome.tell_reporters(by=by, inspection=record.inspection)
    return record


def decision_clock(record: ViolationRecord) -> LegalClock:
    """The decision's clock; started from the signature for a record made before the
    clocks were kept as records."""
    clock = clocks.clock_for(kind=ViolationClock.PENALTY_DECISION, subject_id=record.pk)
    if clock is None:
        clock = clocks.clock_start(
            kind=ViolationClock.PENALTY_DECISION,
            subject_id=record.pk,
            unit=record.inspection.unit,
            case=record.inspection,
            started_at=record.signed_at,
            variant="complex" if record.needs_verification else "",
        )
    return clock


def _signed_record(by, record: ViolationRecord) -> ViolationRecord:
    record = (
        ViolationRecord.objects.select_for_update().select_related("inspection").get(pk=record.pk)
    )
    require_perm(by, APPROVE)
    require_object_perm(by, "view", record.inspection)
    if record.status != ViolationRecord.Status.SIGNED:
        raise InvalidTransition.between(
            record.status, ViolationRecord.Status.SIGNED, ViolationRecord.Status
        )
    return record


# --- Penalty decision ---------------------------------------------------------------------


@transaction.atomic
def decision_draft(
    *, by, record: ViolationRecord, lines: list[dict], measures: list[dict] = ()
) -> PenaltyDecision:
    """Draft (or redraft) the decision: a fine for every act of the record, inside the
    provision's range for this violator; additional penalties from the decree's list;
    remedial measures, each with a deadline after today."""
    record = ViolationRecord.objects.select_for_update().get(pk=record.pk)
    require_object_perm(by, "change", record.inspection)
    if record.status != ViolationRecord.Status.SIGNED:
        raise Conflict(
            _("Chỉ soạn quyết định cho biên bản đã lập và chưa có quyết định."),
            code="record_not_open",
        )
    decision = PenaltyDecision.objects.filter(record=record).first()
    if decision is not None and decision.status != PenaltyDecision.Status.DRAFT:
        raise Conflict(_("Quyết định đã trình duyệt, không sửa được."), code="decision_not_draft")
    if decision is None:
        decision = PenaltyDecision.objects.create(record=record, created_by=by)
    decision.lines.all().delete()
    decision.measures.all().delete()
    violations = {v.pk: v for v in record.violations.select_related("provision")}
    seen = set()
    total = 0
    for row in lines:
        violation = violations.get(row.get("violation_id"))
        if violation is None or violation.pk in seen:
            raise InvalidInput.field(
                "lines", "unknown_violation", _("Hành vi không thuộc biên bản này.")
            )
        seen.add(violation.pk)
        fine = row.get("fine_vnd")
        low, high = violation.provision.fine_range(organisation=record.violator_is_organisation)
        if not isinstance(fine, int) or isinstance(fine, bool) or not low <= fine <= high:
            raise InvalidInput.field(
                "fine_vnd",
                "fine_out_of_range",
                _(
                    "Mức phạt cho hành vi theo %(citation)s phải từ %(low)s đến %(high)s đồng "
                    "(%(who)s)."
                ),
                {
                    "citation": violation.provision.citation,
                    "low": vnd(low),
                    "high": vnd(high),
                    "who": _("tổ chức") if record.violator_is_organisation else _("cá nhân"),
                },
            )
        extra = list(row.get("additional_penalties") or [])
        if any(p not in AdditionalPenalty.values for p in extra):
            raise InvalidInput.field(
                "additional_penalties",
                "invalid_penalty",
                _("Hình thức xử phạt bổ sung không hợp lệ."),
            )
        PenaltyLine.objects.create(
            decision=decision,
            violation=violation,
            fine_vnd=fine,
            additional_penalties=sorted(set(extra)),
        )
        total += fine
    if seen != set(violations):
        raise InvalidInput.field(
            "lines", "line_missing", _("Mỗi hành vi trong biên bản cần một mức phạt.")
        )
    today = timezone.localdate()
    for row in measures:
        kind, deadline = row.get("kind"), row.get("deadline")
        if kind not in RemedialMeasure.Kind.values:
            raise InvalidInput.field(
                "measures", "invalid_measure", _("Biện pháp khắc phục hậu quả không hợp lệ.")
            )
        if not isinstance(deadline, date):
            raise InvalidInput.field(
                "deadline",
                "deadline_required",
                _("Mỗi biện pháp khắc phục hậu quả cần thời hạn thực hiện."),
            )
        if deadline <= today:
            raise InvalidInput.field(
                "deadline",
                "deadline_past",
                _("Thời hạn thực hiện phải sau ngày hôm nay."),
            )
        if kind == RemedialMeasure.Kind.OTHER and not (row.get("description") or "").strip():
            raise InvalidInput.field("description", "required", _("Hãy ghi nội dung biện pháp."))
        violation = violations.get(row.get("violation_id")) if row.get("violation_id") else None
        RemedialMeasure.objects.create(
            decision=decision,
            violation=violation,
            kind=kind,
            description=(row.get("description") or "").strip()[:2000],
            deadline=deadline,
        )
    decision.total_fine_vnd = total
    decision.save(update_fields=["total_fine_vnd"])
    audit_record(
        actor=by,
        action="penalty_decision.draft",
        target=record.inspection,
        changes={"decision": decision.pk, "total_fine_vnd": total, "measures": len(measures)},
    )
    return decision


@transaction.atomic
def decision_submit(*, by, decision: PenaltyDecision) -> PenaltyDecision:
    decision = _locked(decision)
    require_object_perm(by, "change", decision.record.inspection)
    _move(decision, PenaltyDecision.Status.DRAFT, PenaltyDecision.Status.SUBMITTED)
    decision.save(update_fields=["status"])
    audit_record(
        actor=by,
        action="penalty_decision.submit",
        target=decision.record.inspection,
        changes={"decision": decision.pk},
    )
    return decision


@transaction.atomic
def decision_decide(
    *, by, decision: PenaltyDecision, approve: bool, note: str = ""
) -> PenaltyDecision:
    """A supervisor approves (the decision is numbered, dated, rendered and issued) or
    returns it to the team with a note. Past the record's deadline it cannot be issued."""
    decision = _locked(decision)
    record = decision.record
    require_perm(by, APPROVE)
    require_object_perm(by, "view", record.inspection)
    if decision.status != PenaltyDecision.Status.SUBMITTED:
        raise InvalidTransition.between(
            decision.status, PenaltyDecision.Status.APPROVED, PenaltyDecision.Status
        )
    if not approve:
        if not (note or "").strip():
            raise InvalidInput.field("note", "required", _("Hãy ghi lý do trả lại."))
        decision.status = PenaltyDecision.Status.DRAFT
        decision.return_note = note.strip()[:4000]
        decision.save(update_fields=["status", "return_note"])
        audit_record(
            actor=by,
            action="penalty_decision.return",
            target=record.inspection,
            changes={"decision": decision.pk},
        )
        return decision
    today = timezone.localdate()
    if today > record.decision_deadline:
        raise Conflict(
            _(
                "Đã quá thời hạn ra quyết định xử phạt (%(deadline)s): không được ban hành "
                "quyết định xử phạt."
            ),
            code="decision_deadline_passed",
            params={"deadline": record.decision_deadline.strftime("%d/%m/%Y")},
        )
    late = decision.measures.filter(deadline__lte=today).first()
    if late is not None:
        raise InvalidInput.field(
            "deadline", "deadline_past", _("Thời hạn thực hiện phải sau ngày hôm nay.")
        )
    decision.status = PenaltyDecision.Status.APPROVED
    decision.decided_on = today
    decision.approved_by = by
    unit_id = record.inspection.unit_id
    decision.number = next_number(
        PenaltyDecision,
        unit_id=unit_id,
        date_field="decided_on",
        year=today.year,
        suffix="QĐ-XPHC",
    )
    store_decision_pdf(decision)
    decision.save()
    record.status = ViolationRecord.Status.DECIDED
    record.save(update_fields=["status"])
    clocks.clock_stop(kind=ViolationClock.PENALTY_DECISION, subject_id=record.pk)
    audit_record(
        actor=by,
        action="penalty_decision.approve",
        target=record.inspection,
        changes={
            "decision": decision.pk,
            "number": decision.number,
            "total_fine_vnd": decision.total_fine_vnd,
            "pdf_sha256": decision.pdf_sha256,
        },
    )
    outcome.tell_reporters(by=by, inspection=record.inspection)
    return decision


# --- Execution ------------------------------------------------------------------------------


@transaction.atomic
def fine_paid(*, by, decision: PenaltyDecision, paid_on: date, receipt_number: str):
    decision = _locked(decision)
    require_object_perm(by, "change", decision.record.inspection)
    if decision.status != PenaltyDecision.Status.APPROVED:
        raise Conflict(_("Quyết định chưa ban hành hoặc đã kết thúc."), code="decision_not_open")
    if decision.total_fine_vnd == 0:
        raise Conflict(_("Quyết định không có tiền phạt."), code="no_fine")
    if decision.fine_paid_on is not None:
        raise Conflict(_("Đã ghi nhận nộp phạt."), code="fine_already_paid")
    if not (receipt_number or "").strip():
        raise InvalidInput.field(
            "receipt_number", "required", _("Hãy ghi số biên lai hoặc chứng từ nộp phạt.")
        )
    if paid_on < decision.decided_on or paid_on > timezone.localdate():
        raise InvalidInput.field(
            "paid_on",
            "paid_on_out_of_range",
            _("Ngày nộp phạt phải từ ngày ra quyết định đến hôm nay."),
        )
    decision.fine_paid_on = paid_on
    decision.fine_receipt_number = receipt_number.strip()[:50]
    decision.save(update_fields=["fine_paid_on", "fine_receipt_number"])
    audit_record(
        actor=by,
        action="penalty_decision.fine_paid",
        target=decision.record.inspection,
        changes={"decision": decision.pk, "paid_on": paid_on.isoformat()},
    )
    return decision


@transaction.atomic
def measure_done(*, by, measure: RemedialMeasure, done_on: date, note: str) -> RemedialMeasure:
    """A remedial measure is done; its evidence photos must be uploaded first."""
    measure = RemedialMeasure.objects.select_for_update().get(pk=measure.pk)
    decision = measure.decision
    require_object_perm(by, "change", decision.record.inspection)
    if decision.status != PenaltyDecision.Status.APPROVED:
        raise Conflict(_("Quyết định chưa ban hành hoặc đã kết thúc."), code="decision_not_open")
    if measure.status == RemedialMeasure.Status.DONE:
        raise Conflict(_("Biện pháp đã được ghi nhận hoàn thành."), code="measure_done")
    if not EvidencePhoto.objects.filter(measure=measure).exists():
        raise InvalidInput.field(
            "photos", "photo_required", _("Hãy tải lên ảnh chứng minh đã thực hiện biện pháp.")
        )
    if not (note or "").strip():
        raise InvalidInput.field("note", "required", _("Hãy ghi kết quả thực hiện."))
    if done_on < decision.decided_on or done_on > timezone.localdate():
        raise InvalidInput.field(
            "done_on",
            "done_on_out_of_range",
            _("Ngày thực hiện phải từ ngày ra quyết định đến hôm nay."),
        )
    measure.status = RemedialMeasure.Status.DONE
    measure.done_on, measure.done_note, measure.done_by = done_on, note.strip()[:4000], by
    measure.save(update_fields=["status", "done_on", "done_note", "done_by"])
    audit_record(
        actor=by,
        action="remedial_measure.done",
        target=decision.record.inspection,
        changes={"measure": measure.pk, "late": done_on > measure.deadline},
    )
    return measure


@transaction.atomic
def decision_close(*, by, decision: PenaltyDecision) -> PenaltyDecision:
    """The decision is executed: the fine paid and every measure done."""
    decision = _locked(decision)
    require_object_perm(by, "change", decision.record.inspection)
    if decision.status != PenaltyDecision.Status.APPROVED:
        raise InvalidTransition.between(
            decision.status, PenaltyDecision.Status.CLOSED, PenaltyDecision.Status
        )
    if decision.total_fine_vnd and decision.fine_paid_on is None:
        raise Conflict(_("Chưa ghi nhận nộp phạt."), code="fine_unpaid")
    if decision.measures.filter(status=RemedialMeasure.Status.PENDING).exists():
        raise Conflict(
            _("Còn biện pháp khắc phục hậu quả chưa thực hiện."), code="measures_pending"
        )
    decision.status = PenaltyDecision.Status.CLOSED
    decision.closed_at = timezone.now()
    decision.save(update_fields=["status", "closed_at"])
    record = decision.record
    record.status = ViolationRecord.Status.CLOSED
    record.save(update_fields=["status"])
    audit_record(
        actor=by,
        action="penalty_decision.close",
        target=record.inspection,
        changes={"decision": decision.pk},
    )
    return decision


# --- Helpers --------------------------------------------------------------------------------


def _locked(decision: PenaltyDecision) -> PenaltyDecision:
    return (
        PenaltyDecision.objects.select_for_update()
        .select_related("record__inspection")
        .get(pk=decision.pk)
    )


def _move(decision, source, target) -> None:
    if decision.status != source:
        raise InvalidTransition.between(decision.status, target, PenaltyDecision.Status)
    decision.status = target


# --- Escalation -----------------------------------------------------------------------------


def escalate_overdue(today: date | None = None) -> int:
    """Tell the team lead and the unit's supervisors about remedial measures past their
    deadline, once a day per measure (notifications are deduplicated by key). The legal
    clocks (the decision, the failed test's report and suspension notice) are reminded
    and escalated by `registry.clocks.clocks_sweep`. Returns how many people the measures
    concern, counting again those already told today."""
    today = today or timezone.localdate()
    sent = 0
    measures = RemedialMeasure.objects.filter(
        status=RemedialMeasure.Status.PENDING,
        deadline__lt=today,
        decision__status=PenaltyDecision.Status.APPROVED,
    ).select_related("decision__record__inspection")
    for measure in measures:
        subject = _("Quá hạn biện pháp khắc phục hậu quả: %(measure)s, quyết định %(number)s") % {
            "measure": measure.get_kind_display(),
            "number": measure.decision.number,
        }
        sent += _notify(
            measure.decision.record.inspection, f"measure-late:{measure.pk}:{today}", str(subject)
        )
        if measure.escalated_on is None:
            measure.escalated_on = today
            measure.save(update_fields=["escalated_on"])
    return sent


def _notify(inspection: Inspection, key: str, subject: str) -> int:
    leads = inspection.team.filter(role=InspectionMember.Role.LEAD).select_related("user")
    people = {m.user for m in leads}
    people |= set(
        User.objects.filter(
            unit_id=inspection.unit_id, groups__name=Role.SUPERVISOR.value, is_active=True
        )
    )
    for person in people:
        notification_send(
            recipient=person,
            subject=subject,
            body=subject,
            link=f"/cases/{inspection.pk}/",
            dedup_key=f"{key}:{person.pk}",
        )
    return len(people)
