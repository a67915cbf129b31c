"""Who is calling: a tablet with a bearer token, or a browser with its session."""

from ninja.security import APIKeyCookie, HttpBearer

from registry.errors import NotAuthenticated
from registry.second_factor import SECOND_FACTOR_REQUIRED, pending_step
from registry.services import api_token_authenticate


class TokenAuth(HttpBearer):
    """`Authorization: Bearer msq_...`: tokens issued at POST /api/v1/auth/tokens."""

    def authenticate(self, request, token):
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class StaffSessionAuth(APIKeyCookie):
    """The web session; unsafe methods also need the CSRF token, as for any form."""

    param_name = "sessionid"

    def _get_key(self, request):
        # Without a session cookie there is no session a forged request could ride on:
        # no CSRF check, so that a tablet whose token expired gets 401 (sign in again)
        # rather than 403 "reload the page".
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        user = request.user
        if not (user.is_authenticated and user.is_active):
            return None
        if pending_step(user) is not None:
            # Signed in with the password only: nothing until the second factor.
            raise NotAuthenticated(SECOND_FACTOR_REQUIRED, code="second_factor_required")
        return user


staff_auth = [TokenAuth(), StaffSessionAuth()]
