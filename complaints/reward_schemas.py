from datetime import datetime

from ninja import Field, Schema


class RewardPublicOut(Schema):
    """A reward as the holder of the receipt sees it (complaints/reward_selectors.py)."""

    kind: str
    kind_label: str
    amount_vnd: int | None = None
    basis: str
    ground_label: str
    ground_number: str
    status: str
    status_label: str
    unit: str
    unit_address: str
    unit_phone: str
    may_choose: bool
    approved_at: datetime | None = None
    chosen_at: datetime | None = None
    paid_at: datetime | None = None


class RewardChoiceIn(Schema):
    """How the reporter receives the approved reward: `counter` (anonymously, at the
    unit's counter with the receipt and the proof of filing), `disclose` (payee details
    sealed for the identity custodian only) or `decline`."""

    receipt: str = Field(..., max_length=60)
    choice: str = Field(..., max_length=10)
    payee_full_name: str = Field("", max_length=150)
    payee_id_number: str = Field("", max_length=20)
    payee_phone: str = Field("", max_length=30)
    payee_bank_name: str = Field("", max_length=150)
    payee_bank_account: str = Field("", max_length=40)
    payee_address: str = Field("", max_length=300)
