"""Error reports (Django's debug page and error e-mails) never carry a reporter's
identity, a receipt code, a password, a token or a vault key, whichever code failed.

Local variables of every frame and every cookie are masked, not only the ones someone
remembered to mark as sensitive: in this product any frame may hold an identity.
"""

from django.views.debug import SafeExceptionReporterFilter

SECRET_FIELDS = ("receipt", "password", "token", "csrfmiddlewaretoken")


class PrivacyExceptionReporterFilter(SafeExceptionReporterFilter):
    def is_active(self, request):
        # Also when DEBUG is on: a developer's screen must not show a citizen's identity.
        return True

    def get_post_parameters(self, request):
        if request is None:
            return {}
        cleaned = request.POST.copy()
        for key in cleaned:
            if key.startswith("identity_") or any(word in key for word in SECRET_FIELDS):
                cleaned[key] = self.cleansed_substitute
        return cleaned

    def get_traceback_frame_variables(self, request, tb_frame):
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]

    def get_safe_cookies(self, request):
        if request is None:
            return {}
        return {name: self.cleansed_substitute for name in request.COOKIES}
