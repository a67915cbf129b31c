"""Writes on plans and inspections. Every change is checked, audited and atomic."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.shortcuts import assign_perm, remove_perm

from complaints.models import Complaint
from complaints.services import complaint_transition, complaints_inspection_cancelled
from inspections import overlap, signals, suggestions
from inspections.models import (
    Inspection,
    InspectionEvent,
    InspectionMember,
    InspectionPlan,
    PlanSuggestionSkip,
    PlanTarget,
    RepeatReason,
    Scope,
)
from registry.audit import audit_record
from registry.clocks import unit_supervisors
from registry.errors import Conflict, InvalidInput, InvalidTransition, PermissionDenied
from registry.models import Role
from registry.permissions import require_object_perm, require_perm
from registry.services import notification_send

TEAM_PERMS = ("view_inspection", "change_inspection")


def _check_scopes(scopes) -> list[str]:
    scopes = sorted(set(scopes or []))
    if not scopes or any(s not in Scope.values for s in scopes):
        raise InvalidInput.field("scopes", "invalid_scopes", _("Hãy chọn phạm vi kiểm tra hợp lệ."))
    return scopes


# --- Plans ------------------------------------------------------------------------------------


def _record_target_reasons(*, plan: InspectionPlan, operators, target_reasons) -> dict:
    """Each target inspected (by any unit) within 12 months of the plan's start needs a
    reason to inspect it again (inspections/overlap.py); the reasons are kept on the
    plan's targets for the supervisor who approves. `target_reasons` maps an operator's
    id to (reason, note); a target not in it keeps the reason it had."""
    target_reasons = target_reasons or {}
    operators = list(operators)
    stored = {
        t.operator_id: (t.repeat_reason, t.repeat_note)
        for t in PlanTarget.objects.filter(plan=plan)
    }
    earlier = overlap.earlier_by_operator(
        user=None, operator_ids=[o.pk for o in operators], on=plan.period_start, exclude_plan=plan
    )
    missing, chosen = [], {}
    for operator in operators:
        reason, note = target_reasons.get(operator.pk, stored.get(operator.pk, ("", "")))
        found = earlier.get(operator.pk, [])
        if found and not (reason or "").strip():
            missing.append((operator, found))
            continue
        chosen[operator.pk] = overlap.clean_repeat_reason(
            earlier=found, reason=reason, note=note, field="operators", note_field="operators"
        )
    if missing:
        message = _(
            "%(operator)s đã được kiểm tra trong vòng 12 tháng (%(inspections)s). Theo Chỉ "
            "thị 20/CT-TTg, hãy ghi lý do kiểm tra lại."
        )
        items = [
            (
                "repeat_inspection_reason_required",
                message,
                {"operator": o.name, "inspections": "; ".join(e.short() for e in found)},
            )
            for o, found in missing
        ]
        raise InvalidInput(
            message,
            code="repeat_inspection_reason_required",
            params=items[0][2],
            errors={"operators": items},
        )
    plan.target_operators.set(operators)
    for operator_id, (reason, note) in chosen.items():
        PlanTarget.objects.filter(plan=plan, operator_id=operator_id).update(
            repeat_reason=reason, repeat_note=note
        )
    return {pk: reason for pk, (reason, _note) in chosen.items() if reason}


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
    target_reasons: dict | None = None,
) -> InspectionPlan:
    """A draft plan of the user's unit. `target_reasons` ({operator id: (reason, note)})
    is needed for a target already inspected within 12 months (inspections/overlap.py)."""
    require_perm(by, "inspections.add_inspectionplan")
    if by.unit_id is None:
        raise PermissionDenied()
    if not (title or "").strip():
        raise InvalidInput.field("title", "required", _("Hãy đặt tên kế hoạch."))
    if period_start > period_end:
        raise InvalidInput.field(
            "period_end", "period_order", _("Ngày kết thúc không được trước ngày bắt đầu.")
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
    reasons = _record_target_reasons(plan=plan, operators=operators, target_reasons=target_reasons)
    plan.target_categories.set(categories)
    audit_record(
        actor=by,
        action="plan.create",
        target=plan,
        changes={"title": plan.title, "scopes": plan.scopes, "repeat_reasons": reasons},
    )
    return plan


@transaction.atomic
def plan_submit(*, by, plan: InspectionPlan) -> InspectionPlan:
    require_object_perm(by, "change", plan)
    plan = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status not in (InspectionPlan.Status.DRAFT, InspectionPlan.Status.RETURNED):
        raise InvalidTransition.between(
            plan.status, InspectionPlan.Status.SUBMITTED, InspectionPlan.Status
        )
    plan.status, plan.submitted_at = InspectionPlan.Status.SUBMITTED, timezone.now()
    plan.save(update_fields=["status", "submitted_at"])
    audit_record(actor=by, action="plan.submit", target=plan)
    # The unit's supervisors decide: tell them.
    for supervisor in unit_supervisors(plan.unit_id) - {by}:
        notification_send(
            recipient=supervisor,
            subject=str(_("Kế hoạch kiểm tra chờ phê duyệt: %(title)s") % {"title": plan.title}),
            body=str(_("Hãy phê duyệt hoặc trả lại kế hoạch, có nêu lý do.")),
            link=f"/plans/{plan.pk}/",
        )
    return plan


@transaction.atomic
def plan_update(
    *,
    by,
    plan: InspectionPlan,
    title: str,
    period_start: date,
    period_end: date,
    scopes,
    operators=(),
    categories=(),
    note: str = "",
    target_reasons: dict | None = None,
) -> InspectionPlan:
    """Edit a plan while it is a draft or was returned for changes."""
    require_object_perm(by, "change", plan)
    plan = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status not in (InspectionPlan.Status.DRAFT, InspectionPlan.Status.RETURNED):
        raise Conflict(
            _("Kế hoạch đã trình hoặc đã phê duyệt, không sửa được."), code="plan_locked"
        )
    if not (title or "").strip():
        raise InvalidInput.field("title", "required", _("Hãy đặt tên kế hoạch."))
    if period_start > period_end:
        raise InvalidInput.field(
            "period_end", "period_order", _("Ngày kết thúc không được trước ngày bắt đầu.")
        )
    plan.title = title.strip()[:300]
    plan.period_start, plan.period_end = period_start, period_end
    plan.scopes, plan.note = _check_scopes(scopes), note
    plan.save(update_fields=["title", "period_start", "period_end", "scopes", "note"])
    reasons = _record_target_reasons(plan=plan, operators=operators, target_reasons=target_reasons)
    plan.target_categories.set(categories)
    audit_record(
        actor=by,
        action="plan.update",
        target=plan,
        changes={"title": plan.title, "scopes": plan.scopes, "repeat_reasons": reasons},
    )
    return plan


@transaction.atomic
def plan_decide(*, by, plan: InspectionPlan, approve: bool, note: str = "") -> InspectionPlan:
    """A supervisor approves a submitted plan, or returns it with a reason."""
    require_perm(by, "inspections.approve_inspectionplan")
    require_object_perm(by, "view", plan)
    plan = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
    target = InspectionPlan.Status.APPROVED if approve else InspectionPlan.Status.RETURNED
    if plan.status != InspectionPlan.Status.SUBMITTED:
        raise InvalidTransition.between(plan.status, target, InspectionPlan.Status)
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
    # The drafter acts next: adds inspections under it, or corrects and submits again.
    if plan.created_by_id != by.pk:
        notification_send(
            recipient=plan.created_by,
            subject=str(
                (
                    _("Kế hoạch kiểm tra đã được phê duyệt: %(title)s")
                    if approve
                    else _("Kế hoạch kiểm tra bị trả lại: %(title)s")
                )
                % {"title": plan.title}
            ),
            body=note,
            link=f"/plans/{plan.pk}/",
        )
    return plan


def _suggested(*, by, plan: InspectionPlan, operator):
    """The plan, locked for the change, and the operator's current suggestion."""
    require_object_perm(by, "change", plan)
    plan = InspectionPlan.objects.select_for_update().select_related("unit").get(pk=plan.pk)
    if plan.status not in (InspectionPlan.Status.DRAFT, InspectionPlan.Status.RETURNED):
        raise Conflict(
            _("Kế hoạch đã trình hoặc đã phê duyệt, không sửa được."), code="plan_locked"
        )
    suggestion = suggestions.suggestion_for(plan=plan, operator=operator)
    if suggestion is None:
        raise InvalidInput.field(
            "operator_id",
            "not_suggested",
            _("Đối tượng không có trong danh sách gợi ý của kế hoạch này."),
        )
    return plan, suggestion


