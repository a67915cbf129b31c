"""The finding's product: confirm or skip the barcode read from its photos, or link it to
a product record by a confirmed match of name and brand (docs/barcodes.md). Reached from
the tablet's item page and the desk's inspection page; plain forms, no script needed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from inspections import products, selectors
from inspections.models import Finding, Inspection
from registry.errors import DomainError, NotFound
from registry.models import Product
from registry.product_links import product_candidates


def _finding(user, inspection_id: int, finding_id: int) -> Finding:
    try:
        inspection = selectors.inspection_get(user=user, inspection_id=inspection_id)
    except NotFound as exc:
        raise Http404 from exc
    finding = (
        Finding.objects.filter(inspection=inspection, pk=finding_id)
        .select_related("item", "product", "inspection")
        .prefetch_related("photos")
        .first()
    )
    if finding is None:
        raise Http404
    return finding


def _back(request, finding: Finding) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("desk-inspection", args=[finding.inspection_id])


def _confirmation(action: str, finding: Finding) -> str:
    if action == "confirm":
        return _("Đã xác nhận mã vạch %(gtin)s cho kết quả kiểm tra.") % {
            "gtin": finding.product_gtin
        }
    if action == "skip":
        return _("Đã bỏ qua mã vạch đọc được từ ảnh; kết quả kiểm tra không đổi.")
    return _("Đã gắn kết quả kiểm tra với sản phẩm %(product)s.") % {"product": finding.product}


@login_required
def finding_product(request, inspection_id: int, finding_id: int):
    finding = _finding(request.user, inspection_id, finding_id)
    error = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        photo_id = request.POST.get("photo_id", "")
        photo_id = int(photo_id) if photo_id.isdigit() else 0
        try:
            if action == "confirm":
                finding = products.finding_barcode_confirm(
                    by=request.user,
                    finding=finding,
                    photo_id=photo_id,
                    name=request.POST.get("name", ""),
                    brand=request.POST.get("brand", ""),
                )
            elif action == "skip":
                finding = products.finding_barcode_skip(
                    by=request.user, finding=finding, photo_id=photo_id
                )
            elif action == "link":
                product_id = request.POST.get("product_id", "")
                product = (
                    Product.objects.visible_to(request.user).filter(pk=product_id).first()
                    if product_id.isdigit()
                    else None
                )
                if product is None:
                    raise NotFound(_("Hãy chọn một sản phẩm trong danh sách."))
                finding = products.finding_product_link(
                    by=request.user, finding=finding, product=product
                )
            else:
                raise Http404
            finding = Finding.objects.select_related("product").get(pk=finding.pk)
            messages.success(request, _confirmation(action, finding))
            return redirect(_back(request, finding))
        except DomainError as exc:
            error = exc
            finding = _finding(request.user, inspection_id, finding_id)
    name = request.GET.get("name", "")[:300]
    brand = request.GET.get("brand", "")[:200]
    return render(
        request,
        "inspections/desk/finding_product.html",
        {
            "finding": finding,
            "inspection": finding.inspection,
            "proposal": products.barcode_proposal(finding=finding),
            "name": name,
            "brand": brand,
            "candidates": product_candidates(user=request.user, name=name, brand=brand),
            "next_url": _back(request, finding),
            "may_change": Inspection.objects.visible_to(request.user, "change")
            .filter(pk=finding.inspection_id)
            .exists(),
            "error": error.render() if error else None,
            "error_fields": error.render_errors() if error else {},
        },
        status=error.status if error else 200,
    )
