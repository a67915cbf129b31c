"""The product a report is about: the barcode read from its photos, confirmed or skipped
by staff, and the link to the one product record shared across provinces (by GTIN, or a
confirmed match of name and brand). Services check that the user may change the report,
and audit."""

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint, ComplaintPhoto
from registry.audit import audit_record
from registry.barcodes import BarcodeProposal, describe
from registry.models import Product
from registry.permissions import require_object_perm
from registry.product_links import (
    Proposal,
    product_for_gtin,
    proposal_of,
    proposed_photo,
)
from registry.services import notification_send


def barcode_proposal(*, complaint: Complaint) -> Proposal | None:
    """The first barcode waiting for staff on the report's photos (None if none)."""
    photo = (
        ComplaintPhoto.objects.filter(complaint=complaint, proposal_state=BarcodeProposal.PROPOSED)
        .order_by("created_at", "pk")
        .first()
    )
    if photo is None:
        return None
    return proposal_of(photo)


def _proposed_photo(complaint, photo_id: int) -> ComplaintPhoto:
    return proposed_photo(ComplaintPhoto.objects.filter(complaint=complaint), photo_id)


@transaction.atomic
def complaint_barcode_confirm(*, by, complaint: Complaint, photo_id: int) -> Complaint:
    """Take the barcode read from a photo as the report's: GTIN and batch on the report,
    and the report linked to the product with that GTIN (recorded now from the report's
    product name and brand if nobody has). A store's own number (restricted circulation)
    is kept on the report but names no product record."""
    require_object_perm(by, "change", complaint)
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    photo = _proposed_photo(complaint, photo_id)
    gtin = photo.proposed_gtin
    product = product_for_gtin(
        by=by, gtin=gtin, name=complaint.product_name, brand=complaint.product_brand
    )
    previous = {"gtin": complaint.product_gtin, "batch": complaint.product_batch}
    complaint.product_gtin = gtin
    if photo.proposed_batch:
        complaint.product_batch = photo.proposed_batch
    if product is not None:
        complaint.product = product
    complaint.save(update_fields=["product_gtin", "product_batch", "product"])
    # Every photo of the report that showed the same code is settled with it.
    ComplaintPhoto.objects.filter(
        complaint=complaint, proposal_state=BarcodeProposal.PROPOSED, proposed_gtin=gtin
    ).update(proposal_state=BarcodeProposal.CONFIRMED)
    audit_record(
        actor=by,
        action="complaint.barcode_confirm",
        target=complaint,
        changes={
            "photo": photo.pk,
            "from": previous,
            "gtin": gtin,
            "batch": complaint.product_batch,
            "symbology": photo.proposed_symbology,
            "product": product.pk if product else None,
        },
    )
    _tell_handler(by, complaint, _("Đã xác nhận mã vạch %(gtin)s cho phản ánh %(number)s."))
    return complaint


@transaction.atomic
def complaint_barcode_skip(*, by, complaint: Complaint, photo_id: int) -> Complaint:
    """Leave the barcode read from a photo aside (not the goods reported, a misread)."""
    require_object_perm(by, "change", complaint)
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    photo = _proposed_photo(complaint, photo_id)
    ComplaintPhoto.objects.filter(
        complaint=complaint,
        proposal_state=BarcodeProposal.PROPOSED,
        proposed_gtin=photo.proposed_gtin,
    ).update(proposal_state=BarcodeProposal.SKIPPED)
    audit_record(
        actor=by,
        action="complaint.barcode_skip",
        target=complaint,
        changes={"photo": photo.pk, "gtin": photo.proposed_gtin},
    )
    return complaint


@transaction.atomic
def complaint_product_link(*, by, complaint: Complaint, product: Product) -> Complaint:
    """Link the report to a product record staff confirmed by its name and brand. The
    report takes the product's GTIN only when it had none (a GTIN read or typed stays)."""
    require_object_perm(by, "change", complaint)
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    previous = complaint.product_id
    complaint.product = product
    if product.gtin and not complaint.product_gtin:
        complaint.product_gtin = product.gtin
    complaint.save(update_fields=["product", "product_gtin"])
    audit_record(
        actor=by,
        action="complaint.product_link",
        target=complaint,
        changes={"from": previous, "product": product.pk, "gtin": complaint.product_gtin},
    )
    _tell_handler(by, complaint, _("Phản ánh %(number)s đã được gắn với sản phẩm trong danh mục."))
    return complaint


def _tell_handler(by, complaint: Complaint, subject) -> None:
    """The officer handling the report learns when someone else changed its product."""
    handler = complaint.assigned_to
    if handler is None or handler.pk == by.pk:
        return
    notification_send(
        recipient=handler,
        subject=str(subject)
        % {"gtin": complaint.product_gtin, "number": complaint.tracking_number},
        body=str(_("Sản phẩm: %(name)s.")) % {"name": complaint.product_name},
        link=reverse("complaint-detail", kwargs={"complaint_id": complaint.pk}),
    )


def notify_proposal(*, photo_id: int) -> None:
    """After a worker read a barcode on a report's photo: its handler, if any, is told
    that a barcode waits for confirmation (once per photo)."""
    photo = (
        ComplaintPhoto.objects.select_related("complaint__assigned_to")
        .filter(pk=photo_id, proposal_state=BarcodeProposal.PROPOSED)
        .first()
    )
    if photo is None or photo.complaint.assigned_to is None:
        return
    complaint = photo.complaint
    notification_send(
        recipient=complaint.assigned_to,
        subject=str(_("Phản ánh %(number)s: mã vạch đọc được từ ảnh chờ xác nhận"))
        % {"number": complaint.tracking_number},
        body=str(_("Mã vạch đọc được từ ảnh: %(text)s."))
        % {"text": describe(photo.proposed_gtin, photo.proposed_batch, photo.proposed_expiry)},
        link=reverse("complaint-detail", kwargs={"complaint_id": complaint.pk}),
        dedup_key=f"barcode-proposal:complaint-photo:{photo.pk}",
    )
