"""Checking the rows of a catalogue file (registry.catalogue_io) against the catalogue as
it is now: every row's errors, and what each row would become (see
registry.catalogue_import for the plan's rules).

The checks mirror the services' own (registry.provisions), so that what the services
would refuse at apply time is an error of its row in the preview instead."""

from dataclasses import dataclass, field
from datetime import date

from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from registry import provisions
from registry.catalogue_io import DOCUMENTS, PROVISIONS, rendered
from registry.models import LegalDocument, LegalProvision

CREATE, AMEND, UPDATE, UNCHANGED = "create", "amend", "update", "unchanged"
EXISTING = "existing"  # a document the catalogue already holds, as the file describes it
ACTIONS = (CREATE, AMEND, UPDATE, UNCHANGED)

_DOCUMENT_LIMITS = {"number": 40, "title": 500, "issuer": 150, "url": 500}


@dataclass
class Checked:
    errors: list[dict] = field(default_factory=list)
    plan: dict = field(default_factory=dict)
    # Per provision row number: the model-shaped fields, and the version it updates or
    # amends (for the apply step).
    fields: dict[int, dict] = field(default_factory=dict)
    targets: dict[int, LegalProvision] = field(default_factory=dict)
    new_documents: dict[str, LegalDocument] = field(default_factory=dict)


def where_text(fmt: str, row: int) -> str:
    if fmt == "xlsx":
        return gettext("dòng %(row)d") % {"row": row}
    return gettext("mục %(row)d") % {"row": row}


# Translated when the message is rendered, in each language (catalogue_io.rendered).
_where = lazy(where_text, str)


class _Errors:
    """Collects the errors of the rows: `add(sheet, row, field, code, message, params)`."""

    def __init__(self, errors: list, fmt: str):
        self.errors, self.fmt = errors, fmt

    def __call__(self, sheet, row, key, code, message, params=None):
        self.errors.append(
            {
                "sheet": sheet,
                "row": row,
                "field": key,
                "code": code,
                "messages": rendered(message, params),
            }
        )

    def where(self, row: int):
        """Another row of the file, as the user sees it: 'dòng 3' (XLSX), 'mục 3' (JSON)."""
        return _where(self.fmt, row)


def check_rows(rows: dict) -> Checked:
    """Every row's errors and planned action, against the catalogue as it is now."""
    checked = Checked()
    add = _Errors(checked.errors, rows.get("format", "json"))

    for sheet in (DOCUMENTS, PROVISIONS):
        for item in rows.get(sheet, []):
            for problem in item["parse_errors"]:
                checked.errors.append({"sheet": sheet, "row": item["row"], **problem})
    documents = _check_documents(rows.get(DOCUMENTS, []), checked, add)
    _check_provisions(rows.get(PROVISIONS, []), documents, checked, add)
    # Every error in the file's order: documents first, then provisions, row by row.
    order = {DOCUMENTS: 0, PROVISIONS: 1}
    checked.errors.sort(key=lambda e: (order.get(e["sheet"], 2), e["row"]))
    counts = {action: 0 for action in ACTIONS}
    for row in checked.plan[PROVISIONS]:
        if row["action"]:
            counts[row["action"]] += 1
    counts["documents"] = sum(1 for d in checked.plan[DOCUMENTS] if d["action"] == CREATE)
    counts["versions"] = counts[CREATE] + counts[AMEND] + counts[UPDATE]
    counts["rows_with_errors"] = len({(e["sheet"], e["row"]) for e in checked.errors})
    checked.plan["counts"] = counts
    return checked


