"""The filters of the audit log's list (/audit/): by action, by day, from a day on. The
auditor's home page counts the same lists it links to (registry/home.py)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from registry import selectors
from registry.models import AuditEntry


@dataclass(frozen=True)
class AuditFilters:
    action: str = ""  # an exact action ("identity.view"), or a prefix ending in "."
    day: date | None = None  # entries of that day (Vietnam time)
    since: date | None = None  # entries from that day on

    def query(self) -> str:
        parts = []
        if self.action:
            parts.append(f"action={self.action}")
        if self.day:
            parts.append(f"day={self.day:%Y-%m-%d}")
        if self.since:
            parts.append(f"since={self.since:%Y-%m-%d}")
        return "&".join(parts)

    @property
    def active(self) -> bool:
        return bool(self.action or self.day or self.since)


def _date(raw: str | None) -> date | None:
    try:
        return date.fromisoformat((raw or "").strip()[:10]) if raw else None
    except ValueError:
        return None


def filters_from_query(get) -> AuditFilters:
    action = (get.get("action") or "").strip()[:80]
    if action and not all(c.isalnum() or c in "._-" for c in action):
        action = ""
    return AuditFilters(action=action, day=_date(get.get("day")), since=_date(get.get("since")))


def _start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_entries(*, user, filters: AuditFilters) -> QuerySet[AuditEntry]:
    qs = selectors.audit_entry_list(user=user)
    if filters.action.endswith("."):
        qs = qs.filter(action__startswith=filters.action)
    elif filters.action:
        qs = qs.filter(action=filters.action)
    if filters.day:
        qs = qs.filter(at__gte=_start(filters.day), at__lt=_start(filters.day + timedelta(days=1)))
    if filters.since:
        qs = qs.filter(at__gte=_start(filters.since))
    return qs
