from datetime import date, datetime

from ninja import Field, Schema
from typing_extensions import TypeAliasType

from registry.api_base import Id
from review.models import LegalClock

# Choices named after their model: the OpenAPI document keeps one schema per name, and
# several models call their choices `Status` or `Kind`.
ClockKind = TypeAliasType("ClockKind", LegalClock.Kind)
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


class SearchOut(Schema):
    complaint_count: int
    complaints: list[SearchComplaintOut]
    inspection_count: int
    inspections: list[SearchInspectionOut]


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
    def resolve_overdue(obj):
        from django.utils import timezone

        return obj.is_running and obj.due_at <= timezone.now()

    @staticmethod
    def resolve_extension_log(obj):
        return list(obj.extension_log.all())
