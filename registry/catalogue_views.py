"""Pages to import and export the legal catalogue: upload a file, preview what it would
do row by row, apply or discard it; download the catalogue as JSON or XLSX.

Thin views: the format is registry.catalogue_io, the checks and the writes
registry.catalogue_import."""

from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from registry import catalogue_import, catalogue_io, provisions
from registry.catalogue_io import DOCUMENTS, PROVISIONS
from registry.errors import DomainError, NotFound
from registry.forms import add_domain_errors
from registry.models import ProvisionImport

VIEW = "registry.view_legalprovision"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp danh mục (.json hoặc .xlsx)"),
        help_text=gettext_lazy("Tối đa 5 MB và 5.000 dòng."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # Refused before it is read into memory: the service checks the bytes again.
        if upload.size > catalogue_io.MAX_BYTES:
            raise forms.ValidationError(
                _("Tệp lớn hơn %(mb)d MB: hãy chia thành nhiều tệp.")
                % {"mb": catalogue_io.MAX_BYTES // (1024 * 1024)}
            )
        return upload


def _require(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise DjangoPermissionDenied


def _staged(request, import_id: int) -> ProvisionImport:
    _require(request, provisions.ENTER)
    try:
        return catalogue_import.provision_import_get(user=request.user, import_id=import_id)
    except NotFound as exc:
        raise Http404 from exc


@login_required
def provision_import(request):
    _require(request, provisions.ENTER)
    form = UploadForm()
    status = 200
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                staged = catalogue_import.provision_import_stage(
                    by=request.user, file_name=upload.name, data=upload.read()
                )
            except DomainError as error:
                add_domain_errors(form, error)
            else:
                return redirect("provision-import-detail", import_id=staged.pk)
    return render(
        request,
        "registry/provision_import.html",
        {"form": form, "max_rows": catalogue_io.MAX_ROWS},
        status=status,
    )


def _with_errors(staged: ProvisionImport, sheet: str, language: str) -> list[dict]:
    """The plan's rows of one sheet, each with its errors in the reader's language."""
    by_row: dict[int, list[dict]] = {}
    for error in staged.errors:
        if error["sheet"] == sheet:
            message = error["messages"].get(language) or error["messages"]["vi"]
            by_row.setdefault(error["row"], []).append(
                {"field": error["field"], "message": message}
            )
    rows = []
    for row in staged.plan.get(sheet, []):
        days = {
            key: date.fromisoformat(row[key]) for key in ("valid_from", "issued_on") if row.get(key)
        }
        rows.append({**row, **days, "errors": by_row.get(row["row"], [])})
    return rows


@login_required
def provision_import_detail(request, import_id: int):
    staged = _staged(request, import_id)
    language = "en" if (request.LANGUAGE_CODE or "").startswith("en") else "vi"
    counts = staged.plan.get("counts", {})
    return render(
        request,
        "registry/provision_import_detail.html",
        {
            "staged": staged,
            "counts": counts,
            "documents": _with_errors(staged, DOCUMENTS, language),
            "versions": _with_errors(staged, PROVISIONS, language),
            "may_apply": staged.status == ProvisionImport.Status.PREVIEWED
            and not staged.errors
            and (counts.get("versions") or counts.get("documents")),
            "previewed": staged.status == ProvisionImport.Status.PREVIEWED,
            "row_word": _("Dòng") if staged.format == ProvisionImport.Format.XLSX else _("Mục"),
        },
    )


@login_required
@require_POST
def provision_import_apply(request, import_id: int):
    staged = _staged(request, import_id)
    try:
        staged = catalogue_import.provision_import_apply(by=request.user, staged=staged)
    except DomainError as error:  # the catalogue changed (new errors kept), or already done
        messages.error(request, error.render())
        return redirect("provision-import-detail", import_id=staged.pk)
    counts = staged.plan["counts"]
    messages.success(
        request,
        _("Đã nhập %(count)d phiên bản; chờ người thứ hai xác minh.")
        % {"count": counts["versions"]}
        if counts["versions"]
        else _("Đã thêm %(count)d văn bản vào danh mục.") % {"count": counts["documents"]},
    )
    return redirect(f"{reverse('provision-list')}?status=pending")


@login_required
@require_POST
def provision_import_discard(request, import_id: int):
    staged = _staged(request, import_id)
    try:
        catalogue_import.provision_import_discard(by=request.user, staged=staged)
    except DomainError as error:
        messages.error(request, error.render())
        return redirect("provision-import-detail", import_id=staged.pk)
    messages.success(request, _("Đã hủy lần nhập; danh mục không thay đổi."))
    return redirect("provision-import")


def _download(request, content: bytes, content_type: str, suffix: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    name = f"danh-muc-dieu-khoan-{timezone.localdate():%Y-%m-%d}.{suffix}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def provision_export_json(request):
    _require(request, VIEW)
    items = catalogue_io.items_of(*catalogue_io.catalogue_of(user=request.user))
    return _download(request, catalogue_io.to_json(items), "application/json", "json")


@login_required
def provision_export_xlsx(request):
    _require(request, VIEW)
    items = catalogue_io.items_of(*catalogue_io.catalogue_of(user=request.user))
    return _download(request, catalogue_io.to_xlsx(items), XLSX, "xlsx")
