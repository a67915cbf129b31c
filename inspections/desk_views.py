"""The desk pages of the inspection lifecycle, for supervisors and team leads: plans
(draft → submitted → approved or returned with a reason), inspections and their
decisions and teams, and the inspection page that gathers the whole case.

Server-rendered and usable without JavaScript. Thin views: the rules are in
`inspections.services`, the reads in `inspections.selectors`. Each action posts, then
redirects with a confirmation (a reload never repeats it); a refused action shows the
form again with its errors and the error's status. What the user may not see is a 404,
what they may not do a 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from complaints.models import Complaint
from complaints.services import release_recipients
from inspections import overlap, products, selectors, services, suggestions
from inspections.checklists import item_text
from inspections.desk_forms import (
    REPEAT_NOTE_FIELD,
    REPEAT_REASON_FIELD,
    DecisionForm,
    InspectionForm,
    PlanDecisionForm,
    PlanForm,
    TeamForm,
    TransitionForm,
    field_for,
)
from inspections.minutes import require_signed_minutes
from inspections.models import (
    Inspection,
    InspectionMember,
    InspectionPlan,
    PlanSuggestionSkip,
    PlanTarget,
    RepeatReason,
    Scope,
)
from registry.errors import DomainError, NotFound
from registry.forms import add_domain_errors
from registry.models import EconomicOperator
from registry.services import notification_send

PAGE_SIZE = 25

# Who may use the desk lists: the inspection roles (inspectors, team leads, supervisors).
DESK = "inspections.view_inspectionplan"
ADD_PLAN = "inspections.add_inspectionplan"
APPROVE_PLAN = "inspections.approve_inspectionplan"
ADD_INSPECTION = "inspections.add_inspection"
DECIDE = "inspections.decide_inspection"

EDITABLE_PLAN = (InspectionPlan.Status.DRAFT, InspectionPlan.Status.RETURNED)

# The audit trail in words (the code is shown for anything else).
AUDIT_ACTIONS = {
    "plan.create": gettext_lazy("Lập kế hoạch"),
    "plan.update": gettext_lazy("Sửa kế hoạch"),
    "plan.submit": gettext_lazy("Trình kế hoạch"),
    "plan.approve": gettext_lazy("Phê duyệt kế hoạch"),
    "plan.return": gettext_lazy("Trả lại kế hoạch"),
    "inspection.create": gettext_lazy("Tạo cuộc kiểm tra"),
    "inspection.team": gettext_lazy("Cử đoàn kiểm tra"),
    "plan.suggestion_accept": gettext_lazy("Thêm đối tượng theo gợi ý rủi ro"),
    "plan.suggestion_skip": gettext_lazy("Bỏ qua gợi ý rủi ro"),
    "inspection.decide": gettext_lazy("Ban hành quyết định kiểm tra"),
    "inspection.transition": gettext_lazy("Chuyển trạng thái"),
    "inspection.outcome": gettext_lazy("Báo kết quả cho người phản ánh"),
    "finding.create": gettext_lazy("Ghi kết quả kiểm tra"),
    "evidence.upload": gettext_lazy("Thêm ảnh chứng cứ"),
    "sample.create": gettext_lazy("Lấy mẫu"),
    "sample.send": gettext_lazy("Gửi mẫu thử nghiệm"),
    "sample.result": gettext_lazy("Ghi kết quả thử nghiệm"),
    "minutes.draft": gettext_lazy("Lập dự thảo biên bản kiểm tra"),
    "minutes.sign": gettext_lazy("Ký biên bản kiểm tra"),
    "minutes.amend": gettext_lazy("Sửa đổi, bổ sung biên bản kiểm tra"),
    "minutes.signature": gettext_lazy("Ký trên máy tính bảng"),
    "minutes.scan": gettext_lazy("Lưu ảnh chụp, bản quét biên bản giấy"),
    "follow_up.report": gettext_lazy("Báo cáo mẫu không đạt"),
    "follow_up.suspend": gettext_lazy("Tạm dừng lưu thông"),
    "follow_up.resume": gettext_lazy("Cho lưu thông trở lại"),
    "follow_up.retest": gettext_lazy("Thử nghiệm lại"),
    "follow_up.seal": gettext_lazy("Niêm phong hàng hóa"),
    "follow_up.unseal": gettext_lazy("Mở niêm phong"),
    "violation_record.create": gettext_lazy("Lập biên bản vi phạm"),
    "violation_record.sign": gettext_lazy("Ký biên bản vi phạm"),
    "violation_record.complex": gettext_lazy("Vụ việc phải giải trình, xác minh"),
    "violation_record.extend": gettext_lazy("Gia hạn ra quyết định xử phạt"),
    "violation_record.dismiss": gettext_lazy("Không ra quyết định xử phạt"),
    "penalty_decision.draft": gettext_lazy("Dự thảo quyết định xử phạt"),
    "penalty_decision.submit": gettext_lazy("Trình quyết định xử phạt"),
    "penalty_decision.approve": gettext_lazy("Duyệt quyết định xử phạt"),
    "penalty_decision.return": gettext_lazy("Trả lại quyết định xử phạt"),
    "penalty_decision.fine_paid": gettext_lazy("Ghi nhận nộp phạt"),
    "penalty_decision.close": gettext_lazy("Kết thúc thi hành quyết định"),
    "remedial_measure.done": gettext_lazy("Thực hiện biện pháp khắc phục"),
    "alert.publish": gettext_lazy("Đăng cảnh báo sản phẩm"),
    "alert.withdraw": gettext_lazy("Gỡ cảnh báo sản phẩm"),
}


def _trail(obj) -> list:
    entries = list(selectors.audit_trail(obj))
    for entry in entries:
        entry.label = AUDIT_ACTIONS.get(entry.action, entry.action)
    return entries


def _scope_labels(scopes) -> list:
    labels = dict(Scope.choices)
    return [labels.get(scope, scope) for scope in scopes]


def _require(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise DjangoPermissionDenied


def _status_filter(request, choices) -> str:
    status = request.GET.get("status", "")
    return status if status in choices.values else ""


def _tabs(url_name: str, choices, status: str, counts: dict) -> dict:
    return {
        "url_name": url_name,
        "current": status,
        "items": [(value, label, counts.get(value, 0)) for value, label in choices.choices],
        "total": sum(counts.values()),
    }


# --- Plans ------------------------------------------------------------------------------------


def _plan(request, plan_id: int) -> InspectionPlan:
    try:
        return selectors.plan_get(user=request.user, plan_id=plan_id)
    except NotFound as exc:
        raise Http404 from exc


def _may_change_plan(user, plan: InspectionPlan) -> bool:
    return (
        plan.status in EDITABLE_PLAN
        and InspectionPlan.objects.visible_to(user, "change").filter(pk=plan.pk).exists()
    )


@login_required
def plan_list(request):
    _require(request, DESK)
    status = _status_filter(request, InspectionPlan.Status)
    # The count of ?status=submitted is the supervisor's "plans waiting for approval".
    plans = (
        selectors.plan_list(user=request.user, status=status or None)
        .annotate(inspection_count=Count("inspections"))
        .order_by("-period_start", "-pk")
    )
    counts = dict(
        selectors.plan_list(user=request.user)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    page = Paginator(plans, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "inspections/desk/plan_list.html",
        {
            "page": page,
            "tabs": _tabs("plan-list", InspectionPlan.Status, status, counts),
            "query": f"status={status}" if status else "",
            "may_add": request.user.has_perm(ADD_PLAN),
        },
    )


def _plan_repeats(user, form, plan) -> list[dict]:
    """The targets already inspected (by any unit) within 12 months of the plan's start,
    each with its earlier inspections and the inputs of its reason to inspect again."""
    data = getattr(form, "cleaned_data", None) or {}
    if form.is_bound:
        operators = getattr(form, "operators_found", None) or data.get("operators") or []
        on = data.get("period_start") or (plan.period_start if plan else timezone.localdate())
    elif plan is not None:
        operators, on = list(plan.target_operators.all()), plan.period_start
    else:
        return []
    earlier = overlap.earlier_by_operator(
        user=user, operator_ids=[o.pk for o in operators], on=on, exclude_plan=plan
    )
    stored = {
        t.operator_id: (t.repeat_reason, t.repeat_note)
        for t in (PlanTarget.objects.filter(plan=plan) if plan else ())
    }
    rows = []
    for operator in operators:
        if operator.pk not in earlier:
            continue
        reason_name, note_name = REPEAT_REASON_FIELD % operator.pk, REPEAT_NOTE_FIELD % operator.pk
        if form.is_bound and reason_name in form.data:
            reason, note = form.data.get(reason_name, ""), form.data.get(note_name, "")
        else:
            reason, note = stored.get(operator.pk, ("", ""))
        rows.append(
            {
                "operator": operator,
                "earlier": earlier[operator.pk],
                "reason_name": reason_name,
                "note_name": note_name,
                "reason": reason,
                "note": note,
            }
        )
    return rows


def _plan_form_page(request, form, *, plan=None, status=200):
    return render(
        request,
        "inspections/desk/plan_form.html",
        {
            "form": form,
            "plan": plan,
            "repeats": _plan_repeats(request.user, form, plan),
            "repeat_reasons": RepeatReason.choices,
        },
        status=status,
    )


def _plan_fields(data) -> dict:
    return {
        "target_reasons": data["target_reasons"],
        "title": data["title"],
        "period_start": data["period_start"],
        "period_end": data["period_end"],
        "scopes": data["scopes"],
        "operators": data["operators"],
        "categories": data["categories"],
        "note": data["note"],
    }


@login_required
def plan_new(request):
    _require(request, ADD_PLAN)
    form = PlanForm(request.POST or None)
    if request.method != "POST":
        return _plan_form_page(request, form)
    if form.is_valid():
        try:
            plan = services.plan_create(by=request.user, **_plan_fields(form.cleaned_data))
        except DomainError as exc:
            add_domain_errors(form, exc, field_for)
            return _plan_form_page(request, form, status=exc.status)
        messages.success(
            request,
            _(
                "Đã lập kế hoạch “%(title)s” (dự thảo). Khi hoàn chỉnh, hãy trình lãnh đạo "
                "phê duyệt."
            )
            % {"title": plan.title},
        )
        return redirect("plan-detail", plan_id=plan.pk)
    return _plan_form_page(request, form, status=400)


@login_required
def plan_edit(request, plan_id: int):
    plan = _plan(request, plan_id)
    _require(request, "inspections.change_inspectionplan")
    if not _may_change_plan(request.user, plan):
        messages.error(request, _("Kế hoạch đã trình hoặc đã phê duyệt, không sửa được."))
        return redirect("plan-detail", plan_id=plan.pk)
    form = PlanForm(request.POST or None, initial=PlanForm.initial_of(plan))
    if request.method != "POST":
        return _plan_form_page(request, form, plan=plan)
    if form.is_valid():
        try:
            services.plan_update(by=request.user, plan=plan, **_plan_fields(form.cleaned_data))
        except DomainError as exc:
            add_domain_errors(form, exc, field_for)
            return _plan_form_page(request, form, plan=plan, status=exc.status)
        messages.success(request, _("Đã lưu các thay đổi của kế hoạch."))
        return redirect("plan-detail", plan_id=plan.pk)
    return _plan_form_page(request, form, plan=plan, status=400)


def _plan_targets(user, plan) -> list[dict]:
    """The plan's targets with their note, the reason recorded to inspect again and the
    operator's inspections by any unit within 12 months of the plan's start."""
    targets = list(
        PlanTarget.objects.filter(plan=plan).select_related("operator").order_by("operator__name")
    )
    earlier = overlap.earlier_by_operator(
        user=user,
        operator_ids=[t.operator_id for t in targets],
        on=plan.period_start,
        exclude_plan=plan,
    )
    return [
        {"target": t, "earlier": earlier.get(t.operator_id, []), "caption_id": f"earlier-{t.pk}"}
        for t in targets
    ]


def _plan_page(request, plan, *, decision_form=None, error=None, status=200):
    user = request.user
    may_decide = plan.status == InspectionPlan.Status.SUBMITTED and user.has_perm(APPROVE_PLAN)
    return render(
        request,
        "inspections/desk/plan_detail.html",
        {
            "plan": plan,
            "plan_scopes": _scope_labels(plan.scopes),
            "targets": _plan_targets(user, plan),
            "inspections": selectors.plan_inspections(user=user, plan=plan),
            "history": _trail(plan),
            "may_edit": _may_change_plan(user, plan),
            "may_decide": may_decide,
            "decision_form": decision_form or PlanDecisionForm(auto_id="id_decide_%s"),
            "may_add_inspection": plan.status == InspectionPlan.Status.APPROVED
            and user.has_perm(ADD_INSPECTION)
            and plan.unit_id == user.unit_id,
            "error": error.render() if error else None,
        },
        status=status,
    )


@login_required
def plan_detail(request, plan_id: int):
    return _plan_page(request, _plan(request, plan_id))


@login_required
@require_POST
def plan_submit(request, plan_id: int):
    plan = _plan(request, plan_id)
    try:
        services.plan_submit(by=request.user, plan=plan)
    except DomainError as exc:
        return _plan_page(request, _plan(request, plan_id), error=exc, status=exc.status)
    messages.success(
        request, _("Đã trình kế hoạch; lãnh đạo đơn vị đã được thông báo để phê duyệt.")
    )
    return redirect("plan-detail", plan_id=plan.pk)


@login_required
@require_POST
def plan_decide(request, plan_id: int):
    plan = _plan(request, plan_id)
    _require(request, APPROVE_PLAN)
    form = PlanDecisionForm(request.POST, auto_id="id_decide_%s")
    if not form.is_valid():
        return _plan_page(request, plan, decision_form=form, status=400)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.plan_decide(
            by=request.user, plan=plan, approve=approve, note=form.cleaned_data["note"]
        )
    except DomainError as exc:
        add_domain_errors(form, exc, field_for)
        return _plan_page(request, _plan(request, plan_id), decision_form=form, status=exc.status)
    messages.success(
        request,
        _("Đã phê duyệt kế hoạch; người lập đã được thông báo.")
        if approve
        else _("Đã trả lại kế hoạch kèm lý do; người lập đã được thông báo."),
    )
    return redirect("plan-detail", plan_id=plan.pk)


# --- Risk-based suggestions for a plan's targets ---------------------------------------------


def _suggestions_page(request, plan, *, error=None, status=200):
    found = suggestions.plan_suggestions(plan=plan)
    earlier = overlap.earlier_by_operator(
        user=request.user,
        operator_ids=[s.operator.pk for s in found],
        on=plan.period_start,
        exclude_plan=plan,
    )
    rows = [
        {
            "suggestion": s,
            "earlier": earlier.get(s.operator.pk, []),
            "caption_id": f"earlier-{s.operator.pk}",
        }
        for s in found
    ]
    return render(
        request,
        "inspections/desk/plan_suggestions.html",
        {
            "plan": plan,
            "rows": rows,
            "may_edit": _may_change_plan(request.user, plan),
            "skipped": PlanSuggestionSkip.objects.filter(plan=plan)
            .select_related("operator", "skipped_by")
            .order_by("-skipped_at"),
            "repeat_reasons": RepeatReason.choices,
            "weights": suggestions.registered_signals(),
            "never_points": suggestions.POINTS_NEVER_INSPECTED,
            "year_points": suggestions.POINTS_PER_YEAR_SINCE_INSPECTION,
            "error": error.render() if error else None,
        },
        status=status,
    )


@login_required
def plan_suggestions(request, plan_id: int):
    plan = _plan(request, plan_id)
    _require(request, ADD_PLAN)
    return _suggestions_page(request, plan)


def _suggested_operator(operator_id: int) -> EconomicOperator:
    operator = EconomicOperator.objects.filter(pk=operator_id).first()
    if operator is None:
        raise Http404
    return operator


@login_required
@require_POST
def plan_suggestion_accept(request, plan_id: int, operator_id: int):
    plan = _plan(request, plan_id)
    # As the page itself: a refusal here must not show the suggestions list.
    _require(request, ADD_PLAN)
    operator = _suggested_operator(operator_id)
    try:
        services.plan_suggestion_accept(
            by=request.user,
            plan=plan,
            operator=operator,
            repeat_reason=request.POST.get("repeat_reason", ""),
            repeat_note=request.POST.get("repeat_note", "")[:500],
        )
    except DomainError as exc:
        return _suggestions_page(request, plan, error=exc, status=exc.status)
    messages.success(
        request,
        _("Đã thêm %(operator)s vào đối tượng kiểm tra của kế hoạch, kèm lý do gợi ý.")
        % {"operator": operator.name},
    )
    return redirect("plan-suggestions", plan_id=plan.pk)


@login_required
@require_POST
def plan_suggestion_skip(request, plan_id: int, operator_id: int):
    plan = _plan(request, plan_id)
    # As the page itself: a refusal here must not show the suggestions list.
    _require(request, ADD_PLAN)
    operator = _suggested_operator(operator_id)
    try:
        services.plan_suggestion_skip(by=request.user, plan=plan, operator=operator)
    except DomainError as exc:
        return _suggestions_page(request, plan, error=exc, status=exc.status)
    messages.success(
        request,
        _("Đã bỏ qua gợi ý %(operator)s; đối tượng không được gợi ý lại cho kế hoạch này.")
        % {"operator": operator.name},
    )
    return redirect("plan-suggestions", plan_id=plan.pk)


# --- Inspections ------------------------------------------------------------------------------


def _inspection(request, inspection_id: int) -> Inspection:
    try:
        return selectors.inspection_get(user=request.user, inspection_id=inspection_id)
    except NotFound as exc:
        raise Http404 from exc


@login_required
def inspection_list(request):
    _require(request, DESK)
    status = _status_filter(request, Inspection.Status)
    # The count of ?status=planned is the supervisor's "inspections waiting for a decision".
    inspections = selectors.inspection_list(user=request.user, status=status or None)
    counts = dict(
        selectors.inspection_list(user=request.user)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    page = Paginator(inspections, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "inspections/desk/inspection_list.html",
        {
            "page": page,
            "tabs": _tabs("desk-inspection-list", Inspection.Status, status, counts),
            "query": f"status={status}" if status else "",
            "may_add": request.user.has_perm(ADD_INSPECTION),
        },
    )


def _inspection_form(request):
    user = request.user
    plans = selectors.plans_open_for_inspections(user=user)
    initial = {}
    wanted_plan = request.GET.get("plan", "")
    if wanted_plan.isdecimal():
        plan = plans.filter(pk=int(wanted_plan)).first()
        if plan is not None:
            initial = {
                "plan": plan,
                "legal_ground": Inspection.LegalGround.ANNUAL_PLAN,
                "scopes": plan.scopes,
                "categories": list(plan.target_categories.all()),
            }
    return InspectionForm(
        request.POST or None,
        initial=initial,
        plans=plans,
        complaints=selectors.linkable_complaints(user=user),
    )


def _create_inspection(user, data) -> Inspection:
    complaints = list(data["complaints"])
    if data["legal_ground"] == Inspection.LegalGround.COMPLAINT and complaints:
        # On the ground of reports: the reports move to "under inspection" and their
        # reporters are told (the same path as the queue's "inspect" action). The
        # ground's note is then the reports' tracking numbers.
        return services.inspection_from_complaints(
            by=user,
            complaints=complaints,
            operator=data["operator"],
            scopes=data["scopes"],
            place=data["place"],
            scheduled_date=data["scheduled_date"],
            categories=data["categories"],
            goods=data["goods"],
        )
    return services.inspection_create(
        repeat_reason=data["repeat_reason"],
        repeat_note=data["repeat_note"],
        repeat_complaint=data["repeat_complaint"],
        by=user,
        operator=data["operator"],
        legal_ground=data["legal_ground"],
        scopes=data["scopes"],
        plan=data["plan"],
        complaints=complaints,
        place=data["place"],
        scheduled_date=data["scheduled_date"],
        legal_ground_note=data["legal_ground_note"],
        categories=data["categories"],
        goods=data["goods"],
    )


def _earlier_for_form(user, form) -> list:
    """The operator's inspections by any unit within 12 months of the day the form names
    (the planned date, or today), once the form names an operator."""
    data = getattr(form, "cleaned_data", None) or {}
    operator = data.get("operator")
    if operator is None:
        return []
    on = data.get("scheduled_date") or timezone.localdate()
    return overlap.earlier_inspections(user=user, operator=operator, on=on)


@login_required
def inspection_new(request):
    _require(request, ADD_INSPECTION)
    form = _inspection_form(request)
    status = 200
    if request.method == "POST" and "check" in request.POST:
        # "Xem các cuộc kiểm tra trong 12 tháng": look before drafting, create nothing.
        form.is_valid()
    elif request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                inspection = _create_inspection(request.user, form.cleaned_data)
            except DomainError as exc:
                add_domain_errors(form, exc, field_for)
                status = exc.status
            else:
                messages.success(
                    request,
                    _(
                        "Đã tạo cuộc kiểm tra (dự kiến). Tiếp theo: cử đoàn kiểm tra, rồi ban "
                        "hành quyết định kiểm tra."
                    ),
                )
                return redirect("desk-inspection", inspection_id=inspection.pk)
    return render(
        request,
        "inspections/desk/inspection_form.html",
        {
            "form": form,
            "checked": "check" in request.POST,
            "earlier": _earlier_for_form(request.user, form),
        },
        status=status,
    )


def _earlier_for(user, inspection: Inspection) -> list:
    return overlap.earlier_inspections(
        user=user,
        operator=inspection.operator,
        on=overlap.inspection_day(inspection),
        exclude_pk=inspection.pk,
    )


def _may_change(user, inspection: Inspection) -> bool:
    return Inspection.objects.visible_to(user, "change").filter(pk=inspection.pk).exists()


def _next_statuses(user, inspection: Inspection) -> list:
    """The statuses this user may move the inspection to (the service's rules)."""
    if not _may_change(user, inspection):
        return []
    allowed = services.TRANSITIONS.get(inspection.status, set())
    is_supervisor = user.has_perm(DECIDE)
    is_lead = any(
        m.user_id == user.pk and m.role == InspectionMember.Role.LEAD for m in inspection.team.all()
    )
    result = []
    for status in Inspection.Status:
        if status not in allowed:
            continue
        if status == Inspection.Status.CONCLUDED and not (is_supervisor or is_lead):
            continue
        if status in (Inspection.Status.CLOSED, Inspection.Status.CANCELLED) and not is_supervisor:
            continue
        result.append(status)
    return result


def _findings(inspection: Inspection) -> list:
    day = selectors.inspection_day(inspection)
    found = list(
        inspection.findings.select_related(
            "item", "item__template", "author", "product"
        ).prefetch_related("photos")
    )
    proposed = products.proposed_products(found)
    for finding in found:
        finding.item_shown = item_text(finding.item, day)
        finding.barcode = products.barcode_proposal(finding=finding, products=proposed)
    return found


def _inspection_page(request, inspection, *, transition_form=None, error=None, status=200):
    user = request.user
    linked = list(inspection.complaints.all())
    visible_ids = set(
        inspection.complaints.visible_to(user).values_list("pk", flat=True) if linked else ()
    )
    samples = list(inspection.samples.prefetch_related("results", "seal_photos"))
    is_member = any(m.user_id == user.pk for m in inspection.team.all())
    may_decide = user.has_perm(DECIDE) and _may_change(user, inspection)
    return render(
        request,
        "inspections/desk/inspection_detail.html",
        {
            "inspection": inspection,
            "scopes": _scope_labels(inspection.scopes),
            "events": inspection.events.select_related("actor"),
            "clocks": inspection.clocks.order_by("due_at"),
            "now": timezone.now(),
            "complaints_shown": [c for c in linked if c.pk in visible_ids],
            "complaints_hidden": len([c for c in linked if c.pk not in visible_ids]),
            "findings": _findings(inspection),
            "samples": samples,
            "failed_samples": [sample for sample in samples if sample.conforming is False],
            "minutes": inspection.minutes.prefetch_related("signatures", "scans"),
            "trail": _trail(inspection),
            "may_decide": may_decide and inspection.status == Inspection.Status.PLANNED,
            "may_set_team": may_decide
            and inspection.status not in (Inspection.Status.CONCLUDED, Inspection.Status.CLOSED),
            "next_statuses": _next_statuses(user, inspection),
            "transition_form": transition_form or TransitionForm(auto_id="id_tr_%s"),
            "show_field_link": is_member or may_decide,
            "class_day": selectors.inspection_day(inspection),
            "category_classes": selectors.inspection_category_classes(inspection=inspection),
            "earlier": _earlier_for(user, inspection),
            "error": error.render() if error else None,
            "may_change": _may_change(user, inspection),
            "back_url": request.path,
        },
        status=status,
    )


@login_required
def inspection_detail(request, inspection_id: int):
    return _inspection_page(request, _inspection(request, inspection_id))


@login_required
@require_POST
def inspection_transition(request, inspection_id: int):
    inspection = _inspection(request, inspection_id)
    form = TransitionForm(request.POST, auto_id="id_tr_%s")
    if not form.is_valid():
        return _inspection_page(request, inspection, transition_form=form, status=400)
    try:
        if form.cleaned_data["to"] in _next_statuses(request.user, inspection):
            # A move this user may make: refused while the minutes are unsigned (the
            # service answers the others, 403 or 409, with their own reasons).
            require_signed_minutes(inspection)
        under_inspection = set(
            inspection.complaints.filter(status=Complaint.Status.UNDER_INSPECTION).values_list(
                "pk", flat=True
            )
        )
        moved = services.inspection_transition(
            by=request.user,
            inspection=inspection,
            to=form.cleaned_data["to"],
            note=form.cleaned_data["note"],
        )
    except DomainError as exc:
        add_domain_errors(form, exc, field_for)
        return _inspection_page(
            request,
            _inspection(request, inspection_id),
            transition_form=form,
            error=exc if not form.errors else None,
            status=exc.status,
        )
    messages.success(
        request,
        _("Đã chuyển cuộc kiểm tra sang trạng thái “%(status)s”.")
        % {"status": moved.get_status_display()},
    )
    if moved.status == Inspection.Status.CANCELLED:
        _say_released(request, moved, under_inspection)
    return redirect("desk-inspection", inspection_id=inspection.pk)


def _say_released(request, inspection, under_inspection: set[int]) -> None:
    """After a cancellation: which reports went back to their handlers, whether they
    were told (complaints.services.release_recipients), and which have nobody to handle
    them yet."""
    released = [
        c
        for c in inspection.complaints.select_related("assigned_to")
        if c.pk in under_inspection and c.status == Complaint.Status.TRIAGED
    ]
    if not released:
        return
    numbers = ", ".join(c.tracking_number for c in released)
    unhandled = [c for c in released if not (c.assigned_to and c.assigned_to.is_active)]
    if len(unhandled) == len(released):
        text = _(
            "Phản ánh %(numbers)s trở lại trạng thái “Đã phân loại” và chưa có người xử lý: "
            "hãy giao cho cán bộ tiếp nhận."
        ) % {"numbers": numbers}
    elif unhandled:
        text = _(
            "Phản ánh %(numbers)s trở lại trạng thái “Đã phân loại”. Phản ánh %(unassigned)s "
            "chưa có người xử lý: hãy giao cho cán bộ tiếp nhận."
        ) % {"numbers": numbers, "unassigned": ", ".join(c.tracking_number for c in unhandled)}
    elif any(release_recipients(c, request.user) for c in released):
        text = _(
            "Phản ánh %(numbers)s trở lại trạng thái “Đã phân loại”; người xử lý đã được thông báo."
        ) % {"numbers": numbers}
    else:
        text = _("Phản ánh %(numbers)s trở lại trạng thái “Đã phân loại”.") % {"numbers": numbers}
    messages.info(request, text)


def _tell_team(inspection: Inspection, users, by) -> None:
    """The team goes on site next: tell each member of the decision. Done by the desk
    pages, where a supervisor issues decisions and sets teams (the services stay quiet,
    as the API's callers and the tests expect)."""
    for user in users:
        if user.pk == by.pk:
            continue
        notification_send(
            recipient=user,
            subject=_("Bạn trong đoàn kiểm tra theo quyết định %(number)s: %(operator)s")
            % {"number": inspection.decision_number, "operator": inspection.operator.name},
            body=_("Ngày kiểm tra dự kiến: %(day)s. Địa điểm: %(place)s.")
            % {
                "day": inspection.scheduled_date.strftime("%d/%m/%Y")
                if inspection.scheduled_date
                else "—",
                "place": inspection.place or "—",
            },
            link=reverse("field-inspection", args=[inspection.pk]),
        )


def _decide_page(request, inspection, form, *, status=200):
    return render(
        request,
        "inspections/desk/inspection_decide.html",
        {
            "inspection": inspection,
            "form": form,
            "earlier": _earlier_for(request.user, inspection),
        },
        status=status,
    )


@login_required
def inspection_decide(request, inspection_id: int):
    inspection = _inspection(request, inspection_id)
    _require(request, DECIDE)
    if request.method != "POST":
        form = DecisionForm(initial={"decision_date": timezone.localdate()})
        return _decide_page(request, inspection, form)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _decide_page(request, inspection, form, status=400)
    try:
        with transaction.atomic():
            decided = services.inspection_decide(
                by=request.user,
                inspection=inspection,
                decision_number=form.cleaned_data["decision_number"],
                decision_date=form.cleaned_data["decision_date"],
                repeat_reason=form.cleaned_data["repeat_reason"],
                repeat_note=form.cleaned_data["repeat_note"],
            )
            _tell_team(decided, [m.user for m in decided.team.select_related("user")], request.user)
    except DomainError as exc:
        add_domain_errors(form, exc, field_for)
        return _decide_page(request, _inspection(request, inspection_id), form, status=exc.status)
    messages.success(
        request,
        _("Đã ban hành quyết định kiểm tra số %(number)s; đoàn kiểm tra đã được thông báo.")
        % {"number": form.cleaned_data["decision_number"].strip()},
    )
    return redirect("desk-inspection", inspection_id=inspection.pk)


def _team_page(request, inspection, form, *, status=200):
    return render(
        request,
        "inspections/desk/inspection_team.html",
        {"inspection": inspection, "form": form},
        status=status,
    )


@login_required
def inspection_team(request, inspection_id: int):
    inspection = _inspection(request, inspection_id)
    _require(request, DECIDE)
    candidates = selectors.team_candidates(user=request.user, inspection=inspection)
    team = list(inspection.team.all())
    initial = {
        "lead": next((m.user for m in team if m.role == InspectionMember.Role.LEAD), None),
        "members": [m.user for m in team if m.role == InspectionMember.Role.MEMBER],
    }
    form = TeamForm(
        request.POST or None,
        initial=initial,
        leads=candidates["leads"],
        members=candidates["members"],
    )
    if request.method != "POST":
        return _team_page(request, inspection, form)
    if not form.is_valid():
        return _team_page(request, inspection, form, status=400)
    before = {m.user_id for m in team}
    try:
        with transaction.atomic():
            services.inspection_set_team(
                by=request.user,
                inspection=inspection,
                lead=form.cleaned_data["lead"],
                members=list(form.cleaned_data["members"]),
            )
            if inspection.decision_number:
                # Joining after the decision was issued: its notice went to the old team.
                joined = [form.cleaned_data["lead"], *form.cleaned_data["members"]]
                _tell_team(inspection, [u for u in joined if u.pk not in before], request.user)
    except DomainError as exc:
        add_domain_errors(form, exc, field_for)
        return _team_page(request, _inspection(request, inspection_id), form, status=exc.status)
    messages.success(
        request,
        _(
            "Đã cử đoàn kiểm tra: các thành viên xem được cuộc kiểm tra; người bị bỏ khỏi "
            "đoàn không còn xem được."
        ),
    )
    return redirect("desk-inspection", inspection_id=inspection.pk)
