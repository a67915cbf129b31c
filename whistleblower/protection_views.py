"""The staff's pages of protection requests (docs/protection.md): the queue at
/protection/ and one request at /protection/<id>/, where the unit's custodians and
supervisors decide, follow the measures up, close, and (a supervisor) tell the report's
handler that a protection matter exists. The report's handler gets 404 everywhere here."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registry.errors import DomainError, NotFound
from registry.forms import add_domain_errors
from whistleblower import protection, selectors
from whistleblower.forms import CloseForm, DecisionForm, FollowUpForm, InformForm
from whistleblower.models import ProtectionRequest

Status = ProtectionRequest.Status


@login_required
def protection_list(request):
    status = request.GET.get("status")
    status = status if status in Status.values else ""
    listed = selectors.protection_list(user=request.user, status=status or None)
    page = Paginator(listed, 25).get_page(request.GET.get("page"))
    for item in page:
        item.clock = selectors.decision_clock(item)
    return render(
        request,
        "whistleblower/protection/list.html",
        {
            "page": page,
            "status": status,
            "query": f"status={status}" if status else "",
            "statuses": Status.choices,
            "now": timezone.now(),
        },
    )


def _get(user, protection_id: int) -> ProtectionRequest:
    try:
        return selectors.protection_get(user=user, protection_id=protection_id)
    except NotFound as exc:
        raise Http404 from exc


def _page(request, found: ProtectionRequest, *, bound=None, status=200):
    """The request's page; `bound` is (key, form) of an action refused, shown again with
    its errors and what was typed."""
    key, failed = bound or (None, None)

    def form(form_class, name, **initial):
        if key == name:
            return failed
        return form_class(initial=initial or None, auto_id=f"id_{name}_%s")

    may_change = request.user.has_perm(protection.CHANGE)
    granted = found.status == Status.GRANTED
    context = {
        "protection": found,
        "clock": selectors.decision_clock(found),
        "now": timezone.now(),
        "decision_form": form(DecisionForm, "decide")
        if may_change and found.status == Status.PENDING
        else None,
        "follow_up_form": form(FollowUpForm, "follow-up", on=timezone.localdate())
        if may_change and granted
        else None,
        "close_form": form(CloseForm, "close") if may_change and granted else None,
        "inform_form": form(InformForm, "inform", handler_informed=found.handler_informed)
        if request.user.has_perm(protection.INFORM)
        else None,
        "page_errors": failed.non_field_errors() if failed is not None else [],
    }
    response = render(request, "whistleblower/protection/detail.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@login_required
def protection_detail(request, protection_id: int):
    return _page(request, _get(request.user, protection_id))


def _act(request, protection_id: int, key: str, form_class, call, success: str):
    """Run a service with the posted form; the page again with the errors (and what was
    typed) if the form or the service refuses."""
    found = _get(request.user, protection_id)
    form = form_class(request.POST, auto_id=f"id_{key}_%s")
    status = 400
    if form.is_valid():
        try:
            call(found, form.cleaned_data)
        except NotFound as exc:
            raise Http404 from exc
        except DomainError as error:
            add_domain_errors(form, error)
            status = error.status
        else:
            messages.success(request, success)
            return redirect(reverse("protection-detail", kwargs={"protection_id": found.pk}))
    return _page(request, _get(request.user, protection_id), bound=(key, form), status=status)


@login_required
@require_POST
def protection_decide(request, protection_id: int):
    grant = request.POST.get("decision") == "grant"
    return _act(
        request,
        protection_id,
        "decide",
        DecisionForm,
        lambda found, data: protection.protection_decide(
            by=request.user,
            request_id=found.pk,
            grant=data["decision"] == "grant",
            measures=data["measures"],
            authority=data["authority"],
            reason=data["reason"],
        ),
        _("Đã ghi quyết định áp dụng biện pháp bảo vệ; người phản ánh đọc được bằng mã tra cứu.")
        if grant
        else _("Đã ghi quyết định từ chối; người phản ánh đọc được lý do bằng mã tra cứu."),
    )


@login_required
@require_POST
def protection_follow_up(request, protection_id: int):
    return _act(
        request,
        protection_id,
        "follow-up",
        FollowUpForm,
        lambda found, data: protection.protection_follow_up(
            by=request.user,
            request_id=found.pk,
            on=data["on"],
            text=data["text"],
            tell_reporter=data["tell_reporter"],
        ),
        _("Đã ghi nội dung theo dõi biện pháp bảo vệ."),
    )


@login_required
@require_POST
def protection_inform(request, protection_id: int):
    informed = request.POST.get("handler_informed") in ("on", "true", "1")
    return _act(
        request,
        protection_id,
        "inform",
        InformForm,
        lambda found, data: protection.protection_inform_handler(
            by=request.user, request_id=found.pk, informed=data["handler_informed"]
        ),
        _(
            "Đã ghi: cán bộ xử lý phản ánh thấy dòng “Có vấn đề bảo vệ người phản ánh” trên "
            "trang phản ánh, và được thông báo."
        )
        if informed
        else _("Đã ghi: cán bộ xử lý phản ánh không thấy vấn đề bảo vệ người phản ánh."),
    )


@login_required
@require_POST
def protection_close(request, protection_id: int):
    return _act(
        request,
        protection_id,
        "close",
        CloseForm,
        lambda found, data: protection.protection_close(
            by=request.user, request_id=found.pk, note=data["note"]
        ),
        _("Đã kết thúc bảo vệ; người phản ánh đọc được lý do bằng mã tra cứu."),
    )
