"""Reads of the shared registers. Every one starts from `visible_to(user)`."""

from django.db.models import Q, QuerySet

from registry.models import (
    ApiToken,
    AuditEntry,
    EconomicOperator,
    LegalProvision,
    Notification,
    Product,
    ProductCategory,
    Province,
    Unit,
    User,
)
from registry.permissions import get_visible
from registry.text import fold


def province_list(*, user) -> QuerySet[Province]:
    return Province.objects.visible_to(user)


def unit_list(*, user) -> QuerySet[Unit]:
    return Unit.objects.visible_to(user).select_related("province")


def unit_get(*, user, unit_id: int) -> Unit:
    return get_visible(Unit.objects.select_related("province"), user, pk=unit_id)


def unit_staff(*, user, unit_id: int) -> QuerySet[User]:
    unit = unit_get(user=user, unit_id=unit_id)
    return (
        User.objects.visible_to(user)
        .filter(unit=unit, is_active=True)
        .prefetch_related("groups")
        .order_by("full_name", "username")
    )


def category_list(*, user) -> QuerySet[ProductCategory]:
    return ProductCategory.objects.visible_to(user)


def provision_list(
    *, user, field: str | None = None, q: str | None = None
) -> QuerySet[LegalProvision]:
    qs = LegalProvision.objects.visible_to(user).filter(is_active=True)
    if field:
        qs = qs.filter(field=field)
    if q:
        qs = qs.filter(Q(act__icontains=q) | Q(title__icontains=q) | Q(act_en__icontains=q))
    return qs


def provision_get(*, user, provision_id: int) -> LegalProvision:
    return get_visible(LegalProvision.objects.all(), user, pk=provision_id)


def operator_list(
    *, user, q: str | None = None, tax_code: str | None = None, province_id: int | None = None
) -> QuerySet[EconomicOperator]:
    qs = EconomicOperator.objects.visible_to(user).select_related("province")
    if tax_code:
        qs = qs.filter(tax_code__startswith=tax_code.strip())
    if province_id:
        qs = qs.filter(province_id=province_id)
    if q:
        qs = qs.filter(Q(name_folded__contains=fold(q)) | Q(tax_code__startswith=q.strip()))
    return qs


def operator_get(*, user, operator_id: int) -> EconomicOperator:
    return get_visible(EconomicOperator.objects.select_related("province"), user, pk=operator_id)


def product_list(
    *, user, q: str | None = None, gtin: str | None = None, category_id: int | None = None
) -> QuerySet[Product]:
    qs = Product.objects.visible_to(user).select_related("category", "manufacturer")
    if gtin:
        qs = qs.filter(gtin=gtin.strip())
    if category_id:
        qs = qs.filter(category_id=category_id)
    if q:
        qs = qs.filter(Q(name_folded__contains=fold(q)) | Q(gtin__startswith=q.strip()))
    return qs


def product_get(*, user, product_id: int) -> Product:
    return get_visible(
        Product.objects.select_related("category", "manufacturer"), user, pk=product_id
    )


def audit_entry_list(
    *, user, action: str | None = None, actor_id: int | None = None, target_id: str | None = None
) -> QuerySet[AuditEntry]:
    qs = AuditEntry.objects.visible_to(user).select_related("unit", "target_type")
    if action:
        qs = qs.filter(action=action)
    if actor_id:
        qs = qs.filter(actor_id=actor_id)
    if target_id:
        qs = qs.filter(target_id=target_id)
    return qs


def audit_entry_get(*, user, entry_id: int) -> AuditEntry:
    return get_visible(AuditEntry.objects.select_related("unit", "target_type"), user, pk=entry_id)


def api_token_list(*, user) -> QuerySet[ApiToken]:
    return ApiToken.objects.visible_to(user)


def notification_list(*, user, unread: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.visible_to(user)
    return qs.filter(read_at__isnull=True) if unread else qs
