"""The legal catalogue's pages: the versions in force, one version with its history and
the verifier's answers, entering a version or an amendment, and the legal documents.

Thin views: the rules (four eyes, periods in force, what may change) are in
registry.provisions; the reads in registry.selectors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registry import provisions, selectors
from registry.errors import DomainError, NotFound
from registry.forms import add_domain_errors
from registry.models import LegalProvision
from registry.provision_forms import (
    CatalogueFilterForm,
    LegalDocumentForm,
    ProvisionForm,
    ReturnForm,
    VerifyForm,
)

PAGE_SIZE = 25


def _get(request, provision_id: int) -> LegalProvision:
    try:
        return selectors.provision_get(user=request.user, provision_id=provision_id)
    except NotFound as exc:
        raise Http404 from exc


def _require(request, perm: str = provisions.ENTER) -> None:
    if not request.user.has_perm(perm):
        raise DjangoPermissionDenied


@login_required
def provision_list(request):
    form = CatalogueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    versions = selectors.provision_list(
        user=request.user,
        q=filters.get("q") or None,
        on=filters.get("on"),
        status=filters.get("status") or None,
        field=filters.get("field") or None,
        mine=filters.get("mine") or None,
    )
    page = Paginator(versions, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "registry/provision_list.html",
        {
            "page": page,
            "form": form,
            "query": query.urlencode(),
            "filtered": any(filters.values()),
            "may_enter": request.user.has_perm(provisions.ENTER),
        },
    )


def _detail(request, provision, *, verify_form=None, return_form=None, status=200):
    user = request.user
    wrote = provisions.authors(provision)
    may_verify = (
        provision.status == LegalProvision.Status.PENDING
        and user.has_perm(provisions.VERIFY)
        and user.pk not in wrote
    )
    may_enter = user.has_perm(provisions.ENTER)
    return render(
        request,
        "registry/provision_detail.html",
        {
            "p": provision,
            "versions": selectors.provision_versions(user=user, provision=provision),
            "penalties": [
                provisions.ADDITIONAL_PENALTIES.get(code, code)
                for code in provision.additional_penalties
            ],
            "measures": [
                provisions.REMEDIAL_MEASURES.get(code, code) for code in provision.remedial_measures
            ],
            "may_verify": may_verify,
            "own_entry": user.pk in wrote,
            "may_edit": may_enter and provision.status != LegalProvision.Status.VERIFIED,
            "may_amend": may_enter
            and provision.status == LegalProvision.Status.VERIFIED
            and not provision.replaced_by.exclude(status=LegalProvision.Status.RETURNED).exists(),
            "verify_form": verify_form or VerifyForm(auto_id="id_verify_%s"),
            "seen": provisions.seen_token(provision),
            "return_form": return_form or ReturnForm(auto_id="id_return_%s"),
        },
        status=status,
    )


@login_required
def provision_detail(request, provision_id: int):
    return _detail(request, _get(request, provision_id))


def _entry_page(request, form, *, title, replaces=None, provision=None, status=200):
    return render(
        request,
        "registry/provision_form.html",
        {
            "form": form,
            "title": title,
            "replaces": replaces,
            "provision": provision,
            "checkbox_fields": [form["additional_penalties"], form["remedial_measures"]],
        },
        status=status,
    )


def _save(request, form, call, *, title, success, replaces=None, provision=None):
    """Run the service with the posted content; the page again with every error if the
    form or the service refuses it."""
    status = 400
    if not form.is_valid():
        _add_content_errors(form)
    else:
        try:
            saved = call(form.content())
        except DomainError as error:
            add_domain_errors(form, error)
            status = error.status
        else:
            messages.success(request, success)
            return redirect("provision-detail", provision_id=saved.pk)
    return _entry_page(
        request, form, title=title, replaces=replaces, provision=provision, status=status
    )


def _add_content_errors(form) -> None:
    """With the form's own errors, the catalogue's rules on what did parse, so that the
    page shows every error at once."""
    parsed = {name: form.cleaned_data.get(name) for name in form.fields}
    parsed["point"] = (parsed.get("point") or "").strip().lower()
    for field, items in provisions.content_errors(parsed).items():
        if field in form.fields and field not in form.errors:
            for _code, message, params in items:
                form.add_error(field, str(message) % params if params else str(message))


@login_required
def provision_new(request):
    _require(request)
    title = _("Nhập điều khoản xử phạt")
    if request.method != "POST":
        return _entry_page(request, ProvisionForm(), title=title)
    return _save(
        request,
        ProvisionForm(request.POST),
        lambda content: provisions.provision_create(by=request.user, fields=content),
        title=title,
        success=_("Đã nhập điều khoản; đã báo cán bộ pháp chế khác để xác minh."),
    )


@login_required
def provision_amend(request, provision_id: int):
    """A new version replacing a verified one: same code, a later start, the amending
    document; the old version ends when the new one is verified."""
    _require(request)
    old = _get(request, provision_id)
    title = _("Lập phiên bản sửa đổi")
    if request.method != "POST":
        initial = provisions.content_of(old)
        initial.update(valid_from=None, valid_to=None, amending_document=None, source="")
        return _entry_page(request, ProvisionForm(initial=initial), title=title, replaces=old)
    return _save(
        request,
        ProvisionForm(request.POST),
        lambda content: provisions.provision_create(by=request.user, fields=content, replaces=old),
        title=title,
        replaces=old,
        success=_("Đã lập phiên bản sửa đổi; chờ người thứ hai xác minh."),
    )


@login_required
def provision_edit(request, provision_id: int):
    _require(request)
    provision = _get(request, provision_id)
    title = _("Sửa phiên bản chưa xác minh")
    if request.method != "POST":
        form = ProvisionForm(initial=provisions.content_of(provision))
        return _entry_page(request, form, title=title, provision=provision)
    return _save(
        request,
        ProvisionForm(request.POST),
        lambda content: provisions.provision_update(
            by=request.user, provision=provision, fields=content
        ),
        title=title,
        provision=provision,
        success=_("Đã sửa; phiên bản chờ xác minh lại."),
    )


@login_required
@require_POST
def provision_verify(request, provision_id: int):
    provision = _get(request, provision_id)
    _require(request, provisions.VERIFY)
    form = VerifyForm(request.POST, auto_id="id_verify_%s")
    if form.is_valid():
        try:
            provisions.provision_verify(
                by=request.user,
                provision=provision,
                note=form.cleaned_data["note"],
                # A client that does not say what it read is not checked for it.
                seen=request.POST.get("seen") or None,
            )
        except DomainError as error:
            add_domain_errors(form, error)
            return _detail(request, provision, verify_form=form, status=error.status)
        messages.success(
            request, _("Đã xác minh: phiên bản này nay được trích dẫn khi lập biên bản vi phạm.")
        )
        return redirect("provision-detail", provision_id=provision.pk)
    return _detail(request, provision, verify_form=form, status=400)


@login_required
@require_POST
def provision_return(request, provision_id: int):
    provision = _get(request, provision_id)
    _require(request, provisions.VERIFY)
    form = ReturnForm(request.POST, auto_id="id_return_%s")
    if form.is_valid():
        try:
            provisions.provision_return(
                by=request.user, provision=provision, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            add_domain_errors(form, error)
            return _detail(request, provision, return_form=form, status=error.status)
        messages.success(request, _("Đã trả lại cho người nhập, kèm lý do."))
        return redirect("provision-detail", provision_id=provision.pk)
    return _detail(request, provision, return_form=form, status=400)


@login_required
def document_list(request):
    """The legal documents the catalogue cites, and (for the legal staff) a new one."""
    may_enter = request.user.has_perm(provisions.ENTER)
    form = LegalDocumentForm()
    status = 200
    if request.method == "POST":
        _require(request)
        form = LegalDocumentForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                document = provisions.document_create(by=request.user, **form.cleaned_data)
            except DomainError as error:
                add_domain_errors(form, error)
                status = error.status
            else:
                messages.success(
                    request,
                    _("Đã thêm %(name)s vào danh mục văn bản.") % {"name": document.name},
                )
                return redirect(reverse("provision-documents"))
    documents = selectors.legal_document_list(user=request.user)
    return render(
        request,
        "registry/provision_documents.html",
        {
            "page": Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page")),
            "form": form,
            "may_enter": may_enter,
        },
        status=status,
    )
