"""Structured data of the checklist items that carry more than a verdict.

Three kinds of item hold data besides conforming / non-conforming:

* `listing`: an e-commerce listing compared with the real goods: the listing's URL, the
  platform and seller; the screenshot is an evidence photo of the finding, kept with its
  SHA-256 like every photo.
* `instrument`: a measuring instrument (Circular 28/2013 as amended): its identity,
  pattern approval and verification, and readings against a reference; the system
  computes each error and compares the largest with the maximum permitted error (MPE).
* `lot_quantity`: a lot of prepackaged goods (Circular 21/2014): the system takes the
  sampling plan, the permitted shortage T and the verdict from `inspections.quantity`.

For the last two the verdict is the system's: a finding that states another result is
refused. `clean()` returns the data to store (with the computed figures) and the result.
"""

from datetime import date
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from inspections import quantity
from inspections.models import ChecklistItem, Finding
from registry.errors import InvalidInput

MAX_READINGS = 20
MAX_TEXT = 300

Kind = ChecklistItem.Kind


def clean(kind: str, data: dict | None, result: str | None) -> tuple[dict, str]:
    """Validate `data` for an item of `kind`; return (data to store, result)."""
    data = data or {}
    if not isinstance(data, dict):
        raise _invalid("data", "invalid_data", _("Dữ liệu đo không hợp lệ."))
    if result is not None and result not in Finding.Result.values:
        raise _invalid(
            "result", "invalid_result", _("Kết quả phải là đạt, không đạt hoặc không áp dụng.")
        )
    if kind == Kind.CHECK or result == Finding.Result.NOT_APPLICABLE:
        if data:
            raise _invalid(
                "data", "data_not_expected", _("Nội dung kiểm tra này không nhận dữ liệu đo.")
            )
        if result is None:
            raise _invalid("result", "result_required", _("Hãy chọn kết quả."))
        return {}, result
    if kind == Kind.LISTING:
        if result is None:
            raise _invalid("result", "result_required", _("Hãy chọn kết quả."))
        return _listing(data), result
    stored, computed = _instrument(data) if kind == Kind.INSTRUMENT else _lot(data)
    if result is not None and result != computed:
        raise _invalid(
            "result",
            "result_contradicts_measurement",
            _("Kết quả chọn (%(chosen)s) khác kết quả hệ thống tính từ số đo (%(computed)s)."),
            {
                "chosen": Finding.Result(result).label,
                "computed": Finding.Result(computed).label,
            },
        )
    return stored, computed


def summary(kind: str, data: dict, photos=()) -> str:
    """One Vietnamese line for the minutes and the tablet page. A listing's screenshots
    (its photos) are named by their SHA-256."""
    if not data:
        return ""
    if kind == Kind.LISTING:
        parts = [data["url"]]
        parts += [data[k] for k in ("platform", "seller") if data.get(k)]
        parts += [gettext("ảnh màn hình SHA-256 %(hash)s") % {"hash": p.sha256} for p in photos]
        return " · ".join(parts)
    if kind == Kind.INSTRUMENT:
        return gettext(
            "%(name)s: sai số lớn nhất %(error)s %(unit)s, sai số lớn nhất cho phép "
            "%(mpe)s %(unit)s (%(count)s lần đo)."
        ) % {
            "name": data["instrument_name"],
            "error": _vi(data["max_abs_error"]),
            "mpe": _vi(data["mpe"]),
            "unit": data["unit"],
            "count": len(data["readings"]),
        }
    if kind == Kind.LOT_QUANTITY:
        c = data["calculation"]
        text = gettext(
            "Lô %(lot)s đơn vị, định lượng %(nominal)s %(unit)s, T = %(t)s %(unit)s; đo %(n)s "
            "đơn vị, trung bình %(mean)s %(unit)s; %(defectives)s đơn vị thiếu quá T (cho phép "
            "%(max)s), "
            "%(gross)s đơn vị thiếu quá 2T."
        ) % {
            "lot": data["lot_size"],
            "nominal": _vi(data["nominal"]),
            "unit": data["unit"],
            "t": _vi(c["tolerance"]),
            "n": c["sample_size"],
            "mean": _vi(c["mean"]),
            "defectives": c["defectives"],
            "max": c["max_defectives"],
            "gross": c["gross_defectives"],
        }
        return " ".join([text, *c["reasons"]])
    return ""


