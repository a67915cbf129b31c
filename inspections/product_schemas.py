from datetime import date

from ninja import Schema

from registry.barcode_schemas import BarcodeProposalOut, OriginOut


class FindingProductOut(Schema):
    """The finding's goods as staff have confirmed them, and what waits for them."""

    finding_id: int
    product_id: int | None
    product_gtin: str
    product_batch: str
    product_expiry: date | None
    origin: OriginOut | None
    proposal: BarcodeProposalOut | None
