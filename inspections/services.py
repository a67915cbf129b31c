"""Writes on plans and inspections. Every change is checked, audited and atomic."""

import hashlib
from datetime import date

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.shortcuts import assign_perm, remove_perm

from inspections import evidence
from inspections.minutes import require_open_minutes
from inspections.models import (
    ChecklistItem,
    EvidencePhoto,
    Finding,
    Inspection,
    InspectionEvent,
    InspectionMember,
    InspectionPlan,
    Sample,
    SampleResult,
    Scope,
)
from inspections.tasks import evidence_process
from registry.audit import audit_record
from registry.background import enqueue_on_commit
from registry.errors import Conflict, InvalidInput, InvalidTransition, PermissionDenied
from registry.models import Role
from registry.permissions import require_object_perm, require_perm

TEAM_PERMS = ("view_inspection", "change_inspection")


def _check_scopes(scopes) -> list[str]:
    scopes = sorted(set(scopes or []))
    if not scopes or any(s not in Scope.values for s in scopes):
        raise InvalidInput.field("scopes", "invalid_scopes", _("Hãy chọn phạm vi kiểm tra hợp lệ."))
    return scopes


# --- Plans ------------------------------------------------------------------------------------


@transaction.atomic
def plan_create(
    *,
    by,
    title: str,
    period_start: date,
    period_end: date,
    scopes,
    operators=(),
    categories=(),
    note: str = "",
) -> InspectionPlan:
    require_perm(by, "inspections.add_inspectionplan")
    if by.unit_id is None:
        raise PermissionDenied()
    if not (title or "").strip():
        raise InvalidInput.field("title", "required", _("Hãy đặt tên kế hoạch."))
    if period_start > period_end:
        raise InvalidInput.field(
            "period_end", "period_order", _("Ngày kết thúc phải sau ngày bắt đầu.")
        )
    plan = InspectionPlan.objects.create(
        unit=by.unit,
        title=title.strip()[:300],
        period_start=period_start,
        period_end=period_end,
        scopes=_check_scopes(scopes),
        note=note,
        created_by=by,
    )
    plan.target_operators.set(operators)
    plan.target_categories.set(categories)
    audit_record(
        actor=by,
        action="plan.create",
        target=plan,
        changes={"title": plan.title, "scopes": plan.scopes},
    )
    return plan


@transaction.atomic
def plan_submit(*, by, plan: InspectionPlan) -> InspectionPlan:
    require_object_perm(by, "change", plan)
    plan = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status not in (InspectionPlan.Status.DRAFT, InspectionPlan.Status.RETURNED):
        raise _plan_transition(plan.status, InspectionPlan.Status.SUBMITTED)
    plan.status, plan.submitted_at = InspectionPlan.Status.SUBMITTED, timezone.now()
    plan.save(update_fields=["status", "submitted_at"])
    audit_record(actor=by, action="plan.submit", target=plan)
    return plan


@transaction.atomic
def plan_decide(*, by, plan: InspectionPlan, approve: bool, note: str = "") -> InspectionPlan:
    """A supervisor approves a submitted plan, or returns it with a reason."""
    require_perm(by, "inspections.approve_inspectionplan")
    require_object_perm(by, "view", plan)
    plan = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
    target = InspectionPlan.Status.APPROVED if approve else InspectionPlan.Status.RETURNED
    if plan.status != InspectionPlan.Status.SUBMITTED:
        raise _plan_transition(plan.status, target)
    note = (note or "").strip()
    if not approve and not note:
        raise InvalidInput.field("note", "note_required", _("Hãy ghi lý do trả lại kế hoạch."))
    plan.status, plan.decided_by, plan.decided_at, plan.decision_note = (
        target,
        by,
        timezone.now(),
        note,
    )
    plan.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit_record(
        actor=by,
        action=f"plan.{'approve' if approve else 'return'}",
        target=plan,
        changes={"note": note},
    )
    return plan


def _plan_transition(source, target) -> InvalidTransition:
    return InvalidTransition(
        params={
            "source": InspectionPlan.Status(source).label,
            "target": InspectionPlan.Status(target).label,
        }
    )


# --- Inspections --------------------------------------------------------------------------------