# --- Kinds -----------------------------------------------------------------------------------


def _listing(data: dict) -> dict:
    url = _text(data, "url", required=True, limit=2000)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in url:
        raise _invalid(
            "data.url", "invalid_url", _("Đường dẫn phải là địa chỉ web bắt đầu bằng http(s)://.")
        )
    stored = {"url": url}
    for key in ("platform", "seller", "listing_title"):
        if value := _text(data, key):
            stored[key] = value
    if data.get("listed_price_vnd") not in (None, ""):
        stored["listed_price_vnd"] = int(_number(data, "listed_price_vnd", minimum=0))
    return stored


def _instrument(data: dict) -> tuple[dict, str]:
    stored = {
        "instrument_name": _text(data, "instrument_name", required=True),
        "unit": _text(data, "unit", required=True, limit=20),
    }
    for key in ("serial_number", "pattern_approval_number", "verification_certificate"):
        if value := _text(data, key):
            stored[key] = value
    if data.get("verification_valid_until"):
        try:
            valid = date.fromisoformat(str(data["verification_valid_until"]))
        except ValueError:
            raise _invalid(
                "data.verification_valid_until",
                "invalid_date",
                _("Ngày hết hiệu lực kiểm định không hợp lệ."),
            ) from None
        stored["verification_valid_until"] = valid.isoformat()
    mpe = _number(data, "mpe", minimum=0, strict=True)
    readings = data.get("readings")
    if not isinstance(readings, list) or not 1 <= len(readings) <= MAX_READINGS:
        raise _invalid(
            "data.readings",
            "readings_required",
            _("Hãy nhập từ 1 đến %(max)s lần đo (giá trị chuẩn và số chỉ)."),
            {"max": MAX_READINGS},
        )
    rows = []
    for i, row in enumerate(readings, start=1):
        if not isinstance(row, dict):
            raise _invalid("data.readings", "invalid_reading", _("Lần đo không hợp lệ."))
        reference = _number(row, "reference", field=f"data.readings.{i}.reference")
        indication = _number(row, "indication", field=f"data.readings.{i}.indication")
        error = indication - reference
        rows.append(
            {
                "reference": str(reference),
                "indication": str(indication),
                "error": str(error),
                "within_mpe": abs(error) <= mpe,
            }
        )
    worst = max(abs(Decimal(r["error"])) for r in rows)
    stored.update(mpe=str(mpe), readings=rows, max_abs_error=str(worst), within_mpe=worst <= mpe)
    verdict = Finding.Result.CONFORMING if worst <= mpe else Finding.Result.NON_CONFORMING
    return stored, verdict


def lot_plan(data: dict) -> dict:
    """What an inspector must measure for a lot: T, the sample size, k and the number of
    units that may be short by more than T. `data` holds nominal, unit and lot_size."""
    nominal, unit, lot_size = _lot_basics(data)
    try:
        t = quantity.permitted_shortage(nominal, unit)
        plan = quantity.sampling_plan(lot_size)
    except ValueError:
        raise _outside_circular() from None
    return {
        "nominal": str(nominal),
        "unit": unit,
        "lot_size": lot_size,
        "tolerance": str(t),
        "sample_size": plan.sample_size,
        "k_factor": None if plan.k_factor is None else str(plan.k_factor),
        "max_defectives": plan.max_defectives,
    }


def _lot_basics(data: dict) -> tuple[Decimal, str, int]:
    nominal = _number(data, "nominal", minimum=0, strict=True)
    unit = _text(data, "unit", required=True, limit=10)
    if unit not in quantity.UNITS:
        raise _invalid(
            "data.unit",
            "invalid_unit",
            _("Đơn vị phải là một trong: %(units)s."),
            {"units": ", ".join(quantity.UNITS)},
        )
    lot_size = _number(data, "lot_size", minimum=0, strict=True)
    if lot_size != lot_size.to_integral_value() or lot_size > 10**9:
        raise _invalid("data.lot_size", "invalid_number", _("Cỡ lô phải là số nguyên."))
    return nominal, unit, int(lot_size)


