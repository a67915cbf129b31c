"""Every error leaves the API as `{code, message, messages: {vi, en}, errors}`.

`message` is in the request's language (Vietnamese unless the client asks for English
with Accept-Language), `messages` carries both, and `errors` the field errors.
"""

import logging

from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from registry.errors import DomainError, InvalidInput, NotFound

logger = logging.getLogger(__name__)
LANGUAGES = ("vi", "en")


class NotAuthenticated(DomainError):
    status = 401
    code = "not_authenticated"
    message = _("Cần đăng nhập hoặc token hợp lệ.")


class CsrfFailed(DomainError):
    status = 403
    code = "csrf_failed"
    message = _("Thiếu hoặc sai mã CSRF: hãy tải lại trang.")


class TooManyRequests(DomainError):
    status = 429
    code = "too_many_requests"
    message = _("Quá nhiều yêu cầu, hãy thử lại sau.")


class ServerError(DomainError):
    status = 500
    code = "server_error"
    message = _("Lỗi hệ thống. Dữ liệu đã lưu không bị ảnh hưởng; hãy thử lại sau.")


def error_body(error: DomainError) -> dict:
    current = (translation.get_language() or "vi")[:2]
    messages = {}
    for lang in LANGUAGES:
        with translation.override(lang):
            messages[lang] = error.render()
    return {
        "code": error.code,
        "message": messages.get(current, messages["vi"]),
        "messages": messages,
        "errors": error.render_errors(),
    }


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

    @api.exception_handler(Exception)
    def server_error(request, exc):
        # The traceback goes to the log, never to the client. Log lines carry no request
        # body, so no reporter's identity or receipt ends up there.
        logger.exception("Unhandled API error on %s %s", request.method, request.path)
        return respond(request, ServerError())
