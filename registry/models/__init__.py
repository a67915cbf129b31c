from registry.models.access import ApiToken, Notification
from registry.models.audit import AuditChainHead, AuditEntry
from registry.models.calendar import CalendarDay
from registry.models.clocks import ClockExtension, LegalClock
from registry.models.factor_resets import FactorReset
from registry.models.imports import ProvisionImport
from registry.models.legal import LegalDocument, LegalProvision
from registry.models.org import (
    Province,
    Role,
    Unit,
    UnitGroupObjectPermission,
    UnitUserObjectPermission,
    User,
)
from registry.models.passkeys import PasskeyDevice
from registry.models.reference import EconomicOperator, Product, ProductCategory
from registry.models.risk import CategoryClass
from registry.models.scoping import ScopedQuerySet

__all__ = [
    "ApiToken",
    "AuditChainHead",
    "AuditEntry",
    "CalendarDay",
    "CategoryClass",
    "ClockExtension",
    "EconomicOperator",
    "FactorReset",
    "LegalClock",
    "LegalDocument",
    "LegalProvision",
    "Notification",
    "PasskeyDevice",
    "Product",
    "ProductCategory",
    "Province",
    "ProvisionImport",
    "Role",
    "ScopedQuerySet",
    "Unit",
    "UnitGroupObjectPermission",
    "UnitUserObjectPermission",
    "User",
]
