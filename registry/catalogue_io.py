"""The legal catalogue as a file: one format, `legal-catalogue/1`, in two encodings.

A catalogue is its legal documents and every version of every provision:

* JSON: {"format": "legal-catalogue/1", "documents": [...], "provisions": [...]};
* XLSX: the sheets `documents` and `provisions`, a header row of the same keys and one
  row per item, and a sheet `huong_dan` that explains each column.

Reading turns either encoding into the same rows (`read`), each with its number as the
user sees it (the sheet's row; the item's position from 1 in JSON) and the problems of
reading its values; registry.catalogue_import checks the rows against the catalogue and
applies them. Writing (`to_json`, `to_xlsx`) is deterministic: the same catalogue gives
the same JSON bytes and the same XLSX cells.
"""

import io
import json
import re
import zipfile
from datetime import date, datetime
from pathlib import PurePath

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from registry.catalogue_guide import guide_rows
from registry.errors import InvalidInput
from registry.models import LegalDocument, LegalProvision
from registry.spreadsheets import cell, uncell

FORMAT = "legal-catalogue/1"
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
# An XLSX is a zip archive: one that would inflate beyond this is refused unread.
MAX_UNZIPPED_BYTES = 60 * 1024 * 1024

DOCUMENTS = "documents"
PROVISIONS = "provisions"
GUIDE = "huong_dan"

TEXT, NUMBER, DAY, CODES = "text", "number", "date", "codes"
DOCUMENT_COLUMNS = {
    "number": TEXT,
    "kind": TEXT,
    "issued_on": DAY,
    "title": TEXT,
    "issuer": TEXT,
    "url": TEXT,
}
PROVISION_COLUMNS = {
    "code": TEXT,
    "document": TEXT,
    "amending_document": TEXT,
    "article": NUMBER,
    "clause": NUMBER,
    "point": TEXT,
    "field": TEXT,
    "title": TEXT,
    "title_en": TEXT,
    "act": TEXT,
    "act_en": TEXT,
    "fine_min_vnd": NUMBER,
    "fine_max_vnd": NUMBER,
    "organisation_fine_min_vnd": NUMBER,
    "organisation_fine_max_vnd": NUMBER,
    "organisation_fine_basis": TEXT,
    "fine_note": TEXT,
    "additional_penalties": CODES,
    "remedial_measures": CODES,
    "valid_from": DAY,
    "valid_to": DAY,
    "replaces_valid_from": DAY,
    "source": TEXT,
    "source_url": TEXT,
}
# Written on export for the reader, ignored on import: an import never verifies.
INFORMATIONAL_COLUMNS = ("status", "entered_by", "verified_by", "verified_at", "is_demo")
COLUMNS = {DOCUMENTS: DOCUMENT_COLUMNS, PROVISIONS: PROVISION_COLUMNS}

# The database's limits, beyond which a value could not be stored at all.
NUMBER_LIMITS = {"article": 32767, "clause": 32767}
MONEY_LIMIT = 10**15
_THOUSANDS = re.compile(r"^\d{1,3}(?:([.,\s])\d{3})(?:\1\d{3})*$")


def rendered(message, params: dict | None = None) -> dict[str, str]:
    """A message in each language of the interface, kept with a staged import so that
    its preview reads in the language of whoever looks at it."""
    out = {}
    for language in ("vi", "en"):
        with translation.override(language):
            text = str(message)
            out[language] = text % params if params else text
    return out


def file_error(code: str, message, params: dict | None = None) -> InvalidInput:
    return InvalidInput.field("file", code, message, params)


# --- Reading --------------------------------------------------------------------------------


def format_of(file_name: str) -> str:
    suffix = PurePath(file_name or "").suffix.lower()
    if suffix not in (".json", ".xlsx"):
        raise file_error(
            "unsupported_file_type", _("Chỉ nhận tệp .json hoặc .xlsx theo mẫu danh mục.")
        )
    return suffix[1:]


