from ninja import Schema

from registry.barcode_schemas import BarcodeProposalOut, OriginOut


class ComplaintProductOut(Schema):
    """The report's product as staff have confirmed it, and what waits for them."""

    complaint_id: int
    product_name: str
    product_brand: str
    product_gtin: str
    product_batch: str
    product_id: int | None
    origin: OriginOut | None
    proposal: BarcodeProposalOut | None
