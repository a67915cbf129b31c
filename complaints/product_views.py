"""The report's product: confirm or skip the barcode read from its photos, or link it to a
product record by a confirmed match of name and brand (docs/barcodes.md). Works without
JavaScript: plain forms, a confirmation message and a redirect after each POST."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from complaints import products, selectors
from complaints.models import Complaint
from registry.errors import DomainError, NotFound
from registry.models import Product
from registry.product_links import product_candidates

CONFIRMATIONS = {
    "confirm": lambda c: (
        _(
            "Đã xác nhận mã vạch %(gtin)s cho phản ánh; phản ánh đã được gắn với sản phẩm "
            "trong danh mục."
        )
        % {"gtin": c.product_gtin}
        if c.product_id
        else _("Đã xác nhận mã vạch %(gtin)s cho phản ánh.") % {"gtin": c.product_gtin}
    ),
    "skip": lambda c: _("Đã bỏ qua mã vạch đọc được từ ảnh; thông tin phản ánh không đổi."),
    "link": lambda c: _("Đã gắn phản ánh với sản phẩm %(product)s.") % {"product": c.product},
}


def _complaint(user, complaint_id: int) -> Complaint:
    try:
        return selectors.complaint_get(user=user, complaint_id=complaint_id)
    except NotFound as exc:
        raise Http404 from exc


def _photo_id(request) -> int:
    value = request.POST.get("photo_id", "")
    return int(value) if value.isdigit() else 0


@login_required
def complaint_product(request, complaint_id: int):
    complaint = _complaint(request.user, complaint_id)
    error = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "confirm":
                complaint = products.complaint_barcode_confirm(
                    by=request.user, complaint=complaint, photo_id=_photo_id(request)
                )
            elif action == "skip":
                complaint = products.complaint_barcode_skip(
                    by=request.user, complaint=complaint, photo_id=_photo_id(request)
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
                complaint = products.complaint_product_link(
                    by=request.user, complaint=complaint, product=product
                )
            else:
                raise Http404
            messages.success(request, CONFIRMATIONS[action](complaint))
            return redirect("complaint-detail", complaint_id=complaint.pk)
        except DomainError as exc:
            error = exc
            complaint = _complaint(request.user, complaint_id)
    name = request.GET.get("name", complaint.product_name)[:300]
    brand = request.GET.get("brand", complaint.product_brand)[:200]
    return render(
        request,
        "complaints/staff/product.html",
        {
            "complaint": complaint,
            "proposal": products.barcode_proposal(complaint=complaint),
            "name": name,
            "brand": brand,
            "candidates": product_candidates(user=request.user, name=name, brand=brand),
            "error": error.render() if error else None,
        },
        status=error.status if error else 200,
    )
