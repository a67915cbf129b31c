"""A custodian adds a passkey from the security page and signs in with it (real Chromium,
a virtual authenticator through the Chrome DevTools Protocol's WebAuthn domain): the
password, then the passkey as the second factor, landing on the home page with the vault
key unlocked. WebAuthn needs a secure context: the live server is http://localhost, which
is one. Screenshots in test-artifacts/.

Without JavaScript the pages say a passkey cannot be used here and offer the code."""

import pytest
from django.contrib.sessions.models import Session

from registry.models import AuditEntry, PasskeyDevice
from tests.browser.chromium import chromium_page
from tests.browser.test_public_filing import ARTIFACTS, pytestmark  # noqa: F401
from tests.factories import DEFAULT_PASSWORD
from tests.registry.soft_authenticator import passkey_for
from tests.second_factor import browser_sign_in
from whistleblower import vault


def _virtual_authenticator(page):
    """A platform authenticator (like a laptop's fingerprint reader) that holds
    discoverable credentials, verifies the user and answers at once."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    found = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, found["authenticatorId"]


def _password(page, base_url, user):
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", user.get_username())
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.click("form:has(input[name=password]) button[type=submit]")
    page.wait_for_load_state()


def _session(page) -> dict:
    cookie = next(c for c in page.context.cookies() if c["name"] == "sessionid")
    return Session.objects.get(session_key=cookie["value"]).get_decoded()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_custodian_adds_a_passkey_and_signs_in_with_it(live_server, monkeypatch, cora):
    ARTIFACTS.mkdir(exist_ok=True)
    base = live_server.url
    assert base.startswith("http://localhost:")
    with chromium_page(monkeypatch, viewport={"width": 1280, "height": 900}) as page:
        cdp, authenticator = _virtual_authenticator(page)

        # Signed in with the authenticator app, cora adds a passkey.
        browser_sign_in(page, base, cora, DEFAULT_PASSWORD)
        page.goto(f"{base}/account/security/")
        page.click("text=Thêm khóa truy cập")
        page.wait_for_url("**/account/security/passkeys/new/")
        assert page.locator("[data-passkey-unsupported]").is_hidden()
        page.fill("input[name=name]", "Máy tính cơ quan")
        page.screenshot(path=str(ARTIFACTS / "passkey-1-new.png"), full_page=True)
        page.click("text=Tạo khóa")
        page.wait_for_url("**/account/security/recovery-codes/")
        assert "Đã thêm khóa “Máy tính cơ quan”" in page.inner_text(".messages")
        device = PasskeyDevice.objects.get(user=cora)
        assert device.name == "Máy tính cơ quan"
        held = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
        assert len(held["credentials"]) == 1
        page.goto(f"{base}/account/security/")
        assert "Máy tính cơ quan" in page.inner_text("main")

        # Signs out; the password alone leads to the second step, and not into the vault.
        page.click("form.logout button")
        page.wait_for_load_state()
        _password(page, base, cora)
        assert "/login/second-factor/" in page.url
        assert vault.SESSION_KEY not in _session(page)
        button = page.locator("[data-passkey-start]")
        assert button.is_visible()
        page.screenshot(path=str(ARTIFACTS / "passkey-2-second-step.png"), full_page=True)

        button.click()
        page.wait_for_url(f"{base}/home/identity_custodian/")
        assert "Đã xác thực bước hai" in page.inner_text(".messages")
        assert vault.SESSION_KEY in _session(page)
        page.screenshot(path=str(ARTIFACTS / "passkey-3-home.png"), full_page=True)

    device.refresh_from_db()
    assert device.last_used_at is not None
    entry = AuditEntry.objects.filter(action="login.second_factor").latest("pk")
    assert entry.actor == cora and entry.changes == {"kind": "passkey"}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_without_javascript_the_pages_offer_the_code(live_server, monkeypatch, cora):
    passkey_for(cora)  # registered through the services
    with chromium_page(monkeypatch, java_script_enabled=False) as page:
        _password(page, live_server.url, cora)
        assert "/login/second-factor/" in page.url
        unsupported = page.locator("[data-passkey-unsupported]")
        assert unsupported.is_visible()
        assert "ứng dụng xác thực" in unsupported.inner_text()
        assert page.locator("[data-passkey-start]").is_hidden()
        assert page.locator("input[name=code]").is_visible()