@transaction.atomic
def plan_suggestion_accept(
    *, by, plan: InspectionPlan, operator, repeat_reason: str = "", repeat_note: str = ""
) -> PlanTarget:
    """Add a suggested operator to the plan's targets, the suggestion's reasons as the
    target's note (and, if it was inspected within 12 months, the reason to again)."""
    plan, suggestion = _suggested(by=by, plan=plan, operator=operator)
    earlier = overlap.earlier_by_operator(
        user=None, operator_ids=[operator.pk], on=plan.period_start, exclude_plan=plan
    ).get(operator.pk, [])
    reason, note = overlap.clean_repeat_reason(
        earlier=earlier, reason=repeat_reason, note=repeat_note
    )
    target = PlanTarget.objects.create(
        plan=plan, operator=operator, note=suggestion.note, repeat_reason=reason, repeat_note=note
    )
    audit_record(
        actor=by,
        action="plan.suggestion_accept",
        target=plan,
        changes={"operator": operator.pk, "score": suggestion.score, "reasons": suggestion.reasons},
    )
    return target


@transaction.atomic
def plan_suggestion_skip(*, by, plan: InspectionPlan, operator) -> PlanSuggestionSkip:
    """Skip a suggestion: kept, with its score and reasons, and not suggested again for
    this plan."""
    plan, suggestion = _suggested(by=by, plan=plan, operator=operator)
    skip = PlanSuggestionSkip.objects.create(
        plan=plan,
        operator=operator,
        score=suggestion.score,
        reasons="; ".join(suggestion.reasons),
        skipped_by=by,
    )
    audit_record(
        actor=by,
        action="plan.suggestion_skip",
        target=plan,
        changes={"operator": operator.pk, "score": suggestion.score},
    )
    return skip


