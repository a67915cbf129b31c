"""Product categories' dated classes: which class is in force on a day, and loading them.

Reads: `class_on(category, day)` (or `Product.class_on(day)`); for a list, prefetch with
`with_classes(queryset)` first, and each call is answered from the prefetched rows.
Writes: `category_classes_replace` checks a category's whole set of classes (each level
in its scheme, `valid_to` not before `valid_from`, no two overlapping) before it
replaces the old set, so that the set is loaded whole or not at all.
"""

import datetime
import itertools
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.audit import audit_record
from registry.errors import InvalidInput
from registry.models import CategoryClass, Product, ProductCategory
from registry.permissions import require_perm

# The day the risk classes of Law 78/2025/QH15 replaced "hàng hóa nhóm 2" (Decree
# 37/2026/NĐ-CP, Art. 5(2); Circular 36/2026/TT-BKHCN, Art. 6(1)).
RISK_CLASSES_FROM = datetime.date(2026, 7, 1)

NO_RISK_CLASS = _("Chưa có phân loại theo mức độ rủi ro")
NO_CLASS = _("Chưa có phân loại")


def today() -> datetime.date:
    """Today in Vietnam (TIME_ZONE is Asia/Ho_Chi_Minh)."""
    return timezone.localdate()


def _classes_queryset() -> QuerySet[CategoryClass]:
    return CategoryClass.objects.order_by("valid_from")


def with_classes(queryset: QuerySet, lookup: str | None = None) -> QuerySet:
    """Prefetch the classes a list will ask `class_on` about, in one query.

    For categories the lookup is "classes"; for products "category__classes"; pass
    another path (e.g. "product__category__classes" for samples) where needed.
    """
    if lookup is None:
        lookup = "category__classes" if queryset.model is Product else "classes"
    return queryset.prefetch_related(Prefetch(lookup, queryset=_classes_queryset()))


def class_on(category: ProductCategory | None, day: datetime.date) -> CategoryClass | None:
    """The class of `category` in force on `day`, or None (no category, or no class then).

    Answered from prefetched classes when there are any (see `with_classes`); otherwise
    one query.
    """
    return category.class_on(day) if category is not None else None


def class_history(category: ProductCategory | None) -> list[CategoryClass]:
    """Every class of `category`, oldest first."""
    if category is None:
        return []
    return sorted(category.classes.all(), key=lambda row: row.valid_from)


def no_class_text(day: datetime.date) -> str:
    """What a page says when a category has no class on `day`."""
    return str(NO_RISK_CLASS if day >= RISK_CLASSES_FROM else NO_CLASS)


def needs_declaration(category: ProductCategory | None, day: datetime.date) -> bool:
    """Group 2 before 01/07/2026, medium or high risk from then: the goods that need a
    declaration of conformity and the CR mark."""
    found = class_on(category, day)
    return bool(found and found.needs_declaration)


def check_classes(rows: Iterable[dict]) -> list[dict]:
    """Check one category's classes; return them oldest first.

    Raises ValueError naming what is wrong: a level outside its scheme, a `valid_to`
    before its `valid_from`, or two classes in force on the same day.
    """
    rows = sorted(rows, key=lambda row: row["valid_from"])
    for row in rows:
        allowed = CategoryClass.LEVELS_BY_SCHEME.get(row["scheme"])
        if allowed is None:
            raise ValueError(f"scheme {row['scheme']!r} is not one of group, risk")
        if row["level"] not in allowed:
            raise ValueError(f"level {row['level']!r} is not a level of scheme {row['scheme']!r}")
        if row.get("valid_to") is not None and row["valid_to"] < row["valid_from"]:
            raise ValueError(f"valid_to {row['valid_to']} is before valid_from {row['valid_from']}")
        if not row.get("basis"):
            raise ValueError("basis is required")
    for before, after in itertools.pairwise(rows):
        if before.get("valid_to") is None or before["valid_to"] >= after["valid_from"]:
            raise ValueError(
                f"the class from {before['valid_from']} overlaps the class from "
                f"{after['valid_from']}"
            )
    return rows


def parse_class(item: dict) -> dict:
    """One class as written in registry/data/product_categories.json, as model fields."""
    return {
        "scheme": item["scheme"],
        "level": item["level"],
        "valid_from": datetime.date.fromisoformat(item["valid_from"]),
        "valid_to": datetime.date.fromisoformat(item["valid_to"]) if item.get("valid_to") else None,
        "basis": item.get("basis") or "",
        "verified": bool(item.get("verified")),
        "source": item.get("source") or "",
    }


def category_classes_replace(
    *, by, category: ProductCategory, classes: Iterable[dict]
) -> list[CategoryClass]:
    """Replace the classes of `category` with `classes` (dicts of model fields), after
    checking them together; audited. Raises InvalidInput if they do not fit."""
    require_perm(by, "registry.change_categoryclass")
    try:
        rows = check_classes(classes)
    except ValueError as exc:
        raise InvalidInput(
            _("Phân loại nhóm sản phẩm không hợp lệ: %(detail)s"),
            code="category_classes_invalid",
            params={"detail": str(exc)},
        ) from exc
    with transaction.atomic():
        # Lock the category so that two loads of the same category cannot interleave.
        ProductCategory.objects.select_for_update().filter(pk=category.pk).first()
        category.classes.all().delete()
        created = CategoryClass.objects.bulk_create(
            CategoryClass(category=category, **row) for row in rows
        )
        audit_record(
            actor=by,
            action="registry.category_classes.replace",
            target=category,
            changes={
                "classes": [
                    {
                        "level": row["level"],
                        "valid_from": row["valid_from"].isoformat(),
                        "valid_to": row["valid_to"].isoformat() if row["valid_to"] else None,
                    }
                    for row in rows
                ]
            },
        )
    return created
