"""Search over the folded text a model keeps for it, accents and case ignored.

Reports and inspections keep a folded copy of their searchable text (`search_text`, made by
`registry.text.fold`), so "nuoc mam" finds "Nước mắm" on every database without the
unaccent extension. On PostgreSQL the words are matched by full-text search over that
column (a GIN index on `to_tsvector('simple', search_text)`, each word a prefix); on
SQLite, where there is no such index, by a substring test per word. Tracking numbers,
barcodes, tax codes and decision numbers are words of that text like any other, so one
index answers every search (the indexes: review/migrations/0002_search.py).
"""

from django.db import connection
from django.db.models import BooleanField, F, FloatField, Func, QuerySet, Value

from registry.text import fold_words

MAX_WORDS = 10


class FullTextMatch(Func):
    """`to_tsvector('simple', <column>) @@ to_tsquery('simple', <query>)`: written out so
    that it is the very expression the GIN index is built on."""

    template = "(to_tsvector('simple'::regconfig, %(expressions)s))"
    arg_joiner = ") @@ to_tsquery('simple'::regconfig, "
    output_field = BooleanField()


class FullTextRank(Func):
    """`ts_rank(to_tsvector('simple', <column>), to_tsquery('simple', <query>), 1)`: how
    often the words occur, divided by 1 + the log of the text's length."""

    template = "ts_rank(to_tsvector('simple'::regconfig, %(expressions)s), 1)"
    arg_joiner = "), to_tsquery('simple'::regconfig, "
    output_field = FloatField()


def _tsquery(found: list[str]) -> str:
    return " & ".join(f"{word}:*" for word in found)


def words(q: str) -> list[str]:
    """The words of a query, folded; punctuation is a separator (and never reaches
    to_tsquery's syntax)."""
    return fold_words(q).split()[:MAX_WORDS]


def text_matches(qs: QuerySet, q: str) -> QuerySet:
    """Rows of `qs` whose search_text holds every word of `q` (as a word prefix on
    PostgreSQL, anywhere in the text on SQLite)."""
    found = words(q)
    if not found:
        return qs.none()
    if connection.vendor == "postgresql":
        return qs.filter(FullTextMatch(F("search_text"), Value(_tsquery(found))))
    for word in found:
        qs = qs.filter(search_text__contains=word)
    return qs


def search_rank(q: str):
    """How relevant a row is to `q`, to order by (highest first) before recency; None on
    SQLite, where the rows matching a search are simply ordered by recency."""
    found = words(q)
    if not found or connection.vendor != "postgresql":
        return None
    return FullTextRank(F("search_text"), Value(_tsquery(found)))