# --- Inspections --------------------------------------------------------------------------------

# The status flow (docs/design.md, Inspection statuses): planned → decided → on site →
# sampled → awaiting lab → concluded → closed; an inspection without samples is
# concluded from on site.
# A supervisor cancels an inspection before the team goes on site (a cancelled one does
# not count as an inspection of the operator: inspections/overlap.py).
TRANSITIONS = {
    Inspection.Status.PLANNED: {Inspection.Status.CANCELLED},
    Inspection.Status.DECIDED: {Inspection.Status.ON_SITE, Inspection.Status.CANCELLED},
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
    categories=(),
    goods: str = "",
    repeat_reason: str = "",
    repeat_note: str = "",
    repeat_complaint=None,
) -> Inspection:
    """An inspection of the supervisor's unit, before its decision is issued; the goods
    in its scope are product categories and, in words, the goods the decision names.

    An operator inspected by any unit within 12 months of this one's day (the planned
    date, or today) is inspected again only with a recorded reason (`repeat_reason`, one
    of RepeatReason, and `repeat_note`; inspections/overlap.py): refused otherwise with
    `repeat_inspection_reason_required`."""
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
    earlier = overlap.earlier_inspections(
        user=None, operator=operator, on=scheduled_date or timezone.localdate()
    )
    repeat_reason, repeat_note = overlap.clean_repeat_reason(
        earlier=earlier, reason=repeat_reason, note=repeat_note
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
        goods=(goods or "").strip()[:2000],
        repeat_reason=repeat_reason,
        repeat_note=repeat_note,
        repeat_complaint=repeat_complaint if repeat_reason else None,
        created_by=by,
    )
    inspection.complaints.set(complaints)
    inspection.categories.set(categories)
    InspectionEvent.objects.create(inspection=inspection, status_to=inspection.status, actor=by)
    audit_record(
        actor=by,
        action="inspection.create",
        target=inspection,
        changes={
            "operator": operator.pk,
            "legal_ground": legal_ground,
            "complaints": [c.pk for c in complaints],
            "categories": sorted(c.pk for c in categories),
            "repeat_reason": repeat_reason,
            "earlier_inspections": [e.id for e in earlier],
        },
    )
    return inspection


