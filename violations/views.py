"""Pages of violation handling: the public product alerts, and the case page where the
team and the supervisors follow a failed test, the violation records and decisions, and
publish an alert.

Server-rendered forms that work without JavaScript; each action posts to its own URL and
comes back to the case page with a message, or shows the form again with its errors.
"""

from datetime import date
from functools import partial
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Min, Q
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from inspections import findings
from inspections import selectors as inspection_selectors
from inspections.models import EvidencePhoto, Finding, Inspection, InspectionMember
from registry import selectors as registry_selectors
from registry.errors import DomainError, NotFound
from registry.forms import add_domain_errors
from registry.media import file_response
from registry.models import EconomicOperator
from registry.risk_assessment import assessment_of
from registry.risk_forms import RiskForm, split_risk
from violations import alerts, decisions, followup, rewards, risk_assessment, selectors
from violations import records as record_services
from violations.api import pdf_response as _pdf
from violations.clocks import ViolationClock
from violations.deadlines import Deadline, case_clocks
from violations.documents import vnd
from violations.forms import (
    ActDayForm,
    ActFormSet,
    AlertForm,
    DecisionForm,
    FinePaidForm,
    GoodsForm,
    MeasureDoneForm,
    MeasureFormSet,
    ReasonForm,
    RecordForm,
    RecordSignForm,
    ReviewForm,
    TextForm,
)
from violations.models import (
    FailedTestFollowUp,
    PenaltyDecision,
    RemedialMeasure,
    ViolationRecord,
)
from violations.records import APPROVE, RECORD_STAGES, record_create
from violations.reward_forms import RewardProposalForm

PAGE_SIZE = 20


# --- Public -----------------------------------------------------------------------------------


def alert_list(request):
    """Cảnh báo sản phẩm: no login, no JavaScript; the search ignores accents."""
    q = request.GET.get("q", "").strip()[:100]
    page = Paginator(selectors.public_alerts(q), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "violations/public/alert_list.html", {"page": page, "q": q})


def alert_detail(request, alert_id: int):
    try:
        alert = selectors.public_alert_get(alert_id)
    except NotFound as exc:
        raise Http404 from exc
    return render(
        request,
        "violations/public/alert_detail.html",
        {"alert": alert, "category_class": alerts.alert_category_class(alert)},
    )


# --- Staff: the case page -----------------------------------------------------------------------

CASE_STAGES = (
    Inspection.Status.ON_SITE,
    Inspection.Status.SAMPLED,
    Inspection.Status.AWAITING_LAB,
    Inspection.Status.CONCLUDED,
    Inspection.Status.CLOSED,
)


@login_required
def case_list(request):
    """Inspections past the visit, with what still waits in violation handling."""
    cases = (
        inspection_selectors.inspection_list(user=request.user)
        .filter(status__in=CASE_STAGES)
        .annotate(
            records_open=Count(
                "violation_records",
                filter=Q(
                    violation_records__status__in=(
                        ViolationRecord.Status.DRAFT,
                        ViolationRecord.Status.SIGNED,
                    )
                ),
                distinct=True,
            ),
            decisions_submitted=Count(
                "violation_records__decision",
                filter=Q(violation_records__decision__status=PenaltyDecision.Status.SUBMITTED),
                distinct=True,
            ),
            follow_ups_open=Count(
                "samples__follow_up",
                filter=~Q(samples__follow_up__status=FailedTestFollowUp.Status.RESUMED),
                distinct=True,
            ),
        )
        .order_by("-scheduled_date", "-pk")
    )
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "violations/cases/list.html", {"page": page})


def _get(fetch, **kwargs):
    try:
        return fetch(**kwargs)
    except NotFound as exc:
        raise Http404 from exc


