"""Reads of the shared registers. Every one starts from `visible_to(user)`."""

from datetime import date

from django.db.models import Q, QuerySet

from registry.models import (
    ApiToken,
    AuditEntry,
    EconomicOperator,
    LegalDocument,
    LegalProvision,
    Notification,
    Product,
    ProductCategory,
    Province,
    Unit,
    User,
)
from registry.permissions import get_visible
from registry.risk import with_classes
from registry.search import text_matches
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
    return with_classes(ProductCategory.objects.visible_to(user))


def provision_list(
    *,
    user,
    field: str | None = None,
    q: str | None = None,
    on: date | None = None,
    status: str | None = None,
    mine: str | None = None,
) -> QuerySet[LegalProvision]:
    """The catalogue's versions: with `on`, those in force that day; with `status`, in that
    state (every state when None); `mine` = "verify": pending versions someone else
    entered, "returned": the user's entries sent back; `q` matches the act, title,
    article, clause, point, code or document number, accents ignored."""
    qs = LegalProvision.objects.visible_to(user).select_related(
        "document", "amending_document", "entered_by", "verified_by"
    )
    if on is not None:
        qs = qs.in_force(on)
    if status:
        qs = qs.filter(status=status)
    if field:
        qs = qs.filter(field=field)
    if mine == "verify":
        qs = qs.filter(status=LegalProvision.Status.PENDING).exclude(entered_by=user)
    elif mine == "returned":
        qs = qs.filter(status=LegalProvision.Status.RETURNED, entered_by=user)
    if q:
        qs = text_matches(qs, q)
    return qs


def provision_work_counts(*, user) -> dict[str, int]:
    """What waits for a legal officer, as the catalogue's lists count it (`mine`)."""
    return {key: provision_list(user=user, mine=key).count() for key in ("verify", "returned")}


def provision_get(*, user, provision_id: int) -> LegalProvision:
    return get_visible(
        LegalProvision.objects.select_related(
            "document", "amending_document", "entered_by", "verified_by", "replaces"
        ),
        user,
        pk=provision_id,
    )


def provision_versions(*, user, provision: LegalProvision) -> QuerySet[LegalProvision]:
    """Every version of the same act (one code), oldest first."""
    return (
        LegalProvision.objects.visible_to(user)
        .filter(code=provision.code)
        .select_related("document", "amending_document", "entered_by", "verified_by")
        .order_by("valid_from", "pk")
    )


def provision_citable(
    *, user, on: date, field: str | None = None, q: str | None = None
) -> QuerySet[LegalProvision]:
    """What an act committed on `on` may cite: verified versions in force that day."""
    return provision_list(user=user, on=on, status=LegalProvision.Status.VERIFIED, field=field, q=q)


def legal_document_list(*, user) -> QuerySet[LegalDocument]:
    return LegalDocument.objects.visible_to(user)


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
    qs = with_classes(Product.objects.visible_to(user).select_related("category", "manufacturer"))
    if gtin:
        qs = qs.filter(gtin=gtin.strip())
    if category_id:
        qs = qs.filter(category_id=category_id)
    if q:
        qs = qs.filter(Q(name_folded__contains=fold(q)) | Q(gtin__startswith=q.strip()))
    return qs


def product_get(*, user, product_id: int) -> Product:
    return get_visible(
        with_classes(Product.objects.select_related("category", "manufacturer")),
        user,
        pk=product_id,
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