def _check_documents(items: list[dict], checked: Checked, add) -> dict:
    """The documents the provisions may name: {number: LegalDocument}, or None for a
    document row that has errors."""
    numbers = {item["values"]["number"] for item in items}
    stored = {d.number: d for d in LegalDocument.objects.filter(number__in=numbers)}
    known: dict[str, LegalDocument | None] = {}
    first_row: dict[str, int] = {}
    plan = []
    for item in items:
        n, v = item["row"], item["values"]
        before = len(checked.errors)
        failed = {p["field"] for p in item["parse_errors"]}
        number = v["number"]
        for key in ("number", "title", "issuer"):
            if key not in failed and not v[key]:
                add(DOCUMENTS, n, key, "required", _("Trường này là bắt buộc."))
        if "issued_on" not in failed and not v["issued_on"]:
            add(DOCUMENTS, n, "issued_on", "required", _("Hãy ghi ngày ban hành."))
        if "kind" not in failed and v["kind"] not in LegalDocument.Kind.values:
            add(
                DOCUMENTS,
                n,
                "kind",
                "invalid_choice",
                _("Loại văn bản phải là một trong: %(choices)s."),
                {"choices": ", ".join(LegalDocument.Kind.values)},
            )
        for key, limit in _DOCUMENT_LIMITS.items():
            if len(v[key] or "") > limit:
                add(DOCUMENTS, n, key, "too_long", _("Dài quá %(limit)d ký tự."), {"limit": limit})
        if "url" not in failed and not provisions.web_address(v["url"]):
            add(
                DOCUMENTS,
                n,
                "url",
                "invalid_url",
                _("Địa chỉ phải bắt đầu bằng https:// hoặc http://."),
            )
        action = None
        if number and number in first_row:
            add(
                DOCUMENTS,
                n,
                "number",
                "duplicate_document",
                _("Văn bản số %(number)s đã có ở %(where)s của tệp."),
                {"number": number, "where": add.where(first_row[number])},
            )
        elif number:
            first_row[number] = n
            if number in stored:
                action = EXISTING
                _compare_document(stored[number], item, add)
            else:
                action = CREATE
        broken = len(checked.errors) > before or bool(item["parse_errors"])
        if number and number not in known:
            if broken:
                known[number] = None
            elif action == EXISTING:
                known[number] = stored[number]
            else:
                document = LegalDocument(
                    kind=v["kind"],
                    number=number,
                    issued_on=date.fromisoformat(v["issued_on"]),
                    title=v["title"],
                    issuer=v["issuer"],
                    url=v["url"],
                )
                known[number] = checked.new_documents[number] = document
        plan.append(
            {
                "row": n,
                "number": number,
                "kind": v["kind"],
                "issued_on": v["issued_on"],
                "action": None if broken else action,
            }
        )
    checked.plan[DOCUMENTS] = plan
    return known


def _compare_document(document: LegalDocument, item: dict, add) -> None:
    v = item["values"]
    differs = [
        key
        for key, ours in (
            ("kind", document.kind),
            ("issued_on", document.issued_on.isoformat()),
            ("title", document.title.strip()),
            ("issuer", document.issuer.strip()),
        )
        if v[key] and v[key] != ours
    ]
    for key in differs:
        add(
            DOCUMENTS,
            item["row"],
            key,
            "document_differs",
            _("Văn bản số %(number)s đã có trong hệ thống với %(field)s khác: “%(value)s”."),
            {
                "number": document.number,
                "field": key,
                "value": document.issued_on.strftime("%d/%m/%Y")
                if key == "issued_on"
                else getattr(document, key),
            },
        )


