"""The inspector's tablet pages: today's inspections, the checklist, one item at a time.

Server-rendered and usable without JavaScript; `static/js/field.js` adds the device's
position and capture time, and the tablet's queue (`static/js/outbox.js`) keeps what is
captured without signal and sends it through `item_finding_sync` and the API."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from complaints import selectors as complaint_selectors
from inspections import findings, measurements, selectors, services
from inspections.checklists import item_text
from inspections.forms import PHOTO_TYPES, FindingForm, InspectFromReportsForm
from inspections.models import ChecklistItem, ChecklistTemplate, Finding, Inspection
from inspections.pwa import outbox_text
from registry.errors import DomainError, InvalidInput, NotAuthenticated, NotFound, error_body
from registry.forms import add_domain_errors


def _inspection(user, inspection_id: int) -> Inspection:
    try:
        return selectors.inspection_get(user=user, inspection_id=inspection_id)
    except NotFound as exc:
        raise Http404 from exc


def _checklist(inspection: Inspection) -> list[ChecklistItem]:
    """The items of the active checklists of the inspection's scopes, in order, each with
    `shown_text`: its text as it reads on the inspection's date."""
    templates = (
        ChecklistTemplate.objects.filter(scope__in=inspection.scopes, is_active=True)
        .order_by("scope", "-version")
        .prefetch_related(Prefetch("items", queryset=ChecklistItem.objects.order_by("order", "pk")))
    )
    newest: dict[str, ChecklistTemplate] = {}
    for template in templates:
        newest.setdefault(template.scope, template)
    order = {scope: i for i, scope in enumerate(inspection.scopes)}
    items = []
    for scope in sorted(newest, key=lambda s: order.get(s, 99)):
        items.extend(newest[scope].items.all())
    day = selectors.inspection_day(inspection)
    for item in items:
        item.shown_text = item_text(item, day)
    return items


@login_required
def today(request):
    day = timezone.localdate()
    mine = list(selectors.my_inspections(user=request.user))
    return render(
        request,
        "inspections/field/today.html",
        {
            "day": day,
            "today": [i for i in mine if i.scheduled_date == day],
            "open": [
                i
                for i in mine
                if i.scheduled_date != day and i.status in findings.OPEN_FOR_FINDINGS
            ],
            "outbox_text": outbox_text(),
        },
    )


@login_required
def inspection_detail(request, inspection_id: int):
    inspection = _inspection(request.user, inspection_id)
    items = _checklist(inspection)
    answered: dict[int, list[Finding]] = {}
    for finding in inspection.findings.select_related("item").prefetch_related("photos"):
        answered.setdefault(finding.item_id, []).append(finding)
    sections: dict[ChecklistTemplate, list] = {}
    for item in items:
        sections.setdefault(item.template, []).append((item, answered.get(item.pk, [])))
    return render(
        request,
        "inspections/field/inspection.html",
        {
            "inspection": inspection,
            "sections": list(sections.items()),
            "total": len(items),
            "done": sum(1 for item in items if item.pk in answered),
            "can_start": inspection.status == Inspection.Status.DECIDED,
            "class_day": selectors.inspection_day(inspection),
            "category_classes": selectors.inspection_category_classes(inspection=inspection),
            "outbox_text": outbox_text(),
        },
    )


@login_required
@require_POST
def inspection_start(request, inspection_id: int):
    inspection = _inspection(request.user, inspection_id)
    try:
        services.inspection_transition(
            by=request.user, inspection=inspection, to=Inspection.Status.ON_SITE
        )
        messages.success(request, _("Đã ghi nhận: đoàn bắt đầu kiểm tra tại chỗ."))
    except DomainError as exc:
        messages.error(request, exc.render())
    return redirect("field-inspection", inspection_id=inspection.pk)