def _case_page(request, inspection, *, bound=None, status=200):
    """The case page; `bound` is (key, form) of an action that failed, shown again with
    its errors and what the user typed."""
    key, failed = bound or (None, None)

    def form(form_class, name, **initial):
        if key == name:
            return failed
        return form_class(initial=initial or None, auto_id=f"id_{name}_%s")

    user = request.user
    follow_ups = list(selectors.follow_up_list(user=user, inspection_id=inspection.pk))
    for item in follow_ups:
        item.report_form = form(TextForm, f"report-{item.pk}")
        item.suspend_form = form(
            GoodsForm,
            f"suspend-{item.pk}",
            goods=f"{item.sample.product_name}, {item.sample.batch}".strip(", "),
        )
        item.resume_form = form(ReasonForm, f"resume-{item.pk}")
    clocks = case_clocks(inspection)
    for item in follow_ups:
        item.clocks = [
            clock
            for clock in (
                clocks.get((ViolationClock.FAILED_TEST_REPORT, item.pk)),
                clocks.get((ViolationClock.SUSPENSION_NOTICE, item.pk)),
            )
            if clock is not None
        ]
    records = list(selectors.record_list(user=user, inspection_id=inspection.pk))
    may_change = _may_change(user, inspection)
    for record in records:
        for violation in record.violations.all():
            # The range the violator's kind (organisation or individual) is fined within.
            violation.fine = violation.provision.fine_range(
                organisation=record.violator_is_organisation
            )
        record.clock = clocks.get((ViolationClock.PENALTY_DECISION, record.pk))
        if may_change:
            record.risk_form = form(RiskForm, f"risk-{record.pk}", **(assessment_of(record) or {}))
        if record.explanation_due and record.status == ViolationRecord.Status.SIGNED:
            record.explanation = Deadline.of_day(
                _("Hạn gửi văn bản giải trình (5 ngày làm việc)"), record.explanation_due
            )
        if record.status == ViolationRecord.Status.DRAFT and may_change:
            record.sign_form = form(
                RecordSignForm,
                f"sign-{record.pk}",
                representative_name=record.representative_name,
                representative_position=record.representative_position,
            )
        if record.status == ViolationRecord.Status.SIGNED and user.has_perm(APPROVE):
            record.complex_form = form(ReasonForm, f"complex-{record.pk}")
            record.extend_form = form(ReasonForm, f"extend-{record.pk}")
            record.dismiss_form = form(ReasonForm, f"dismiss-{record.pk}")
        decision = getattr(record, "decision", None)
        if decision is not None:
            decision.review_form = form(ReviewForm, f"review-{decision.pk}")
            decision.fine_form = form(FinePaidForm, f"fine-{decision.pk}")
            decision.measure_list = list(decision.measures.prefetch_related("photos"))
            # Closed once the fine is paid and every measure done: no button before.
            decision.closable = not (
                decision.total_fine_vnd and decision.fine_paid_on is None
            ) and all(m.status == RemedialMeasure.Status.DONE for m in decision.measure_list)
            for measure in decision.measure_list:
                measure.clock = Deadline.of_day(
                    _("Thời hạn thực hiện"), measure.deadline, done_on=measure.done_on
                )
                if (
                    measure.status == RemedialMeasure.Status.PENDING
                    and decision.status == PenaltyDecision.Status.APPROVED
                    and may_change
                ):
                    measure.done_form = form(
                        MeasureDoneForm, f"measure-{measure.pk}", done_on=timezone.localdate()
                    )
    reward_section = _reward_section(
        inspection, may_change=may_change, failed=failed if key == "reward" else None
    )
    case_alerts = list(inspection.alerts.select_related("risk_assessed_by"))
    if user.has_perm(alerts.PUBLISH):
        for alert in case_alerts:
            if alert.status == alert.Status.PUBLISHED:
                alert.risk_form = form(
                    RiskForm, f"alert-risk-{alert.pk}", **(assessment_of(alert) or {})
                )
    alert_form = None
    if user.has_perm(alerts.PUBLISH) and alerts.may_alert(inspection):
        alert_form = form(AlertForm, "alert", **alerts.alert_defaults(inspection))
    return render(
        request,
        "violations/cases/detail.html",
        {
            "inspection": inspection,
            "follow_ups": follow_ups,
            "records": records,
            "alerts": case_alerts,
            "alert_form": alert_form,
            "withdraw_form": form(ReasonForm, "withdraw"),
            "rewards": reward_section,
            "is_agency": user.has_perm(followup.AGENCY),
            "can_approve": user.has_perm(APPROVE),
            "is_lead": inspection.team.filter(user=user, role=InspectionMember.Role.LEAD).exists(),
            "can_record": inspection.status in RECORD_STAGES and may_change,
            "may_change": may_change,
            # The goods' classes on the inspection's date (group 2 before 01/07/2026,
            # risk classes from then).
            "class_day": inspection_selectors.inspection_day(inspection),
            "category_classes": inspection_selectors.inspection_category_classes(
                inspection=inspection
            ),
            # What refused the action as a whole, at the top of the page (the field
            # errors stay on their fields).
            "page_errors": failed.non_field_errors() if failed is not None else [],
        },
        status=status,
    )


