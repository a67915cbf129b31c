"""One Chromium page for a browser test (Debian's chromium driven by Playwright)."""

from contextlib import contextmanager

from tests.browser.test_public_filing import ARGS, CHROMIUM


@contextmanager
def chromium_page(monkeypatch, **context_options):
    """A page in a new context (Vietnamese, Hà Nội time, plus `context_options`: viewport,
    java_script_enabled...). Playwright's sync API runs an event loop, so Django must allow
    ORM calls in the test; the variable is set for this test only."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            context = browser.new_context(
                **{"locale": "vi-VN", "timezone_id": "Asia/Ho_Chi_Minh", **context_options}
            )
            yield context.new_page()
        finally:
            browser.close()
