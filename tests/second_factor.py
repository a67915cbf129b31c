"""Tests act as staff who passed the second factor (docs/second-factor.md).

`install()` (from tests/conftest.py) wraps the test client's `force_login` and `login`:
for a user who needs the second step, the session is also verified with a confirmed
TOTP device (made for the user if they have none), as after a real second step. The
tests of the second factor itself use `UnverifiedClient`, which signs in with the
password only.

`sign_in` and `browser_sign_in` go through the real pages, the second step included,
with the code an authenticator app would show.
"""

import time
from urllib.parse import urlsplit, urlunsplit

from django.contrib.auth import SESSION_KEY as USER_SESSION_KEY
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry.second_factor import RECENT_STEP_SESSION_KEY, needs_second_step
from tests.factories import DEFAULT_PASSWORD

SECOND_STEP = "/login/second-factor/"
SECURITY = "/account/security/"


def totp_device(user) -> TOTPDevice:
    """The user's confirmed TOTP device, made if they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Điện thoại (thử)", confirmed=True)
    return device


def current_code(device: TOTPDevice) -> str:
    """The code the app shows now. A code is accepted once (django-otp keeps `last_t`):
    a test that signs in twice within 30 seconds is taken to have waited for the next."""
    now = int((time.time() - device.t0) // device.step)
    if device.last_t >= now:
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=now - 1)
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{code:0{device.digits}d}"


def verify_session(client: Client, user) -> None:
    """Mark the client's session as having passed the second factor, if the user needs it."""
    if not needs_second_step(user):
        return
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
    session[RECENT_STEP_SESSION_KEY] = time.time()  # as complete_login does
    session.save()


class UnverifiedClient(Client):
    """A client whose sign-in stops after the password, as a real one's does."""

    verify_second_factor = False


def install() -> None:
    """Wrap Client.force_login and Client.login once (idempotent)."""
    if getattr(Client.force_login, "second_factor_wrapped", False):
        return
    force_login, login = Client.force_login, Client.login

    def force_login_verified(self, user, backend=None):
        force_login(self, user, backend)
        if getattr(self, "verify_second_factor", True):
            verify_session(self, user)

    def login_verified(self, **credentials):
        signed_in = login(self, **credentials)
        if signed_in and getattr(self, "verify_second_factor", True):
            user = get_user_model().objects.get(pk=self.session[USER_SESSION_KEY])
            verify_session(self, user)
        return signed_in

    force_login_verified.second_factor_wrapped = True
    Client.force_login = force_login_verified
    Client.login = login_verified


def sign_in(client: Client, user, password: str = DEFAULT_PASSWORD, next_path: str = ""):
    """Sign in through the login page and, when asked, the second step with a TOTP code
    (a device is made for a user who must have one). Returns the last response."""
    if needs_second_step(user):
        totp_device(user)
    data = {"username": user.get_username(), "password": password}
    if next_path:
        data["next"] = next_path
    response = client.post("/login/", data)
    if response.status_code == 302 and response["Location"].startswith(SECOND_STEP):
        response = client.post(response["Location"], {"code": current_code(totp_device(user))})
    return response


def browser_sign_in(page, base_url: str, user, password: str, next_path: str = "") -> None:
    """Sign in in Chromium through the pages, the second step included."""
    if needs_second_step(user):
        totp_device(user)
    page.goto(f"{base_url}/login/" + (f"?next={next_path}" if next_path else ""))
    page.fill("input[name=username]", user.get_username())
    page.fill("input[name=password]", password)
    page.click("form:has(input[name=password]) button[type=submit]")
    browser_second_step(page, user)


def browser_second_step(page, user) -> None:
    """After the password: type the code if the second step asks for one. A user whose
    role requires a factor and who has none is sent to enrolment: the test gives them
    an app and goes on to the second step, as if they had enrolled."""
    page.wait_for_url(lambda url: urlsplit(url).path != "/login/")
    address = urlsplit(page.url)
    if address.path == SECURITY:
        totp_device(user)
        page.goto(urlunsplit(address._replace(path=SECOND_STEP)))
    if urlsplit(page.url).path == SECOND_STEP:
        page.fill("input[name=code]", current_code(totp_device(user)))
        page.click("form:has(input[name=code]) button[type=submit]")
        page.wait_for_url(lambda url: urlsplit(url).path != SECOND_STEP)
