"""API shapes of the product a report or a finding is about: the barcode read from its
photos, where its prefix was issued, and the product records it may be linked to."""

from datetime import date

from ninja import Field, Schema

from registry.api_base import Id
from registry.barcodes import gtin_origin


class OriginOut(Schema):
    prefix: str
    # country | restricted | publication | coupon | refund | global | demo | reserved | unknown
    kind: str
    country_code: str
    name: str


def origin_out(gtin: str) -> OriginOut | None:
    if not gtin:
        return None
    origin = gtin_origin(gtin)
    return OriginOut(
        prefix=origin.prefix,
        kind=origin.kind,
        country_code=origin.country_code,
        name=str(origin.name),
    )


class BarcodeProposalOut(Schema):
    photo_id: int
    gtin: str
    batch: str
    expiry: date | None
    symbology: str
    text: str
    origin: OriginOut
    product_id: int | None  # the product record already holding this GTIN
    names_a_product: bool


def proposal_out(proposal) -> BarcodeProposalOut | None:
    if proposal is None:
        return None
    return BarcodeProposalOut(
        photo_id=proposal.photo_id,
        gtin=proposal.gtin,
        batch=proposal.batch,
        expiry=proposal.expiry,
        symbology=proposal.symbology,
        text=str(proposal.text),
        origin=origin_out(proposal.gtin),
        product_id=proposal.product.pk if proposal.product else None,
        names_a_product=proposal.names_a_product,
    )


class ProductCandidateOut(Schema):
    id: int
    name: str
    brand: str
    model: str
    gtin: str | None


class BarcodePhotoIn(Schema):
    photo_id: Id
    # A finding has no product name of its own: the name of the product record made when
    # no record holds the GTIN yet (ignored for reports, which use the reported name).
    name: str = Field("", max_length=300)
    brand: str = Field("", max_length=200)


class ProductLinkIn(Schema):
    product_id: Id