def _reward_form(inspection):
    """The reward proposal form of this case, its choices the reports without a reward
    and the grounds the case gives (docs/rewards.md)."""
    return partial(
        RewardProposalForm,
        reports=rewards.reports_to_reward(inspection),
        grounds=rewards.reward_grounds(inspection),
    )


def _reward_section(inspection, *, may_change: bool, failed) -> dict:
    """The rewards proposed for the case's reports, and the form proposing one for who
    may change the case, while it gives a ground and a report waits for one."""
    form = None
    if may_change and rewards.reward_grounds(inspection):
        form = failed or _reward_form(inspection)(auto_id="id_reward_%s")
        if not form.fields["complaint"].widget.choices[1:]:
            form = None
    return {"list": rewards.case_rewards(inspection), "form": form}


@login_required
def case_detail(request, inspection_id: int):
    inspection = _get(
        inspection_selectors.inspection_get, user=request.user, inspection_id=inspection_id
    )
    return _case_page(request, inspection)


def _act(request, inspection, key, form_class, call, success, *, anchor=""):
    """Run a service with the posted form; show the page again with the errors (and
    what was typed) if the form or the service refuses. `success` is the message, or a
    function of what the service returned that makes it; `anchor` the part of the case
    page to come back to."""
    form = form_class(request.POST, request.FILES or None, auto_id=f"id_{key}_%s")
    status = 400
    if form.is_valid():
        try:
            result = call(form.cleaned_data)
        except DomainError as error:
            add_domain_errors(form, error)
            status = error.status
        else:
            messages.success(request, success(result) if callable(success) else success)
            url = reverse("case-detail", kwargs={"inspection_id": inspection.pk})
            return redirect(f"{url}#{anchor}" if anchor else url)
    return _case_page(request, inspection, bound=(key, form), status=status)


# --- Staff: drafting a violation record --------------------------------------------------------
# Two steps, without JavaScript: the day of the act first (GET), since it decides which
# versions of the provisions may be cited; then the record (GET ?on=YYYY-MM-DD, POSTed to
# the same address and redirected to the case page, so a reload never makes a second one).


def _may_change(user, inspection) -> bool:
    """Who may draft a record: the rule of the service (`violations.records.record_create`),
    the team on its inspection and the unit's supervisors."""
    return Inspection.objects.visible_to(user, "change").filter(pk=inspection.pk).exists()


def _first_evidence_day(inspection) -> date:
    """The day of the earliest evidence, as the service defaults it: a non-conforming
    finding (as captured on the device) or a failed sample (as taken), in Việt Nam's
    time; today without any."""
    moments = [
        inspection.findings.filter(result=Finding.Result.NON_CONFORMING).aggregate(
            first=Min(Coalesce("captured_at", "created_at"))
        )["first"],
        inspection.samples.filter(conforming=False).aggregate(first=Min("sampled_at"))["first"],
    ]
    moments = [moment for moment in moments if moment is not None]
    return timezone.localdate(min(moments)) if moments else timezone.localdate()


def _evidence(inspection) -> dict:
    """What an act may cite as evidence: the non-conforming findings, the samples that
    failed their test, and the photos of those findings."""
    findings = inspection.findings.filter(result=Finding.Result.NON_CONFORMING).select_related(
        "item"
    )
    return {
        "findings": findings,
        "samples": inspection.samples.filter(conforming=False).order_by("sampled_at", "pk"),
        "photos": EvidencePhoto.objects.filter(
            finding__in=findings.values("pk"), inspection=inspection
        ).select_related("finding__item"),
    }


