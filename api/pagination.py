from typing import Any

from django.conf import settings
from ninja import Field, Schema
from ninja.pagination import PaginationBase


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