def _outside_circular() -> InvalidInput:
    # Above the circular's table (50 kg or 50 l), or a fractional count.
    return _invalid(
        "data.nominal",
        "outside_circular",
        _("Không tính được theo Thông tư 21/2014 cho lượng danh định và đơn vị này."),
    )


def _lot(data: dict) -> tuple[dict, str]:
    nominal, unit, lot_size = _lot_basics(data)
    actual = data.get("actual")
    if not isinstance(actual, list) or not actual:
        raise _invalid("data.actual", "required", _("Hãy nhập lượng thực của từng đơn vị đo."))
    values = [
        _number({"v": v}, "v", minimum=0, strict=True, field=f"data.actual.{i}")
        for i, v in enumerate(actual, start=1)
    ]
    try:
        plan = quantity.sampling_plan(lot_size)
        if len(values) != plan.sample_size:
            raise _invalid(
                "data.actual",
                "wrong_sample_size",
                _("Lô %(lot)s đơn vị phải đo %(needed)s đơn vị; đã nhập %(got)s."),
                {"lot": lot_size, "needed": plan.sample_size, "got": len(values)},
            )
        outcome = quantity.evaluate_lot(
            nominal=nominal, unit=unit, lot_size=lot_size, actual=values
        )
    except ValueError:
        raise _outside_circular() from None
    stored = {
        "nominal": str(nominal),
        "unit": outcome.unit,
        "lot_size": lot_size,
        "actual": [str(v) for v in values],
        "calculation": {
            "tolerance": str(outcome.tolerance),
            "sample_size": outcome.sample_size,
            "mean": str(outcome.mean),
            "std_dev": None if outcome.std_dev is None else str(outcome.std_dev),
            "mean_limit": str(outcome.mean_limit),
            "k_factor": None if plan.k_factor is None else str(plan.k_factor),
            "defectives": outcome.defectives,
            "gross_defectives": outcome.gross_defectives,
            "max_defectives": outcome.max_defectives,
            "mean_ok": outcome.mean_ok,
            "defectives_ok": outcome.defectives_ok,
            "gross_ok": outcome.gross_ok,
            "conforming": outcome.conforming,
            "reasons": outcome.reasons,
        },
    }
    if product := _text(data, "product_name"):
        stored["product_name"] = product
    verdict = Finding.Result.CONFORMING if outcome.conforming else Finding.Result.NON_CONFORMING
    return stored, verdict


# --- Field helpers ---------------------------------------------------------------------------


def _invalid(field, code, message, params=None) -> InvalidInput:
    return InvalidInput.field(field, code, message, params)


def _text(data: dict, key: str, *, required=False, limit=MAX_TEXT) -> str:
    value = data.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise _invalid(f"data.{key}", "invalid_text", _("Giá trị phải là chữ."))
    value = value.strip()
    if required and not value:
        raise _invalid(f"data.{key}", "required", _("Trường này là bắt buộc."))
    if len(value) > limit:
        raise _invalid(f"data.{key}", "too_long", _("Tối đa %(limit)s ký tự."), {"limit": limit})
    return value


def _number(data: dict, key: str, *, minimum=None, strict=False, field=None) -> Decimal:
    """A finite decimal from a JSON number or string ("1,5" is read as 1.5)."""
    field = field or f"data.{key}"
    value = data.get(key)
    if isinstance(value, bool) or value is None or value == "":
        raise _invalid(field, "required", _("Hãy nhập một số."))
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or abs(number) > Decimal("1e12"):
        raise _invalid(field, "invalid_number", _("Giá trị phải là một số."))
    if minimum is not None and strict and number <= minimum:
        raise _invalid(
            field, "number_too_small", _("Giá trị phải lớn hơn %(min)s."), {"min": minimum}
        )
    if minimum is not None and number < minimum:
        raise _invalid(
            field, "number_too_small", _("Giá trị không được nhỏ hơn %(min)s."), {"min": minimum}
        )
    return number


def _vi(value) -> str:
    text = format(Decimal(str(value)).normalize(), "f")
    return text.replace(".", ",")
