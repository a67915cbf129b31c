"""Domain errors raised by services and selectors.

Each has a stable machine-readable `code` and a message in Vietnamese (the msgid) with
its English translation in the gettext catalog. `error_body` renders one as
`{code, message, messages: {vi, en}, errors}`: `api/` answers with it, and so do the
pages that answer JSON; other views turn errors into page errors.
"""

from django.utils import translation
from django.utils.translation import gettext_lazy as _

LANGUAGES = ("vi", "en")


class DomainError(Exception):
    status = 400
    code = "invalid_request"
    message = _("Yêu cầu không hợp lệ.")

    def __init__(
        self, message=None, *, code: str | None = None, params: dict | None = None, errors=None
    ):
        self.message = message if message is not None else self.message
        self.code = code or self.code
        self.params = params or {}
        # Field errors, {"field": [(code, message, params)]}: kept lazy so that they can
        # be rendered in each language.
        self.errors = errors or {}
        super().__init__(self.code)

    def render(self) -> str:
        """The message in the active language."""
        return _interpolate(self.message, self.params)

    def render_errors(self) -> dict[str, list[dict]]:
        return {
            field: [
                {"code": code, "message": _interpolate(message, params)}
                for code, message, params in items
            ]
            for field, items in self.errors.items()
        }


def _interpolate(message, params) -> str:
    text = str(message)
    return text % params if params else text


class NotFound(DomainError):
    status = 404
    code = "not_found"
    message = _("Không tìm thấy.")


class PermissionDenied(DomainError):
    status = 403
    code = "permission_denied"
    message = _("Bạn không có quyền thực hiện thao tác này.")


class InvalidInput(DomainError):
    status = 400
    code = "invalid_input"
    message = _("Dữ liệu không hợp lệ.")

    @classmethod
    def field(cls, field: str, code: str, message, params: dict | None = None) -> "InvalidInput":
        """The error of one field, for forms and API clients alike."""
        return cls(message, code=code, params=params, errors={field: [(code, message, params)]})


class Conflict(DomainError):
    status = 409
    code = "conflict"
    message = _("Thao tác mâu thuẫn với trạng thái hiện tại.")


class InvalidTransition(Conflict):
    code = "invalid_transition"
    message = _("Không thể chuyển từ trạng thái “%(source)s” sang “%(target)s”.")

    @classmethod
    def between(cls, source: str, target: str, statuses) -> "InvalidTransition":
        """The error for a move from `source` to `target`, named by their labels in
        `statuses` (a TextChoices); an unknown value is shown as given."""
        labels = dict(statuses.choices)
        return cls(
            params={"source": labels.get(source, source), "target": labels.get(target, target)}
        )


def invalid_from_django(exc) -> InvalidInput:
    """Wrap a django.core.exceptions.ValidationError, keeping each field's code."""
    items = exc.error_dict.items() if hasattr(exc, "error_dict") else [("__all__", exc.error_list)]
    errors = {
        field: [(error.code or "invalid", error.message, error.params) for error in error_list]
        for field, error_list in items
    }
    code, message, params = next(iter(errors.values()))[0]
    return InvalidInput(message, code=code, params=params, errors=errors)


class NotAuthenticated(DomainError):
    status = 401
    code = "not_authenticated"
    message = _("Cần đăng nhập hoặc token hợp lệ.")


class TooManyRequests(DomainError):
    status = 429
    code = "too_many_requests"
    message = _("Quá nhiều yêu cầu, hãy thử lại sau.")


class ServiceUnavailable(DomainError):
    """A backing service (the database, Redis) cannot be reached: nothing was changed
    half-way, and the same request may simply be sent again."""

    status = 503
    code = "service_unavailable"
    message = _("Hệ thống tạm thời gián đoạn, yêu cầu chưa được ghi nhận. Hãy thử lại sau.")
    retry_after = 30


class DatabaseUnavailable(ServiceUnavailable):
    code = "database_unavailable"
    message = _("Mất kết nối tới cơ sở dữ liệu, yêu cầu chưa được ghi nhận. Hãy thử lại sau.")


def error_body(error: DomainError) -> dict:
    """The error as the API sends it: the message in the request's language (Vietnamese
    unless the client asks for English) and in both, with the field errors."""
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