# The status flow of DESIGN.md: planned → decided → on site → sampled → awaiting lab →
# concluded → closed; an inspection without samples is concluded from on site.
TRANSITIONS = {
    Inspection.Status.DECIDED: {Inspection.Status.ON_SITE},
    Inspection.Status.ON_SITE: {Inspection.Status.SAMPLED, Inspection.Status.CONCLUDED},
    Inspection.Status.SAMPLED: {Inspection.Status.AWAITING_LAB, Inspection.Status.CONCLUDED},
    Inspection.Status.AWAITING_LAB: {Inspection.Status.CONCLUDED},
    Inspection.Status.CONCLUDED: {Inspection.Status.CLOSED},
}


@transaction.atomic
def inspection_create(
    *,
    by,
    operator,
    legal_ground: str,
    scopes,
    plan: InspectionPlan | None = None,
    complaints=(),
    place: str = "",
    scheduled_date: date | None = None,
    legal_ground_note: str = "",
) -> Inspection:
    """An inspection of the supervisor's unit, before its decision is issued."""
    require_perm(by, "inspections.add_inspection")
    if by.unit_id is None:
        raise PermissionDenied()
    if legal_ground not in Inspection.LegalGround.values:
        raise InvalidInput.field(
            "legal_ground", "invalid_legal_ground", _("Hãy chọn căn cứ kiểm tra.")
        )
    scopes = _check_scopes(scopes)
    complaints = list(complaints)
    if legal_ground == Inspection.LegalGround.ANNUAL_PLAN:
        if (
            plan is None
            or plan.status != InspectionPlan.Status.APPROVED
            or plan.unit_id != by.unit_id
        ):
            raise InvalidInput.field(
                "plan_id",
                "plan_required",
                _("Kiểm tra theo kế hoạch cần một kế hoạch đã phê duyệt của đơn vị."),
            )
        if not set(scopes) <= set(plan.scopes):
            raise InvalidInput.field(
                "scopes", "scope_outside_plan", _("Phạm vi kiểm tra vượt ngoài kế hoạch.")
            )
    if legal_ground == Inspection.LegalGround.COMPLAINT and not complaints:
        raise InvalidInput.field(
            "complaint_ids",
            "complaints_required",
            _("Kiểm tra theo phản ánh cần ít nhất một phản ánh."),
        )
    inspection = Inspection.objects.create(
        unit=by.unit,
        plan=plan,
        kind=Inspection.Kind.PLANNED
        if legal_ground == Inspection.LegalGround.ANNUAL_PLAN
        else Inspection.Kind.AD_HOC,
        legal_ground=legal_ground,
        legal_ground_note=legal_ground_note[:500],
        scopes=scopes,
        operator=operator,
        place=place[:400],
        scheduled_date=scheduled_date,
        created_by=by,
    )
    inspection.complaints.set(complaints)
    InspectionEvent.objects.create(inspection=inspection, status_to=inspection.status, actor=by)
    audit_record(
        actor=by,
        action="inspection.create",
        target=inspection,
        changes={
            "operator": operator.pk,
            "legal_ground": legal_ground,
            "complaints": [c.pk for c in complaints],
        },
    )
    return inspection


@transaction.atomic
def inspection_set_team(*, by, inspection: Inspection, lead, members=()) -> Inspection:
    """Set the team: members get object permissions on this inspection, and people
    taken off the team lose them."""
    require_perm(by, "inspections.decide_inspection")
    require_object_perm(by, "change", inspection)
    if inspection.status in (Inspection.Status.CONCLUDED, Inspection.Status.CLOSED):
        raise Conflict(_("Cuộc kiểm tra đã kết luận, không đổi đoàn."), code="inspection_concluded")
    if not (lead.is_active and lead.has_role(Role.TEAM_LEAD)):
        raise InvalidInput.field(
            "lead_id", "lead_not_team_lead", _("Trưởng đoàn phải là cán bộ có vai trò trưởng đoàn.")
        )
    members = {m for m in members if m.pk != lead.pk}
    for member in members:
        if not (
            member.is_active
            and (member.has_role(Role.INSPECTOR) or member.has_role(Role.TEAM_LEAD))
        ):
            raise InvalidInput.field(
                "member_ids", "member_not_inspector", _("Thành viên đoàn phải là kiểm tra viên.")
            )
    wanted = {
        lead.pk: InspectionMember.Role.LEAD,
        **{m.pk: InspectionMember.Role.MEMBER for m in members},
    }
    current = {m.user_id: m for m in inspection.team.select_related("user")}
    for user_id, membership in current.items():
        if user_id not in wanted:
            for perm in TEAM_PERMS:
                remove_perm(perm, membership.user, inspection)
            membership.delete()
    inspection.team.filter(role=InspectionMember.Role.LEAD).exclude(user_id=lead.pk).update(
        role=InspectionMember.Role.MEMBER
    )
    for user in [lead, *members]:
        InspectionMember.objects.update_or_create(
            inspection=inspection, user=user, defaults={"role": wanted[user.pk]}
        )
        for perm in TEAM_PERMS:
            assign_perm(perm, user, inspection)
    audit_record(
        actor=by,
        action="inspection.team",
        target=inspection,
        changes={"lead": lead.username, "members": sorted(m.username for m in members)},
    )
    return inspection


