from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import field_validator
from typing_extensions import TypeAliasType

from complaints.models import Complaint
from complaints.protection_schemas import ProtectionPublicOut
from complaints.reward_schemas import RewardPublicOut
from registry.api_base import Id
from registry.schemas import ClockOut  # noqa: F401 (the complaints API answers with it)

# Choices named after their model: the OpenAPI document keeps one schema per name, and
# several models call their choices `Status` or `Kind`.
ComplaintKind = TypeAliasType("ComplaintKind", Complaint.Kind)
ComplaintStatus = TypeAliasType("ComplaintStatus", Complaint.Status)


class ReportIn(Schema):
    """A citizen's report (multipart form fields; photos as files named `photos`)."""

    kind: ComplaintKind
    product_name: str = Field(..., max_length=300)
    product_brand: str = Field("", max_length=200)
    product_gtin: str = Field("", max_length=20)
    product_batch: str = Field("", max_length=100)
    product_category_id: int | None = None
    seller_name: str = Field(..., max_length=300)
    seller_address: str = Field("", max_length=400)
    seller_url: str = Field("", max_length=500)
    seller_tax_code: str = Field("", max_length=20)
    seller_province_id: int | None = None
    purchase_date: date | None = None
    description: str = Field(..., max_length=5000)
    identity_full_name: str = Field("", max_length=150)
    identity_phone: str = Field("", max_length=30)
    identity_email: str = Field("", max_length=200)
    identity_id_number: str = Field("", max_length=20)
    # A honeypot: people do not see it, bots fill it in.
    website: str = Field("", max_length=200, description="Để trống / leave empty")

    @field_validator("product_category_id", "seller_province_id", "purchase_date", mode="before")
    @classmethod
    def _blank_is_none(cls, value):
        # HTML forms send "" for an empty optional field.
        return None if value == "" else value


class ProofOut(Schema):
    payload: dict
    key_id: str
    signature: str


class FiledOut(Schema):
    tracking_number: str
    receipt: str = Field(..., description="Chỉ hiện một lần / shown only once")
    proof: ProofOut


class ReceiptIn(Schema):
    receipt: str = Field(..., max_length=60)


class ReplyIn(Schema):
    receipt: str = Field(..., max_length=60)
    body: str = Field("", max_length=5000)
    identity_full_name: str = Field("", max_length=150)
    identity_phone: str = Field("", max_length=30)
    identity_email: str = Field("", max_length=200)
    identity_id_number: str = Field("", max_length=20)


class HistoryOut(Schema):
    at: datetime
    status: str
    status_label: str
    note: str


class PublicMessageOut(Schema):
    at: datetime
    from_reporter: bool
    body: str
    photo_count: int


class MergedIntoOut(Schema):
    tracking_number: str
    status: str
    status_label: str
    closed: bool
    outcome: str


class StatusOut(Schema):
    tracking_number: str
    status: str
    status_label: str
    received_at: datetime
    unit: str
    kind: str
    kind_label: str
    product_name: str
    seller_name: str
    closed: bool
    outcome: str
    merged_into: MergedIntoOut | None = None
    may_reply: bool = True
    protection: list[ProtectionPublicOut] = []
    reward: RewardPublicOut | None = None
    # Photos the photo worker rejected (their pixels did not decode): never shown to staff.
    photos_rejected: int = 0
    photos_rejected_note: str = ""
    history: list[HistoryOut]
    messages: list[PublicMessageOut]


class ProofKeyOut(Schema):
    algorithm: str
    key_id: str
    public_key_pem: str


class VerifyOut(Schema):
    valid: bool


# --- Staff ---------------------------------------------------------------------------------


class ComplaintListOut(Schema):
    id: int
    tracking_number: str
    status: str
    nature: str
    kind: str
    product_name: str
    seller_name: str
    seller_province_id: int | None
    product_category_id: int | None
    unit_id: int
    assigned_to_id: int | None
    received_at: datetime
    due_at: datetime | None = Field(None, description="Hạn gần nhất / the nearest deadline")
    duplicate_group: int | None = Field(None, description="Nhóm trùng / duplicate group")
    photo_count: int


class ComplaintFilterIn(Schema):
    """The triage queues: `queue` is open (default), new, due_soon, overdue, closed or all."""

    queue: Literal["open", "new", "due_soon", "overdue", "closed", "all"] = "open"
    status: ComplaintStatus | None = None
    unit_id: Id | None = None
    province_id: Id | None = None
    category_id: Id | None = None
    kind: ComplaintKind | None = None
    nature: Complaint.Nature | None = None
    handler: str | None = Field(
        None, pattern=r"^(none|[0-9]{1,11})$", description="Mã cán bộ, hoặc none / user id or none"
    )
    q: str | None = Field(None, max_length=100)
    mine: bool = False
    grouped: bool = Field(False, description="Chỉ phản ánh có thể trùng / only likely duplicates")


class BulkAssignIn(Schema):
    ids: list[Id] = Field(..., min_length=1, max_length=200)
    officer_id: Id


class BulkAssignOut(Schema):
    assigned: int


class NatureIn(Schema):
    nature: Complaint.Nature


class ExtensionIn(Schema):
    reason: str = Field(..., max_length=2000)


class EventOut(Schema):
    at: datetime
    status_from: str
    status_to: str
    public_note: str
    actor_id: int | None


class MessageOut(Schema):
    id: int
    at: datetime
    author_kind: str
    author_id: int | None
    body: str
    internal: bool


class PhotoOut(Schema):
    id: int
    state: str
    width: int | None
    height: int | None
    message_id: int | None


class ComplaintOut(ComplaintListOut):
    channel: str
    product_brand: str
    product_gtin: str
    product_batch: str
    product_category_id: int | None
    seller_address: str
    seller_url: str
    seller_tax_code: str
    seller_province_id: int | None
    purchase_date: date | None
    description: str
    acknowledged_at: datetime | None
    closed_at: datetime | None
    outcome: str
    events: list[EventOut]
    messages: list[MessageOut]
    photos: list[PhotoOut]

    @staticmethod
    def resolve_events(obj):
        return list(obj.events.all())

    @staticmethod
    def resolve_messages(obj):
        return list(obj.messages.all())

    @staticmethod
    def resolve_photos(obj):
        return list(obj.photos.all())

    @staticmethod
    def resolve_photo_count(obj):
        return len(obj.photos.all())


class TransitionIn(Schema):
    to: ComplaintStatus
    public_note: str = Field("", max_length=5000)


class AssignIn(Schema):
    officer_id: Id


class StaffMessageIn(Schema):
    body: str = Field(..., max_length=5000)
    internal: bool = False


class DisclosureIn(Schema):
    reason: str = Field(..., max_length=2000)


class DisclosureOut(Schema):
    id: int
    complaint_id: int
    status: str
    created_at: datetime
    expires_at: datetime | None


class DisclosureDecisionIn(Schema):
    approve: bool
    reason: str = Field(..., max_length=2000)
    hours: int | None = Field(None, ge=1)


class IdentityOut(Schema):
    given: bool
    full_name: str = ""
    phone: str = ""
    email: str = ""
    id_number: str = ""


class MergeIn(Schema):
    ids: list[Id] = Field(..., min_length=1, max_length=200)


class DuplicateOut(Schema):
    id: int
    tracking_number: str
    status: str
    product_name: str
    seller_name: str
    reasons: list[str]