@login_required
def item_finding(request, inspection_id: int, item_id: int):
    inspection = _inspection(request.user, inspection_id)
    items = _checklist(inspection)
    position = next((i for i, item in enumerate(items) if item.pk == item_id), None)
    if position is None:
        raise Http404
    item = items[position]
    following = items[position + 1] if position + 1 < len(items) else None
    form = FindingForm(request.POST or None, request.FILES or None, item=item)
    saved, status = None, 200
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, inspection, item)
        if saved is not None and not form.errors:
            return redirect(_next_url(inspection, following))
    if request.method == "POST":
        status = 400
    existing = list(
        inspection.findings.filter(item=item).select_related("author").prefetch_related("photos")
    )
    return render(
        request,
        "inspections/field/item.html",
        {
            "inspection": inspection,
            "item": item,
            "form": form,
            "saved": saved,
            "position": position + 1,
            "count": len(items),
            "following": following,
            "existing": [
                (f, measurements.summary(item.kind, f.data, f.photos.all())) for f in existing
            ],
            "photo_types": PHOTO_TYPES,
            "script_text": _script_text(),
            "outbox_text": outbox_text(),
        },
        status=status,
    )


def _next_url(inspection: Inspection, following: ChecklistItem | None) -> str:
    if following is not None:
        return reverse("field-item", args=[inspection.pk, following.pk])
    return reverse("field-inspection", args=[inspection.pk]) + "#checklist"


@require_POST
def item_finding_sync(request, inspection_id: int, item_id: int):
    """The tablet's queue sends a finding captured on the item page, as the page's form
    fields without the photos (they follow in pieces through the API). JSON answers:
    201 stored, 200 already stored (same UUID), or an error with the form's field names.
    Photos and errors are the queue's to show; nothing here depends on the page."""
    if not request.user.is_authenticated:
        return _json_error(NotAuthenticated())
    try:
        inspection = selectors.inspection_get(user=request.user, inspection_id=inspection_id)
    except NotFound as exc:
        return _json_error(exc)
    # Any version of the inspection's checklists: a finding captured offline keeps the
    # item it answered even if a new version was published meanwhile.
    item = (
        ChecklistItem.objects.select_related("template")
        .filter(pk=item_id, template__scope__in=inspection.scopes)
        .first()
    )
    if item is None:
        return _json_error(NotFound())
    items = _checklist(inspection)
    position = next((i for i, each in enumerate(items) if each.pk == item_id), None)
    following = items[position + 1] if position is not None and position + 1 < len(items) else None
    form = FindingForm(request.POST, item=item)
    if not form.is_valid():
        return _json_error(InvalidInput(), form)
    try:
        finding, created = _create_finding(request, form, inspection, item)
    except DomainError as exc:
        return _json_error(exc, form)
    return JsonResponse(
        {
            "finding_id": finding.pk,
            "created": created,
            "redirect": _next_url(inspection, following),
            "message": _("Đã lưu kết quả “%(item)s” (%(result)s).")
            % {
                "item": item_text(item, selectors.inspection_day(inspection)),
                "result": finding.get_result_display(),
            },
        },
        status=201 if created else 200,
        json_dumps_params={"ensure_ascii": False},
    )


def _json_error(exc: DomainError, form: FindingForm | None = None) -> JsonResponse:
    """The API's error body. With a form, its field errors (or the service's, renamed
    to the form's fields) are keyed by the page's field names, to show next to them."""
    body = error_body(exc)
    if form is not None and form.errors:
        body["errors"] = {
            field: [{"code": e.code or "invalid", "message": " ".join(e.messages)} for e in errs]
            for field, errs in form.errors.as_data().items()
        }
    elif form is not None:
        errors: dict[str, list] = {}
        for field, items in exc.render_errors().items():
            errors.setdefault(form.field_for(field) or "__all__", []).extend(items)
        body["errors"] = errors
    return JsonResponse(body, status=exc.status, json_dumps_params={"ensure_ascii": False})


