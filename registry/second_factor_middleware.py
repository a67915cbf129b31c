"""Keeps a signed-in user who has not passed the second factor on the second step, or on
enrolment when their role requires a factor they do not have yet (docs/second-factor.md).

Runs after django-otp's OTPMiddleware (request.user.is_verified()). Let through: signing
in and out, the second step and passkey sign-in (under /login/), the citizens' public
pages, static files, health probes and the language switch. The API is let through
too: its session authentication refuses such a session itself (api/auth.py), while a
bearer token, issued only after the second factor, works as before. The security
pages are let through only to enrol a first factor: a user who has one must pass the
second step before changing them, or a password alone could replace the factor.
"""

from urllib.parse import urlencode

from django.shortcuts import redirect

from registry.second_factor import SECURITY_PATH, pending_step

ALWAYS_OPEN = (
    "/login/",
    "/logout/",
    "/static/",
    "/healthz",
    "/readyz",
    "/i18n/",
    "/api/",
    # The citizens' pages (complaints and violations' public urls) and the tablet
    # app's public shell.
    "/phan-anh/",
    "/tra-cuu/",
    "/xac-minh/",
    "/canh-bao/",
    "/field/sw.js",
    "/field/manifest.webmanifest",
    "/field/offline/",
)


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        target = pending_step(request.user)
        # For the templates: no staff navigation before the second factor.
        request.second_factor_pending = target is not None
        if target is None or _is_open(request.path, target):
            return self.get_response(request)
        if request.method == "GET":
            return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return redirect(target)


def _is_open(path: str, target: str) -> bool:
    """The security pages stay open to a user sent there to enrol a first factor (who
    has none, or pending_step would send them to the second step)."""
    return path.startswith(ALWAYS_OPEN) or (
        target == SECURITY_PATH and path.startswith(SECURITY_PATH)
    )
