"""Check-digit validation of Vietnamese tax codes and GTINs, with messages a user can act on."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import ean
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.vn import mst


def normalize_tax_code(value: str) -> str:
    """Return the tax code as written on documents (`0100233488` or `0100233488-001`).

    Raises ValidationError for a wrong length, a non-digit or a wrong check digit.
    """
    raw = (value or "").strip()
    try:
        compact = mst.validate(raw)
    except InvalidChecksum as exc:
        raise ValidationError(
            _("Mã số thuế %(value)s sai chữ số kiểm tra (chữ số thứ 10)."),
            code="tax_code_checksum",
            params={"value": raw},
        ) from exc
    except InvalidLength as exc:
        raise ValidationError(
            _("Mã số thuế gồm 10 chữ số, hoặc 13 chữ số cho đơn vị phụ thuộc (0100233488-001)."),
            code="tax_code_length",
        ) from exc
    except (InvalidFormat, InvalidComponent) as exc:
        raise ValidationError(
            _("Mã số thuế chỉ gồm chữ số (có thể có dấu gạch ngang trước 3 số cuối)."),
            code="tax_code_format",
        ) from exc
    return mst.format(compact)


def validate_tax_code(value: str) -> None:
    normalize_tax_code(value)


def normalize_gtin(value: str) -> str:
    """Return the GTIN as its digits (8, 12, 13 or 14). Raises ValidationError if it is not one."""
    raw = (value or "").strip()
    digits = raw.replace(" ", "").replace("-", "")
    if not digits.isdigit():
        raise ValidationError(_("Mã vạch chỉ gồm chữ số."), code="gtin_format")
    if len(digits) not in (8, 12, 13, 14):
        raise ValidationError(
            _("Mã vạch (GTIN) phải có 8, 12, 13 hoặc 14 chữ số; mã này có %(count)d."),
            code="gtin_length",
            params={"count": len(digits)},
        )
    try:
        return ean.validate(digits)
    except InvalidChecksum as exc:
        raise ValidationError(
            _("Mã vạch %(value)s sai chữ số kiểm tra (chữ số cuối)."),
            code="gtin_checksum",
            params={"value": digits},
        ) from exc


def validate_gtin(value: str) -> None:
    normalize_gtin(value)