def _violators(user, inspection):
    """The inspected operator, and the makers of the sampled products."""
    candidates = {inspection.operator_id} | set(
        inspection.samples.filter(product__manufacturer__isnull=False).values_list(
            "product__manufacturer_id", flat=True
        )
    )
    return EconomicOperator.objects.visible_to(user).filter(pk__in=candidates).order_by("name")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def record_new(request, inspection_id: int):
    inspection = _get(
        inspection_selectors.inspection_get, user=request.user, inspection_id=inspection_id
    )
    if not _may_change(request.user, inspection):
        raise Http404
    if inspection.status not in RECORD_STAGES:
        messages.error(request, _("Chỉ lập biên bản vi phạm sau khi đã kiểm tra tại chỗ."))
        return redirect("case-detail", inspection_id=inspection.pk)
    if "committed_on" in request.GET:
        # Step 1 submitted: go to step 2 at its own address.
        day_form = ActDayForm(request.GET)
        if day_form.is_valid():
            query = urlencode({"on": day_form.cleaned_data["committed_on"].isoformat()})
            return redirect(f"{reverse('case-record-new', args=[inspection.pk])}?{query}")
        return _record_day_page(request, inspection, day_form, status=400)
    if "on" not in request.GET:
        chosen = ActDayForm({"committed_on": request.GET.get("day", "")})
        initial = (
            chosen.cleaned_data["committed_on"]
            if chosen.is_valid()
            else _first_evidence_day(inspection)
        )
        return _record_day_page(request, inspection, ActDayForm(initial={"committed_on": initial}))
    day_form = ActDayForm({"committed_on": request.GET["on"]})
    if not day_form.is_valid():
        return _record_day_page(request, inspection, day_form, status=400)
    return _record_page(request, inspection, day_form.cleaned_data["committed_on"])


def _record_day_page(request, inspection, day_form, *, status=200):
    return render(
        request,
        "violations/cases/record_day.html",
        {"inspection": inspection, "form": day_form},
        status=status,
    )


def _record_page(request, inspection, day: date):
    user = request.user
    q = request.GET.get("q", "").strip()[:100]
    in_force = registry_selectors.provision_citable(user=user, on=day)
    provisions = list(
        registry_selectors.provision_citable(user=user, on=day, q=q) if q else in_force
    )
    evidence = _evidence(inspection)
    data = request.POST if request.method == "POST" else None
    form = RecordForm(
        data,
        violators=_violators(user, inspection),
        initial={
            "place": inspection.place or inspection.operator.address,
            "violator": inspection.operator_id,
        },
    )
    acts = ActFormSet(
        data,
        prefix="acts",
        form_kwargs={
            "day": day,
            "provisions": provisions,
            "find_provision": lambda pk: (
                registry_selectors.provision_list(user=user).filter(pk=pk).first()
            ),
            "evidence": evidence,
        },
    )
    status = 200
    if data is not None:
        status = 400
        valid = [form.is_valid(), acts.is_valid()]  # both, so that every error shows
        if all(valid):
            chosen = acts.acts()
            try:
                record = record_create(
                    by=user,
                    inspection=inspection,
                    place=form.cleaned_data["place"],
                    violations=[{**act, "committed_on": day} for act in chosen],
                    violator=form.cleaned_data["violator"],
                    representative_name=form.cleaned_data["representative_name"],
                    representative_position=form.cleaned_data["representative_position"],
                )
            except DomainError as error:
                _record_errors(form, acts, error)
                status = error.status
            else:
                messages.success(
                    request,
                    ngettext(
                        "Đã lập dự thảo biên bản vi phạm (%(count)d hành vi, áp dụng văn bản "
                        "có hiệu lực ngày %(day)s). Biên bản được đánh số khi ký.",
                        "Đã lập dự thảo biên bản vi phạm (%(count)d hành vi, áp dụng văn bản "
                        "có hiệu lực ngày %(day)s). Biên bản được đánh số khi ký.",
                        len(chosen),
                    )
                    % {"count": len(chosen), "day": day.strftime("%d/%m/%Y")},
                )
                url = reverse("case-detail", kwargs={"inspection_id": inspection.pk})
                return redirect(f"{url}#record-{record.pk}")
    base = reverse("case-record-new", args=[inspection.pk])
    return render(
        request,
        "violations/cases/record_new.html",
        {
            "inspection": inspection,
            "day": day,
            "q": q,
            "form": form,
            "acts": acts,
            "has_provisions": bool(provisions) or in_force.exists(),
            "has_evidence": evidence["findings"].exists() or evidence["samples"].exists(),
            "action": f"{base}?{urlencode({'on': day.isoformat(), **({'q': q} if q else {})})}",
            "day_url": f"{base}?{urlencode({'day': day.isoformat()})}",
            "clear_url": f"{base}?{urlencode({'on': day.isoformat()})}",
            "page_errors": form.non_field_errors() + acts.non_form_errors(),
        },
        status=status,
    )


# The service's field names of an act, and the act form's.
_ACT_FIELDS = {
    "provision_id": "provision",
    "description": "description",
    "findings": "findings",
    "samples": "samples",
    "photos": "photos",
}


