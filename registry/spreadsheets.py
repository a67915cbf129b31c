"""Cells a spreadsheet may hold safely: shared by every export (the legal catalogue's
here, the dashboard's and the case lists' in review/exports.py)."""

from django.utils.translation import gettext as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# What `cell` puts before text an XLSX would otherwise store as a formula.
FORMULA_ESCAPE = "'"


def cell(value, *, csv_cell: bool = False):
    """A value as a spreadsheet should keep it: numbers as numbers, text never a formula
    and without the control characters an XLSX cannot hold. openpyxl writes only text
    starting with "=" as a formula; a CSV opened in a spreadsheet also runs +, - and @."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, int | float):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    risky = FORMULA_STARTS if csv_cell else ("=",)
    return FORMULA_ESCAPE + text if text.startswith(risky) else text


def uncell(text: str) -> str:
    """Text read back from an XLSX that `cell` wrote: without the escape of a formula."""
    if text.startswith(FORMULA_ESCAPE + "="):
        return text[len(FORMULA_ESCAPE) :]
    return text