def read(data: bytes, fmt: str) -> dict:
    """The rows of a catalogue file: {"format", "documents": [...], "provisions": [...]}, each row
    {"row": n, "values": {...}, "parse_errors": [...]}, values JSON-ready (dates as
    YYYY-MM-DD). A file that cannot be read as a catalogue at all raises InvalidInput
    (field "file"); a value that cannot be read is a problem of its row."""
    if len(data) > MAX_BYTES:
        raise file_error(
            "file_too_large",
            _("Tệp lớn hơn %(mb)d MB: hãy chia thành nhiều tệp."),
            {"mb": MAX_BYTES // (1024 * 1024)},
        )
    rows = _read_xlsx(data) if fmt == "xlsx" else _read_json(data)
    if len(rows[DOCUMENTS]) + len(rows[PROVISIONS]) > MAX_ROWS:
        raise _too_many_rows()
    return {"format": fmt, **rows}


def _too_many_rows() -> InvalidInput:
    return file_error(
        "too_many_rows",
        _("Tệp có hơn %(rows)s dòng: hãy chia thành nhiều tệp."),
        {"rows": f"{MAX_ROWS:,}".replace(",", ".")},
    )


def _read_json(data: bytes) -> dict:
    try:
        payload = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise file_error("unreadable_file", _("Không đọc được tệp JSON.")) from exc
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise file_error(
            "wrong_format",
            _('Tệp JSON phải là một đối tượng có "format": "%(format)s" (xem mẫu tải về).'),
            {"format": FORMAT},
        )
    rows = {}
    for sheet in (DOCUMENTS, PROVISIONS):
        items = payload.get(sheet) or []
        if not isinstance(items, list):
            raise file_error("wrong_format", _('"%(key)s" phải là một danh sách.'), {"key": sheet})
        if len(items) > MAX_ROWS:
            raise _too_many_rows()
        rows[sheet] = [_json_row(sheet, number, item) for number, item in enumerate(items, 1)]
    return rows


def _json_row(sheet: str, number: int, item) -> dict:
    columns = COLUMNS[sheet]
    if not isinstance(item, dict):
        row = {"row": number, "values": {key: None for key in columns}, "parse_errors": []}
        _problem(row, "", "invalid_item", _("Mỗi mục phải là một đối tượng JSON."))
        return row
    raw = {key: value for key, value in item.items() if key not in INFORMATIONAL_COLUMNS}
    row = _row(sheet, number, raw, from_xlsx=False)
    for key in sorted(set(raw) - set(columns)):
        _problem(row, key, "unknown_column", _("Trường không có trong mẫu danh mục."))
    return row


def _read_xlsx(data: bytes) -> dict:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise file_error("unreadable_file", _("Không đọc được tệp XLSX.")) from exc
    if inflated > MAX_UNZIPPED_BYTES:
        raise file_error("unreadable_file", _("Không đọc được tệp XLSX."))
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise file_error("unreadable_file", _("Không đọc được tệp XLSX.")) from exc
    try:
        if PROVISIONS not in book.sheetnames:
            raise file_error(
                "missing_sheet",
                _("Tệp XLSX cần trang tính “%(sheet)s” (xem mẫu tải về)."),
                {"sheet": PROVISIONS},
            )
        return {
            sheet: _sheet_rows(book[sheet], sheet) if sheet in book.sheetnames else []
            for sheet in (DOCUMENTS, PROVISIONS)
        }
    finally:
        book.close()


def _sheet_rows(sheet, name: str) -> list[dict]:
    columns = COLUMNS[name]
    lines = sheet.iter_rows()
    header = [str(c.value).strip() if c.value is not None else "" for c in next(lines, ())]
    unknown = sorted(
        {k for k in header if k and k not in columns and k not in INFORMATIONAL_COLUMNS}
    )
    doubled = sorted({k for k in header if k and header.count(k) > 1})
    if unknown or doubled:
        raise file_error(
            "unknown_column",
            _("Trang tính “%(sheet)s” có cột không có trong mẫu hoặc lặp lại: %(columns)s."),
            {"sheet": name, "columns": ", ".join(unknown + doubled)},
        )
    rows, seen = [], 1
    for number, cells in enumerate(lines, start=2):
        seen += 1
        if seen > MAX_ROWS * 20:  # mostly empty rows: still not a catalogue to read
            raise _too_many_rows()
        values, formulas = {}, []
        for key, c in zip(header, cells, strict=False):
            if key in columns and c.value is not None:
                if c.data_type == "f":
                    formulas.append(key)
                else:
                    values[key] = c.value
        if not values and not formulas:
            continue
        if len(rows) >= MAX_ROWS:
            raise _too_many_rows()
        row = _row(name, number, values, from_xlsx=True)
        for key in formulas:
            _problem(row, key, "formula", _("Ô chứa công thức: hãy ghi giá trị."))
        rows.append(row)
    return rows


def _row(sheet: str, number: int, raw: dict, *, from_xlsx: bool) -> dict:
    row = {"row": number, "values": {}, "parse_errors": []}
    for key, kind in COLUMNS[sheet].items():
        value, problem = _PARSERS[kind](key, raw.get(key), from_xlsx)
        row["values"][key] = value
        if problem:
            _problem(row, key, *problem)
    return row


def _problem(row: dict, field: str, code: str, message, params=None) -> None:
    row["parse_errors"].append(
        {"field": field, "code": code, "messages": rendered(message, params)}
    )


def _text(key, raw, from_xlsx):
    if raw is None:
        return "", None
    if isinstance(raw, str):
        return (uncell(raw) if from_xlsx else raw).strip(), None
    if isinstance(raw, int) and not isinstance(raw, bool):
        return str(raw), None
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw)), None
    return "", ("invalid_text", _("Phải là chữ."))