@transaction.atomic
def inspection_decide(
    *, by, inspection: Inspection, decision_number: str, decision_date: date
) -> Inspection:
    """Issue the inspection decision: planned → decided."""
    require_perm(by, "inspections.decide_inspection")
    require_object_perm(by, "change", inspection)
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if inspection.status != Inspection.Status.PLANNED:
        raise _transition(inspection.status, Inspection.Status.DECIDED)
    number = (decision_number or "").strip()
    if not number:
        raise InvalidInput.field("decision_number", "required", _("Hãy ghi số quyết định."))
    if (
        Inspection.objects.filter(unit=inspection.unit, decision_number=number)
        .exclude(pk=inspection.pk)
        .exists()
    ):
        raise Conflict(
            _("Số quyết định %(number)s đã được dùng."),
            code="decision_number_taken",
            params={"number": number},
        )
    if not inspection.team.filter(role=InspectionMember.Role.LEAD).exists():
        raise Conflict(
            _("Hãy cử trưởng đoàn trước khi ban hành quyết định."), code="team_lead_required"
        )
    inspection.decision_number, inspection.decision_date = number, decision_date
    inspection.decided_by, inspection.status = by, Inspection.Status.DECIDED
    inspection.save(update_fields=["decision_number", "decision_date", "decided_by", "status"])
    InspectionEvent.objects.create(
        inspection=inspection,
        status_from=Inspection.Status.PLANNED,
        status_to=inspection.status,
        actor=by,
    )
    audit_record(
        actor=by, action="inspection.decide", target=inspection, changes={"number": number}
    )
    return inspection


@transaction.atomic
def inspection_transition(*, by, inspection: Inspection, to: str, note: str = "") -> Inspection:
    """Move an inspection along its flow. Team members move it on site; concluding
    needs the team lead (or a supervisor); closing needs a supervisor."""
    require_object_perm(by, "change", inspection)
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    source = inspection.status
    if to not in TRANSITIONS.get(source, set()):
        raise _transition(source, to)
    is_supervisor = by.has_perm("inspections.decide_inspection")
    if to == Inspection.Status.CONCLUDED and not (
        is_supervisor or inspection.team.filter(user=by, role=InspectionMember.Role.LEAD).exists()
    ):
        raise PermissionDenied(_("Chỉ trưởng đoàn kết luận cuộc kiểm tra."), code="lead_only")
    if to == Inspection.Status.CLOSED and not is_supervisor:
        raise PermissionDenied(_("Chỉ lãnh đạo đóng cuộc kiểm tra."), code="supervisor_only")
    inspection.status = to
    inspection.save(update_fields=["status"])
    InspectionEvent.objects.create(
        inspection=inspection, status_from=source, status_to=to, note=note, actor=by
    )
    audit_record(
        actor=by,
        action="inspection.transition",
        target=inspection,
        changes={"from": source, "to": to},
    )
    return inspection


def _transition(source, target) -> InvalidTransition:
    labels = dict(Inspection.Status.choices)
    return InvalidTransition(
        params={"source": labels.get(source, source), "target": labels.get(target, target)}
    )


# --- Findings and evidence ------------------------------------------------------------------

OPEN_FOR_FINDINGS = (
    Inspection.Status.DECIDED,
    Inspection.Status.ON_SITE,
    Inspection.Status.SAMPLED,
    Inspection.Status.AWAITING_LAB,
)


