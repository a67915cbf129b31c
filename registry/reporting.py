"""Error reports (Django's debug page and error e-mails) never carry a reporter's
identity, a receipt code, a password or a token, whichever view failed."""

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
