from typing import Annotated

from ninja import Field, Schema


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
