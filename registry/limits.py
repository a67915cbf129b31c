"""Refuse a request body larger than MAX_REQUEST_BYTES before reading any of it.

Views check their own, smaller limits; this stops a huge upload before Django spools
it to disk (the reverse proxy in front should enforce the same limit)."""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BYTES:
            return self._too_large(request)
        return self.get_response(request)

    def _too_large(self, request):
        messages = {}
        for lang in ("vi", "en"):
            with translation.override(lang):
                messages[lang] = _("Dữ liệu gửi lên quá lớn.")
        if request.path.startswith("/api/"):
            body = {
                "code": "request_too_large",
                "message": messages["vi"],
                "messages": messages,
                "errors": {},
            }
            return JsonResponse(body, status=413, json_dumps_params={"ensure_ascii": False})
        return HttpResponse(messages["vi"], status=413, content_type="text/plain; charset=utf-8")
