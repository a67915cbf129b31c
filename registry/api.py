from datetime import date

from django.contrib.auth import authenticate
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from registry import selectors, services, workdays
from registry.api_base import ERRORS, Id, PagePagination
from registry.errors import NotAuthenticated
from registry.login_throttle import (
    LoginLocked,
    locked_error,
    login_check,
    login_failed,
    login_succeeded,
)
from registry.models import LegalProvision
from registry.schemas import (
    AuditEntryOut,
    CategoryOut,
    DayOffOut,
    DeadlineOut,
    MeOut,
    NotificationOut,
    OperatorIn,
    OperatorOut,
    ProductIn,
    ProductOut,
    ProvinceOut,
    ProvisionOut,
    ProvisionStatus,
    StaffOut,
    TokenCreatedOut,
    TokenIn,
    TokenOut,
    UnitOut,
)
from registry.second_factor import token_second_factor
from registry.views import home_url_for

router = Router()


@router.get("/me", response={200: MeOut, **ERRORS}, tags=["account"], operation_id="get_me")
def me(request):
    user = request.auth
    return {
        "id": user.id,
        "username": user.username,
        "full_name": user.full_name,
        "role_names": user.role_names,
        "unit": user.unit,
        "home_url": home_url_for(user),
    }


# --- Tokens for tablets -----------------------------------------------------------------


@router.post(
    "/auth/tokens",
    response={201: TokenCreatedOut, **ERRORS},
    auth=None,
    tags=["account"],
    operation_id="create_token",
)
def token_create(request, payload: TokenIn):
    """Sign a tablet in: username and password in, a bearer token out (shown once). A user
    who needs the second factor also sends `otp_code` (from the authenticator app, or a
    recovery code), unless the call comes from their session that passed it."""
    try:
        login_check(payload.username, request.network_key)
    except LoginLocked as locked:
        raise locked_error(locked) from None
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None or not user.is_active:
        login_failed(payload.username, request.network_key)
        raise NotAuthenticated(_("Sai tên đăng nhập hoặc mật khẩu."), code="invalid_credentials")
    token_second_factor(request, user, payload.otp_code)
    login_succeeded(payload.username, request.network_key)
    record, token = services.api_token_create(
        user=user, name=payload.device_name, lifetime_days=payload.lifetime_days
    )
    return Status(201, {**TokenOut.from_orm(record).dict(), "token": token})


@router.get(
    "/auth/tokens",
    response={200: list[TokenOut], **ERRORS},
    tags=["account"],
    operation_id="list_tokens",
)
@paginate(PagePagination)
def token_list(request):
    return selectors.api_token_list(user=request.auth)


@router.delete(
    "/auth/tokens/{token_id}",
    response={204: None, **ERRORS},
    tags=["account"],
    operation_id="revoke_token",
)
def token_revoke(request, token_id: int):
    services.api_token_revoke(user=request.auth, token_id=token_id)
    return Status(204, None)


# --- Organisation -----------------------------------------------------------------------


@router.get(
    "/provinces",
    response={200: list[ProvinceOut], **ERRORS},
    tags=["reference"],
    operation_id="list_provinces",
)
@paginate(PagePagination)
def province_list(request):
    return selectors.province_list(user=request.auth)


@router.get(
    "/units",
    response={200: list[UnitOut], **ERRORS},
    tags=["organisation"],
    operation_id="list_units",
)
@paginate(PagePagination)
def unit_list(request):
    return selectors.unit_list(user=request.auth)


@router.get(
    "/units/{unit_id}",
    response={200: UnitOut, **ERRORS},
    tags=["organisation"],
    operation_id="get_unit",
)
def unit_detail(request, unit_id: int):
    return selectors.unit_get(user=request.auth, unit_id=unit_id)


@router.get(
    "/units/{unit_id}/staff",
    response={200: list[StaffOut], **ERRORS},
    tags=["organisation"],
    operation_id="list_unit_staff",
)
@paginate(PagePagination)
def unit_staff(request, unit_id: int):
    return selectors.unit_staff(user=request.auth, unit_id=unit_id)


# --- Reference data ---------------------------------------------------------------------


@router.get(
    "/categories",
    response={200: list[CategoryOut], **ERRORS},
    tags=["reference"],
    operation_id="list_categories",
)
@paginate(PagePagination)
def category_list(request, on: date | None = None):
    """Product categories with their dated classes; `class_on` is the class in force on
    `on` (default today in Vietnam)."""
    request.class_day = on
    return selectors.category_list(user=request.auth)


class ProvisionFilter(Schema):
    field: LegalProvision.Field | None = None
    q: str | None = Field(
        None, max_length=100, description="Act, article, clause, point, code or document."
    )
    on: date | None = Field(None, description="Only the versions in force on this day.")
    status: ProvisionStatus | None = Field(
        None, description="verified: the versions that may be cited."
    )


@router.get(
    "/provisions",
    response={200: list[ProvisionOut], **ERRORS},
    tags=["reference"],
    operation_id="list_provisions",
)
@paginate(PagePagination)
def provision_list(request, filters: Query[ProvisionFilter]):
    return selectors.provision_list(
        user=request.auth, field=filters.field, q=filters.q, on=filters.on, status=filters.status
    )


