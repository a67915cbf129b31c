"""Pages of violation handling: the public product alerts, and the case page where the
team and the supervisors follow a failed test, the violation records and decisions, and
publish an alert.

Server-rendered forms that work without JavaScript; each action posts to its own URL and
comes back to the case page with a message, or shows the form again with its errors.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inspections import selectors as inspection_selectors
from inspections.models import Inspection, InspectionMember
from registry.errors import DomainError, NotFound
from registry.forms import add_domain_errors
from violations import alerts, decisions, followup, selectors
from violations.api import pdf_response as _pdf
from violations.forms import (
    AlertForm,
    FinePaidForm,
    GoodsForm,
    ReasonForm,
    ReviewForm,
    TextForm,
)
from violations.models import FailedTestFollowUp, PenaltyDecision, ViolationRecord
from violations.records import APPROVE

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
    return render(request, "violations/public/alert_detail.html", {"alert": alert})


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
    records = list(selectors.record_list(user=user, inspection_id=inspection.pk))
    for record in records:
        decision = getattr(record, "decision", None)
        if decision is not None:
            decision.review_form = form(ReviewForm, f"review-{decision.pk}")
            decision.fine_form = form(FinePaidForm, f"fine-{decision.pk}")
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
            "alerts": inspection.alerts.all(),
            "alert_form": alert_form,
            "withdraw_form": form(ReasonForm, "withdraw"),
            "is_agency": user.has_perm(followup.AGENCY),
            "can_approve": user.has_perm(APPROVE),
            "is_lead": inspection.team.filter(user=user, role=InspectionMember.Role.LEAD).exists(),
            # What refused the action as a whole, at the top of the page (the field
            # errors stay on their fields).
            "page_errors": failed.non_field_errors() if failed is not None else [],
        },
        status=status,
    )


@login_required
def case_detail(request, inspection_id: int):
    inspection = _get(
        inspection_selectors.inspection_get, user=request.user, inspection_id=inspection_id
    )
    return _case_page(request, inspection)


def _act(request, inspection, key, form_class, call, success):
    """Run a service with the posted form; show the page again with the errors (and
    what was typed) if the form or the service refuses."""
    form = form_class(request.POST, auto_id=f"id_{key}_%s")
    status = 400
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except DomainError as error:
            add_domain_errors(form, error)
            status = error.status
        else:
            messages.success(request, success)
            return redirect("case-detail", inspection_id=inspection.pk)
    return _case_page(request, inspection, bound=(key, form), status=status)


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
        _("Đã ghi ý kiến về quyết định xử phạt."),
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
        lambda data: alerts.alert_publish(by=request.user, inspection=inspection, **data),
        _("Đã công bố cảnh báo sản phẩm."),
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