def _check_provisions(items: list[dict], documents: dict, checked: Checked, add) -> None:
    values = [item["values"] for item in items]
    codes = {v["code"] for v in values if v["code"]}
    stored = list(
        LegalProvision.objects.filter(code__in=codes).select_related(
            "document", "amending_document", "replaces"
        )
    )
    by_key = {(p.code, p.valid_from): p for p in stored}
    stored_codes = {p.code for p in stored}
    amended = {
        p.replaces_id
        for p in stored
        if p.replaces_id and p.status != LegalProvision.Status.RETURNED
    }
    referenced = {v[key] for v in values for key in ("document", "amending_document") if v[key]}
    missing = referenced - set(documents)
    documents = {
        **documents,
        **{d.number: d for d in LegalDocument.objects.filter(number__in=missing)},
    }
    in_file = {}
    for item in items:
        v = item["values"]
        if v["code"] and v["valid_from"]:
            in_file.setdefault((v["code"], date.fromisoformat(v["valid_from"])), item["row"])

    seen: dict[tuple, int] = {}
    created_codes: dict[str, int] = {}
    amending: dict[int, int] = {}
    plan = []
    for item in items:
        n, v = item["row"], item["values"]
        before = len(checked.errors)
        failed = {p["field"] for p in item["parse_errors"]}
        fields = _model_fields(v, documents, failed, n, add)
        for key, problems in provisions.content_errors(fields).items():
            if key in failed:
                continue
            for code, message, params in problems:
                add(PROVISIONS, n, key, code, message, params)
        code, start = fields["code"], fields["valid_from"]
        replaces_from = _day(v["replaces_valid_from"])
        action, target = None, None
        if code and isinstance(start, date):
            key = (code, start)
            existing = by_key.get(key)
            if key in seen:
                add(
                    PROVISIONS,
                    n,
                    "valid_from",
                    "duplicate_version",
                    _("Phiên bản %(code)s có hiệu lực từ %(day)s đã có ở %(where)s của tệp."),
                    {"where": add.where(seen[key]), "code": code, "day": _dmy(start)},
                )
            elif existing is not None:
                action, target = _check_existing(existing, fields, replaces_from, n, add), existing
            elif replaces_from is None:
                action = _check_new(code, stored_codes, created_codes, n, add)
            else:
                target = by_key.get((code, replaces_from))
                action = _check_amendment(
                    fields, target, replaces_from, in_file, amended, amending, n, add
                )
            seen.setdefault(key, n)
        if len(checked.errors) > before or item["parse_errors"]:
            action = None
        if action in (CREATE, AMEND, UPDATE):
            checked.fields[n] = fields
        if target is not None and action in (AMEND, UPDATE):
            checked.targets[n] = target
        plan.append(
            {
                "row": n,
                "code": v["code"],
                "citation": _citation(v),
                "valid_from": v["valid_from"],
                "replaces_valid_from": v["replaces_valid_from"],
                "action": action,
            }
        )
    checked.plan[PROVISIONS] = plan


def _model_fields(v: dict, documents: dict, failed: set, n: int, add) -> dict:
    """The row as registry.provisions.content_errors takes it: documents as instances,
    dates as dates. A document that cannot be found is this row's error here."""
    fields = {key: v.get(key) for key in provisions.CONTENT_FIELDS}
    fields["valid_from"] = _day(v["valid_from"])
    fields["valid_to"] = _day(v["valid_to"])
    for key in ("document", "amending_document"):
        number = v[key]
        fields[key] = None
        if not number:
            continue
        if number not in documents:
            add(
                PROVISIONS,
                n,
                key,
                "unknown_document",
                _("Không có văn bản số %(number)s trong hệ thống hay ở trang documents của tệp."),
                {"number": number},
            )
            failed.add(key)
        elif documents[number] is None:
            add(
                PROVISIONS,
                n,
                key,
                "document_has_errors",
                _("Văn bản số %(number)s có lỗi ở trang documents của tệp."),
                {"number": number},
            )
            failed.add(key)
        else:
            fields[key] = documents[number]
    return fields


def _check_existing(existing, fields, replaces_from, n, add) -> str | None:
    stored_replaces = existing.replaces.valid_from if existing.replaces_id else None
    if replaces_from != stored_replaces:
        add(
            PROVISIONS,
            n,
            "replaces_valid_from",
            "replaces_differs",
            _(
                "Phiên bản này đã có trong hệ thống, thay thế phiên bản từ %(day)s: "
                "không đổi được phiên bản mà nó thay thế."
            ),
            {"day": _dmy(stored_replaces) if stored_replaces else "—"},
        )
        return None
    differs = changed_fields(fields, provisions.content_of(existing))
    if not differs:
        return UNCHANGED
    if existing.status == LegalProvision.Status.VERIFIED:
        add(
            PROVISIONS,
            n,
            differs[0],
            "provision_locked",
            _(
                "Phiên bản đã xác minh không được sửa; hãy thêm phiên bản sửa đổi "
                "(khác ở: %(fields)s)."
            ),
            {"fields": ", ".join(differs)},
        )
        return None
    return UPDATE