def finding_create(
    *,
    by,
    inspection: Inspection,
    client_uuid,
    item,
    result: str,
    note: str = "",
    latitude=None,
    longitude=None,
    gps_accuracy_m=None,
    captured_at=None,
) -> tuple[Finding, bool]:
    """Record one finding. The tablet's UUID makes it idempotent: a repeated request
    returns the first finding (and False), never a second one."""
    existing = Finding.objects.filter(client_uuid=client_uuid).first()
    if existing is not None:
        if existing.inspection_id != inspection.pk:
            raise Conflict(_("Mã định danh này đã dùng cho một kết quả khác."), code="uuid_taken")
        return existing, False
    require_object_perm(by, "change", inspection)
    require_open_minutes(inspection)
    if inspection.status not in OPEN_FOR_FINDINGS:
        raise Conflict(
            _("Cuộc kiểm tra đã kết luận: không ghi thêm kết quả."), code="inspection_locked"
        )
    if not isinstance(item, ChecklistItem) or item.template.scope not in inspection.scopes:
        raise InvalidInput.field(
            "item_id",
            "item_outside_scope",
            _("Nội dung kiểm tra không thuộc phạm vi của cuộc kiểm tra."),
        )
    if result not in Finding.Result.values:
        raise InvalidInput.field(
            "result", "invalid_result", _("Kết quả phải là đạt, không đạt hoặc không áp dụng.")
        )
    if (latitude is None) != (longitude is None) or (
        latitude is not None and not (-90 <= latitude <= 90 and -180 <= longitude <= 180)
    ):
        raise InvalidInput.field("latitude", "invalid_position", _("Tọa độ GPS không hợp lệ."))
    if captured_at is not None and captured_at > timezone.now() + timezone.timedelta(hours=1):
        raise InvalidInput.field(
            "captured_at", "captured_in_future", _("Thời điểm ghi trên thiết bị ở tương lai.")
        )
    try:
        with transaction.atomic():
            finding = Finding.objects.create(
                client_uuid=client_uuid,
                inspection=inspection,
                item=item,
                result=result,
                note=(note or "")[:5000],
                latitude=latitude,
                longitude=longitude,
                gps_accuracy_m=gps_accuracy_m,
                captured_at=captured_at,
                author=by,
            )
            audit_record(
                actor=by,
                action="finding.create",
                target=inspection,
                changes={"finding": finding.pk, "item": item.code, "result": result},
            )
    except IntegrityError:
        # The same UUID arrived twice at once: the other request won.
        return Finding.objects.get(client_uuid=client_uuid), False
    return finding, True


def evidence_upload(*, by, finding, data: bytes, filename: str = "") -> tuple[EvidencePhoto, bool]:
    """Keep an inspector's photo as evidence. The same bytes again are the same photo."""
    inspection = finding.inspection
    require_object_perm(by, "change", inspection)
    require_open_minutes(inspection)
    try:
        info = evidence.inspect_upload(data, filename=filename)
    except evidence.PhotoRejected as exc:
        raise InvalidInput.field("photo", exc.code, exc.message, exc.params) from exc
    digest = hashlib.sha256(data).hexdigest()
    existing = EvidencePhoto.objects.filter(inspection=inspection, sha256=digest).first()
    if existing is not None:
        return existing, False
    photo = EvidencePhoto(
        inspection=inspection,
        finding=finding,
        sha256=digest,
        extension=evidence.EXTENSIONS.get(info.format, ".bin"),
        byte_size=len(data),
        image_format=info.format,
        metadata=evidence.metadata_summary(data),
        uploaded_by=by,
    )
    try:
        with transaction.atomic():
            photo.original.save(f"{digest}{photo.extension}", ContentFile(data), save=False)
            photo.save()
            audit_record(
                actor=by,
                action="evidence.upload",
                target=inspection,
                changes={"finding": finding.pk, "sha256": digest, "bytes": len(data)},
            )
            enqueue_on_commit(evidence_process, photo.pk)
    except IntegrityError:
        photo.original.delete(save=False)
        return EvidencePhoto.objects.get(inspection=inspection, sha256=digest), False
    return photo, True


# --- Samples and lab results -------------------------------------------------------------------

RETENTION_DAYS = 90
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


@transaction.atomic
def lab_result_record(
    *,
    by,
    sample: Sample,
    test_report_number: str,
    result_on: date,
    criteria: list[dict],
    received_on=None,
) -> Sample:
    """Record the test report: each criterion against its limit, pass/fail computed;
    the sample fails if any criterion fails. The retained unit is kept 90 days after
    the result (a period ending on a day off runs to the next working day)."""
    from registry import workdays

    require_object_perm(by, "change", sample.inspection)
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
    sample.retain_until = workdays.add_days(result_on, RETENTION_DAYS)
    sample.status = Sample.Status.TESTED
    sample.save()
    audit_record(
        actor=by,
        action="sample.result",
        target=sample.inspection,
        changes={
            "sample": sample.pk,
            "report": sample.test_report_number,
            "conforming": sample.conforming,
        },
    )
    return sample
