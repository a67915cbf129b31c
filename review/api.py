from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router
from ninja.pagination import paginate

from registry import selectors as registry_selectors
from registry.api_base import ERRORS, Id, PagePagination
from registry.clock_views import clocks_of_visible_cases
from registry.errors import InvalidInput, PermissionDenied
from registry.models import LegalClock
from registry.routers import replica_reads
from registry.schemas import ClockOut
from review import dashboard, history
from review import selectors as review_selectors
from review.schemas import ClockFilterIn, DashboardOut, SearchOut, SubjectHistoryOut

router = Router(tags=["review"])


@router.get("/clocks", response={200: list[ClockOut], **ERRORS}, operation_id="list_clocks")
@paginate(PagePagination)
def list_clocks(request, filters: Query[ClockFilterIn]):
    """The legal clocks (running or stopped) whose case the caller may see, as /clocks/
    lists them: a unit's supervisor sees the unit's, an inspector those of their
    inspections, and a report's handler never a protection request's. The nearest
    deadline first."""
    qs = clocks_of_visible_cases(request.auth, LegalClock.objects.all())
    qs = qs.prefetch_related("extension_log")
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.unit_id:
        qs = qs.filter(unit_id=filters.unit_id)
    if filters.overdue is not None:
        now = timezone.now()
        running = qs.filter(state=LegalClock.State.RUNNING)
        qs = running.filter(due_at__lte=now) if filters.overdue else running.filter(due_at__gt=now)
    return qs.order_by("due_at", "pk")


@router.get("/dashboard", response={200: DashboardOut, **ERRORS}, operation_id="get_dashboard")
@replica_reads
def get_dashboard(
    request, date_from: date | None = None, date_to: date | None = None, unit_id: Id | None = None
):
    """The figures of the dashboard page; the same totals as its XLSX and CSV exports."""
    if not request.auth.has_perm("registry.view_dashboard"):
        raise PermissionDenied()
    default = dashboard.Period.year_to_date()
    period = dashboard.Period(date_from or default.date_from, date_to or default.date_to)
    problem = dashboard.period_problem(period.date_from, period.date_to)
    if problem == "period_reversed":
        raise InvalidInput.field("date_to", problem, _("Ngày kết thúc phải sau ngày bắt đầu."))
    if problem:
        raise InvalidInput.field(
            "date_from", problem, _("Kỳ báo cáo phải trong các năm 2000 đến 2100.")
        )
    board = dashboard.dashboard_get(user=request.auth, period=period, unit_id=unit_id)
    return {
        "date_from": period.date_from,
        "date_to": period.date_to,
        "received": board.received,
        "resolved": board.resolved,
        "answered": board.answered,
        "in_progress": board.in_progress,
        "inspections": board.inspections,
        "decisions": board.decisions,
        "fines_vnd": board.fines_vnd,
        "fines_paid_vnd": board.fines_paid_vnd,
        "by_unit": [
            {
                "unit_id": row.unit.pk,
                "unit": row.unit.name,
                **{
                    name: getattr(row, name)
                    for name in (
                        "received",
                        "resolved",
                        "answered",
                        "in_progress",
                        "inspections",
                        "decisions",
                        "fines_vnd",
                    )
                },
            }
            for row in board.by_unit
        ],
        "clocks": [{**vars(row), "on_time_rate": row.on_time_rate} for row in board.clocks],
        "inspections_by_scope": [
            {"key": key, "label": label, "count": n} for key, label, n in board.inspections_by_scope
        ],
        "violations_by_provision": [
            {"key": citation, "label": act, "count": n}
            for citation, act, n in board.violations_by_provision
        ],
        "rewards": [
            {**vars(row), "unit_id": row.unit.pk, "unit": row.unit.name} for row in board.rewards
        ],
    }


@router.get("/search", response={200: SearchOut, **ERRORS}, operation_id="search_cases")
@replica_reads
def search_cases(request, q: str = Query(..., min_length=1, max_length=100)):
    """Reports and inspections the caller may see, accents and case ignored. A barcode
    (8, 12, 13 or 14 digits, leading zeros or not) finds the products with it, the
    reports naming it, the inspections that sampled it and the published alerts."""
    found = review_selectors.search(user=request.auth, q=q)
    return {
        "complaint_count": found.complaint_count,
        "complaints": found.complaints,
        "inspection_count": found.inspection_count,
        "inspections": [
            {
                "id": i.pk,
                "decision_number": i.decision_number,
                "status": i.status,
                "operator_name": i.operator.name,
                "unit_id": i.unit_id,
            }
            for i in found.inspections
        ],
        "gtin": found.gtin,
        "products": found.products,
        "alerts": [
            {
                "id": a.pk,
                "product_name": a.product_name,
                "operator_name": a.operator_name,
                "barcode": a.barcode,
                "published_on": a.published_on,
                "unit_id": a.inspection.unit_id,
            }
            for a in found.alerts
        ],
    }


def _history(found: history.History) -> dict:
    return {
        "kind": found.kind,
        "subject_id": found.subject.pk,
        "subject_name": found.subject.name,
        "sections": found.sections,
        "units": found.units,
        "timeline": found.timeline,
    }


@router.get(
    "/products/{product_id}/history",
    response={200: SubjectHistoryOut, **ERRORS},
    operation_id="get_product_history",
)
@replica_reads
def get_product_history(request, product_id: Id):
    """Every unit's reports, inspections, samples with their results, violation records
    and alerts about the product (by the product or its barcode in any written form), as
    the page /review/products/{id}/ shows them: the rows the caller may see, and of the
    rest only how many each unit holds (`units[].hidden`). Published alerts are public."""
    product = registry_selectors.product_get(user=request.auth, product_id=product_id)
    return _history(history.history_get(user=request.auth, subject=product, kind="product"))


@router.get(
    "/operators/{operator_id}/history",
    response={200: SubjectHistoryOut, **ERRORS},
    operation_id="get_operator_history",
)
@replica_reads
def get_operator_history(request, operator_id: Id):
    """The same for an economic operator: reports naming it (or its tax code as the
    seller's), its inspections, their samples, the violation records against it and
    the alerts of its inspections."""
    operator = registry_selectors.operator_get(user=request.auth, operator_id=operator_id)
    return _history(history.history_get(user=request.auth, subject=operator, kind="operator"))
