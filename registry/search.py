"""Search over the folded text a model keeps for it, accents and case ignored.

Reports and inspections keep a folded copy of their searchable text (`search_text`, made by
`registry.text.fold`), so "nuoc mam" finds "Nước mắm" on every database without the
unaccent extension. On PostgreSQL the words are matched by full-text search over that
text: a model naming a `search_vector_column` keeps its tsvector in a stored generated
column with a GIN index (reports: complaints 0011), others match on the expression
`to_tsvector('simple', search_text)` and its GIN index (review 0002). Every word but the
last must be a whole word there, the last may be the start of one (as it is typed): a
prefix is looked up across the whole index, which for common words costs more than the
rest of the search (docs/case-list.md). On SQLite, where there is no such index, each word
is a substring test. Tracking numbers, barcodes, tax codes and decision numbers are words
of that text like any other, so one index answers every search.

Results are ordered by relevance (`search_rank`: PostgreSQL's ts_rank on the tsvector)
before the list's own order; SQLite has no rank and keeps the list's order.
"""

from django.db import connection
from django.db.models import BooleanField, F, Field, FloatField, Func, QuerySet, Value
from django.db.models.expressions import RawSQL
from stdnum import ean

from registry.text import fold_words

MAX_WORDS = 10


class FullTextMatch(Func):
    """`to_tsvector('simple', <column>) @@ to_tsquery('simple', <query>)`: written out so
    that it is the very expression the GIN index is built on."""

    template = "(to_tsvector('simple'::regconfig, %(expressions)s))"
    arg_joiner = ") @@ to_tsquery('simple'::regconfig, "
    output_field = BooleanField()


class ToVector(Func):
    template = "to_tsvector('simple'::regconfig, %(expressions)s)"
    output_field = Field()


class VectorMatch(Func):
    """`<stored tsvector> @@ to_tsquery('simple', <query>)`."""

    template = "(%(expressions)s))"
    arg_joiner = " @@ to_tsquery('simple'::regconfig, "
    output_field = BooleanField()


class VectorRank(Func):
    """`ts_rank(<tsvector>, to_tsquery('simple', <query>), 1)`: how often the words
    occur, divided by 1 + the log of the text's length."""

    template = "ts_rank(%(expressions)s), 1)"
    arg_joiner = ", to_tsquery('simple'::regconfig, "
    output_field = FloatField()


def _vector(model):
    """The tsvector to match and rank on: the model's stored column, else the
    expression its index is built on."""
    column = getattr(model, "search_vector_column", None)
    if column:
        # Unqualified: the one table of the query that has it (the inner query of a
        # deferred join names it by its own alias).
        return RawSQL(column, (), output_field=Field())  # noqa: S611 (a model constant)
    return ToVector(F("search_text"))


def _tsquery(found: list[str]) -> str:
    return " & ".join([*found[:-1], f"{found[-1]}:*"])


def words(q: str) -> list[str]:
    """The words of a query, folded; punctuation is a separator (and never reaches
    to_tsquery's syntax)."""
    return fold_words(q).split()[:MAX_WORDS]


def text_matches(qs: QuerySet, q: str) -> QuerySet:
    """Rows of `qs` whose search_text holds every word of `q` (on PostgreSQL as whole
    words, the last one as a word's start; anywhere in the text on SQLite)."""
    found = words(q)
    if not found:
        return qs.none()
    if connection.vendor == "postgresql":
        if getattr(qs.model, "search_vector_column", None):
            return qs.filter(VectorMatch(_vector(qs.model), Value(_tsquery(found))))
        return qs.filter(FullTextMatch(F("search_text"), Value(_tsquery(found))))
    for word in found:
        qs = qs.filter(search_text__contains=word)
    return qs


def search_rank(q: str, model):
    """How relevant a row of `model` is to `q`, to order by (highest first) before
    recency; None on SQLite, where the rows matching a search keep the list's order."""
    found = words(q)
    if not found or connection.vendor != "postgresql":
        return None
    return VectorRank(_vector(model), Value(_tsquery(found)))


# --- Barcodes ------------------------------------------------------------------------------
# A GTIN is kept as it was written (8, 12, 13 or 14 digits: registry.validators), so one
# barcode may be stored as "8934567890123" on a product and "08934567890123" on a report
# (GTIN-14, as a scanner or a GS1-128 label gives it). Searches compare the forms of the
# same GTIN-14 instead, each looked up by its column's index.

GTIN_LENGTHS = (8, 12, 13, 14)


def gtin_forms(gtin: str) -> list[str]:
    """Every way the GTIN `gtin` (digits, any of the four lengths) may be written: its
    GTIN-14 and each shorter length its leading zeros allow. Zeros added on the left
    keep the check digit (its weights count from the right)."""
    digits = (gtin or "").strip()
    if not digits.isdigit() or len(digits) > 14:
        return []
    padded = digits.zfill(14)
    significant = len(padded.lstrip("0")) or 1
    return [padded[-n:] for n in GTIN_LENGTHS if n >= significant]


def gtin_query(q: str) -> list[str] | None:
    """The forms of the GTIN `q` is (8, 12, 13 or 14 digits with a right check digit,
    spaces allowed as printed under a barcode), or None when `q` is not one: a wrong
    check digit or another length is text like any other (a tax code, a number)."""
    digits = "".join((q or "").split())
    if not digits.isdigit() or len(digits) not in GTIN_LENGTHS:
        return None
    padded = digits.zfill(14)
    if not ean.is_valid(padded):
        return None
    return gtin_forms(padded)
