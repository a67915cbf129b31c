"""XLSX and CSV of the dashboard and of case lists.

What goes out is listed column by column below, and no column holds a reporter's
identity, receipt or address: the identity lives only in the vault, and the free
texts (the description and the outcome written to the reporter, in which either side
may have named the reporter) are left out.
A cell that a spreadsheet would run as a formula (=, +, -, @ first) is written as text
(registry.spreadsheets.cell, shared with the legal catalogue's export).
"""

import csv
import io
from collections.abc import Iterable, Iterator

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from registry.spreadsheets import cell

MAX_ROWS = 200_000


def _local(moment, fmt="%d/%m/%Y %H:%M") -> str:
    return timezone.localtime(moment).strftime(fmt) if moment else ""


def case_headers() -> list[str]:
    return [
        _("Số theo dõi"),
        _("Trạng thái"),
        _("Tính chất"),
        _("Loại phản ánh"),
        _("Kênh"),
        _("Ngày tiếp nhận"),
        _("Hạn gần nhất"),
        _("Đơn vị xử lý"),
        _("Sản phẩm"),
        _("Nhãn hiệu"),
        _("Mã vạch"),
        _("Nhóm sản phẩm"),
        _("Người bán"),
        _("Địa chỉ người bán"),
        _("Gian hàng trực tuyến"),
        _("Mã số thuế"),
        _("Tỉnh, thành phố"),
        _("Cán bộ xử lý"),
        _("Ngày kết thúc"),
    ]


def case_rows(complaints) -> Iterator[list]:
    for c in complaints[:MAX_ROWS].iterator(chunk_size=2000):
        yield [
            c.tracking_number,
            c.get_status_display(),
            c.get_nature_display(),
            c.get_kind_display(),
            c.get_channel_display(),
            _local(c.received_at),
            c.due_on.strftime("%d/%m/%Y") if c.due_on else "",
            c.unit.name,
            c.product_name,
            c.product_brand,
            c.product_gtin,
            c.product_category.name if c.product_category_id else "",
            c.seller_name,
            c.seller_address,
            c.seller_url,
            c.seller_tax_code,
            c.seller_province.name if c.seller_province_id else "",
            (c.assigned_to.full_name or c.assigned_to.username) if c.assigned_to_id else "",
            _local(c.closed_at),
        ]


def dashboard_sheets(board) -> list[tuple[str, list, Iterable]]:
    period = f"{board.period.date_from:%d/%m/%Y} - {board.period.date_to:%d/%m/%Y}"
    summary = [
        [_("Kỳ báo cáo"), period],
        [_("Phản ánh tiếp nhận"), board.received],
        [_("Đã giải quyết"), board.resolved],
        [_("Đã trả lời"), board.answered],
        [_("Đang giải quyết"), board.in_progress],
        [_("Cuộc kiểm tra"), board.inspections],
        [_("Quyết định xử phạt"), board.decisions],
        [_("Tổng tiền phạt (đồng)"), board.fines_vnd],
        [_("Tiền phạt đã nộp (đồng)"), board.fines_paid_vnd],
    ]
    units = [
        [
            row.unit.name,
            row.received,
            row.resolved,
            row.answered,
            row.in_progress,
            row.inspections,
            row.decisions,
            row.fines_vnd,
        ]
        for row in board.by_unit
    ]
    units.append(
        [
            _("Tổng cộng"),
            board.received,
            board.resolved,
            board.answered,
            board.in_progress,
            board.inspections,
            board.decisions,
            board.fines_vnd,
        ]
    )
    clocks = [
        [
            row.label,
            row.started,
            row.met,
            row.late,
            row.overdue,
            row.running,
            row.cancelled,
            round(row.on_time_rate * 100, 1) if row.on_time_rate is not None else "",
        ]
        for row in board.clocks
    ]
    return [
        (_("Tổng hợp"), [_("Chỉ tiêu"), _("Giá trị")], summary),
        (
            _("Theo đơn vị"),
            [
                _("Đơn vị"),
                _("Tiếp nhận"),
                _("Đã giải quyết"),
                _("Đã trả lời"),
                _("Đang giải quyết"),
                _("Cuộc kiểm tra"),
                _("Quyết định xử phạt"),
                _("Tiền phạt (đồng)"),
            ],
            units,
        ),
        (
            _("Thời hạn"),
            [
                _("Thời hạn"),
                _("Bắt đầu trong kỳ"),
                _("Đúng hạn"),
                _("Trễ hạn"),
                _("Đang quá hạn"),
                _("Đang chạy"),
                _("Không còn áp dụng"),
                _("Tỷ lệ đúng hạn (%)"),
            ],
            clocks,
        ),
        (
            _("Phạm vi kiểm tra"),
            [_("Phạm vi"), _("Cuộc kiểm tra")],
            [[label, n] for _value, label, n in board.inspections_by_scope],
        ),
        (
            _("Hành vi vi phạm"),
            [_("Điều khoản"), _("Hành vi"), _("Số hành vi")],
            [list(item) for item in board.violations_by_provision],
        ),
        (
            _("Khen thưởng"),
            [
                _("Năm"),
                _("Đơn vị"),
                _("Đề xuất"),
                _("Đã duyệt"),
                _("Đã chi trả"),
                _("Tiền thưởng đã chi (đồng)"),
            ],
            [
                [row.year, row.unit.name, row.proposed, row.approved, row.paid, row.paid_vnd]
                for row in board.rewards
            ],
        ),
    ]


def xlsx(sheets: list[tuple[str, list, Iterable]]) -> bytes:
    """A workbook written row by row (openpyxl's write-only mode keeps memory flat)."""
    book = Workbook(write_only=True)
    for title, headers, rows in sheets:
        sheet = book.create_sheet(title=title[:31])
        sheet.append([cell(h) for h in headers])
        for row in rows:
            sheet.append([cell(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class _Echo:
    def write(self, value):
        return value


def csv_lines(headers: list, rows: Iterable) -> Iterator[str]:
    """CSV for a spreadsheet: UTF-8 with a byte-order mark, so that Excel reads the
    Vietnamese letters."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([cell(h, csv_cell=True) for h in headers])
    for row in rows:
        yield writer.writerow([cell(v, csv_cell=True) for v in row])
