"""Penalty decisions (quyết định xử phạt vi phạm hành chính) on a signed violation
record, their remedial measures, the fine's payment, closing the case, and the daily
escalation of measures past their deadline.

Decree 119/2017/NĐ-CP as amended by Decree 126/2021/NĐ-CP: the fines in the catalogue
are an individual's; an organisation's fine is twice that (`LegalProvision.fine_range`).
A decision is due within the record's legal clock (`violations.records`).

Every write is checked, audited and atomic.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspections.models import EvidencePhoto, Inspection, InspectionMember
from registry import clocks
from registry.audit import audit_record
from registry.errors import Conflict, InvalidInput, InvalidTransition
from registry.models import Role, User
from registry.permissions import require_object_perm, require_perm
from registry.services import notification_send
from violations import outcome
from violations.clocks import ViolationClock
from violations.documents import store_decision_pdf, vnd
from violations.models import (
    AdditionalPenalty,
    PenaltyDecision,
    PenaltyLine,
    RemedialMeasure,
    ViolationRecord,
)
from violations.records import APPROVE, next_number, team_of, tell_next

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
    violations = {
        v.pk: v
        for v in record.violations.select_related(
            "provision__document", "provision__amending_document"
        )
    }
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
    # The unit's supervisors approve or return it.
    record = decision.record
    subject = _("Quyết định xử phạt chờ duyệt: %(operator)s, biên bản %(record)s") % {
        "operator": record.violator.name,
        "record": record.number,
    }
    tell_next(
        clocks.unit_supervisors(record.inspection.unit_id), by=by, record=record, subject=subject
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
        # Whoever drafted it, and the team lead, redraft it: the reason goes with it.
        subject = _("Quyết định xử phạt bị trả lại: %(operator)s, biên bản %(record)s") % {
            "operator": record.violator.name,
            "record": record.number,
        }
        body = f"{subject}\n{_('Lý do trả lại')}: {decision.return_note}"
        tell_next(
            {decision.created_by, *team_of(record.inspection, leads_only=True)},
            by=by,
            record=record,
            subject=subject,
            body=body,
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
    # The team executes it: the fine's payment and the remedial measures.
    subject = _("Quyết định xử phạt %(number)s đã ban hành: %(operator)s") % {
        "number": decision.number,
        "operator": record.violator.name,
    }
    tell_next(
        {decision.created_by, *team_of(record.inspection)}, by=by, record=record, subject=subject
    )
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
