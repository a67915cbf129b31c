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
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from complaints import selectors as complaint_selectors
from inspections import findings, measurements, products, samples, selectors, services
from inspections import minutes as minutes_services
from inspections.checklists import item_text
from inspections.forms import (
    PHOTO_TYPES,
    AmendForm,
    FindingForm,
    InspectFromReportsForm,
    PaperSignForm,
    SampleForm,
    ScanForm,
    SignatureForm,
    TransitionForm,
)
from inspections.models import (
    ChecklistItem,
    ChecklistTemplate,
    EvidencePhoto,
    Finding,
    Inspection,
    InspectionMember,
    Minutes,
    MinutesSignature,
)
from inspections.pwa import outbox_text
from registry.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    error_body,
)
from registry.forms import add_domain_errors
from registry.media import file_response
from registry.security import with_wasm


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
    return _inspection_page(request, inspection)


def _inspection_page(request, inspection: Inspection, *, error: str = "", status: int = 200):
    items = _checklist(inspection)
    answered: dict[int, list[Finding]] = {}
    for finding in inspection.findings.select_related("item").prefetch_related("photos"):
        answered.setdefault(finding.item_id, []).append(finding)
    sections: dict[ChecklistTemplate, list] = {}
    for item in items:
        sections.setdefault(item.template, []).append((item, answered.get(item.pk, [])))
    latest = _latest_minutes(inspection)
    locked = latest is not None and latest.status == Minutes.Status.SIGNED
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
            "samples": list(inspection.samples.prefetch_related("seal_photos")),
            "can_sample": inspection.status in samples.SAMPLING_OPEN and not locked,
            "minutes": latest,
            "can_draft": inspection.status in minutes_services.MINUTES_STAGES and latest is None,
            "locked": locked,
            "amend_form": AmendForm() if locked else None,
            "next_steps": _next_steps(request.user, inspection) if locked else [],
            "error": error,
            "outbox_text": outbox_text(),
            "back_url": request.path,
            "may_change": Inspection.objects.visible_to(request.user, "change")
            .filter(pk=inspection.pk)
            .exists(),
        },
        status=status,
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
        inspection.findings.filter(item=item)
        .select_related("author", "product")
        .prefetch_related("photos")
    )
    for finding in existing:
        finding.barcode = products.barcode_proposal(finding=finding)
    response = render(
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
    # A lot of prepackaged goods: the page reads the goods' barcode with the camera.
    return with_wasm(response) if item.kind == ChecklistItem.Kind.LOT_QUANTITY else response


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


def _script_text(kind: str = "finding") -> dict:
    """The words `static/js/field.js` shows, in the page's language: those of a finding,
    a sample or a signature."""
    words = {
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
    if kind == "sample":
        words.update(
            {
                "saving": _("Đang gửi mẫu…"),
                "saved": _("Đã lưu mẫu trên máy chủ."),
                "saved_photos": _("Đã lưu mẫu; ảnh niêm phong đang được gửi ở nền."),
                "saved_offline": _("Chưa có mạng: mẫu được lưu trên máy và tự gửi khi có mạng."),
                "saved_retry": _(
                    "Máy chủ chưa nhận được: mẫu được lưu trên máy và sẽ được gửi lại."
                ),
                "kept_failed": _("Mẫu được giữ trong hàng chờ gửi với lý do trên."),
                "draft": _("Đang sửa mẫu chưa gửi được; %(count)s ảnh đã chọn trước vẫn được giữ."),
            }
        )
    elif kind == "signature":
        words.update(
            {
                "saving": _("Đang gửi chữ ký…"),
                "saved": _("Đã lưu chữ ký trên máy chủ."),
                "saved_offline": _("Chưa có mạng: chữ ký được lưu trên máy và tự gửi khi có mạng."),
                "saved_retry": _(
                    "Máy chủ chưa nhận được: chữ ký được lưu trên máy và sẽ được gửi lại."
                ),
                "kept_failed": _("Chữ ký được giữ trong hàng chờ gửi với lý do trên."),
                "draft": _("Đang sửa chữ ký chưa gửi được."),
                "clear": _("Xóa, ký lại"),
                "empty": _("Chưa có chữ ký: hãy ký vào khung bằng ngón tay hoặc bút."),
                "drawn": _("Đã có chữ ký trong khung."),
            }
        )
    return words


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
        product_gtin=form.product_gtin(),
    )


def _store_each(form, field: str, uploads, store) -> tuple[int, int | None]:
    """Store each uploaded file with `store(upload)`; a file refused puts its reasons on
    the form's `field`, named by file, and the others are still stored. Returns (how many
    were stored, the status of the last refusal or None)."""
    stored, status = 0, None
    for upload in uploads:
        try:
            store(upload)
            stored += 1
        except DomainError as exc:
            status = exc.status
            for errors in exc.render_errors().values() or [[{"message": exc.render()}]]:
                for error in errors:
                    form.add_error(field, f"{upload.name}: {error['message']}")
    return stored, status


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
    stored, _refused = _store_each(
        form,
        "photos",
        c["photos"],
        lambda upload: findings.evidence_upload(
            by=request.user, finding=finding, data=upload.read(), filename=upload.name or ""
        ),
    )
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
                return redirect("desk-inspection", inspection_id=inspection.pk)
    elif not request.user.has_perm("inspections.add_inspection"):
        status = 403
    return render(
        request,
        "inspections/from_reports.html",
        {"form": form, "complaints": complaints, "status": status},
        status=status,
    )


# --- Samples on the tablet ----------------------------------------------------------------------


def _latest_minutes(inspection: Inspection) -> Minutes | None:
    return inspection.minutes.order_by("-number").first()


def _is_lead(user, inspection: Inspection) -> bool:
    return inspection.team.filter(user=user, role=InspectionMember.Role.LEAD).exists()


def _lock_error(inspection: Inspection) -> str:
    """The refusal a change meets while the latest minutes are signed ("" otherwise)."""
    try:
        minutes_services.require_open_minutes(inspection)
    except Conflict as exc:
        return exc.render()
    return ""


@login_required
def sample_new(request, inspection_id: int):
    """A sample taken on site: two units with two seals, the sampling record, photos of
    the seals. Posted here, then back to the inspection with a confirmation."""
    inspection = _inspection(request.user, inspection_id)
    form = SampleForm(request.POST or None, request.FILES or None)
    saved, status = None, 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            saved, status = _save_sample(request, form, inspection)
            if saved is not None and not form.errors:
                return redirect(reverse("field-inspection", args=[inspection.pk]) + "#samples")
    return render(
        request,
        "inspections/field/sample.html",
        {
            "inspection": inspection,
            "form": form,
            "saved": saved,
            "lock_error": _lock_error(inspection),
            "amend_form": AmendForm(),
            "photo_types": PHOTO_TYPES,
            "script_text": _script_text("sample"),
            "outbox_text": outbox_text(),
        },
        status=status,
    )


def _create_sample(request, form: SampleForm, inspection: Inspection):
    c = form.cleaned_data
    return samples.sample_create(
        by=request.user,
        inspection=inspection,
        client_uuid=c["client_uuid"],
        product_name=c["product_name"],
        test_unit_seal=c["test_unit_seal"],
        retained_unit_seal=c["retained_unit_seal"],
        sampling_record_number=c["sampling_record_number"],
        sampled_at=c["captured_at"] or timezone.now(),
        batch=c["batch"],
        quantity_per_unit=c["quantity_per_unit"],
    )


def _save_sample(request, form: SampleForm, inspection: Inspection):
    """Store the sample, then the photos of its seals (kept as evidence: the original
    byte for byte, a display copy and thumbnail made in the worker). Returns (sample or
    None, status). A photo refused after the sample was stored leaves the sample: the
    page keeps its UUID, so sending again only adds photos."""
    try:
        sample, _created = _create_sample(request, form, inspection)
    except DomainError as exc:
        add_domain_errors(form, exc, form.field_for)
        return None, exc.status
    stored, _refused = _store_each(
        form,
        "photos",
        form.cleaned_data["photos"],
        lambda upload: findings.evidence_upload(
            by=request.user, sample=sample, data=upload.read(), filename=upload.name or ""
        ),
    )
    if not form.errors:
        messages.success(
            request,
            _("Đã lưu mẫu “%(name)s” (niêm phong %(test)s / %(kept)s), %(photos)s ảnh niêm phong.")
            % {
                "name": sample.product_name,
                "test": sample.test_unit_seal,
                "kept": sample.retained_unit_seal,
                "photos": stored,
            },
        )
    return sample, 400


@require_POST
def sample_sync(request, inspection_id: int):
    """The tablet's queue sends a sample captured on the sample page (its fields without
    the photos, which follow one by one to `sample_photo_sync`). JSON answers: 201
    stored, 200 already stored (same UUID), or an error with the form's field names."""
    if not request.user.is_authenticated:
        return _json_error(NotAuthenticated())
    try:
        inspection = selectors.inspection_get(user=request.user, inspection_id=inspection_id)
    except NotFound as exc:
        return _json_error(exc)
    form = SampleForm(request.POST)
    if not form.is_valid():
        return _json_error(InvalidInput(), form)
    try:
        sample, created = _create_sample(request, form, inspection)
    except DomainError as exc:
        return _json_error(exc, form)
    return JsonResponse(
        {
            "id": sample.pk,
            "created": created,
            "redirect": reverse("field-inspection", args=[inspection.pk]) + "#samples",
            "photo_url": reverse("field-sample-photo-sync", args=[inspection.pk, sample.pk]),
            "message": _("Đã lưu mẫu “%(name)s” (niêm phong %(test)s / %(kept)s).")
            % {
                "name": sample.product_name,
                "test": sample.test_unit_seal,
                "kept": sample.retained_unit_seal,
            },
        },
        status=201 if created else 200,
        json_dumps_params={"ensure_ascii": False},
    )


@require_POST
def sample_photo_sync(request, inspection_id: int, sample_id: int):
    """One photo of a sample's seals from the tablet's queue, whole (field `photo`).
    The same bytes again are the same photo: 201 stored, 200 already held."""
    if not request.user.is_authenticated:
        return _json_error(NotAuthenticated())
    try:
        sample = selectors.sample_get(user=request.user, sample_id=sample_id)
    except NotFound as exc:
        return _json_error(exc)
    if sample.inspection_id != inspection_id or "photo" not in request.FILES:
        return _json_error(NotFound() if sample.inspection_id != inspection_id else InvalidInput())
    upload = request.FILES["photo"]
    try:
        photo, created = findings.evidence_upload(
            by=request.user, sample=sample, data=upload.read(), filename=upload.name or ""
        )
    except DomainError as exc:
        return _json_error(exc)
    return JsonResponse(
        {"state": "stored", "photo": {"id": photo.pk, "sha256": photo.sha256}},
        status=201 if created else 200,
    )


@login_required
def evidence_file(request, inspection_id: int, photo_id: int, variant: str):
    """An evidence photo of the inspection (the seals of a sample): the original as an
    attachment, byte for byte, or its thumbnail once made."""
    inspection = _inspection(request.user, inspection_id)
    photo = EvidencePhoto.objects.filter(inspection=inspection, pk=photo_id).first()
    if photo is not None and variant == "original":
        return file_response(
            photo.original, filename=f"{photo.sha256}{photo.extension}", attachment=True
        )
    if photo is None or variant != "thumb" or photo.state != EvidencePhoto.State.READY:
        raise Http404
    return file_response(
        photo.thumb, filename=f"{photo.sha256}-thumb.jpg", content_type="image/jpeg"
    )


# --- Minutes: draft, preview, signatures, paper, amendment --------------------------------------


def _minutes(user, minutes_id: int) -> Minutes:
    try:
        return selectors.minutes_get(user=user, minutes_id=minutes_id)
    except NotFound as exc:
        raise Http404 from exc


def _unsigned_members(minutes: Minutes) -> list[InspectionMember]:
    signed = set(
        minutes.signatures.filter(kind=MinutesSignature.Kind.TEAM).values_list("user_id", flat=True)
    )
    return [
        m
        for m in minutes.inspection.team.select_related("user").order_by("role", "pk")
        if m.user_id not in signed
    ]


@login_required
def minutes_page(request, inspection_id: int):
    inspection = _inspection(request.user, inspection_id)
    return _minutes_page(request, inspection)


def _minutes_page(
    request,
    inspection: Inspection,
    *,
    error: str = "",
    status: int = 200,
    forms: dict | None = None,
):
    """The minutes of an inspection: the latest version with its content, its PDF, who
    signed and who still must, and what can be done next (sign, complete, print and
    sign on paper, amend). Earlier versions below."""
    forms = forms or {}
    versions = list(inspection.minutes.order_by("-number"))
    latest = versions[0] if versions else None
    context = {
        "inspection": inspection,
        "minutes": latest,
        "versions": versions[1:],
        "error": error,
        "is_lead": _is_lead(request.user, inspection),
        "can_draft": inspection.status in minutes_services.MINUTES_STAGES
        and (latest is None or latest.status == Minutes.Status.DRAFT),
        "amend_form": forms.get("amend") or AmendForm(),
        "outbox_text": outbox_text(),
    }
    if latest is not None:
        signatures = list(latest.signatures.select_related("user"))
        context.update(
            {
                "signed": latest.status == Minutes.Status.SIGNED,
                "signatures": signatures,
                "operator_signed": any(s.kind != MinutesSignature.Kind.TEAM for s in signatures),
                "members_to_sign": _unsigned_members(latest),
                "missing": minutes_services.signatures_missing(latest)
                if latest.status == Minutes.Status.DRAFT
                else [],
                "scans": list(latest.scans.all()),
            }
        )
    return render(request, "inspections/field/minutes.html", context, status=status)


@login_required
@require_POST
def minutes_draft(request, inspection_id: int):
    inspection = _inspection(request.user, inspection_id)
    try:
        minutes = minutes_services.minutes_draft(by=request.user, inspection=inspection)
    except DomainError as exc:
        return _minutes_page(request, inspection, error=exc.render(), status=exc.status)
    if minutes.number:
        text = _("Đã lập dự thảo biên bản sửa đổi, bổ sung số %(n)s: hãy xem lại rồi ký.")
    else:
        text = _("Đã lập dự thảo biên bản: hãy xem lại nội dung và bản PDF rồi ký.")
    messages.success(request, text % {"n": minutes.number})
    return redirect("field-minutes", inspection_id=inspection.pk)


@login_required
@require_POST
def minutes_amend(request, inspection_id: int):
    inspection = _inspection(request.user, inspection_id)
    form = AmendForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            amendment = minutes_services.minutes_amend(
                by=request.user, inspection=inspection, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            add_domain_errors(form, exc)
            status = exc.status
        else:
            messages.success(
                request,
                _(
                    "Đã lập biên bản sửa đổi, bổ sung số %(n)s: ghi thêm kết quả, mẫu nếu cần, "
                    "rồi xem lại và ký."
                )
                % {"n": amendment.number},
            )
            return redirect("field-minutes", inspection_id=inspection.pk)
    return _minutes_page(request, inspection, status=status, forms={"amend": form})


@login_required
def minutes_pdf(request, minutes_id: int):
    """The PDF of a version of the minutes, to read on the tablet or print."""
    minutes = _minutes(request.user, minutes_id)
    if not minutes.pdf:
        raise Http404
    name = f"bien-ban-kiem-tra-{minutes.inspection_id}-{minutes.number}.pdf"
    return file_response(minutes.pdf, filename=name, content_type="application/pdf", sandbox=False)


@login_required
def signature_image(request, minutes_id: int, signature_id: int):
    minutes = _minutes(request.user, minutes_id)
    signature = minutes.signatures.filter(pk=signature_id).first()
    if signature is None:
        raise Http404
    return file_response(
        signature.image, filename=f"chu-ky-{signature.pk}.png", content_type="image/png"
    )


@login_required
def scan_file(request, minutes_id: int, scan_id: int):
    minutes = _minutes(request.user, minutes_id)
    scan = minutes.scans.filter(pk=scan_id).first()
    if scan is None:
        raise Http404
    extension = scan.file.name.rsplit(".", 1)[-1]
    return file_response(
        scan.file,
        filename=f"bien-ban-giay-{minutes.inspection_id}-{minutes.number}-{scan.page}.{extension}",
        content_type=scan.content_type,
        attachment=True,
    )


SIGN_KINDS = {
    MinutesSignature.Kind.TEAM: gettext_lazy("Thành viên đoàn kiểm tra ký"),
    MinutesSignature.Kind.REPRESENTATIVE: gettext_lazy("Người đại diện cơ sở ký"),
    MinutesSignature.Kind.WITNESS: gettext_lazy("Người làm chứng ký (người đại diện từ chối ký)"),
}


@login_required
def minutes_sign(request, minutes_id: int, kind: str):
    """One signer signs the draft on screen. The drawn signature needs JavaScript; the
    page says so and offers the paper route without it."""
    minutes = _minutes(request.user, minutes_id)
    if kind not in SIGN_KINDS:
        raise Http404
    members = _unsigned_members(minutes)
    form = SignatureForm(
        request.POST or None,
        members=members,
        initial={"kind": kind, "pdf_sha256": minutes.pdf_sha256},
    )
    status, error = 200, ""
    if minutes.status == Minutes.Status.SIGNED:
        error = _("Biên bản đã ký, không sửa được: một thay đổi là biên bản sửa đổi, bổ sung.")
        status = 409
    if request.method == "POST":
        status = 400
        if form.is_valid():
            form.cleaned_data["kind"] = kind  # the page's, whatever the hidden field says
            try:
                signature, _created = _add_signature(request, form, minutes)
            except DomainError as exc:
                add_domain_errors(form, exc, form.field_for)
                status = exc.status
            else:
                messages.success(
                    request,
                    _("Đã lưu chữ ký của %(name)s (%(role)s) lúc %(time)s.")
                    % {
                        "name": signature.name,
                        "role": signature.get_kind_display(),
                        "time": timezone.localtime(signature.signed_at).strftime("%d/%m/%Y %H:%M"),
                    },
                )
                return redirect("field-minutes", inspection_id=minutes.inspection_id)
    return render(
        request,
        "inspections/field/sign.html",
        {
            "inspection": minutes.inspection,
            "minutes": minutes,
            "form": form,
            "kind": kind,
            "kind_label": SIGN_KINDS[kind],
            "kinds": SIGN_KINDS,
            "members": members,
            "error": error,
            "script_text": _script_text("signature"),
            "outbox_text": outbox_text(),
        },
        status=status,
    )


def _add_signature(request, form: SignatureForm, minutes: Minutes):
    c = form.cleaned_data
    image = minutes_services.signature_png(c["image"])
    user = None
    if c["kind"] == MinutesSignature.Kind.TEAM:
        member = minutes.inspection.team.select_related("user").filter(user_id=c["member"]).first()
        user = member.user if member else None
    return minutes_services.signature_add(
        by=request.user,
        minutes=minutes,
        client_uuid=c["client_uuid"],
        kind=c["kind"],
        image=image,
        pdf_sha256=c["pdf_sha256"],
        user=user,
        name=c["name"],
        position=c["position"],
        reason=c["reason"],
        address=c["address"],
        signed_at=c["signed_at"],
    )


@require_POST
def minutes_sign_sync(request, minutes_id: int):
    """The tablet's queue sends a signature drawn on the signing page. JSON answers:
    201 stored, 200 already stored (same UUID), or an error with the form's field names."""
    if not request.user.is_authenticated:
        return _json_error(NotAuthenticated())
    try:
        minutes = selectors.minutes_get(user=request.user, minutes_id=minutes_id)
    except NotFound as exc:
        return _json_error(exc)
    form = SignatureForm(request.POST, members=minutes.inspection.team.select_related("user"))
    if not form.is_valid():
        return _json_error(InvalidInput(), form)
    try:
        signature, created = _add_signature(request, form, minutes)
    except DomainError as exc:
        return _json_error(exc, form)
    return JsonResponse(
        {
            "id": signature.pk,
            "created": created,
            "redirect": reverse("field-minutes", args=[minutes.inspection_id]),
            "message": _("Đã lưu chữ ký của %(name)s.") % {"name": signature.name},
        },
        status=201 if created else 200,
        json_dumps_params={"ensure_ascii": False},
    )


@login_required
@require_POST
def minutes_complete(request, minutes_id: int):
    """The lead completes the signing from the drawn signatures: the minutes lock."""
    minutes = _minutes(request.user, minutes_id)
    try:
        signed = minutes_services.minutes_sign(by=request.user, minutes=minutes)
    except DomainError as exc:
        return _minutes_page(request, minutes.inspection, error=exc.render(), status=exc.status)
    messages.success(
        request,
        _(
            "%(what)s đã ký và khóa; bản PDF có các chữ ký. Mọi thay đổi sau đây là "
            "biên bản sửa đổi, bổ sung."
        )
        % {"what": _minutes_name(signed)},
    )
    return redirect(reverse("field-inspection", args=[minutes.inspection_id]) + "#next")


def _minutes_name(minutes) -> str:
    """ "Biên bản kiểm tra" for the minutes, "Biên bản sửa đổi, bổ sung số N" for the Nth
    amendment (number 0 is the minutes themselves)."""
    if minutes.number == 0:
        return str(_("Biên bản kiểm tra"))
    return str(_("Biên bản sửa đổi, bổ sung số %(n)s") % {"n": minutes.number})


@login_required
def minutes_paper(request, minutes_id: int):
    """The paper route: print the draft, sign it by hand, upload photos or scans of the
    signed pages, then record who signed: the minutes lock."""
    minutes = _minutes(request.user, minutes_id)
    inspection = minutes.inspection
    members = list(inspection.team.select_related("user").order_by("role", "pk"))
    scan_form = ScanForm()
    sign_form = PaperSignForm(members=members)
    status, error = 200, ""
    if minutes.status == Minutes.Status.SIGNED:
        error, status = _("Biên bản đã ký, không sửa được."), 409
    if request.method == "POST" and request.POST.get("step") == "scans":
        scan_form = ScanForm(request.POST, request.FILES)
        status = 400
        if scan_form.is_valid():
            stored, refused = _store_each(
                scan_form,
                "scans",
                scan_form.cleaned_data["scans"],
                lambda upload: minutes_services.scan_add(
                    by=request.user, minutes=minutes, data=upload.read()
                ),
            )
            status = refused or status
            if not scan_form.errors:
                messages.success(
                    request, _("Đã lưu %(n)s ảnh chụp, bản quét biên bản giấy.") % {"n": stored}
                )
                return redirect("field-minutes-paper", minutes_id=minutes.pk)
    elif request.method == "POST":
        sign_form = PaperSignForm(request.POST, members=members)
        status = 400
        if sign_form.is_valid():
            c = sign_form.cleaned_data
            try:
                signed = minutes_services.minutes_sign_on_paper(
                    by=request.user,
                    minutes=minutes,
                    team_signers=[m.user for m in members if m.user_id in c["team_signers"]],
                    representative_name=c["representative_name"],
                    representative_position=c["representative_position"],
                    representative_refused=c["representative_refused"],
                    witness_name=c["witness_name"],
                    witness_address=c["witness_address"],
                )
            except DomainError as exc:
                add_domain_errors(sign_form, exc, sign_form.field_for)
                status = exc.status
            else:
                messages.success(
                    request,
                    _("%(what)s đã ký trên giấy và khóa; ảnh chụp, bản quét được lưu kèm bản PDF.")
                    % {"what": _minutes_name(signed)},
                )
                return redirect(reverse("field-inspection", args=[inspection.pk]) + "#next")
    return render(
        request,
        "inspections/field/paper.html",
        {
            "inspection": inspection,
            "minutes": minutes,
            "scans": list(minutes.scans.all()),
            "scan_form": scan_form,
            "sign_form": sign_form,
            "is_lead": _is_lead(request.user, inspection),
            "error": error,
            "photo_types": PHOTO_TYPES,
            "outbox_text": outbox_text(),
        },
        status=status,
    )


# --- What comes after the signed minutes ---------------------------------------------------------

NEXT_STEP_LABELS = {
    Inspection.Status.AWAITING_LAB: gettext_lazy("Đã gửi mẫu: chờ kết quả thử nghiệm"),
    Inspection.Status.CONCLUDED: gettext_lazy("Kết luận cuộc kiểm tra"),
}


def _next_steps(user, inspection: Inspection) -> list[tuple[str, str]]:
    """The moves the user may make now, as (status, button label)."""
    allowed = services.TRANSITIONS.get(inspection.status, set())
    may_conclude = _is_lead(user, inspection) or user.has_perm("inspections.decide_inspection")
    steps = []
    for to in (Inspection.Status.AWAITING_LAB, Inspection.Status.CONCLUDED):
        if to in allowed and (to != Inspection.Status.CONCLUDED or may_conclude):
            steps.append((to.value, NEXT_STEP_LABELS[to]))
    return steps


@login_required
@require_POST
def inspection_move(request, inspection_id: int):
    inspection = _inspection(request.user, inspection_id)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        return _inspection_page(
            request, inspection, error=_("Bước tiếp theo không hợp lệ."), status=400
        )
    to = form.cleaned_data["to"]
    try:
        minutes_services.require_signed_minutes(inspection)
        if to not in dict(_next_steps(request.user, inspection)):
            raise PermissionDenied()
        inspection = services.inspection_transition(by=request.user, inspection=inspection, to=to)
    except DomainError as exc:
        return _inspection_page(request, inspection, error=exc.render(), status=exc.status)
    messages.success(
        request,
        _("Cuộc kiểm tra chuyển sang: %(status)s.") % {"status": inspection.get_status_display()},
    )
    return redirect("field-inspection", inspection_id=inspection.pk)
