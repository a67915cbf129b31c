"""The second step and the security pages in Chromium: signing in with a code from the
app, and axe-core's WCAG 2.1 AA rules on each page at 1280 and 360 px (forms also
posted empty), as tests/browser/test_accessibility_pages.py checks the loop's pages."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry import factors
from tests.browser.test_accessibility_pages import browser, check  # noqa: F401
from tests.browser.test_public_filing import pytestmark  # noqa: F401
from tests.second_factor import browser_sign_in, current_code, totp_device

PASSWORD = "Hai-bước-2026"


def _context(browser):  # noqa: F811 - the fixture's value
    return browser.new_context(bypass_csp=True, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_second_step_and_the_security_pages(browser, live_server, cora):  # noqa: F811
    assert not TOTPDevice.objects.filter(user=cora).exists()
    cora.set_password(PASSWORD)
    cora.save()
    base = live_server.url
    found, untied = [], []

    def run(page, path, **kwargs):
        more, loose = check(page, f"{base}{path}", **kwargs)
        found.extend(more)
        untied.extend(loose)

    # The password alone: a custodian without a factor is sent to enrolment.
    page = _context(browser).new_page()
    page.goto(f"{base}/login/?next=/disclosures/")
    page.fill("input[name=username]", cora.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form:has(input[name=password]) button[type=submit]")
    page.wait_for_url(lambda url: "/account/security/" in url)
    assert page.locator("nav.site-nav").count() == 0
    run(page, "/account/security/")
    run(page, "/account/security/totp/")
    run(page, "/account/security/totp/", post_empty=True)
    # Enrol: scan (here: read the secret), type the code; the recovery codes show once.
    page.goto(f"{base}/account/security/totp/")
    assert page.locator(".qr svg").count() == 1
    pending = TOTPDevice.objects.get(user=cora, confirmed=False)
    page.fill("input[name=code]", current_code(pending))
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: url.endswith("/account/security/recovery-codes/"))
    assert page.locator("main ol li code").count() == factors.RECOVERY_CODE_COUNT
    run(page, "/account/security/recovery-codes/")
    run(page, "/account/security/totp/remove/")

    # Next time: the password, then the second step.
    again = _context(browser).new_page()
    again.goto(f"{base}/login/")
    again.fill("input[name=username]", cora.username)
    again.fill("input[name=password]", PASSWORD)
    again.click("form:has(input[name=password]) button[type=submit]")
    again.wait_for_url(lambda url: "/login/second-factor/" in url)
    run(again, "/login/second-factor/")
    run(again, "/login/second-factor/", post_empty=True)

    signed_in = _context(browser).new_page()
    browser_sign_in(signed_in, base, cora, PASSWORD, next_path="/disclosures/")
    assert signed_in.url.endswith("/disclosures/")
    assert totp_device(cora).last_t > 0

    assert not found, "\n".join(
        f"{url} @{width}px: {v['impact']} {v['id']} ({v['help']}) at {v['nodes']}"
        for url, width, v in found
    )
    assert not untied, untied