def _record_errors(form, acts, error: DomainError) -> None:
    """The service refused: each error on its field, of the record or of the act (when
    there is one act; with several, the service does not say which, so at the top)."""
    filled = [act for act in acts.forms if act.has_changed()]
    rendered = error.render_errors()
    if not rendered:
        form.add_error(None, error.render())
    for field, items in rendered.items():
        for item in items:
            if field in form.fields:
                form.add_error(field, item["message"])
            elif field in _ACT_FIELDS and len(filled) == 1:
                filled[0].add_error(_ACT_FIELDS[field], item["message"])
            else:
                form.add_error(None, item["message"])


@login_required
@require_POST
def follow_up_report(request, follow_up_id: int):
    item = _get(selectors.follow_up_get, user=request.user, follow_up_id=follow_up_id)
    key = f"report-{item.pk}"
    return _act(
        request,
        item.sample.inspection,
        key,
        TextForm,
        lambda data: followup.follow_up_report(by=request.user, follow_up=item, text=data["text"]),
        _("Đã báo cáo kết quả không đạt."),
    )


@login_required
@require_POST
def follow_up_suspend(request, follow_up_id: int):
    item = _get(selectors.follow_up_get, user=request.user, follow_up_id=follow_up_id)
    key = f"suspend-{item.pk}"
    return _act(
        request,
        item.sample.inspection,
        key,
        GoodsForm,
        lambda data: followup.follow_up_suspend(
            by=request.user, follow_up=item, goods=data["goods"]
        ),
        _("Đã ra thông báo tạm dừng lưu thông."),
    )


@login_required
@require_POST
def follow_up_resume(request, follow_up_id: int):
    item = _get(selectors.follow_up_get, user=request.user, follow_up_id=follow_up_id)
    key = f"resume-{item.pk}"
    return _act(
        request,
        item.sample.inspection,
        key,
        ReasonForm,
        lambda data: followup.follow_up_resume(
            by=request.user, follow_up=item, reason=data["reason"]
        ),
        _("Đã thông báo cho lưu thông trở lại."),
    )


@login_required
@require_POST
def decision_review(request, decision_id: int):
    decision = _get(selectors.decision_get, user=request.user, decision_id=decision_id)
    key = f"review-{decision.pk}"
    return _act(
        request,
        decision.record.inspection,
        key,
        ReviewForm,
        lambda data: decisions.decision_decide(
            by=request.user, decision=decision, approve=data["approve"], note=data["note"]
        ),
        _reviewed,
        anchor=f"record-{decision.record_id}",
    )


@login_required
@require_POST
def decision_fine(request, decision_id: int):
    decision = _get(selectors.decision_get, user=request.user, decision_id=decision_id)
    key = f"fine-{decision.pk}"
    return _act(
        request,
        decision.record.inspection,
        key,
        FinePaidForm,
        lambda data: decisions.fine_paid(
            by=request.user,
            decision=decision,
            paid_on=data["paid_on"],
            receipt_number=data["receipt_number"],
        ),
        _("Đã ghi nhận nộp phạt."),
        anchor=f"record-{decision.record_id}",
    )


@login_required
@require_POST
def decision_close(request, decision_id: int):
    decision = _get(selectors.decision_get, user=request.user, decision_id=decision_id)
    key = f"close-{decision.pk}"
    return _act(
        request,
        decision.record.inspection,
        key,
        forms.Form,
        lambda data: decisions.decision_close(by=request.user, decision=decision),
        _("Đã kết thúc việc thi hành quyết định."),
        anchor=f"record-{decision.record_id}",
    )


@login_required
@require_POST
def alert_publish(request, inspection_id: int):
    inspection = _get(
        inspection_selectors.inspection_get, user=request.user, inspection_id=inspection_id
    )
    return _act(
        request,
        inspection,
        "alert",
        AlertForm,
        lambda data: _publish(request.user, inspection, data),
        _published,
    )


def _publish(user, inspection, data):
    fields, risk = split_risk(data)
    return alerts.alert_publish(by=user, inspection=inspection, risk=risk, **fields)


def _published(alert) -> str:
    if alert.risk_level:
        return _("Đã công bố cảnh báo sản phẩm (mức rủi ro %(level)s).") % {
            "level": alert.risk_level_label.lower()
        }
    return _("Đã công bố cảnh báo sản phẩm.")


