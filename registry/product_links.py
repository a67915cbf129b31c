"""Finding the one product record a report or a finding is about: by its GTIN (made once
if nobody recorded it yet), or among the records whose name and brand match; and the
barcode read from a photo, proposed for staff to confirm (`Proposal`).

Used by complaints.products and inspections.products, which check who may change the
report or finding; these helpers only read, or create through registry.services."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext_lazy as _

from registry.barcodes import (
    BarcodeProposal,
    describe,
    gtin_forms,
    gtin_is_valid,
    gtin_origin,
)
from registry.errors import Conflict
from registry.models import Product
from registry.services import product_create
from registry.text import fold

MAX_CANDIDATES = 20


def product_by_gtin(gtin: str) -> Product | None:
    """The product recorded under this GTIN, however it was typed (12, 13 or 14 digits)."""
    forms = gtin_forms(gtin)
    return Product.objects.filter(gtin__in=forms).order_by("pk").first() if forms else None


def products_by_gtins(gtins) -> dict[str, Product]:
    """`product_by_gtin` of many GTINs in one query: each GTIN given (as written) to its
    product, however either was typed; GTINs without a product are left out."""
    forms = {gtin: gtin_forms(gtin) for gtin in set(gtins)}
    wanted = {form for spellings in forms.values() for form in spellings}
    if not wanted:
        return {}
    by_form = {}
    for product in Product.objects.filter(gtin__in=wanted).order_by("-pk"):
        by_form[product.gtin] = product  # the lowest pk of a spelling wins, as above
    found = {}
    for gtin, spellings in forms.items():
        matches = [by_form[form] for form in spellings if form in by_form]
        if matches:
            found[gtin] = min(matches, key=lambda product: product.pk)
    return found


@dataclass(frozen=True)
class Proposal:
    """A barcode read from one of a report's or a finding's photos, waiting for staff."""

    photo_id: int
    gtin: str
    batch: str
    expiry: date | None
    symbology: str
    text: str  # "8935049500100 (Việt Nam) — lô LOT42 — hạn 31/12/2027"
    origin_kind: str  # registry.barcodes.Origin.kind
    product: Product | None  # the record already holding this GTIN, if any
    names_a_product: bool

    @property
    def needs_name(self) -> bool:
        """Confirming will record a new product, which needs a name (a finding has none)."""
        return self.names_a_product and self.product is None


_LOOK_UP = object()


def proposal_of(photo, *, product=_LOOK_UP) -> Proposal:
    """The proposal of a photo whose barcode waits for staff (its `proposed_*` fields);
    `product` when the caller looked it up with others (products_by_gtins), else found
    here."""
    gtin = photo.proposed_gtin
    return Proposal(
        photo_id=photo.pk,
        gtin=gtin,
        batch=photo.proposed_batch,
        expiry=photo.proposed_expiry,
        symbology=photo.proposed_symbology,
        text=describe(gtin, photo.proposed_batch, photo.proposed_expiry),
        origin_kind=gtin_origin(gtin).kind,
        product=product_by_gtin(gtin) if product is _LOOK_UP else product,
        names_a_product=gtin_names_a_product(gtin),
    )


def gtin_names_a_product(gtin: str) -> bool:
    """False for numbers that name no product across the country: a store's or a
    company's own (restricted circulation) or a coupon's. A report may still carry them."""
    return gtin_origin(gtin).kind in ("country", "publication", "global")


def product_for_gtin(*, by, gtin: str, name: str, brand: str = "") -> Product | None:
    """The product with this GTIN, recorded now from `name` and `brand` if nobody has
    (registry.services.product_create checks that `by` may). None for a GTIN that names
    no product (gtin_names_a_product)."""
    if not gtin_names_a_product(gtin):
        return None
    existing = product_by_gtin(gtin)
    if existing is not None:
        return existing
    return product_create(by=by, name=name, brand=brand, gtin=gtin)


def product_candidates(*, user, name: str, brand: str = "", limit: int = MAX_CANDIDATES):
    """Products whose folded name and brand hold every word of `name` and `brand` (so
    "Nước mắm Phú Quốc" finds "NƯỚC MẮM PHÚ QUỐC (Hưng Thịnh)"), the exact match first."""
    key = fold(f"{name} {brand}")
    words = key.split()
    if not words:
        return []
    queryset = Product.objects.visible_to(user)
    for word in words[:8]:
        queryset = queryset.filter(name_folded__contains=word)
    return list(
        queryset.annotate(
            exact=Case(
                When(name_folded=key, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        ).order_by("exact", "name", "pk")[:limit]
    )


def proposed_photo(photos, photo_id: int):
    """The photo `photo_id` among `photos` (a report's or a finding's), locked, whose
    barcode still waits for staff. Our own check runs again: a row written by an older
    worker, or by hand, is not trusted."""
    photo = (
        photos.select_for_update()
        .filter(pk=photo_id, proposal_state=BarcodeProposal.PROPOSED)
        .first()
    )
    if photo is None or not gtin_is_valid(photo.proposed_gtin):
        raise Conflict(
            _("Không còn mã vạch nào chờ xác nhận trên ảnh này."), code="barcode_not_proposed"
        )
    return photo