@transaction.atomic
def inspection_from_complaints(
    *,
    by,
    complaints,
    operator,
    scopes,
    place: str = "",
    scheduled_date: date | None = None,
    categories=(),
    goods: str = "",
) -> Inspection:
    """An ad-hoc inspection on the ground of accepted reports. The inspection lists the
    reports and each report lists the inspection; the reporters are told that the goods
    will be inspected (their reports move to "under inspection"). The reports are the
    recorded reason should the operator have been inspected within 12 months."""
    complaints = list(complaints)
    for complaint in complaints:
        require_object_perm(by, "change", complaint)
    accepted = (Complaint.Status.TRIAGED, Complaint.Status.UNDER_INSPECTION)
    waiting = [c.tracking_number for c in complaints if c.status not in accepted]
    if waiting:
        raise InvalidInput.field(
            "ids",
            "complaints_not_accepted",
            _("Chỉ kiểm tra theo phản ánh đã thụ lý: %(numbers)s chưa được thụ lý."),
            {"numbers": ", ".join(waiting)},
        )
    inspection = inspection_create(
        by=by,
        operator=operator,
        legal_ground=Inspection.LegalGround.COMPLAINT,
        scopes=scopes,
        complaints=complaints,
        place=place,
        scheduled_date=scheduled_date,
        legal_ground_note=", ".join(c.tracking_number for c in complaints),
        categories=categories,
        goods=goods,
        repeat_reason=RepeatReason.COMPLAINT,
        repeat_note=str(_("Kiểm tra theo phản ánh %(numbers)s"))
        % {"numbers": ", ".join(c.tracking_number for c in complaints)},
        repeat_complaint=complaints[0] if complaints else None,
    )
    for complaint in complaints:
        if complaint.status == Complaint.Status.TRIAGED:
            complaint_transition(
                by=by,
                complaint=complaint,
                to=Complaint.Status.UNDER_INSPECTION,
                public_note=str(
                    _("Cơ quan đã quyết định kiểm tra đột xuất nội dung bạn phản ánh.")
                ),
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
    *,
    by,
    inspection: Inspection,
    decision_number: str,
    decision_date: date,
    repeat_reason: str = "",
    repeat_note: str = "",
) -> Inspection:
    """Issue the inspection decision: planned → decided. Counted from the decision date,
    an operator inspected within 12 months needs the reason recorded when the inspection
    was drafted, or given now."""
    require_perm(by, "inspections.decide_inspection")
    require_object_perm(by, "change", inspection)
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if inspection.status != Inspection.Status.PLANNED:
        raise InvalidTransition.between(
            inspection.status, Inspection.Status.DECIDED, Inspection.Status
        )
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
    earlier = overlap.earlier_inspections(
        user=None, operator=inspection.operator, on=decision_date, exclude_pk=inspection.pk
    )
    fields = ["decision_number", "decision_date", "decided_by", "status"]
    if (repeat_reason or "").strip() or not inspection.repeat_reason:
        inspection.repeat_reason, inspection.repeat_note = overlap.clean_repeat_reason(
            earlier=earlier, reason=repeat_reason, note=repeat_note
        )
        fields += ["repeat_reason", "repeat_note"]
    inspection.decision_number, inspection.decision_date = number, decision_date
    inspection.decided_by, inspection.status = by, Inspection.Status.DECIDED
    inspection.save(update_fields=fields)
    InspectionEvent.objects.create(
        inspection=inspection,
        status_from=Inspection.Status.PLANNED,
        status_to=inspection.status,
        actor=by,
    )
    audit_record(
        actor=by,
        action="inspection.decide",
        target=inspection,
        changes={
            "number": number,
            "repeat_reason": inspection.repeat_reason,
            "earlier_inspections": [e.id for e in earlier],
        },
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
        raise InvalidTransition.between(source, to, Inspection.Status)
    is_supervisor = by.has_perm("inspections.decide_inspection")
    if to == Inspection.Status.CONCLUDED and not (
        is_supervisor or inspection.team.filter(user=by, role=InspectionMember.Role.LEAD).exists()
    ):
        raise PermissionDenied(_("Chỉ trưởng đoàn kết luận cuộc kiểm tra."), code="lead_only")
    if to == Inspection.Status.CLOSED and not is_supervisor:
        raise PermissionDenied(_("Chỉ lãnh đạo đóng cuộc kiểm tra."), code="supervisor_only")
    if to == Inspection.Status.CANCELLED:
        if not is_supervisor:
            raise PermissionDenied(_("Chỉ lãnh đạo hủy cuộc kiểm tra."), code="supervisor_only")
        if not (note or "").strip():
            raise InvalidInput.field("note", "note_required", _("Hãy ghi lý do hủy cuộc kiểm tra."))
    if to == Inspection.Status.CLOSED:
        signals.inspection_closing.send(sender=Inspection, inspection=inspection)
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
    if to == Inspection.Status.CONCLUDED:
        signals.inspection_concluded.send(sender=Inspection, by=by, inspection=inspection)
    if to == Inspection.Status.CANCELLED:
        _release_complaints(by, inspection)
    return inspection


def _release_complaints(by, inspection: Inspection) -> list[Complaint]:
    """The reports this cancelled inspection was opened on, unless another inspection
    not cancelled still covers them, go back to their handlers (complaints.services).

    The reports are locked first, in order of id, and only then is "covered" read: two
    inspections on one report cancelled at once cannot each count on the other (the
    second to get the locks reads the first's committed cancellation), nor deadlock."""
    locked = list(
        Complaint.objects.select_for_update()
        .filter(pk__in=inspection.complaints.values("pk"))
        .order_by("pk")
    )
    others = Inspection.objects.exclude(pk=inspection.pk).exclude(
        status=Inspection.Status.CANCELLED
    )
    covered = set(
        Complaint.objects.filter(pk__in=[c.pk for c in locked], inspections__in=others).values_list(
            "pk", flat=True
        )
    )
    return complaints_inspection_cancelled(
        by=by,
        complaints=[c for c in locked if c.pk not in covered],
        inspection_label=str(inspection),
    )


def inspection_outcome_told(*, inspection: Inspection, text: str) -> None:
    """Keep the outcome last told to the reporters (violations.outcome), so the same
    outcome is not told twice. Called inside the caller's transaction."""
    inspection.outcome_text = text
    inspection.save(update_fields=["outcome_text"])
