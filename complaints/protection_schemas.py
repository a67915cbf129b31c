"""The reporter's protection request in the public API (docs/protection.md)."""

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema
from typing_extensions import TypeAliasType

from whistleblower.models import ProtectionRequest

ProtectionKind = TypeAliasType("ProtectionKind", ProtectionRequest.Kind)


class ProtectionIn(Schema):
    """Ask to be protected: the receipt, what to protect, what is feared, and whether the
    identity is given (`now`: sealed, with the identity fields; `given`: the one sealed
    before; `anonymous`)."""

    receipt: str = Field(..., max_length=60)
    kinds: list[ProtectionKind] = Field(..., max_length=6)
    fear: str = Field(..., max_length=5000)
    identity: Literal["anonymous", "given", "now"] = "anonymous"
    identity_full_name: str = Field("", max_length=150)
    identity_phone: str = Field("", max_length=30)
    identity_email: str = Field("", max_length=200)
    identity_id_number: str = Field("", max_length=20)


class ProtectionFollowUpOut(Schema):
    on: date
    text: str


class ProtectionPublicOut(Schema):
    """A request as the holder of the receipt reads it (whistleblower/selectors.py)."""

    created_at: datetime
    status: str
    status_label: str
    kinds: list[str]
    kind_labels: list[str]
    due_on: date | None = None
    decided_at: datetime | None = None
    measures: str
    authority: str
    refusal_reason: str
    follow_ups: list[ProtectionFollowUpOut]
    closed_at: datetime | None = None
    closing_note: str
