from ninja import Schema


class FieldError(Schema):
    code: str
    message: str


class ErrorOut(Schema):
    """Every error: a stable `code` to branch on and the message in both languages."""

    code: str
    message: str
    messages: dict[str, str]
    errors: dict[str, list[FieldError]] = {}


# Responses every authenticated operation may give, for the OpenAPI document.
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 429: ErrorOut}