@login_required
@require_POST
def case_reward_propose(request, inspection_id: int):
    inspection = _get(
        inspection_selectors.inspection_get, user=request.user, inspection_id=inspection_id
    )
    return _act(
        request,
        inspection,
        "reward",
        _reward_form(inspection),
        lambda data: rewards.case_reward_propose(
            by=request.user,
            inspection=inspection,
            complaint_id=data["complaint"],
            ground_key=data["ground"],
            kind=data["kind"],
            amount_vnd=data["amount_vnd"],
            basis=data["basis"],
        ),
        _("Đã đề xuất khen thưởng; lãnh đạo đơn vị được thông báo để duyệt."),
        anchor="rewards",
    )


@login_required
@require_POST
def alert_withdraw(request, alert_id: int):
    alert = _get(selectors.alert_get, user=request.user, alert_id=alert_id)
    return _act(
        request,
        alert.inspection,
        "withdraw",
        ReasonForm,
        lambda data: alerts.alert_withdraw(by=request.user, alert=alert, reason=data["reason"]),
        _("Đã gỡ cảnh báo."),
    )


@login_required
@require_POST
def record_risk(request, record_id: int):
    record = _get(selectors.record_get, user=request.user, record_id=record_id)
    return _act(
        request,
        record.inspection,
        f"risk-{record.pk}",
        RiskForm,
        lambda data: risk_assessment.record_risk_assess(by=request.user, record=record, **data),
        lambda assessed: (
            _("Đã ghi đánh giá rủi ro của biên bản: mức rủi ro %(level)s.")
            % {"level": assessed.risk_level_label.lower()}
        ),
        anchor=f"record-{record.pk}",
    )


@login_required
@require_POST
def alert_risk(request, alert_id: int):
    alert = _get(selectors.alert_get, user=request.user, alert_id=alert_id)
    return _act(
        request,
        alert.inspection,
        f"alert-risk-{alert.pk}",
        RiskForm,
        lambda data: risk_assessment.alert_risk_assess(by=request.user, alert=alert, **data),
        lambda assessed: (
            _("Đã ghi đánh giá rủi ro của cảnh báo: mức rủi ro %(level)s.")
            % {"level": assessed.risk_level_label.lower()}
        ),
        anchor="alerts-h",
    )


@login_required
def record_pdf(request, record_id: int):
    record = _get(selectors.record_get, user=request.user, record_id=record_id)
    if not record.pdf:
        raise Http404
    return _pdf(record.pdf, f"bien-ban-vi-pham-{record.number.replace('/', '-')}.pdf")


@login_required
def decision_pdf(request, decision_id: int):
    decision = _get(selectors.decision_get, user=request.user, decision_id=decision_id)
    if not decision.pdf:
        raise Http404
    return _pdf(decision.pdf, f"quyet-dinh-xu-phat-{decision.number.replace('/', '-')}.pdf")


# --- Staff: the acts on a violation record -----------------------------------------------------


def _record_anchor(record) -> str:
    return f"record-{record.pk}"


@login_required
@require_POST
def record_sign(request, record_id: int):
    """The record is made (signed, or refused before a witness): numbered, locked, and
    the decision's clock starts; the team lead is told to draft the decision."""
    record = _get(selectors.record_get, user=request.user, record_id=record_id)

    def signed(made):
        return _("Đã lập biên bản vi phạm số %(number)s. Hạn ra quyết định xử phạt: %(due)s.") % {
            "number": made.number,
            "due": made.decision_deadline.strftime("%d/%m/%Y"),
        }

    return _act(
        request,
        record.inspection,
        f"sign-{record.pk}",
        RecordSignForm,
        lambda data: record_services.record_sign(by=request.user, record=record, **data),
        signed,
        anchor=_record_anchor(record),
    )


@login_required
@require_POST
def record_complex(request, record_id: int):
    record = _get(selectors.record_get, user=request.user, record_id=record_id)
    return _act(
        request,
        record.inspection,
        f"complex-{record.pk}",
        ReasonForm,
        lambda data: record_services.record_set_complex(
            by=request.user, record=record, reason=data["reason"]
        ),
        lambda made: (
            _(
                "Đã xác định vụ việc phải giải trình hoặc xác minh: hạn ra quyết định xử phạt là "
                "%(due)s."
            )
            % {"due": made.decision_deadline.strftime("%d/%m/%Y")}
        ),
        anchor=_record_anchor(record),
    )


