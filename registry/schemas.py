from datetime import date, datetime

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from ninja import Field, Schema
from typing_extensions import TypeAliasType

from registry.models import EconomicOperator

# Choices named after their model: the OpenAPI document keeps one schema per name, and
# several models call their choices `Status` or `Kind`.
OperatorKind = TypeAliasType("OperatorKind", EconomicOperator.Kind)
OperatorRole = TypeAliasType("OperatorRole", EconomicOperator.Role)


class ProvinceOut(Schema):
    id: int
    code: str
    name: str
    kind: str


class UnitOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    province: ProvinceOut | None = None


class StaffOut(Schema):
    id: int
    username: str
    full_name: str
    roles: list[str] = Field(..., alias="role_names")


class MeOut(StaffOut):
    unit: UnitOut | None = None
    home_url: str


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    qcvn: str
    tcvn: str
    group2: bool


class ProvisionOut(Schema):
    id: int
    code: str
    citation: str
    decree: str
    amended_by: str
    article: int
    clause: int
    point: str
    field: str
    title: str
    act: str
    act_en: str
    fine_min_vnd: int
    fine_max_vnd: int
    fine_organisation_min_vnd: int
    fine_organisation_max_vnd: int
    additional_penalties: list[str]
    remedial_measures: list[str]
    verified: bool

    @staticmethod
    def resolve_fine_organisation_min_vnd(obj):
        return obj.fine_range(organisation=True)[0]

    @staticmethod
    def resolve_fine_organisation_max_vnd(obj):
        return obj.fine_range(organisation=True)[1]


class OperatorIn(Schema):
    name: str = Field(..., min_length=2, max_length=300)
    role: OperatorRole
    kind: OperatorKind = EconomicOperator.Kind.ORGANISATION
    tax_code: str | None = Field(None, max_length=20)
    address: str = Field("", max_length=400)
    province_id: int | None = None
    shop_url: str = Field("", max_length=500)


class OperatorOut(Schema):
    id: int
    name: str
    kind: str
    tax_code: str | None
    role: str
    address: str
    province: ProvinceOut | None = None
    shop_url: str


class ProductIn(Schema):
    name: str = Field(..., min_length=2, max_length=300)
    brand: str = Field("", max_length=200)
    model: str = Field("", max_length=200)
    gtin: str | None = Field(None, max_length=20)
    origin: str = Field("", max_length=100)
    category_id: int | None = None
    declared_standard: str = Field("", max_length=200)
    conformity_number: str = Field("", max_length=100)
    manufacturer_id: int | None = None


class ProductOut(Schema):
    id: int
    name: str
    brand: str
    model: str
    gtin: str | None
    origin: str
    category: CategoryOut | None = None
    group2: bool
    declared_standard: str
    conformity_number: str
    manufacturer_id: int | None


class AuditEntryOut(Schema):
    id: int
    at: datetime
    actor_id: int | None
    actor_username: str
    unit_id: int | None
    action: str
    target_type: str
    target_id: str
    target_repr: str
    changes: dict
    entry_hash: str

    @staticmethod
    def resolve_target_type(obj):
        ct = obj.target_type
        return f"{ct.app_label}.{ct.model}" if ct else ""


class TokenIn(Schema):
    username: str = Field(..., max_length=150)
    password: str = Field(..., max_length=200)
    device_name: str = Field(..., min_length=1, max_length=100)
    lifetime_days: int | None = Field(None, ge=1)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class TokenCreatedOut(TokenOut):
    token: str = Field(..., description="Chỉ hiện một lần / shown only once")


class NotificationOut(Schema):
    id: int
    subject: str
    body: str
    link: str
    created_at: datetime
    read_at: datetime | None


class DeadlineOut(Schema):
    start: date
    working_days: int
    due: date


class DayOffOut(Schema):
    date: date
    name: str


# --- Legal clocks ------------------------------------------------------------------------------


def _case_model(clock) -> str:
    # The API names a clock's case by its kind of case, as it did when the clock had a
    # column for each (a cached lookup, no query).
    return ContentType.objects.get_for_id(clock.case_type_id).model


class ClockExtensionOut(Schema):
    at: datetime
    reason: str
    previous_due_on: date
    new_due_on: date


class ClockOut(Schema):
    id: int
    kind: str
    kind_label: str
    state: str
    complaint_id: int | None
    inspection_id: int | None
    started_at: datetime
    due_on: date
    due_at: datetime
    stopped_at: datetime | None
    extensions: int
    overdue: bool
    extension_log: list[ClockExtensionOut]

    @staticmethod
    def resolve_kind_label(obj):
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_complaint_id(obj):
        return obj.case_id if _case_model(obj) == "complaint" else None

    @staticmethod
    def resolve_inspection_id(obj):
        return obj.case_id if _case_model(obj) == "inspection" else None

    @staticmethod
    def resolve_overdue(obj):
        return obj.is_running and obj.due_at <= timezone.now()

    @staticmethod
    def resolve_extension_log(obj):
        return list(obj.extension_log.all())