def _script_text() -> dict:
    """The words `static/js/field.js` shows, in the page's language."""
    return {
        "locating": _("Vị trí thiết bị: đang lấy…"),
        "located": _("Vị trí thiết bị: đã ghi, sai số ±%(accuracy)s m."),
        "no_location": _("Vị trí thiết bị: không lấy được (định vị tắt hoặc bị từ chối)."),
        "photos": _("Đã chọn %(count)s ảnh (%(size)s MB)."),
        "plan": _("đo %(n)s đơn vị; T = %(t)s %(unit)s; tối đa %(c)s đơn vị thiếu quá T."),
        "saving_local": _("Đang lưu trên máy…"),
        "saving": _("Đang gửi kết quả…"),
        "saved": _("Đã lưu kết quả trên máy chủ."),
        "saved_photos": _("Đã lưu kết quả; ảnh đang được gửi ở nền (xem hàng chờ gửi)."),
        "saved_offline": _("Chưa có mạng: kết quả được lưu trên máy và tự gửi khi có mạng."),
        "signed_out": _("Kết quả được lưu trên máy; hãy đăng nhập lại để gửi."),
        "saved_retry": _("Máy chủ chưa nhận được: kết quả được lưu trên máy và sẽ được gửi lại."),
        "kept_failed": _(
            "Kết quả được giữ trong hàng chờ gửi với lý do trên: có thể gửi lại hoặc sửa sau."
        ),
        "draft": _("Đang sửa kết quả chưa gửi được; %(count)s ảnh đã chọn trước vẫn được giữ."),
    }


def _create_finding(request, form: FindingForm, inspection: Inspection, item: ChecklistItem):
    """The finding of a valid form (idempotent by its UUID); raises the service's errors."""
    c = form.cleaned_data
    return findings.finding_create(
        by=request.user,
        inspection=inspection,
        client_uuid=c["client_uuid"],
        item=item,
        result=c["result"] or None,
        note=c["note"],
        data=form.data_payload(),
        latitude=c["latitude"],
        longitude=c["longitude"],
        gps_accuracy_m=c["gps_accuracy_m"],
        captured_at=c["captured_at"],
    )


def _save(request, form: FindingForm, inspection: Inspection, item: ChecklistItem):
    """Store the finding, then its photos. Returns the finding, or None when it was
    refused (the errors are on the form). A photo refused after the finding was stored
    leaves the finding: the page keeps its UUID, so sending again only adds photos."""
    c = form.cleaned_data
    try:
        finding, _created = _create_finding(request, form, inspection, item)
    except DomainError as exc:
        add_domain_errors(form, exc, form.field_for)
        return None
    stored = 0
    for upload in c["photos"]:
        try:
            findings.evidence_upload(
                by=request.user, finding=finding, data=upload.read(), filename=upload.name or ""
            )
            stored += 1
        except DomainError as exc:
            for errors in exc.render_errors().values() or [[{"message": exc.render()}]]:
                for error in errors:
                    form.add_error("photos", f"{upload.name}: {error['message']}")
    if not form.errors:
        messages.success(
            request,
            _("Đã lưu kết quả “%(item)s” (%(result)s), %(photos)s ảnh.")
            % {
                "item": item_text(item, selectors.inspection_day(inspection)),
                "result": finding.get_result_display(),
                "photos": stored,
            },
        )
    return finding


# --- An inspection on the ground of reports (supervisors) ---------------------------------------


@login_required
def inspect_from_reports(request):
    """An ad-hoc inspection on the ground of the ticked reports (supervisors)."""
    raw = request.POST.getlist("ids") or request.GET.getlist("ids")
    try:
        complaints = complaint_selectors.complaints_by_ids(
            user=request.user, ids=[int(v) for v in raw if v.isdecimal() and len(v) < 19]
        )
    except NotFound as exc:
        raise Http404 from exc
    except DomainError as exc:
        return render(
            request, "inspections/from_reports.html", {"error": exc.render()}, status=exc.status
        )
    form = InspectFromReportsForm(
        request.POST or None,
        initial={
            "tax_code": next((c.seller_tax_code for c in complaints if c.seller_tax_code), "")
        },
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                inspection = services.inspection_from_complaints(
                    by=request.user,
                    complaints=complaints,
                    operator=data["operator"],
                    scopes=data["scopes"],
                    place=data["place"],
                    scheduled_date=data["scheduled_date"],
                )
            except DomainError as exc:
                add_domain_errors(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Đã tạo cuộc kiểm tra đột xuất theo phản ánh."))
                return redirect("case-detail", inspection_id=inspection.pk)
    elif not request.user.has_perm("inspections.add_inspection"):
        status = 403
    return render(
        request,
        "inspections/from_reports.html",
        {"form": form, "complaints": complaints, "status": status},
        status=status,
    )