@login_required
@require_POST
def record_extend(request, record_id: int):
    record = _get(selectors.record_get, user=request.user, record_id=record_id)
    return _act(
        request,
        record.inspection,
        f"extend-{record.pk}",
        ReasonForm,
        lambda data: record_services.record_extend(
            by=request.user, record=record, reason=data["reason"]
        ),
        lambda made: (
            _("Đã gia hạn thời hạn ra quyết định xử phạt đến %(due)s.")
            % {"due": made.decision_deadline.strftime("%d/%m/%Y")}
        ),
        anchor=_record_anchor(record),
    )


@login_required
@require_POST
def record_dismiss(request, record_id: int):
    record = _get(selectors.record_get, user=request.user, record_id=record_id)
    return _act(
        request,
        record.inspection,
        f"dismiss-{record.pk}",
        ReasonForm,
        lambda data: record_services.record_dismiss(
            by=request.user, record=record, reason=data["reason"]
        ),
        _("Đã quyết định không ra quyết định xử phạt đối với biên bản này."),
        anchor=_record_anchor(record),
    )


# --- Staff: drafting the penalty decision ------------------------------------------------------
# Its own page (the fines of every act, the additional penalties, the remedial measures);
# POSTed to the same address and redirected to the case page.


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def decision_edit(request, record_id: int):
    """Draft (or redraft, while it is a draft) the decision of a signed record: whoever
    may change the inspection, as `violations.decisions.decision_draft` checks."""
    user = request.user
    record = _get(selectors.record_get, user=user, record_id=record_id)
    inspection = record.inspection
    if not _may_change(user, inspection):
        raise DjangoPermissionDenied
    case_url = reverse("case-detail", kwargs={"inspection_id": inspection.pk})
    decision = PenaltyDecision.objects.filter(record=record).first()
    if record.status != ViolationRecord.Status.SIGNED or (
        decision is not None and decision.status != PenaltyDecision.Status.DRAFT
    ):
        messages.error(
            request,
            _("Chỉ soạn quyết định cho biên bản đã lập và chưa có quyết định trình duyệt."),
        )
        return redirect(f"{case_url}#{_record_anchor(record)}")
    violations = list(record.violations.all())
    initial, measures_initial = {}, []
    if decision is not None:
        for line in decision.lines.all():
            initial[f"fine_{line.violation_id}"] = line.fine_vnd
            initial[f"extra_{line.violation_id}"] = line.additional_penalties
        measures_initial = [
            {
                "kind": m.kind,
                "violation": m.violation_id,
                "description": m.description,
                "deadline": m.deadline,
            }
            for m in decision.measures.all()
        ]
    data = request.POST if request.method == "POST" else None
    form = DecisionForm(data, record=record, violations=violations, initial=initial)
    measures = MeasureFormSet(
        data,
        prefix="measures",
        initial=measures_initial,
        form_kwargs={"violations": violations},
    )
    status = 200
    if data is not None:
        status = 400
        valid = [form.is_valid(), measures.is_valid()]  # both, so that every error shows
        if all(valid):
            chosen = measures.measures()
            try:
                saved = decisions.decision_draft(
                    by=user, record=record, lines=form.lines(), measures=chosen
                )
            except DomainError as error:
                add_domain_errors(form, error)
                status = error.status
            else:
                messages.success(
                    request,
                    _(
                        "Đã lưu dự thảo quyết định xử phạt: tổng tiền phạt %(total)s đ, "
                        "%(measures)d biện pháp khắc phục hậu quả. Hãy đọc lại rồi trình "
                        "lãnh đạo duyệt."
                    )
                    % {"total": vnd(saved.total_fine_vnd), "measures": len(chosen)},
                )
                return redirect(f"{case_url}#{_record_anchor(record)}")
    clocks = case_clocks(inspection)
    return render(
        request,
        "violations/cases/decision_edit.html",
        {
            "inspection": inspection,
            "record": record,
            "decision": decision,
            "form": form,
            "measures": measures,
            "clock": clocks.get((ViolationClock.PENALTY_DECISION, record.pk)),
            "page_errors": form.non_field_errors() + measures.non_form_errors(),
        },
        status=status,
    )


@login_required
@require_POST
def decision_submit(request, decision_id: int):
    decision = _get(selectors.decision_get, user=request.user, decision_id=decision_id)
    return _act(
        request,
        decision.record.inspection,
        f"submit-{decision.pk}",
        forms.Form,
        lambda data: decisions.decision_submit(by=request.user, decision=decision),
        _("Đã trình lãnh đạo duyệt quyết định xử phạt; lãnh đạo đơn vị đã được thông báo."),
        anchor=_record_anchor(decision.record),
    )


