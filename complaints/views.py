"""Citizens' pages (no login, no JavaScript needed) and officers' pages."""

import base64
import json
from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from complaints import products, proofs, retention, retention_selectors, selectors, services
from complaints.api import TooLarge, check_request_size, photo_response
from complaints.duplicates import group_of
from complaints.forms import (
    IntakeForm,
    ProofForm,
    ReceiptForm,
    ReplyForm,
    ReportForm,
    add_filing_errors,
)
from complaints.models import Complaint
from complaints.protection_forms import ProtectionForm
from registry.barcodes import gtin_origin
from registry.errors import DomainError, NotFound
from registry.forms import add_domain_errors
from registry.models import Role, User
from registry.security import allows_wasm
from whistleblower import services as vault_services
from whistleblower.models import DisclosureRequest
from whistleblower.selectors import protection_flagged
from whistleblower.vault import session_private_key


def _error_page(request, template, context, exc: DomainError):
    response = render(request, template, context, status=exc.status)
    if getattr(exc, "retry_after", None):
        response["Retry-After"] = str(exc.retry_after)
    return response


def _photos(request):
    return [
        services.PhotoUpload(data=f.read(), filename=f.name or "", content_type=f.content_type)
        for f in request.FILES.getlist("photos")
    ]


def _posted(request) -> tuple:
    """A form's data and files: bound on a POST, even an empty one (which then shows
    its errors), unbound on a GET."""
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None


def _identity(data) -> dict:
    return {
        key: data.get(f"identity_{key}", "") for key in ("full_name", "phone", "email", "id_number")
    }


# --- Citizens -------------------------------------------------------------------------------

# The page after filing reads the receipt from this cookie once (see report_new).
FILED_COOKIE = "phan-anh-da-gui"
FILED_COOKIE_MAX_AGE = 15 * 60
# The same for a report an officer took on the phone or at the desk (see intake_new).
INTAKE_COOKIE = "tiep-nhan-da-nhan"
# And for the case page after a reporter's reply (see report_reply).
REPLIED_COOKIE = "tra-cuu-da-tra-loi"


def _filing(data) -> dict:
    """The report's fields, as complaint_submit takes them, from a valid ReportForm."""
    return {
        name: data[name]
        for name in (
            "kind",
            "product_name",
            "product_brand",
            "product_gtin",
            "product_batch",
            "product_category",
            "seller_name",
            "seller_address",
            "seller_url",
            "seller_tax_code",
            "seller_province",
            "purchase_date",
            "description",
        )
    }


def _form_page(request, template, context, *, status):
    """A filing form shown again: with its errors, and a note by the photo field when
    photos were chosen (a browser never sends them again: they must be chosen again)."""
    context["photos_dropped"] = len(request.FILES.getlist("photos"))
    response = render(request, template, context, status=status)
    if getattr(context.get("error"), "retry_after", None):
        response["Retry-After"] = str(context["error"].retry_after)
    return response


def _receipt_redirect(request, to: str, cookie: str, value: dict):
    """Post/redirect/get: a reload of the next page never files twice. The receipt goes to
    that page in a short-lived signed cookie, not in the URL and not stored on the server
    (only its slow hash is), and that page shows it once."""
    response = redirect(to)
    response.set_signed_cookie(
        cookie,
        json.dumps(value),
        salt=cookie,
        max_age=FILED_COOKIE_MAX_AGE,
        path=reverse(to),
        secure=request.is_secure() or settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
    )
    response.status_code = 303
    return response


