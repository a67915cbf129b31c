"""Public statistics (/thong-ke/): by province and year, for anyone, without a login.

The figures are the staff dashboard's (review/figures.py counts both), by the unit that
handles each record: a provincial sub-department is its province's row, the national
directorate a row of its own. Only active units are counted, as on the dashboard.

A year is published once it has a whole month behind it: the current year up to the
end of the last full month (compared with the same months of the year before), a past
year whole. Counts of 1 to 4 read "< 5" and a few more are hidden so that they cannot
be worked out by subtraction (review/disclosure.py). Nothing but counts leaves here: no
text, no name of a person, no report number; a hidden count's value never leaves this
module, so neither the page nor the CSV can carry it.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from registry.models import Unit
from registry.text import unit_order
from review import disclosure, figures
from review.dashboard import FIRST_YEAR, Period

CACHE_SECONDS = 10 * 60
YEARS_OFFERED = 10
NATIONAL = "TW"  # the national directorate's row, where a province code would be


@dataclass(frozen=True)
class Measure:
    name: str
    label: str
    definition: str


MEASURES = (
    Measure(
        "received",
        _("Phản ánh tiếp nhận"),
        _(
            "Phản ánh của người dân mà đơn vị tiếp nhận trong kỳ (qua trang web, ứng dụng, "
            "đường dây nóng hoặc trực tiếp), tính theo ngày tiếp nhận."
        ),
    ),
    Measure(
        "resolved",
        _("Đã giải quyết"),
        _(
            "Trong số phản ánh tiếp nhận trong kỳ, những phản ánh đã giải quyết xong và "
            "đã báo kết quả cho người phản ánh."
        ),
    ),
    Measure(
        "answered",
        _("Đã trả lời"),
        _(
            "Trong số phản ánh tiếp nhận trong kỳ, những phản ánh không thụ lý (người phản "
            "ánh được trả lời lý do) hoặc đã gộp vào một phản ánh khác cùng sự việc (người "
            "phản ánh nhận kết quả của phản ánh đó)."
        ),
    ),
    Measure(
        "in_progress",
        _("Đang giải quyết"),
        _(
            "Phần còn lại của phản ánh tiếp nhận trong kỳ: đang xác nhận, phân loại hoặc "
            "kiểm tra. Đã giải quyết + đã trả lời + đang giải quyết = tiếp nhận; tình "
            "trạng tính đến ngày xem trang."
        ),
    ),
    Measure(
        "inspections",
        _("Cuộc kiểm tra"),
        _(
            "Cuộc kiểm tra (theo kế hoạch hoặc đột xuất) đơn vị lập trong kỳ, tính theo "
            "ngày lập, trừ cuộc kiểm tra đã hủy, như số liệu báo cáo của cơ quan."
        ),
    ),
    Measure(
        "samples_failed",
        _("Mẫu không đạt"),
        _(
            "Mẫu thử nghiệm có kết quả không đạt, theo ngày có kết quả trong kỳ; lần thử "
            "nghiệm lại của cùng một mẫu không tính thêm."
        ),
    ),
    Measure(
        "alerts",
        _("Cảnh báo đã công bố"),
        _(
            "Cảnh báo sản phẩm công bố trong kỳ và đang công bố (cảnh báo đã gỡ không "
            "tính), như danh sách cảnh báo công khai."
        ),
    ),
)
NAMES = tuple(m.name for m in MEASURES)
GROUPS = (disclosure.Group("received", ("resolved", "answered", "in_progress")),)


@dataclass(frozen=True)
class StatsPeriod:
    year: int
    current: Period
    previous: Period

    @property
    def partial(self) -> bool:
        return self.current.date_to != date(self.year, 12, 31)


def last_published_year(today: date | None = None) -> int:
    today = today or timezone.localdate()
    return today.year if today.month > 1 else today.year - 1


def published_years(today: date | None = None, *, every: bool = False) -> list[int]:
    """The years published, the latest first: the last ten (links), or `every` one."""
    last = last_published_year(today)
    first = FIRST_YEAR if every else max(FIRST_YEAR, last - YEARS_OFFERED + 1)
    return list(range(last, first - 1, -1))


def stats_period(year: int, today: date | None = None) -> StatsPeriod | None:
    """The period published for `year`, or None when the year is not published."""
    today = today or timezone.localdate()
    if not FIRST_YEAR <= year <= last_published_year(today):
        return None
    if year < today.year:
        end, previous_end = date(year, 12, 31), date(year - 1, 12, 31)
    else:  # to the end of the last full month, and the same months a year before
        end = today.replace(day=1) - timedelta(days=1)
        previous_end = date(year - 1, today.month, 1) - timedelta(days=1)
    return StatsPeriod(
        year,
        Period(date(year, 1, 1), end),
        Period(date(year - 1, 1, 1), previous_end),
    )


def stats_units() -> list[Unit]:
    """Every active unit, provinces by name, the national directorate last."""
    units = Unit.objects.filter(is_active=True).select_related("province")
    return sorted(units, key=unit_order)


def counts_by_unit(*, unit_ids: list[int], period: Period) -> dict[tuple[int, str], int]:
    """Every measure of every unit for the period: one query per kind of record."""
    reports = figures.report_counts(unit_ids=unit_ids, period=period)
    others = {
        "inspections": figures.inspection_counts(unit_ids=unit_ids, period=period),
        "samples_failed": figures.failed_sample_counts(unit_ids=unit_ids, period=period),
        "alerts": figures.alert_counts(unit_ids=unit_ids, period=period),
    }
    values = {}
    for unit_id in unit_ids:
        r = reports.get(unit_id, figures.ReportCounts())
        values |= {
            (unit_id, "received"): r.received,
            (unit_id, "resolved"): r.resolved,
            (unit_id, "answered"): r.answered,
            (unit_id, "in_progress"): r.in_progress,
        }
        for name, counts in others.items():
            values[(unit_id, name)] = counts.get(unit_id, 0)
    return values


@dataclass(frozen=True)
class Cell:
    """One measure of one row: what is published, and nothing else."""

    value: int | None  # None when hidden
    state: str  # disclosure.SHOWN / SMALL / HIDDEN
    previous: int | None
    previous_state: str

    @staticmethod
    def text(value, state) -> str:
        if state == disclosure.SMALL:
            return "< 5"
        if state == disclosure.HIDDEN:
            return "x"
        return f"{value:,}".replace(",", ".")

    @property
    def display(self) -> str:
        return self.text(self.value, self.state)

    @property
    def previous_display(self) -> str:
        return self.text(self.previous, self.previous_state)

    @property
    def change(self) -> float | None:
        """Year on year, in %; None when the previous year is 0 or either is not shown."""
        if self.value is None or self.previous is None or not self.previous:
            return None
        return round((self.value - self.previous) * 100 / self.previous, 1)

    @property
    def change_display(self) -> str:
        change = self.change
        if change is None:
            return "—"
        sign = "+" if change > 0 else ("-" if change < 0 else "")
        return f"{sign}{abs(change):.1f}".replace(".", ",") + " %"


@dataclass(frozen=True)
class Row:
    code: str  # the province's code, or NATIONAL
    label: str  # the province's name, or the national unit's; "" for the total
    is_total: bool
    cells: tuple[Cell, ...]

    @property
    def name(self) -> str:
        # Translated when shown: the table is cached for readers of either language.
        return str(_("Cả nước")) if self.is_total else self.label

    def cell(self, name: str) -> Cell:
        return self.cells[NAMES.index(name)]

    @property
    def items(self) -> list[tuple[Measure, Cell]]:
        return list(zip(MEASURES, self.cells, strict=True))


@dataclass(frozen=True)
class Table:
    period: StatsPeriod
    rows: tuple[Row, ...]  # the units' rows, then the national total

    @property
    def total(self) -> Row:
        return self.rows[-1]

    def only(self, code: str | None) -> tuple[Row, ...]:
        """The rows shown for one province (and the national total), or all."""
        return tuple(r for r in self.rows if not code or r.is_total or r.code == code)


def _published(values, unit_ids):
    cells, state = disclosure.suppress(values, unit_ids, NAMES, GROUPS)
    return {
        key: (None if state[key] != disclosure.SHOWN else value, state[key])
        for key, value in cells.items()
    }


def stats_table(period: StatsPeriod) -> Table:
    """The whole table for a published period, suppressed; cached a few minutes, since
    anyone may ask for it."""
    key = f"public-stats:{period.year}:{period.current.date_to:%Y%m%d}"
    table = cache.get(key)
    if table is None:
        table = _table(period)
        cache.set(key, table, CACHE_SECONDS)
    return table


def _table(period: StatsPeriod) -> Table:
    units = stats_units()
    ids = [u.pk for u in units]
    now = _published(counts_by_unit(unit_ids=ids, period=period.current), ids)
    before = _published(counts_by_unit(unit_ids=ids, period=period.previous), ids)
    keys = [*((u.pk, u.province.code if u.province else NATIONAL, _label(u)) for u in units)]
    keys.append((disclosure.TOTAL, "", ""))
    rows = tuple(
        Row(
            code=code,
            label=label,
            is_total=row_key == disclosure.TOTAL,
            cells=tuple(Cell(*now[(row_key, n)], *before[(row_key, n)]) for n in NAMES),
        )
        for row_key, code, label in keys
    )
    return Table(period, rows)


def _label(unit: Unit) -> str:
    return unit.province.name if unit.province else unit.name


def province_choices() -> list[tuple[str, str]]:
    """The rows a reader may pick: each province with an active unit, and the national
    directorate, in the table's order."""
    return [(u.province.code if u.province else NATIONAL, _label(u)) for u in stats_units()]


def _span(period: Period) -> str:
    return f"{period.date_from:%d/%m/%Y} - {period.date_to:%d/%m/%Y}"


def csv_table(table: Table, province: str = "") -> tuple[list[str], list[list]]:
    """The CSV of the page: the same rows and the same hidden cells; numbers as
    numbers, "< 5" and "x" as text, the change in % (one decimal) or "—"."""
    now, before = _span(table.period.current), _span(table.period.previous)
    headers = [gettext("Tỉnh, thành phố")]
    for m in MEASURES:
        headers += [
            f"{m.label} ({now})",
            f"{m.label} ({before})",
            gettext("%(measure)s: thay đổi (%%)") % {"measure": m.label},
        ]
    rows = []
    for row in table.only(province):
        line = [row.name]
        for cell in row.cells:
            line += [
                cell.value if cell.value is not None else cell.display,
                cell.previous if cell.previous is not None else cell.previous_display,
                cell.change if cell.change is not None else "—",
            ]
        rows.append(line)
    return headers, rows
