"""The product a finding is about: the barcode read from its photos, confirmed or skipped
by staff, and the link to the one product record shared across provinces (by GTIN, or a
confirmed match of name and brand). Whoever may change the inspection may do it; every
change is audited."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from inspections.models import EvidencePhoto, Finding
from registry.audit import audit_record
from registry.barcodes import (
    BarcodeProposal,
    normalize_gtin,
)
from registry.errors import InvalidInput
from registry.models import Product
from registry.permissions import require_object_perm
from registry.product_links import (
    Proposal,
    gtin_names_a_product,
    product_by_gtin,
    product_for_gtin,
    products_by_gtins,
    proposal_of,
    proposed_photo,
)
from registry.validators import normalize_gtin as check_gtin

TYPED_GTIN_MAX = 20


def typed_gtin(value: str, *, field: str = "product_gtin") -> tuple[str, Product | None]:
    """A barcode an inspector typed or scanned with the finding (the tablet's lot item):
    ("", None) when empty; otherwise the GTIN in the normal form of the barcodes read
    from photos (registry.barcodes.normalize_gtin) and the product recorded under it,
    if any (none is made here: staff confirm a new product with its name). A wrong check
    digit, length or character is refused on `field`."""
    value = (value or "").strip()
    if not value:
        return "", None
    if len(value) > TYPED_GTIN_MAX:
        raise InvalidInput.field(
            field, "too_long", _("Tối đa %(limit)s ký tự."), {"limit": TYPED_GTIN_MAX}
        )
    try:
        check_gtin(value)
    except ValidationError as exc:
        raise InvalidInput.field(field, exc.code, exc.messages[0]) from None
    gtin = normalize_gtin(value)
    return gtin, product_by_gtin(gtin)


def _proposed_photo_of(finding: Finding) -> EvidencePhoto | None:
    return next(
        (p for p in finding.photos.all() if p.proposal_state == BarcodeProposal.PROPOSED), None
    )


def proposed_products(findings) -> dict[str, Product]:
    """The products of the GTINs proposed on these findings' photos, in one query, for
    `barcode_proposal` (uses the prefetched photos)."""
    photos = [_proposed_photo_of(finding) for finding in findings]
    return products_by_gtins(photo.proposed_gtin for photo in photos if photo is not None)


def barcode_proposal(
    *, finding: Finding, products: dict[str, Product] | None = None
) -> Proposal | None:
    """The first barcode waiting for staff on the finding's photos (None if none). Uses
    the prefetched photos when the finding has them, and `products` (proposed_products
    of a page's findings) when given, instead of one query per finding."""
    photo = _proposed_photo_of(finding)
    if photo is None:
        return None
    if products is None:
        return proposal_of(photo)
    return proposal_of(photo, product=products.get(photo.proposed_gtin))


def _locked_finding(by, finding: Finding) -> Finding:
    require_object_perm(by, "change", finding.inspection)
    return Finding.objects.select_for_update().select_related("inspection").get(pk=finding.pk)


def _proposed_photo(finding, photo_id: int) -> EvidencePhoto:
    return proposed_photo(EvidencePhoto.objects.filter(finding=finding), photo_id)


@transaction.atomic
def finding_barcode_confirm(
    *, by, finding: Finding, photo_id: int, name: str = "", brand: str = ""
) -> Finding:
    """Take the barcode read from a photo as the finding's goods: GTIN, batch and expiry
    on the finding, and the product record with that GTIN (recorded now, from `name` and
    `brand`, if nobody has)."""
    finding = _locked_finding(by, finding)
    photo = _proposed_photo(finding, photo_id)
    gtin = photo.proposed_gtin
    product = None
    if gtin_names_a_product(gtin):
        product = product_by_gtin(gtin)
        if product is None:
            if not (name or "").strip():
                raise InvalidInput.field(
                    "name",
                    "product_name_required",
                    _("Chưa có sản phẩm mang mã vạch này: hãy ghi tên sản phẩm để tạo hồ sơ."),
                )
            product = product_for_gtin(
                by=by, gtin=gtin, name=name.strip()[:300], brand=brand.strip()[:200]
            )
    previous = {"product": finding.product_id, "gtin": finding.product_gtin}
    finding.product_gtin = gtin
    finding.product_batch = photo.proposed_batch or finding.product_batch
    finding.product_expiry = photo.proposed_expiry or finding.product_expiry
    if product is not None:
        finding.product = product
    finding.save(update_fields=["product", "product_gtin", "product_batch", "product_expiry"])
    EvidencePhoto.objects.filter(
        finding=finding, proposal_state=BarcodeProposal.PROPOSED, proposed_gtin=gtin
    ).update(proposal_state=BarcodeProposal.CONFIRMED)
    audit_record(
        actor=by,
        action="finding.barcode_confirm",
        target=finding.inspection,
        changes={
            "finding": finding.pk,
            "photo": photo.pk,
            "from": previous,
            "gtin": gtin,
            "batch": finding.product_batch,
            "expiry": finding.product_expiry.isoformat() if finding.product_expiry else None,
            "product": product.pk if product else None,
        },
    )
    return finding


@transaction.atomic
def finding_barcode_skip(*, by, finding: Finding, photo_id: int) -> Finding:
    finding = _locked_finding(by, finding)
    photo = _proposed_photo(finding, photo_id)
    EvidencePhoto.objects.filter(
        finding=finding, proposal_state=BarcodeProposal.PROPOSED, proposed_gtin=photo.proposed_gtin
    ).update(proposal_state=BarcodeProposal.SKIPPED)
    audit_record(
        actor=by,
        action="finding.barcode_skip",
        target=finding.inspection,
        changes={"finding": finding.pk, "photo": photo.pk, "gtin": photo.proposed_gtin},
    )
    return finding


@transaction.atomic
def finding_product_link(*, by, finding: Finding, product: Product) -> Finding:
    """Link the finding to a product record staff confirmed by its name and brand."""
    finding = _locked_finding(by, finding)
    previous = finding.product_id
    finding.product = product
    if product.gtin and not finding.product_gtin:
        finding.product_gtin = product.gtin
    finding.save(update_fields=["product", "product_gtin"])
    audit_record(
        actor=by,
        action="finding.product_link",
        target=finding.inspection,
        changes={"finding": finding.pk, "from": previous, "product": product.pk},
    )
    return finding
