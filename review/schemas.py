from datetime import date

from django.apps import apps
from django.db import models
from ninja import Field, Schema
from typing_extensions import TypeAliasType

from registry.api_base import Id
from registry.clock_rules import kind_choices
from registry.models import LegalClock

# Choices named after their model: the OpenAPI document keeps one schema per name, and
# several models call their choices `Status` or `Kind`.
# The legal clocks are those the workflows declare (registry.clock_rules) when their apps
# are ready: this module must not be imported before (AppRegistryNotReady if it is).
apps.check_apps_ready()
ClockKind = TypeAliasType(
    "ClockKind",
    models.TextChoices("Kind", [(kind.upper(), (kind, label)) for kind, label in kind_choices()]),
)
ClockState = TypeAliasType("ClockState", LegalClock.State)


class ClockFilterIn(Schema):
    kind: ClockKind | None = None
    state: ClockState | None = None
    overdue: bool | None = Field(None, description="Đang quá hạn / running past the deadline")
    unit_id: Id | None = None


class UnitFiguresOut(Schema):
    unit_id: int
    unit: str
    received: int
    resolved: int
    answered: int
    in_progress: int
    inspections: int
    decisions: int
    fines_vnd: int


class ClockFiguresOut(Schema):
    kind: str
    label: str
    started: int
    met: int
    late: int
    overdue: int
    running: int
    on_time_rate: float | None


class CountOut(Schema):
    key: str
    label: str
    count: int


class RewardFiguresOut(Schema):
    """Rewards of one year and unit (review/rewards.py): counts and đồng paid."""

    year: int
    unit_id: int
    unit: str
    proposed: int
    approved: int
    paid: int
    paid_vnd: int


class DashboardOut(Schema):
    date_from: date
    date_to: date
    received: int
    resolved: int
    answered: int
    in_progress: int
    inspections: int
    decisions: int
    fines_vnd: int
    fines_paid_vnd: int
    by_unit: list[UnitFiguresOut]
    clocks: list[ClockFiguresOut]
    inspections_by_scope: list[CountOut]
    violations_by_provision: list[CountOut]
    rewards: list[RewardFiguresOut] = []


class SearchComplaintOut(Schema):
    id: int
    tracking_number: str
    status: str
    product_name: str
    seller_name: str
    unit_id: int


class SearchInspectionOut(Schema):
    id: int
    decision_number: str
    status: str
    operator_name: str
    unit_id: int


class SearchProductOut(Schema):
    id: int
    name: str
    brand: str
    gtin: str | None


class SearchAlertOut(Schema):
    id: int
    product_name: str
    operator_name: str
    barcode: str
    published_on: date
    unit_id: int


class SearchOut(Schema):
    complaint_count: int
    complaints: list[SearchComplaintOut]
    inspection_count: int
    inspections: list[SearchInspectionOut]
    gtin: bool = Field(False, description="The query was read as a barcode (GTIN)")
    products: list[SearchProductOut] = Field([], description="For a barcode: the products")
    alerts: list[SearchAlertOut] = Field([], description="For a barcode: published alerts")


class HistoryItemOut(Schema):
    """One report, inspection, finding, sample, violation record or alert of a history."""

    kind: str = Field(..., description="report, inspection, finding, sample, violation or alert")
    kind_label: str
    id: int
    number: str
    day: date
    status: str
    status_label: str
    unit_id: int
    unit: str
    title: str
    note: str
    url: str
    failed: bool


class HistorySectionOut(Schema):
    key: str
    title: str
    count: int = Field(..., description="The rows the caller may see")
    more: bool = Field(..., description="More rows than listed (the page's full list)")
    items: list[HistoryItemOut]


class HistoryUnitOut(Schema):
    """What one unit holds: every row, and how many the caller may not see (counts only)."""

    unit_id: int
    unit: str
    total: dict[str, int]
    hidden: dict[str, int]
    failed_samples: int
    hidden_failed_samples: int
    hidden_summary: str


class SubjectHistoryOut(Schema):
    kind: str
    subject_id: int
    subject_name: str
    sections: list[HistorySectionOut]
    units: list[HistoryUnitOut]
    timeline: list[HistoryItemOut]
