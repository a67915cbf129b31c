"""Pages of the notices between units (violations/notices.py): the unit's notices and
its answer, and the national unit's overview of who answered and who is late, where a
national supervisor may also send notices by decision.

Server-rendered forms that work without JavaScript; each posts to its own address and
comes back with a message (post/redirect/get), or shows the page again with its errors.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registry.errors import DomainError, NotFound, PermissionDenied
from registry.forms import add_domain_errors
from registry.media import file_response
from violations import notices, selectors
from violations.notice_forms import EVIDENCE_ACCEPT, NoticeSendForm, ReactionForm

PAGE_SIZE = 20


def _notice(user, notice_id: int):
    try:
        return selectors.notice_get(user=user, notice_id=notice_id)
    except NotFound as exc:
        raise Http404 from exc


@login_required
def notice_list(request):
    """The notices the user's unit received: waiting for its answer (the home page's
    count), or answered."""
    answered = request.GET.get("answered") == "1"
    qs = selectors.notices_for_my_unit(user=request.user, waiting=not answered)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "violations/notices/list.html",
        {"page": page, "answered": answered, "query": "answered=1" if answered else ""},
    )


def _may_react(user, notice) -> bool:
    return (
        notice.reacted_at is None
        and notice.withdrawn_at is None
        and notice.unit_id == user.unit_id
        and user.has_perm(notices.REACT)
    )


def _detail(request, notice, *, form=None, status=200):
    if form is None and _may_react(request.user, notice):
        form = ReactionForm(auto_id="id_reaction_%s")
    return render(
        request,
        "violations/notices/detail.html",
        {
            "notice": notice,
            "alert": notice.alert,
            "form": form,
            "accept": EVIDENCE_ACCEPT,
            "page_errors": form.non_field_errors() if form is not None and form.is_bound else [],
        },
        status=status,
    )


@login_required
def notice_detail(request, notice_id: int):
    return _detail(request, _notice(request.user, notice_id))


@login_required
@require_POST
def notice_react(request, notice_id: int):
    notice = _notice(request.user, notice_id)
    form = ReactionForm(request.POST, request.FILES, auto_id="id_reaction_%s")
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            notices.notice_react(
                by=request.user,
                notice=notice,
                reaction=data["reaction"],
                text=data["text"],
                evidence=notices.read_evidence(data["evidence"]),
            )
        except DomainError as error:
            add_domain_errors(form, error)
            status = error.status
        else:
            messages.success(
                request, _("Đã ghi kết quả trả lời thông báo; cơ quan trung ương được báo.")
            )
            return redirect("notice-detail", notice_id=notice.pk)
    return _detail(request, notice, form=form, status=status)


@login_required
def notice_evidence(request, notice_id: int):
    """The evidence as it was sent, byte for byte (an attachment: it came from outside)."""
    notice = _notice(request.user, notice_id)
    if not notice.evidence:
        raise Http404
    extension = notice.evidence.name.rsplit(".", 1)[-1]
    return file_response(
        notice.evidence,
        filename=f"thong-bao-{notice.pk}.{extension}",
        content_type=notice.evidence_type or None,
        attachment=True,
    )


# --- The national unit's overview -------------------------------------------------------------


def _national(fetch, **kwargs):
    try:
        return fetch(**kwargs)
    except PermissionDenied as exc:
        raise DjangoPermissionDenied from exc
    except NotFound as exc:
        raise Http404 from exc


@login_required
def campaign_list(request):
    campaigns = _national(selectors.notice_campaigns, user=request.user)
    page = Paginator(campaigns, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "violations/notices/campaigns.html", {"page": page})


def _campaign(request, alert_id: int, *, form=None, status=200):
    alert, rows = _national(selectors.notice_campaign, user=request.user, alert_id=alert_id)
    rows = list(rows)
    can_send = (
        request.user.has_perm(notices.SEND)
        and alert.status == alert.Status.PUBLISHED
        and notices.units_to_tell(alert).exists()
    )
    if form is None and can_send:
        form = NoticeSendForm(auto_id="id_send_%s")
    return render(
        request,
        "violations/notices/campaign.html",
        {
            "alert": alert,
            "rows": rows,
            "answered": [n for n in rows if n.answered],
            "overdue": [n for n in rows if not n.answered and n.late],
            "form": form if can_send else None,
            "page_errors": form.non_field_errors() if form is not None and form.is_bound else [],
        },
        status=status,
    )


@login_required
def campaign_detail(request, alert_id: int):
    return _campaign(request, alert_id)


@login_required
@require_POST
def campaign_send(request, alert_id: int):
    alert, _rows = _national(selectors.notice_campaign, user=request.user, alert_id=alert_id)
    form = NoticeSendForm(request.POST, auto_id="id_send_%s")
    status = 400
    if form.is_valid():
        try:
            sent = notices.notices_send(
                by=request.user, alert=alert, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            add_domain_errors(form, error)
            status = error.status
        else:
            messages.success(
                request,
                _("Đã gửi thông báo đến %(count)d đơn vị.") % {"count": len(sent)},
            )
            return redirect("notice-campaign", alert_id=alert.pk)
    return _campaign(request, alert_id, form=form, status=status)