def _reviewed(decision) -> str:
    if decision.status == PenaltyDecision.Status.APPROVED:
        return _(
            "Đã duyệt và ban hành quyết định xử phạt số %(number)s; đoàn kiểm tra đã được "
            "thông báo để thi hành."
        ) % {"number": decision.number}
    return _("Đã trả lại quyết định xử phạt để sửa; người soạn đã được thông báo lý do.")


# --- Staff: a remedial measure done, with its evidence -----------------------------------------


def _measure_field(name: str) -> str:
    return {"photo": "photos", "photos": "photos"}.get(name, name)


@login_required
@require_POST
def measure_done(request, measure_id: int):
    """The photos of the measure done are stored first (the service requires them), then
    the measure is recorded as done; photos already stored count."""
    user = request.user
    measure = _get(selectors.measure_get, user=user, measure_id=measure_id)
    decision = measure.decision
    inspection = decision.record.inspection
    key = f"measure-{measure.pk}"
    form = MeasureDoneForm(request.POST, request.FILES, auto_id=f"id_{key}_%s")
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            # One step: photos of a measure that may not be recorded done (done already,
            # the decision closed) are not kept.
            with transaction.atomic():
                for upload in data["photos"]:
                    findings.evidence_upload(
                        by=user, measure=measure, data=upload.read(), filename=upload.name or ""
                    )
                decisions.measure_done(
                    by=user, measure=measure, done_on=data["done_on"], note=data["note"]
                )
        except DomainError as error:
            add_domain_errors(form, error, _measure_field)
            status = error.status
        else:
            messages.success(
                request,
                _("Đã ghi nhận hoàn thành biện pháp “%(measure)s” ngày %(day)s, %(photos)d ảnh.")
                % {
                    "measure": measure.get_kind_display(),
                    "day": data["done_on"].strftime("%d/%m/%Y"),
                    "photos": measure.photos.count(),
                },
            )
            url = reverse("case-detail", kwargs={"inspection_id": inspection.pk})
            return redirect(f"{url}#{_record_anchor(decision.record)}")
    return _case_page(request, inspection, bound=(key, form), status=status)


_PHOTO_VARIANTS = ("thumb", "display", "original")


@login_required
def measure_photo(request, measure_id: int, photo_id: int, variant: str):
    """A photo of a measure done: the thumbnail or display copy, or the original as an
    attachment, byte for byte."""
    measure = _get(selectors.measure_get, user=request.user, measure_id=measure_id)
    photo = measure.photos.filter(pk=photo_id).first()
    if photo is None or variant not in _PHOTO_VARIANTS:
        raise Http404
    if variant == "original":
        return file_response(
            photo.original, filename=f"{photo.sha256}{photo.extension}", attachment=True
        )
    if photo.state != EvidencePhoto.State.READY:
        raise Http404
    field = photo.display if variant == "display" else photo.thumb
    return file_response(field, filename=f"{photo.sha256}-{variant}.jpg", content_type="image/jpeg")


# --- Staff: the lists of records and decisions by status ---------------------------------------


def _status_list(request, *, statuses, fetch, template, url_name):
    status = request.GET.get("status", "")
    if status not in dict(statuses):
        status = ""
    items = fetch(user=request.user, status=status or None)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        template,
        {
            "page": page,
            "status": status,
            "statuses": statuses,
            "list_url": reverse(url_name),
            "query": urlencode({"status": status}) if status else "",
        },
    )


@login_required
def decision_list(request):
    """The penalty decisions the user may see, by status: `?status=submitted` is what
    waits for a supervisor's approval (the supervisor's home counts this list)."""
    return _status_list(
        request,
        statuses=PenaltyDecision.Status.choices,
        fetch=selectors.decisions_visible,
        template="violations/cases/decision_list.html",
        url_name="case-decision-list",
    )


@login_required
def record_list(request):
    """The violation records the user may see, by status: `?status=draft` waits for
    signing, `?status=signed` for its penalty decision."""
    return _status_list(
        request,
        statuses=ViolationRecord.Status.choices,
        fetch=selectors.records_visible,
        template="violations/cases/record_list.html",
        url_name="case-record-list",
    )
