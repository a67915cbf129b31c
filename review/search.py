"""Search across reports and inspections, accents and case ignored.

Both models keep a folded copy of their searchable text (`search_text`, made by
`registry.text.fold`), so "nuoc mam" finds "Nước mắm" on every database without the
unaccent extension. On PostgreSQL the words are matched by full-text search over that
column (a GIN index on `to_tsvector('simple', search_text)`, each word a prefix); on
SQLite, where there is no such index, by a substring test per word. Tracking numbers,
barcodes and tax codes also match exactly.
"""

import re

from django.db import connection
from django.db.models import BooleanField, F, Func, Q, QuerySet, Value

from registry.text import fold

MAX_WORDS = 10


class FullTextMatch(Func):
    """`to_tsvector('simple', <column>) @@ to_tsquery('simple', <query>)`: written out so
    that it is the very expression the GIN index is built on."""

    template = "(to_tsvector('simple'::regconfig, %(expressions)s))"
    arg_joiner = ") @@ to_tsquery('simple'::regconfig, "
    output_field = BooleanField()


def words(q: str) -> list[str]:
    """The words of a query, folded; punctuation is a separator (and never reaches
    to_tsquery's syntax)."""
    return re.findall(r"\w+", fold(q))[:MAX_WORDS]


def text_matches(qs: QuerySet, q: str, *, exact: Q | None = None) -> QuerySet:
    """Rows of `qs` whose search_text holds every word of `q` (as a word prefix on
    PostgreSQL), or that match `exact`."""
    found = words(q)
    if not found:
        return qs.filter(exact) if exact is not None else qs.none()
    if connection.vendor == "postgresql":
        query = " & ".join(f"{word}:*" for word in found)
        condition = Q(FullTextMatch(F("search_text"), Value(query)))
    else:
        condition = Q()
        for word in found:
            condition &= Q(search_text__contains=word)
    return qs.filter(condition | exact if exact is not None else condition)


def complaint_matches(qs: QuerySet, q: str) -> QuerySet:
    raw = q.strip()
    exact = Q(tracking_number__iexact=raw) | Q(product_gtin=raw) | Q(seller_tax_code=raw)
    return text_matches(qs, q, exact=exact)


def inspection_matches(qs: QuerySet, q: str) -> QuerySet:
    raw = q.strip()
    exact = Q(decision_number__iexact=raw) | Q(operator__tax_code=raw)
    return text_matches(qs, q, exact=exact)