def _check_new(code, stored_codes, created_codes, n, add) -> str | None:
    if code in stored_codes:
        add(
            PROVISIONS,
            n,
            "replaces_valid_from",
            "provision_code_exists",
            _(
                "Đã có điều khoản mã %(code)s: một phiên bản mới phải ghi "
                "replaces_valid_from (ngày có hiệu lực của phiên bản đã xác minh mà nó "
                "sửa đổi)."
            ),
            {"code": code},
        )
        return None
    if code in created_codes:
        add(
            PROVISIONS,
            n,
            "replaces_valid_from",
            "provision_code_exists",
            _(
                "Mã %(code)s đã có ở %(where)s của tệp: mỗi lần nhập chỉ thêm một phiên "
                "bản của một điều khoản mới."
            ),
            {"code": code, "where": add.where(created_codes[code])},
        )
        return None
    created_codes[code] = n
    return CREATE


def _check_amendment(fields, old, replaces_from, in_file, amended, amending, n, add):
    code, start = fields["code"], fields["valid_from"]
    params = {"code": code, "day": _dmy(replaces_from)}
    if old is None:
        if (code, replaces_from) in in_file:
            add(
                PROVISIONS,
                n,
                "replaces_valid_from",
                "amends_unverified_in_file",
                _(
                    "Phiên bản được sửa đổi (%(code)s từ %(day)s) ở %(where)s của tệp chưa "
                    "được xác minh: hãy nhập phiên bản sửa đổi này sau khi phiên bản đó được "
                    "xác minh."
                ),
                {**params, "where": add.where(in_file[code, replaces_from])},
            )
        else:
            add(
                PROVISIONS,
                n,
                "replaces_valid_from",
                "unknown_version",
                _("Không có phiên bản %(code)s có hiệu lực từ %(day)s để sửa đổi."),
                params,
            )
        return None
    if old.status != LegalProvision.Status.VERIFIED:
        add(
            PROVISIONS,
            n,
            "replaces_valid_from",
            "provision_replaces_unverified",
            _(
                "Phiên bản %(code)s từ %(day)s chưa được xác minh: chỉ sửa đổi phiên bản đã "
                "xác minh; phiên bản chưa xác minh thì sửa trực tiếp."
            ),
            params,
        )
        return None
    if start <= old.valid_from:
        add(
            PROVISIONS,
            n,
            "valid_from",
            "amendment_not_later",
            _("Phiên bản sửa đổi phải có hiệu lực sau ngày %(day)s."),
            params,
        )
        return None
    if old.pk in amended:
        add(
            PROVISIONS,
            n,
            "replaces_valid_from",
            "provision_already_amended",
            _("Phiên bản %(code)s từ %(day)s đã có một phiên bản sửa đổi."),
            params,
        )
        return None
    if old.pk in amending:
        add(
            PROVISIONS,
            n,
            "replaces_valid_from",
            "provision_already_amended",
            _("Phiên bản %(code)s từ %(day)s cũng được sửa đổi ở %(where)s của tệp."),
            {**params, "where": add.where(amending[old.pk])},
        )
        return None
    amending[old.pk] = n
    return AMEND


def comparable(fields: dict) -> dict:
    """A version's content as compared: documents by number, texts stripped, lists as
    sets, no basis without an organisation exception (as registry.provisions keeps it)."""
    out = {}
    for key in provisions.CONTENT_FIELDS:
        value = fields.get(key)
        if key in ("document", "amending_document"):
            value = value.number if isinstance(value, LegalDocument) else ""
        elif isinstance(value, str):
            value = value.strip()
        elif isinstance(value, list):
            value = sorted(value)
        out[key] = value
    if out["organisation_fine_max_vnd"] is None:
        out["organisation_fine_basis"] = ""
    return out


def changed_fields(fields: dict, stored: dict) -> list[str]:
    ours, theirs = comparable(fields), comparable(stored)
    return [key for key in provisions.CONTENT_FIELDS if ours[key] != theirs[key]]


def _day(value):
    return date.fromisoformat(value) if value else None


def _dmy(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _citation(v: dict) -> str:
    """Enough of a citation to find the row: 'điểm a khoản 1 Điều 17 · 119/2017/NĐ-CP'."""
    parts = [f"điểm {v['point']}"] if v.get("point") else []
    if v.get("clause") is not None:
        parts.append(f"khoản {v['clause']}")
    if v.get("article") is not None:
        parts.append(f"Điều {v['article']}")
    text = " ".join(parts)
    if v.get("document"):
        text = f"{text} · {v['document']}" if text else v["document"]
    return text