def _receipt_once(request, cookie: str) -> dict:
    """The value of a receipt cookie, or {} (missing, forged, expired)."""
    try:
        value = json.loads(
            request.get_signed_cookie(cookie, salt=cookie, max_age=FILED_COOKIE_MAX_AGE)
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _filed_complaint(value: dict) -> Complaint | None:
    """The report a receipt cookie names, if it holds a receipt."""
    complaint_id = value.get("complaint")
    if not value.get("receipt") or not isinstance(complaint_id, int):
        return None
    return Complaint.objects.select_related("unit").filter(pk=complaint_id).first()


def _receipt_shown(response, cookie: str, path: str):
    """The receipt is on this page only: the cookie goes, and nothing caches the page."""
    response.delete_cookie(cookie, path=path, samesite="Strict")
    response["Cache-Control"] = "no-store"
    return response


@allows_wasm  # the camera barcode reader
def report_new(request):
    form = ReportForm(*_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            check_request_size(request)
            if data["website"]:
                raise services.InvalidInput(code="rejected")
            filed = services.complaint_submit(
                **_filing(data),
                photos=_photos(request),
                identity=_identity(data),
                channel=Complaint.Channel.WEB,
                network_key=request.network_key,
            )
        except (DomainError, TooLarge) as exc:
            add_filing_errors(form, exc)
            return _form_page(
                request,
                "complaints/public/report_new.html",
                {"form": form, "error": exc},
                status=exc.status,
            )
        return _receipt_redirect(
            request,
            "report-filed",
            FILED_COOKIE,
            {"complaint": filed.complaint.pk, "receipt": filed.receipt},
        )
    status = 400 if request.method == "POST" else 200
    return _form_page(request, "complaints/public/report_new.html", {"form": form}, status=status)


def report_filed(request):
    """The receipt, once: the cookie set by the filing is read and deleted; a reload (or
    a visit without it) says that the receipt was already shown."""
    value = _receipt_once(request, FILED_COOKIE)
    complaint = _filed_complaint(value)
    if complaint is None:
        response = render(request, "complaints/public/filed_shown.html")
    else:
        proof_json = json.dumps(proofs.make_proof(complaint), ensure_ascii=False, indent=2)
        response = render(
            request,
            "complaints/public/filed.html",
            {
                "complaint": complaint,
                "receipt": value["receipt"],
                "proof_href": "data:application/json;base64,"
                + base64.b64encode(proof_json.encode()).decode(),
                "proof_name": f"{complaint.tracking_number}-bang-chung.json",
            },
        )
    return _receipt_shown(response, FILED_COOKIE, reverse("report-filed"))


def report_lookup(request):
    """Enter a receipt: the status page answers the POST (the receipt never goes in a URL)."""
    form = ReceiptForm(_posted(request)[0])
    if request.method == "POST" and form.is_valid():
        try:
            complaint = services.complaint_by_receipt(
                receipt=form.cleaned_data["receipt"], network_key=request.network_key
            )
        except DomainError as exc:
            _receipt_error(form, exc)
            return _error_page(request, "complaints/public/lookup.html", {"form": form}, exc)
        return _status_page(request, complaint, form.cleaned_data["receipt"])
    return render(
        request,
        "complaints/public/lookup.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


def _receipt_error(form, exc: DomainError) -> None:
    """A wrong receipt is the receipt field's error (the summary links to the field)."""
    if isinstance(exc, services.ReceiptNotFound):
        form.add_error("receipt", exc.render())
    else:
        add_domain_errors(form, exc)


def _status_page(
    request,
    complaint,
    receipt,
    reply_form=None,
    status=200,
    sent=False,
    protection_form=None,
    reward_form=None,
):
    reply_form = reply_form or ReplyForm(initial={"receipt": receipt})
    response = render(
        request,
        "complaints/public/status.html",
        {
            "view": selectors.public_view(complaint),
            "reply_form": reply_form,
            "sent": sent,
            # The reporter's protection request (complaints/protection_views.py).
            "protection_form": protection_form or ProtectionForm(initial={"receipt": receipt}),
            # The reward form shown again with its errors (complaints/reward_views.py).
            "reward_form": reward_form,
        },
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def report_reply(request):
    form = ReplyForm(request.POST, request.FILES)
    lookup = ReceiptForm(request.POST)
    if not lookup.is_valid():
        return redirect("report-lookup")
    try:
        complaint = services.complaint_by_receipt(
            receipt=lookup.cleaned_data["receipt"], network_key=request.network_key
        )
    except DomainError as exc:
        _receipt_error(lookup, exc)
        return _error_page(request, "complaints/public/lookup.html", {"form": lookup}, exc)
    if not form.is_valid():
        return _status_page(request, complaint, lookup.cleaned_data["receipt"], form, status=400)
    try:
        check_request_size(request)
        services.reporter_reply(
            complaint=complaint,
            body=form.cleaned_data["body"],
            photos=_photos(request),
            identity=_identity(form.cleaned_data),
            network_key=request.network_key,
        )
    except (DomainError, TooLarge) as exc:
        add_filing_errors(form, exc)
        return _status_page(
            request, complaint, lookup.cleaned_data["receipt"], form, status=exc.status
        )
    # Post/redirect/get: a reload of the next page never sends the reply twice.
    return _receipt_redirect(
        request,
        "report-replied",
        REPLIED_COOKIE,
        {"complaint": complaint.pk, "receipt": lookup.cleaned_data["receipt"]},
    )


def report_replied(request):
    """The case page once more after a reply, with "sent": from the cookie the reply set,
    which is read and deleted; a reload says the reply was sent and asks for the receipt
    to see the case again."""
    value = _receipt_once(request, REPLIED_COOKIE)
    complaint = _filed_complaint(value)
    if complaint is None:
        response = render(request, "complaints/public/reply_shown.html")
    else:
        response = _status_page(request, complaint, value["receipt"], sent=True)
    return _receipt_shown(response, REPLIED_COOKIE, reverse("report-replied"))


def proof_verify(request):
    form = ProofForm(*_posted(request))
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("proof_file")
        text = (
            upload.read(64 * 1024).decode("utf-8", "replace")
            if upload
            else form.cleaned_data["proof_text"]
        )
        try:
            proof = json.loads(text[: 64 * 1024])
            result = {
                "valid": proofs.verify_proof(proof),
                "payload": proof.get("payload") if isinstance(proof, dict) else None,
            }
        except (ValueError, RecursionError):
            result = {"valid": False, "payload": None}
        result["filed_at"] = _moment(result["payload"])
    return render(
        request,
        "complaints/public/verify.html",
        {
            "form": form,
            "result": result,
            "key_pem": proofs.public_key_pem(),
            "key_id": proofs.key_id(),
        },
        status=400 if form.errors else 200,
    )


def _moment(payload) -> datetime | None:
    """The filing time of a proof's payload (ISO 8601), to be shown as dd/mm/yyyy hh:mm."""
    raw = payload.get("filed_at") if isinstance(payload, dict) else None
    try:
        moment = datetime.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        return None
    return moment if moment is None or timezone.is_aware(moment) else None


# --- Officers ---------------------------------------------------------------------------------


def _intake_officer(user) -> None:
    """Reports taken on the phone or at the desk: the complaint officers' work."""
    if not user.has_role(Role.COMPLAINT_OFFICER):
        raise DjangoPermissionDenied


@login_required
@allows_wasm  # the camera barcode reader
def intake_new(request):
    """An officer files a report on a caller's behalf (hotline or counter). The caller's
    identity is sealed as on the public form: the officer cannot read it back without a
    custodian's approval. The receipt is shown once on the next page, to be read out."""
    _intake_officer(request.user)
    unit = request.user.unit
    initial = {"seller_province": unit.province_id} if unit and unit.province_id else {}
    form = IntakeForm(*_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            check_request_size(request)
            filed = services.complaint_submit(
                **_filing(data),
                photos=_photos(request),
                identity=_identity(data),
                channel=data["channel"],
                # Not the citizens' network throttle: the officer is signed in and
                # audited, and their network is not the caller's (nothing of it is kept).
                by=request.user,
            )
        except (DomainError, TooLarge) as exc:
            add_filing_errors(form, exc)
            return _form_page(
                request,
                "complaints/staff/intake.html",
                {"form": form, "error": exc},
                status=exc.status,
            )
        return _receipt_redirect(
            request,
            "complaint-intake-filed",
            INTAKE_COOKIE,
            {"complaint": filed.complaint.pk, "receipt": filed.receipt, "by": request.user.pk},
        )
    status = 400 if request.method == "POST" else 200
    return _form_page(request, "complaints/staff/intake.html", {"form": form}, status=status)


@login_required
def intake_filed(request):
    """The receipt of the report just taken, once, for the officer to read out; a reload
    says it was already shown (and files nothing)."""
    _intake_officer(request.user)
    value = _receipt_once(request, INTAKE_COOKIE)
    # Only the officer who filed it (a shared desk computer: not the next one).
    complaint = _filed_complaint(value) if value.get("by") == request.user.pk else None
    if complaint is None:
        response = render(request, "complaints/staff/intake_shown.html")
    else:
        visible = Complaint.objects.visible_to(request.user).filter(pk=complaint.pk).exists()
        response = render(
            request,
            "complaints/staff/intake_filed.html",
            {"complaint": complaint, "receipt": value["receipt"], "visible": visible},
        )
    return _receipt_shown(response, INTAKE_COOKIE, reverse("complaint-intake-filed"))


def _visible(**kwargs):
    try:
        return selectors.complaint_get(**kwargs)
    except NotFound as exc:
        raise Http404 from exc


QUEUE_LABELS = {
    "open": gettext_lazy("Đang xử lý"),
    "new": gettext_lazy("Mới nhận"),
    "due_soon": gettext_lazy("Sắp đến hạn"),
    "overdue": gettext_lazy("Quá hạn"),
    "closed": gettext_lazy("Đã kết thúc"),
    "all": gettext_lazy("Tất cả"),
}


def _queue_tabs(counts: dict) -> list[tuple]:
    return [(key, QUEUE_LABELS[key], counts.get(key)) for key in selectors.QUEUES]


def _options(pairs, selected) -> str:
    """`<option>` elements for (value, label) pairs, the one equal to `selected` marked."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if value == selected else "", label) for value, label in pairs),
    )


def _labels(choices) -> dict:
    return {value: str(label) for value, label in choices}


def _queue_rows(page, now, soon) -> list[dict]:
    """The page's rows as the queue's template shows them, as dicts: the template reads a
    dict's keys directly, where each attribute of a model instance is first tried as a
    key (an exception caught per lookup, ~16 lookups a row). Labels are translated once
    a page, and dates written with their fixed formats (the same in every language)."""
    statuses = _labels(Complaint.Status.choices)
    kinds = _labels(Complaint.Kind.choices)
    denunciation = str(Complaint.Nature.DENUNCIATION.label)
    select = _("Chọn %(number)s")
    rows = []
    for c in page:
        due_at, due_on, handler = c.due_at, c.due_on, c.assigned_to
        rows.append(
            {
                "pk": c.pk,
                "select": select % {"number": c.tracking_number},
                "url": reverse("complaint-detail", kwargs={"complaint_id": c.pk}),
                "tracking_number": c.tracking_number,
                "status": c.status,
                "status_label": statuses.get(c.status, c.status),
                "nature_label": denunciation if c.nature == Complaint.Nature.DENUNCIATION else "",
                "duplicate": bool(c.duplicate_group),
                "due_iso": due_on.isoformat() if due_on else "",
                "due_on": due_on.strftime("%d/%m/%Y") if due_on else "",
                "overdue": due_at is not None and due_at <= now,
                "due_soon": due_at is not None and now < due_at <= soon,
                "received": timezone.localtime(c.received_at).strftime("%d/%m/%Y %H:%M"),
                "kind_label": kinds.get(c.kind, c.kind),
                "product_name": c.product_name,
                "seller_name": c.seller_name,
                "province": c.seller_province.name if c.seller_province_id else "",
                "handler": (handler.full_name or handler.username) if handler else "",
                "photo_count": c.photo_count,
            }
        )
    return rows


@login_required
def inbox(request):
    filters = selectors.filters_from_query(request.GET)
    # The shown queue is counted with the tabs, in their query, when its tab has no count.
    counts = selectors.queue_counts(user=request.user, also=filters.queue)
    # A queue without other filters is the length its tab shows: not counted twice.
    plain = filters == selectors.ComplaintFilters(queue=filters.queue)
    page = selectors.complaint_page(
        user=request.user,
        filters=filters,
        page=selectors.page_number(request.GET.get("page")),
        count=counts.get(filters.queue) if plain else None,
    )
    # Officers of the unit shown (the user's own unless a unit is chosen) to give work to.
    shown = filters.unit_id or request.user.unit_id
    choices = selectors.filter_choices(user=request.user)
    officers = selectors.officer_choices(
        user=request.user,
        unit_id=shown,
        handlers=services.handlers_of(user=request.user, unit=shown),
    )
    handler = filters.handler
    context = {
        "page": page,
        "filters": filters,
        "queue_tabs": _queue_tabs(
            {key: count for key, count in counts.items() if key in selectors.HOME_QUEUES}
        ),
        "choices": choices,
        # The long option lists are written here, once, not by template loops (a
        # template's loop over ~100 options with a comparison each cost milliseconds).
        "province_options": _options(choices["provinces"], filters.province_id),
        "category_options": _options(choices["categories"], filters.category_id),
        "unit_options": _options(choices["units"], filters.unit_id),
        "handler_options": _options(
            [(o.pk, o.name) for o in officers],
            int(handler) if handler and handler.isdecimal() else None,
        ),
        "officer_options": _options([(o.pk, f"{o.name} ({o.unit_code})") for o in officers], None),
        "may_inspect": request.user.has_perm("inspections.add_inspection"),
        "may_intake": request.user.has_role(Role.COMPLAINT_OFFICER),
    }
    context["rows"] = _queue_rows(page, timezone.now(), selectors.due_soon_limit())
    return render(request, "complaints/staff/inbox.html", context)


def _ids(values) -> list[int]:
    return [int(v) for v in values if v.isdecimal() and len(v) < 19]


def _selected(request) -> list[Complaint]:
    """The reports ticked on the queue, each one the user may see (or 404)."""
    raw = request.POST.getlist("ids") or request.GET.getlist("ids")
    try:
        return selectors.complaints_by_ids(user=request.user, ids=_ids(raw))
    except NotFound as exc:
        raise Http404 from exc


@login_required
@require_POST
def inbox_bulk(request):
    back = request.POST.get("next", "")
    if not back.startswith("/complaints/") or back.startswith("//"):
        back = reverse("complaint-inbox")
    try:
        complaints = _selected(request)
        if request.POST.get("action") == "inspect":
            query = "&".join(f"ids={c.pk}" for c in complaints)
            return redirect(f"{reverse('complaint-inspect')}?{query}")
        if request.POST.get("action") != "assign":
            raise Http404
        officer_ids = _ids([request.POST.get("officer", "")])
        officer = (
            services.handlers_of(user=request.user).filter(pk=officer_ids[0]).first()
            if officer_ids
            else None
        )
        if officer is None:
            raise services.InvalidInput.field(
                "officer", "officer_required", _("Hãy chọn cán bộ xử lý.")
            )
        count = services.complaints_assign_bulk(
            by=request.user, complaints=complaints, officer=officer
        )
    except DomainError as exc:
        messages.error(request, exc.render())
        return redirect(back)
    messages.success(
        request,
        _("Đã giao %(count)d phản ánh cho %(officer)s.")
        % {"count": count, "officer": officer.full_name or officer.username},
    )
    return redirect(back)


@login_required
def complaint_detail(request, complaint_id: int):
    complaint = _visible(user=request.user, complaint_id=complaint_id)
    error = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "transition":
                services.complaint_transition(
                    by=request.user,
                    complaint=complaint,
                    to=request.POST.get("to", ""),
                    public_note=request.POST.get("public_note", ""),
                )
            elif action == "message":
                services.complaint_message_send(
                    by=request.user,
                    complaint=complaint,
                    body=request.POST.get("body", ""),
                    internal=request.POST.get("internal") == "1",
                )
            elif action == "assign":
                officer_ids = _ids([request.POST.get("officer", "")])
                officer = (
                    User.objects.visible_to(request.user).filter(pk=officer_ids[0]).first()
                    if officer_ids
                    else None
                )
                if officer is None:
                    raise NotFound()
                services.complaint_assign(by=request.user, complaint=complaint, officer=officer)
            elif action == "nature":
                services.complaint_set_nature(
                    by=request.user, complaint=complaint, nature=request.POST.get("nature", "")
                )
            elif action == "extend":
                services.complaint_extend_settlement(
                    by=request.user, complaint=complaint, reason=request.POST.get("reason", "")
                )
            elif action == "merge":
                services.complaint_merge(
                    by=request.user,
                    complaints=selectors.complaints_by_ids(
                        user=request.user, ids=_ids(request.POST.getlist("ids"))
                    ),
                    into=complaint,
                )
            elif action == "propose":
                services.complaint_propose_inspection(
                    by=request.user, complaint=complaint, note=request.POST.get("note", "")
                )
            elif action == "disclosure":
                vault_services.disclosure_request(
                    by=request.user, complaint=complaint, reason=request.POST.get("reason", "")
                )
            else:
                raise Http404
            messages.success(request, _confirmation(action, request))
            return redirect("complaint-detail", complaint_id=complaint.pk)
        except DomainError as exc:
            error = exc
            complaint = _visible(user=request.user, complaint_id=complaint_id)
    return _detail_page(request, complaint, error)


def _confirmation(action: str, request) -> str:
    """What the officer is told after an action of the report's page succeeded."""
    if action == "message":
        if request.POST.get("internal") == "1":
            return _("Đã lưu ghi chú nội bộ; người phản ánh không thấy ghi chú này.")
        return _("Đã gửi tin nhắn; người phản ánh đọc được khi tra cứu bằng mã tra cứu.")
    return {
        "transition": _("Đã cập nhật trạng thái phản ánh."),
        "assign": _("Đã giao phản ánh cho cán bộ xử lý."),
        "nature": _("Đã ghi tính chất của phản ánh."),
        "extend": _("Đã gia hạn thời hạn giải quyết."),
        "merge": _("Đã gộp các phản ánh đã chọn vào phản ánh này."),
        "propose": _(
            "Đã gửi đề xuất kiểm tra; lãnh đạo đơn vị đã được thông báo để quyết định kiểm tra."
        ),
        "disclosure": _(
            "Đã gửi đề nghị xem thông tin nhân thân; người quản lý thông tin nhân thân đã "
            "được thông báo để quyết định."
        ),
    }[action]


def _detail_page(request, complaint: Complaint, error: DomainError | None = None):
    """The case page, with the error of the action just refused (if any)."""
    allowed = services.TRANSITIONS.get(complaint.status, set())
    context = {
        "complaint": complaint,
        # In the order of the status flow, without "merged" (merging is its own action).
        "next_statuses": [
            s for s in Complaint.Status if s in allowed and s != Complaint.Status.MERGED
        ],
        "officers": services.handlers_of(user=request.user, unit=complaint.unit),
        "clocks": complaint.clocks.prefetch_related("extension_log"),
        "inspections": selectors.linked_inspections(user=request.user, complaint=complaint),
        "natures": Complaint.Nature.choices,
        "now": timezone.now(),
        "duplicates": (duplicates := group_of(user=request.user, complaint=complaint)),
        # The merge button only while some listed report may still be merged here.
        # Supervisors open an inspection on the report; officers propose one to them.
        "may_inspect": request.user.has_perm("inspections.add_inspection"),
        "may_propose": complaint.status == Complaint.Status.TRIAGED
        and complaint.inspection_proposed_at is None
        and Complaint.objects.visible_to(request.user, "change").filter(pk=complaint.pk).exists(),
        "may_merge": not complaint.is_closed
        and any(not row["complaint"].is_closed for row in duplicates),
        "merged_here": complaint.merged.visible_to(request.user).order_by("received_at"),
        "error": error.render() if error else None,
        "error_fields": error.render_errors() if error else {},
        "my_grant": DisclosureRequest.objects.filter(complaint=complaint, requested_by=request.user)
        .order_by("-created_at")
        .first(),
        "retention_notices": retention_selectors.notices_for_complaint(complaint=complaint),
        "may_hold": request.user.has_perm("complaints.hold_complaint"),
        # Only whether a supervisor let the handler know of a protection matter.
        "protection_flag": protection_flagged(complaint=complaint),
        # The barcode read from its photos, and the product record (docs/barcodes.md).
        "barcode_proposal": products.barcode_proposal(complaint=complaint),
        "product_origin": gtin_origin(complaint.product_gtin) if complaint.product_gtin else None,
        "may_change_product": Complaint.objects.visible_to(request.user, "change")
        .filter(pk=complaint.pk)
        .exists(),
    }
    return render(
        request, "complaints/staff/detail.html", context, status=error.status if error else 200
    )


RETENTION_TABS = {
    "open": gettext_lazy("Sắp xóa hoặc đang giữ"),
    "warned": gettext_lazy("Sắp xóa"),
    "blocked": gettext_lazy("Đang giữ, chưa xóa"),
    "purged": gettext_lazy("Đã xóa"),
}


@login_required
@require_POST
def complaint_retention_hold(request, complaint_id: int):
    """A supervisor holds a report past its retention periods, or lets it go."""
    complaint = _visible(user=request.user, complaint_id=complaint_id)
    try:
        retention.complaint_retention_hold(
            by=request.user,
            complaint=complaint,
            hold=request.POST.get("hold") == "1",
            reason=request.POST.get("hold_reason", ""),
        )
    except DomainError as exc:
        return _detail_page(request, _visible(user=request.user, complaint_id=complaint_id), exc)
    return redirect("complaint-detail", complaint_id=complaint.pk)


@login_required
def retention_list(request):
    """The unit's retention notices, for its supervisors: what will be removed and when,
    what is held and why, what was removed."""
    # Like the other lists of protected rows (disclosure requests, the audit log): the
    # selector restricts, so a user without complaints.view_retentionnotice, or of
    # another unit, gets an empty list rather than a 403 or 404 that tells them anything.
    state = request.GET.get("state", "open")
    if state not in retention_selectors.NOTICE_LISTS:
        state = "open"
    notices = retention_selectors.notice_list(user=request.user, state=state)
    page = Paginator(notices, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "complaints/staff/retention.html",
        {
            "page": page,
            "state": state,
            "tabs": [(key, RETENTION_TABS[key]) for key in retention_selectors.NOTICE_LISTS],
            "warning_hours": settings.RETENTION_WARNING_HOURS,
        },
    )


@login_required
def complaint_photo(request, complaint_id: int, photo_id: int, variant: str):
    try:
        photo = selectors.photo_get(user=request.user, complaint_id=complaint_id, photo_id=photo_id)
        return photo_response(photo, variant)
    except NotFound as exc:
        raise Http404 from exc


@login_required
def complaint_identity(request, complaint_id: int):
    """The identity, for the approved handler until the grant expires (each view audited)."""
    complaint = _visible(user=request.user, complaint_id=complaint_id)
    try:
        fields = vault_services.identity_reveal(
            by=request.user, complaint=complaint, handler_private=session_private_key(request)
        )
    except NotFound as exc:
        raise Http404 from exc
    except DomainError as exc:
        return render(
            request,
            "complaints/staff/identity.html",
            {"complaint": complaint, "error": exc.render()},
            status=exc.status,
        )
    response = render(
        request, "complaints/staff/identity.html", {"complaint": complaint, "fields": fields}
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def disclosure_list(request):
    status = request.GET.get("status")
    status = status if status in DisclosureRequest.Status.values else ""
    requests = selectors.disclosure_list(user=request.user, status=status or None)
    page = Paginator(requests, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "whistleblower/requests.html",
        {
            "page": page,
            "status": status,
            "query": f"status={status}" if status else "",
            "statuses": DisclosureRequest.Status.choices,
        },
    )


def _hours(raw: str) -> int | None:
    """Empty: the default period; anything but a whole number: 0, which is refused."""
    raw = raw.strip()
    if not raw:
        return None
    try:
        return int(raw) if raw.isdecimal() else 0
    except ValueError:
        return 0


@login_required
@require_POST
def disclosure_decide(request, request_id: int):
    try:
        decided = vault_services.disclosure_decide(
            by=request.user,
            request_id=request_id,
            approve=request.POST.get("decision") == "approve",
            reason=request.POST.get("reason", ""),
            custodian_private=session_private_key(request),
            hours=_hours(request.POST.get("hours", "")),
        )
    except NotFound as exc:
        raise Http404 from exc
    except DomainError as exc:
        requests = selectors.disclosure_list(user=request.user)
        page = Paginator(requests, 25).get_page(1)
        return render(
            request,
            "whistleblower/requests.html",
            {
                "page": page,
                "error": exc.render(),
                "status": "",
                "statuses": DisclosureRequest.Status.choices,
            },
            status=exc.status,
        )
    messages.success(
        request,
        _("Đã chấp thuận đề nghị; cán bộ đề nghị đã được thông báo.")
        if decided.status == DisclosureRequest.Status.APPROVED
        else _("Đã từ chối đề nghị; cán bộ đề nghị đã được thông báo."),
    )
    return redirect(f"{reverse('disclosure-list')}?status=pending")
