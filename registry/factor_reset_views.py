"""The pages where administrators ask for, approve or refuse the reset of a staff
member's lost second factor (/staff/factor-resets/). The rules are in
registry/factor_reset.py; these views parse, call one service and redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from registry import factor_reset
from registry.errors import DomainError, NotFound
from registry.factor_reset_forms import (
    FactorResetApproveForm,
    FactorResetRefuseForm,
    FactorResetRequestForm,
)
from registry.forms import add_domain_errors

PAGE_SIZE = 25


def _require_admin(request) -> None:
    if not request.user.has_perm(factor_reset.ADMINISTER):
        raise DjangoPermissionDenied


def _get(request, reset_id: int):
    try:
        return factor_reset.factor_reset_get(user=request.user, reset_id=reset_id)
    except NotFound as exc:
        raise Http404 from exc


@login_required
@require_http_methods(["GET", "POST"])
def reset_list(request):
    """The requests about the staff the user administers, and the form to ask for one."""
    _require_admin(request)
    form = FactorResetRequestForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                reset = factor_reset.factor_reset_request(by=request.user, **form.cleaned_data)
            except DomainError as error:
                add_domain_errors(form, error)
                status = error.status
            else:
                messages.success(
                    request,
                    _(
                        "Đã gửi đề nghị đặt lại yếu tố xác thực của %(name)s; đã báo các quản "
                        "trị viên khác để một người phê duyệt."
                    )
                    % {"name": reset.target.full_name or reset.target.username},
                )
                return redirect("factor-reset-detail", reset_id=reset.pk)
    waiting = request.GET.get("waiting") == "1"
    resets = factor_reset.factor_reset_list(user=request.user, waiting=waiting)
    return render(
        request,
        "registry/factor_resets/list.html",
        {
            "form": form,
            "waiting": waiting,
            "page": Paginator(resets, PAGE_SIZE).get_page(request.GET.get("page")),
        },
        status=status,
    )


def _detail(request, reset, *, approve_form=None, refuse_form=None, status=200):
    return render(
        request,
        "registry/factor_resets/detail.html",
        {
            "reset": reset,
            "may_decide": factor_reset.may_decide(request.user, reset),
            "factors": factor_reset.factor_count(reset.target),
            "approve_form": approve_form or FactorResetApproveForm(auto_id="id_approve_%s"),
            "refuse_form": refuse_form or FactorResetRefuseForm(auto_id="id_refuse_%s"),
        },
        status=status,
    )


@login_required
def reset_detail(request, reset_id: int):
    _require_admin(request)
    return _detail(request, _get(request, reset_id))


@login_required
@require_POST
def reset_approve(request, reset_id: int):
    _require_admin(request)
    reset = _get(request, reset_id)
    form = FactorResetApproveForm(request.POST, auto_id="id_approve_%s")
    if not form.is_valid():
        return _detail(request, reset, approve_form=form, status=400)
    try:
        factor_reset.factor_reset_approve(by=request.user, reset=reset)
    except DomainError as error:
        add_domain_errors(form, error)
        return _detail(request, reset, approve_form=form, status=error.status)
    messages.success(
        request,
        _(
            "Đã đặt lại: mọi yếu tố xác thực của %(name)s đã bị gỡ; người đó sẽ đăng ký lại "
            "khi đăng nhập. Đã báo người đề nghị và chính người đó."
        )
        % {"name": reset.target.full_name or reset.target.username},
    )
    return redirect("factor-reset-detail", reset_id=reset.pk)


@login_required
@require_POST
def reset_refuse(request, reset_id: int):
    _require_admin(request)
    reset = _get(request, reset_id)
    form = FactorResetRefuseForm(request.POST, auto_id="id_refuse_%s")
    if not form.is_valid():
        return _detail(request, reset, refuse_form=form, status=400)
    try:
        factor_reset.factor_reset_refuse(
            by=request.user, reset=reset, reason=form.cleaned_data["reason"]
        )
    except DomainError as error:
        add_domain_errors(form, error)
        return _detail(request, reset, refuse_form=form, status=error.status)
    messages.success(request, _("Đã từ chối đề nghị; đã báo người đề nghị."))
    return redirect("factor-reset-detail", reset_id=reset.pk)
