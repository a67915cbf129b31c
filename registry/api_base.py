"""What every app's API is built on: the error body's schema, database ids, the
responses every operation declares, and page-number pagination.

Here, in the foundation, so that each app's router can use them without importing
`api/`, which sits on top and mounts those routers.
"""

from typing import Annotated, Any

from django.conf import settings
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
