"""Every error leaves the API as `{code, message, messages: {vi, en}, errors}`.

`message` is in the request's language (Vietnamese unless the client asks for English
with Accept-Language), `messages` carries both, and `errors` the field errors
(`registry.errors.error_body`). This module maps what Django and ninja raise to those.
"""

import logging

import redis
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.db import InterfaceError, OperationalError
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext_lazy as _
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from registry.errors import (
    DatabaseUnavailable,
    DomainError,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    ServiceUnavailable,
    TooManyRequests,
    error_body,
)

logger = logging.getLogger(__name__)


class CsrfFailed(DomainError):
    status = 403
    code = "csrf_failed"
    message = _("Thiếu hoặc sai mã CSRF: hãy tải lại trang.")


class MalformedRequest(DomainError):
    status = 400
    code = "malformed_request"
    message = _("Không đọc được yêu cầu: nội dung gửi lên bị hỏng hoặc sai định dạng.")


class NulCharacter(InvalidInput):
    code = "nul_character"
    message = _("Dữ liệu không được chứa ký tự NUL (\\x00).")


class ServerError(DomainError):
    status = 500
    code = "server_error"
    message = _("Lỗi hệ thống. Dữ liệu đã lưu không bị ảnh hưởng; hãy thử lại sau.")


def _pydantic_errors(exc: ValidationError) -> dict:
    errors: dict[str, list] = {}
    for item in exc.errors:
        # loc is ("body", "payload", "field") or ("query", "page_size"): keep the field path.
        loc = [
            str(part)
            for part in item.get("loc", ())
            if part not in ("body", "query", "path", "payload", "form", "file", "data")
        ]
        errors.setdefault(".".join(loc) or "__all__", []).append(
            (item.get("type", "invalid"), item["msg"], None)
        )
    return errors


def install(api) -> None:
    def respond(request, error: DomainError):
        response = api.create_response(request, error_body(error), status=error.status)
        retry_after = getattr(error, "retry_after", None)
        if retry_after:
            response["Retry-After"] = str(retry_after)
        return response

    @api.exception_handler(DomainError)
    def domain_error(request, exc):
        return respond(request, exc)

    @api.exception_handler(ValidationError)
    def validation_error(request, exc):
        return respond(request, InvalidInput(errors=_pydantic_errors(exc)))

    @api.exception_handler(AuthenticationError)
    def authentication_error(request, exc):
        return respond(request, NotAuthenticated())

    @api.exception_handler(Throttled)
    def throttled(request, exc):
        return respond(request, TooManyRequests())

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        if exc.status_code == 403 and "CSRF" in str(exc):
            return respond(request, CsrfFailed())
        error = DomainError(code=f"http_{exc.status_code}")
        error.status = exc.status_code
        return respond(request, error)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return respond(request, NotFound())

    # A body Django cannot parse (a multipart without its boundary, too many fields): the
    # client's fault, a 400 as Django itself answers outside the API.
    @api.exception_handler(MultiPartParserError)
    @api.exception_handler(BadRequest)
    @api.exception_handler(SuspiciousOperation)
    def malformed_request(request, exc):
        logger.warning("Malformed request on %s %s: %s", request.method, request.path, exc)
        return respond(request, MalformedRequest())

    # A dropped connection or an outage: the transaction was rolled back, so "try again"
    # is true, and a 500 would say the bug is ours.
    @api.exception_handler(OperationalError)
    @api.exception_handler(InterfaceError)
    def database_unavailable(request, exc):
        logger.warning("Database unavailable on %s %s: %s", request.method, request.path, exc)
        return respond(request, DatabaseUnavailable())

    @api.exception_handler(redis.ConnectionError)
    @api.exception_handler(redis.TimeoutError)
    def cache_unavailable(request, exc):
        # Throttles count in Redis: refused rather than let through uncounted.
        logger.warning("Redis unavailable on %s %s: %s", request.method, request.path, exc)
        return respond(request, ServiceUnavailable())

    @api.exception_handler(Exception)
    def server_error(request, exc):
        # The traceback goes to the log, never to the client. Log lines carry no request
        # body, so no reporter's identity or receipt ends up there.
        logger.exception("Unhandled API error on %s %s", request.method, request.path)
        return respond(request, ServerError())
