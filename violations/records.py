"""Violation records (biên bản vi phạm hành chính): made from non-conforming findings,
failed samples and photos, signed or refused before a witness, then locked; the
decision's legal clock starts at the signature.

Law on Handling Administrative Violations 2012 as amended by Law 67/2020 (LHAV):

* Art. 61: a violator of an act whose maximum fine is at least 15 million đồng for an
  individual (30 million for an organisation) may explain in writing within 5 working
  days of the record.
* Art. 66: the penalty decision is due within 7 days of the record; 30 days when the case
  needs explanation or verification; a complex case may be extended once by at most 30
  days, with a reason. Past the deadline no penalty decision may be issued.

Every write is checked, audited and atomic. Periods of days that end on a day off run to
the next working day (`registry.workdays.add_days`). The decisions that follow a record
are in `violations.decisions`.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspections.models import Finding, Inspection, InspectionMember
from registry import clocks, provisions, workdays
from registry.audit import audit_record
from registry.errors import Conflict, InvalidInput, InvalidTransition
from registry.models import EconomicOperator, LegalClock, Unit
from registry.permissions import require_object_perm, require_perm
from registry.services import notification_send
from violations import outcome
from violations.clocks import ViolationClock
from violations.documents import store_record_pdf
from violations.models import (
    PenaltyDecision,
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

# The supervisor's right: to approve a decision, and to decide on a signed record's
# deadline (complex case, extension) or its dismissal.
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
    """Draft a record. Each violation is {provision, committed_on, description, findings,
    photos, samples}: the provision is the verified version in force on `committed_on`
    (by default the day of the earliest evidence); the evidence must belong to this
    inspection and show a non-conformity (a non-conforming finding, a sample that failed
    its test) or be a photo of one."""
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
        findings = list(row.get("findings") or [])
        photos = list(row.get("photos") or [])
        samples = list(row.get("samples") or [])
        committed_on = row.get("committed_on") or _evidence_day(findings, samples)
        if committed_on > timezone.localdate():
            raise InvalidInput.field(
                "committed_on",
                "committed_in_future",
                _("Ngày thực hiện hành vi không thể sau hôm nay."),
            )
        # The version in force on the day of the act, verified by the legal staff.
        provision = provisions.check_citable(row.get("provision"), committed_on, lock=True)
        if not (row.get("description") or "").strip():
            raise InvalidInput.field("description", "required", _("Hãy mô tả hành vi vi phạm."))
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
            committed_on=committed_on,
            description=row["description"].strip()[:5000],
            order=order,
        )
        violation.findings.set(findings)
        violation.photos.set(photos)
        violation.samples.set(samples)


def _evidence_day(findings, samples):
    """The day the act was seen: the earliest of its evidence (findings as captured on
    the device, samples as taken), in Việt Nam's time; today without evidence."""
    moments = [f.captured_at or f.created_at for f in findings] + [s.sampled_at for s in samples]
    moments = [m for m in moments if m is not None]
    if not moments:
        return timezone.localdate()
    return timezone.localdate(min(moments))


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
    # A draft may predate a change of the catalogue (an amendment verified since, a
    # version sent back): what is signed cites what may be cited on each act's day.
    for violation in record.violations.all():
        provisions.check_citable(violation.provision, violation.committed_on, lock=True)
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
    # The team lead drafts the penalty decision, within the clock that starts now.
    subject = _("Biên bản vi phạm %(number)s đã lập: soạn quyết định xử phạt trước %(due)s") % {
        "number": record.number,
        "due": record.decision_due.strftime("%d/%m/%Y"),
    }
    tell_next(team_of(record.inspection, leads_only=True), by=by, record=record, subject=subject)
    return record


def team_of(inspection: Inspection, *, leads_only: bool = False) -> set:
    """The inspection's team (or its lead), who act on its records and decisions."""
    members = inspection.team.select_related("user")
    if leads_only:
        members = members.filter(role=InspectionMember.Role.LEAD)
    return {member.user for member in members if member.user.is_active}


def tell_next(people, *, by, record: ViolationRecord, subject, body: str = "") -> None:
    """Tell whoever acts next on a record (not the person who just acted), with a link to
    the record on the case page."""
    for person in people:
        if person is None or person.pk == by.pk:
            continue
        notification_send(
            recipient=person,
            subject=str(subject),
            body=body or str(subject),
            link=f"/cases/{record.inspection_id}/#record-{record.pk}",
        )


def may_explain(record: ViolationRecord) -> bool:
    """LHAV Art. 61: the right to explain, for an act whose maximum fine reaches 15 million
    đồng for an individual (30 million for an organisation)."""
    threshold = EXPLANATION_THRESHOLD_VND * (2 if record.violator_is_organisation else 1)
    return any(
        v.provision.fine_range(organisation=record.violator_is_organisation)[1] >= threshold
        for v in record.violations.select_related(
            "provision__document", "provision__amending_document"
        )
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