def _number(key, raw, from_xlsx):
    value = None
    if isinstance(raw, str):
        text = raw.strip()
        if not text:
            return None, None
        if re.fullmatch(r"-?\d+", text):
            value = int(text)
        elif _THOUSANDS.match(text):
            value = int(re.sub(r"[.,\s]", "", text))
    elif isinstance(raw, bool):
        value = None
    elif isinstance(raw, int):
        value = raw
    elif isinstance(raw, float) and raw.is_integer():
        value = int(raw)
    elif raw is None:
        return None, None
    if value is None:
        return None, (
            "invalid_number",
            _("Phải là số nguyên, ví dụ 10000000 hoặc 10.000.000."),
        )
    limit = NUMBER_LIMITS.get(key, MONEY_LIMIT)
    if value > limit:
        return None, ("number_too_large", _("Số quá lớn (tối đa %(limit)s)."), {"limit": limit})
    return value, None


def _day(key, raw, from_xlsx):
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, None
    if isinstance(raw, datetime):
        if raw.time() == datetime.min.time():
            return raw.date().isoformat(), None
    elif isinstance(raw, date):
        return raw.isoformat(), None
    elif isinstance(raw, str):
        for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                return datetime.strptime(raw.strip(), pattern).date().isoformat(), None
            except ValueError:
                continue
    return None, ("invalid_date", _("Ngày phải có dạng YYYY-MM-DD hoặc dd/mm/yyyy."))


def _codes(key, raw, from_xlsx):
    if raw is None:
        return [], None
    if isinstance(raw, str):
        raw = raw.split(",")
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        return [], ("invalid_list", _("Phải là các mã cách nhau bằng dấu phẩy."))
    return [item.strip() for item in raw if item.strip()], None


_PARSERS = {TEXT: _text, NUMBER: _number, DAY: _day, CODES: _codes}


# --- Writing --------------------------------------------------------------------------------


