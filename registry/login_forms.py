"""The staff login form, throttled (registry/login_throttle.py, docs/login-throttle.md)."""

from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from registry.login_throttle import (
    LOCKED_MESSAGE,
    LoginLocked,
    login_check,
    login_failed,
    login_released,
    login_succeeded,
)
from registry.second_factor import needs_second_step


class ThrottledAuthenticationForm(AuthenticationForm):
    """Refuses every attempt, the right password too, while the account or the network
    is locked; `locked` then holds the lock, for the view's 429 and Retry-After."""

    error_messages = {**AuthenticationForm.error_messages, "login_locked": LOCKED_MESSAGE}
    locked: LoginLocked | None = None

    def clean(self):
        username = self.cleaned_data.get("username")
        if not (username and self.cleaned_data.get("password")):
            return super().clean()
        network_key = self.request.network_key
        try:
            login_check(username, network_key)
        except LoginLocked as locked:
            self.locked = locked
            raise ValidationError(
                self.error_messages["login_locked"],
                code="login_locked",
                params={"minutes": locked.minutes},
            ) from None
        try:
            cleaned_data = super().clean()
        except ValidationError:
            login_failed(username, network_key)
            raise
        # With a second step still to pass, its success clears the failures
        # (second_factor.complete_login): a password alone must not, or each right
        # password would buy another round of code guesses.
        if needs_second_step(self.get_user()):
            login_released(username, network_key)
        else:
            login_succeeded(username, network_key)
        return cleaned_data