@router.get(
    "/provisions/{provision_id}",
    response={200: ProvisionOut, **ERRORS},
    tags=["reference"],
    operation_id="get_provision",
)
def provision_detail(request, provision_id: int):
    return selectors.provision_get(user=request.auth, provision_id=provision_id)


class OperatorFilter(Schema):
    q: str | None = Field(None, max_length=100)
    tax_code: str | None = Field(None, max_length=20)
    province_id: Id | None = None


@router.get(
    "/operators",
    response={200: list[OperatorOut], **ERRORS},
    tags=["reference"],
    operation_id="list_operators",
)
@paginate(PagePagination)
def operator_list(request, filters: Query[OperatorFilter]):
    return selectors.operator_list(user=request.auth, **filters.dict())


@router.post(
    "/operators",
    response={201: OperatorOut, **ERRORS},
    tags=["reference"],
    operation_id="create_operator",
)
def operator_create(request, payload: OperatorIn):
    province = (
        get_object_or_404(selectors.province_list(user=request.auth), pk=payload.province_id)
        if payload.province_id
        else None
    )
    data = payload.dict(exclude={"province_id"})
    return Status(201, services.operator_create(by=request.auth, province=province, **data))


@router.get(
    "/operators/{operator_id}",
    response={200: OperatorOut, **ERRORS},
    tags=["reference"],
    operation_id="get_operator",
)
def operator_detail(request, operator_id: int):
    return selectors.operator_get(user=request.auth, operator_id=operator_id)


class ProductFilter(Schema):
    q: str | None = Field(None, max_length=100)
    gtin: str | None = Field(None, max_length=20)
    category_id: Id | None = None
    on: date | None = Field(
        None, description="The day the categories' classes are read on (default today)."
    )


@router.get(
    "/products",
    response={200: list[ProductOut], **ERRORS},
    tags=["reference"],
    operation_id="list_products",
)
@paginate(PagePagination)
def product_list(request, filters: Query[ProductFilter]):
    request.class_day = filters.on
    return selectors.product_list(user=request.auth, **filters.dict(exclude={"on"}))


@router.post(
    "/products",
    response={201: ProductOut, **ERRORS},
    tags=["reference"],
    operation_id="create_product",
)
def product_create(request, payload: ProductIn):
    user = request.auth
    category = (
        get_object_or_404(selectors.category_list(user=user), pk=payload.category_id)
        if payload.category_id
        else None
    )
    manufacturer = (
        selectors.operator_get(user=user, operator_id=payload.manufacturer_id)
        if payload.manufacturer_id
        else None
    )
    data = payload.dict(exclude={"category_id", "manufacturer_id"})
    return Status(
        201, services.product_create(by=user, category=category, manufacturer=manufacturer, **data)
    )


@router.get(
    "/products/{product_id}",
    response={200: ProductOut, **ERRORS},
    tags=["reference"],
    operation_id="get_product",
)
def product_detail(request, product_id: int, on: date | None = None):
    request.class_day = on
    return selectors.product_get(user=request.auth, product_id=product_id)


# --- Working-day calendar ---------------------------------------------------------------


class DeadlineQuery(Schema):
    start: date
    working_days: int = Field(..., ge=0, le=365)


@router.get(
    "/calendar/deadline",
    response={200: DeadlineOut, **ERRORS},
    tags=["calendar"],
    operation_id="get_deadline",
)
def calendar_deadline(request, query: Query[DeadlineQuery]):
    """The date that falls `working_days` working days after `start` (start not counted)."""
    due = workdays.add_working_days(query.start, query.working_days)
    return {"start": query.start, "working_days": query.working_days, "due": due}


@router.get(
    "/calendar/days-off",
    response={200: list[DayOffOut], **ERRORS},
    tags=["calendar"],
    operation_id="list_days_off",
)
def calendar_days_off(request, year: int = Query(..., ge=2000, le=2100)):
    """Public holidays and extra days off in a year (weekends not listed)."""
    return [{"date": day, "name": name} for day, name in workdays.days_off(year)]


# --- Audit log, notifications -----------------------------------------------------------


class AuditFilter(Schema):
    action: str | None = Field(None, max_length=80)
    actor_id: Id | None = None
    target_id: str | None = Field(None, max_length=64)


@router.get(
    "/audit/entries",
    response={200: list[AuditEntryOut], **ERRORS},
    tags=["audit"],
    operation_id="list_audit_entries",
)
@paginate(PagePagination)
def audit_entry_list(request, filters: Query[AuditFilter]):
    return selectors.audit_entry_list(user=request.auth, **filters.dict())


@router.get(
    "/audit/entries/{entry_id}",
    response={200: AuditEntryOut, **ERRORS},
    tags=["audit"],
    operation_id="get_audit_entry",
)
def audit_entry_detail(request, entry_id: int):
    return selectors.audit_entry_get(user=request.auth, entry_id=entry_id)


@router.get(
    "/notifications",
    response={200: list[NotificationOut], **ERRORS},
    tags=["account"],
    operation_id="list_notifications",
)
@paginate(PagePagination)
def notification_list(request, unread: bool = False):
    return selectors.notification_list(user=request.auth, unread=unread)


@router.post(
    "/notifications/{notification_id}/read",
    response={200: NotificationOut, **ERRORS},
    tags=["account"],
    operation_id="mark_notification_read",
)
def notification_read(request, notification_id: int):
    return services.notification_mark_read(user=request.auth, notification_id=notification_id)
