"""Dashboard, exports and search pages for supervisors and officers."""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import selectors as complaint_selectors
from registry.routers import replica_reads
from review import dashboard, exports
from review import selectors as review_selectors

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DASHBOARD = "registry.view_dashboard"


def _date(raw: str | None) -> date | None:
    """dd/mm/yyyy as people write it, or yyyy-mm-dd from a date input."""
    raw = (raw or "").strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return timezone.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    return None


def period_from(get) -> tuple[dashboard.Period, str | None]:
    """The period asked for (year to date by default), and the code of what is wrong
    with it when it cannot be reported on (year to date is shown instead)."""
    default = dashboard.Period.year_to_date()
    start, end = (
        _date(get.get("from")) or default.date_from,
        _date(get.get("to")) or default.date_to,
    )
    problem = dashboard.period_problem(start, end)
    if problem:
        return default, problem
    return dashboard.Period(start, end), None


def _unit_id(get) -> int | None:
    raw = get.get("unit", "")
    return int(raw) if raw.isdecimal() and len(raw) < 12 else None


def _require_dashboard(user) -> None:
    if not user.has_perm(DASHBOARD):
        raise PermissionDenied


def _attachment(response, name: str):
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@replica_reads
def dashboard_page(request):
    _require_dashboard(request.user)
    period, error = period_from(request.GET)
    board = dashboard.dashboard_get(user=request.user, period=period, unit_id=_unit_id(request.GET))
    context = {
        "board": board,
        "error": error,
        "units": dashboard.dashboard_units(user=request.user)
        if request.user.unit_id and request.user.unit.is_national
        else [],
        "unit_id": _unit_id(request.GET),
        "scope_bars": dashboard.bars([(label, n) for _v, label, n in board.inspections_by_scope]),
        "unit_bars": dashboard.bars(
            [(row.unit.name, row.received) for row in board.by_unit if row.received]
        ),
    }
    return render(request, "review/dashboard.html", context, status=400 if error else 200)


@login_required
@replica_reads
def dashboard_export(request):
    _require_dashboard(request.user)
    period, _error = period_from(request.GET)
    board = dashboard.dashboard_get(user=request.user, period=period, unit_id=_unit_id(request.GET))
    sheets = exports.dashboard_sheets(board)
    stem = f"so-lieu-{period.date_from:%Y%m%d}-{period.date_to:%Y%m%d}"
    if request.GET.get("format") == "csv":
        _title, headers, rows = sheets[1]  # by unit, with the totals row
        response = StreamingHttpResponse(
            exports.csv_lines(headers, rows), content_type="text/csv; charset=utf-8"
        )
        return _attachment(response, f"{stem}.csv")
    return _attachment(HttpResponse(exports.xlsx(sheets), content_type=XLSX), f"{stem}.xlsx")


@login_required
@replica_reads
def cases_export(request):
    """The triage queue as filtered on the page, every page of it."""
    _require_dashboard(request.user)
    filters = complaint_selectors.filters_from_query(request.GET)
    complaints = complaint_selectors.complaint_list(user=request.user, filters=filters)
    stem = f"phan-anh-{timezone.localdate():%Y%m%d}"
    headers, rows = exports.case_headers(), exports.case_rows(complaints)
    if request.GET.get("format") == "csv":
        response = StreamingHttpResponse(
            exports.csv_lines(headers, rows), content_type="text/csv; charset=utf-8"
        )
        return _attachment(response, f"{stem}.csv")
    sheet = [(_("Phản ánh"), headers, rows)]
    return _attachment(HttpResponse(exports.xlsx(sheet), content_type=XLSX), f"{stem}.xlsx")


@login_required
@replica_reads
def search_page(request):
    q = request.GET.get("q", "").strip()[:100]
    found = review_selectors.search(user=request.user, q=q) if q else None
    return render(request, "review/search.html", {"q": q, "found": found})
