from datetime import date, datetime

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from ninja import Field, Schema
from typing_extensions import TypeAliasType

from registry import risk
from registry.models import EconomicOperator, LegalProvision

# Choices named after their model: the OpenAPI document keeps one schema per name, and
# several models call their choices `Status` or `Kind`.
OperatorKind = TypeAliasType("OperatorKind", EconomicOperator.Kind)
OperatorRole = TypeAliasType("OperatorRole", EconomicOperator.Role)
ProvisionStatus = TypeAliasType("ProvisionStatus", LegalProvision.Status)


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


class CategoryClassOut(Schema):
    """A category's class for a period: group 1/group 2 (scheme "group", Law 05/2007)
    until 30/06/2026, risk classes (scheme "risk", Law 78/2025) from 01/07/2026.
    `valid_to` is the last day in force (null while in force)."""

    scheme: str
    level: str
    label: str
    valid_from: date
    valid_to: date | None
    basis: str
    verified: bool


def _class_day(context) -> date:
    """The day the classes are read on: the request's `on` (see registry/api.py), else
    today in Vietnam."""
    request = (context or {}).get("request")
    return getattr(request, "class_day", None) or risk.today()


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    qcvn: str
    tcvn: str
    class_on: CategoryClassOut | None = Field(
        None, description="The class in force on the day asked (`on`, default today)."
    )
    classes: list[CategoryClassOut] = Field([], description="Every class, oldest first.")
    group2: bool = Field(
        False,
        description=(
            "Kept for older clients: true when the class on the day asked needs a "
            "declaration of conformity and the CR mark (group 2 before 01/07/2026, medium "
            "or high risk from then). Read `class_on` instead."
        ),
    )

    @staticmethod
    def resolve_class_on(obj, context):
        return risk.class_on(obj, _class_day(context))

    @staticmethod
    def resolve_classes(obj):
        return risk.class_history(obj)

    @staticmethod
    def resolve_group2(obj, context):
        return risk.needs_declaration(obj, _class_day(context))


class LegalDocumentOut(Schema):
    id: int
    kind: str
    number: str
    name: str
    issued_on: date
    title: str
    issuer: str
    url: str


class ProvisionOut(Schema):
    """One version of a sanctionable act, in force from `valid_from` to `valid_to` (both
    included; null while in force). Only `status` = verified may be cited."""

    id: int
    code: str
    citation: str
    document: LegalDocumentOut
    amending_document: LegalDocumentOut | None = None
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
    organisation_fine_basis: str
    fine_note: str
    additional_penalties: list[str]
    remedial_measures: list[str]
    valid_from: date
    valid_to: date | None
    replaces_id: int | None
    status: ProvisionStatus
    verified: bool
    source: str
    source_url: str
    is_demo: bool

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
    class_on: CategoryClassOut | None = Field(
        None,
        description="The class of the product's category on the day asked (`on`, default today).",
    )
    group2: bool = Field(False, description="As the category's `group2`.")
    declared_standard: str
    conformity_number: str
    manufacturer_id: int | None

    @staticmethod
    def resolve_class_on(obj, context):
        return risk.class_on(obj.category, _class_day(context))

    @staticmethod
    def resolve_group2(obj, context):
        return risk.needs_declaration(obj.category, _class_day(context))


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
    # For a user who needs the second factor: a code from the authenticator app or a
    # one-time recovery code (docs/second-factor.md).
    otp_code: str | None = Field(None, max_length=20)


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
