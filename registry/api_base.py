"""What every app's API is built on: the error body's schema, database ids, the
responses every operation declares, page-number pagination, and the big lists' capped
counts and deferred-join pages (docs/case-list.md).

Here, in the foundation, so that each app's router can use them without importing
`api/`, which sits on top and mounts those routers.
"""

from typing import Annotated, Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, QuerySet, Window
from django.db.models.sql.where import WhereNode
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.pagination import PaginationBase


class FieldError(Schema):
    code: str
    message: str


class ErrorOut(Schema):
    """Every error: a stable `code` to branch on and the message in both languages."""

    code: str
    message: str
    messages: dict[str, str]
    errors: dict[str, list[FieldError]] = {}


# A database id: ids the database cannot hold (beyond 64 bits) are a 400 like any bad
# input, not an overflow in the query that looks them up.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]

# Responses every authenticated operation may give, for the OpenAPI document (503 while
# the database or Redis cannot be reached).
ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    429: ErrorOut,
    503: ErrorOut,
}


class PagePagination(PaginationBase):
    """`?page=2&page_size=50`; a page size above API_MAX_PAGE_SIZE is refused (400)."""

    class Input(Schema):
        # The bound keeps the offset inside the database's 64-bit integers.
        page: int = Field(1, ge=1, le=10_000_000, description="Trang, từ 1")
        page_size: int = Field(settings.API_PAGE_SIZE, ge=1, le=settings.API_MAX_PAGE_SIZE)

    class Output(Schema):
        items: list[Any]
        count: int
        page: int
        page_size: int

    def paginate_queryset(self, queryset, pagination: Input, **params):
        offset = (pagination.page - 1) * pagination.page_size
        return {
            "items": list(queryset[offset : offset + pagination.page_size]),
            "count": self._items_count(queryset),
            "page": pagination.page,
            "page_size": pagination.page_size,
        }


# Counts shown to users are exact up to COUNT_CAP; above it they are "more than
# COUNT_CAP" (docs/case-list.md): counting 400,000 rows exactly on every page view costs
# more than the page itself, and nobody works through a queue by its exact length.
COUNT_CAP = 1000


class CappedCount(int):
    """A count that stops at COUNT_CAP + 1: an int to compare and compute with (two
    capped counts of the same list are equal), shown "hơn 1.000" / "more than 1,000"
    once capped, in a template as in a string."""

    @property
    def capped(self) -> bool:
        return self > COUNT_CAP

    def __str__(self) -> str:
        if not self.capped:
            return int.__str__(self)
        return _("hơn %(count)s") % {"count": number_format(COUNT_CAP, force_grouping=True)}


def capped(total: int) -> CappedCount:
    """An exact count, capped as the lists show it."""
    return CappedCount(min(total, COUNT_CAP + 1))


def capped_count(qs: QuerySet) -> CappedCount:
    """How many rows `qs` holds, up to COUNT_CAP + 1: a count over `LIMIT COUNT_CAP + 1`,
    so the database stops at the cap whatever the table's size."""
    return CappedCount(qs.order_by().values("pk")[: COUNT_CAP + 1].count())


def capped_counts(base: QuerySet, subsets: dict[str, QuerySet], columns: tuple) -> dict:
    """`capped_count` of each subset of `base`, all in one query. Each subset is given
    by a queryset of the same model holding only its own condition, on `columns`; the
    rows `base` opens (a user's scope: possibly a long list of granted ids) are written
    once, as a common table expression each count reads, not once per count."""
    model = base.model
    table = model._meta.db_table
    try:
        rows = base.order_by().values("pk", *columns)
        base_sql, base_params = rows.query.get_compiler(using=base.db).as_sql()
    except EmptyResultSet:  # a user who may see none of them
        return {key: CappedCount(0) for key in subsets}
    connection = connections[base.db]
    quote = connection.ops.quote_name
    counts, params = [], list(base_params)
    for subset in subsets.values():
        where, where_params = subset.query.get_compiler(using=base.db).compile(subset.query.where)
        condition = f" WHERE {where}" if where else ""
        counts.append(
            f"(SELECT COUNT(*) FROM (SELECT 1 FROM scoped AS {quote(table)}{condition} "  # noqa: S608
            f"LIMIT {COUNT_CAP + 1:d}) AS capped)"
        )
        params += where_params
    # The ORM's own SQL for the querysets, their values passed as parameters.
    sql = f"WITH scoped AS NOT MATERIALIZED ({base_sql}) SELECT {', '.join(counts)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchone()
    return {key: CappedCount(value) for key, value in zip(subsets, found, strict=True)}


def page_rows(qs: QuerySet, *, offset: int, limit: int) -> list:
    """Rows `offset` to `offset + limit` of the ordered `qs`, in one query: a deferred
    join. The inner query picks the page's ids in the list's order over an index alone
    (OFFSET then skips index entries, not rows read with their joins); the outer one
    reads those few rows with the columns, joins and annotations `qs` asks for."""
    ids = qs.values("pk")[offset : offset + limit]
    return list(_by_ids(qs, ids))


def _by_ids(qs: QuerySet, ids) -> QuerySet:
    """The rows of `qs` with these ids, in its order, with its columns, joins and
    annotations but not its filters: the ids were chosen by them, and a filter repeated
    here could lead the planner back to the scan the ids were picked by (a search's
    index, say) instead of the primary key."""
    rows = qs.all()
    rows.query.where = WhereNode()
    return rows.filter(pk__in=ids)


def ranked_page_rows(qs: QuerySet, *, offset: int, limit: int) -> tuple[list, int]:
    """For a search ranked by relevance, which reads every match to rank it anyway: the
    page's ids and the number of matches in that one scan (a window count), then the
    page's rows by their ids. Returns the rows and the exact total."""
    found = list(
        qs.annotate(matches=Window(Count("*"))).values_list("pk", "matches")[
            offset : offset + limit
        ]
    )
    if not found:
        total = capped_count(qs) if offset else 0
        return [], total
    order = {pk: index for index, (pk, _total) in enumerate(found)}
    rows = sorted(_by_ids(qs, list(order)), key=lambda row: order[row.pk])
    return rows, found[0][1]


def is_ranked(qs: QuerySet) -> bool:
    """Whether `qs` is ordered by a search's relevance (registry.search.search_rank)."""
    return "search_rank" in qs.query.annotations


class CappedPagePagination(PagePagination):
    """PagePagination for the big lists: `count` is exact up to COUNT_CAP and COUNT_CAP
    + 1 beyond (then `count_capped` is true: there are more than COUNT_CAP); `has_next`
    says whether a next page exists; the page is read by a deferred join (`page_rows`),
    so page 400 costs about what page 1 does."""

    class Output(PagePagination.Output):
        count_capped: bool = Field(
            False, description="count là giới hạn dưới / count is a lower bound (> 1000)"
        )
        has_next: bool = False

    def paginate_queryset(self, queryset, pagination: PagePagination.Input, **params):
        offset = (pagination.page - 1) * pagination.page_size
        limit = pagination.page_size + 1
        if is_ranked(queryset):
            rows, total = ranked_page_rows(queryset, offset=offset, limit=limit)
            count = capped(total)
        else:
            rows = page_rows(queryset, offset=offset, limit=limit)
            count = capped_count(queryset)
        return {
            "items": rows[: pagination.page_size],
            "count": count,
            "count_capped": count.capped,
            "page": pagination.page,
            "page_size": pagination.page_size,
            "has_next": len(rows) > pagination.page_size,
        }