def catalogue_of(*, user=None) -> tuple[list[LegalDocument], list[LegalProvision]]:
    """Every document and every version (every status) `user` may see; everything when
    `user` is None (the export command). Ordered here, not by the database, so that the
    order is the same on SQLite and PostgreSQL."""
    documents = LegalDocument.objects.all()
    versions = LegalProvision.objects.select_related(
        "document", "amending_document", "replaces", "entered_by", "verified_by"
    )
    if user is not None:
        documents, versions = documents.visible_to(user), versions.visible_to(user)
    return (
        sorted(documents, key=lambda d: d.number),
        sorted(versions, key=lambda p: (p.code, p.valid_from)),
    )


def items_of(documents, versions) -> dict[str, list[dict]]:
    """The catalogue as items of the format, with Python values (dates, datetimes)."""
    return {
        DOCUMENTS: [
            {
                "number": d.number,
                "kind": d.kind,
                "issued_on": d.issued_on,
                "title": d.title,
                "issuer": d.issuer,
                "url": d.url,
            }
            for d in documents
        ],
        PROVISIONS: [_version_item(p) for p in versions],
    }


def _version_item(p: LegalProvision) -> dict:
    item = {
        key: getattr(p, key)
        for key in PROVISION_COLUMNS
        if key not in ("document", "amending_document", "replaces_valid_from")
    }
    item.update(
        document=p.document.number,
        amending_document=p.amending_document.number if p.amending_document_id else "",
        replaces_valid_from=p.replaces.valid_from if p.replaces_id else None,
        additional_penalties=list(p.additional_penalties or []),
        remedial_measures=list(p.remedial_measures or []),
    )
    ordered = {key: item[key] for key in PROVISION_COLUMNS}
    ordered.update(
        status=p.status,
        entered_by=p.entered_by.username if p.entered_by_id else "",
        verified_by=p.verified_by.username if p.verified_by_id else "",
        verified_at=timezone.localtime(p.verified_at) if p.verified_at else None,
        is_demo=p.is_demo,
    )
    return ordered


def to_json(items: dict[str, list[dict]]) -> bytes:
    def plain(value):
        if isinstance(value, datetime):
            return value.isoformat(timespec="seconds")
        if isinstance(value, date):
            return value.isoformat()
        return value

    payload = {
        "format": FORMAT,
        DOCUMENTS: [{k: plain(v) for k, v in item.items()} for item in items[DOCUMENTS]],
        PROVISIONS: [{k: plain(v) for k, v in item.items()} for item in items[PROVISIONS]],
    }
    return (json.dumps(payload, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def to_xlsx(items: dict[str, list[dict]]) -> bytes:
    book = Workbook(write_only=True)
    for name, keys in (
        (DOCUMENTS, list(DOCUMENT_COLUMNS)),
        (PROVISIONS, [*PROVISION_COLUMNS, *INFORMATIONAL_COLUMNS]),
    ):
        sheet = book.create_sheet(title=name)
        sheet.freeze_panes = "A2"
        sheet.append([_header(sheet, key) for key in keys])
        for item in items[name]:
            sheet.append([_xlsx_cell(sheet, item[key]) for key in keys])
    guide = book.create_sheet(title=GUIDE)
    for width, letter in zip((14, 28, 90, 22), "ABCD", strict=True):
        guide.column_dimensions[letter].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    for number, row in enumerate(guide_rows()):
        cells = []
        for value in row:
            c = WriteOnlyCell(guide, value=cell(value))
            c.alignment = wrap
            if number == 0:
                c.font = Font(bold=True)
            cells.append(c)
        guide.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _header(sheet, key: str):
    c = WriteOnlyCell(sheet, value=key)
    c.font = Font(bold=True)
    return c


def _xlsx_cell(sheet, value):
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, datetime):
        c = WriteOnlyCell(sheet, value=value.replace(tzinfo=None))
        c.number_format = "DD/MM/YYYY HH:MM"
        return c
    if isinstance(value, date):
        c = WriteOnlyCell(sheet, value=value)
        c.number_format = "DD/MM/YYYY"
        return c
    if isinstance(value, list):
        return cell(", ".join(value))
    return cell(value)
