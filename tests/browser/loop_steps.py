"""The mechanics of the whole-loop browser test (tests/browser/test_whole_loop.py): one
Chromium, one context per person (each with its own cookies and screen), signing in
through /login/, numbered screenshots, the marks a page leaves after an action.

Nothing here calls a service or the API: every action is a click or a typed value on a
page."""

import subprocess
from contextlib import contextmanager, suppress
from pathlib import Path

from tests.browser.test_field_finding import TABLET
from tests.browser.test_public_filing import ARGS, ARTIFACTS, CHROMIUM
from tests.second_factor import browser_second_step

LOOP = ARTIFACTS / "whole-loop"
LOGIN_BUTTON = "form:has(input[name=password]) button[type=submit]"

PHONE = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "vi-VN",
    "timezone_id": "Asia/Ho_Chi_Minh",
}
DESK = {
    "viewport": {"width": 1280, "height": 800},
    "locale": "vi-VN",
    "timezone_id": "Asia/Ho_Chi_Minh",
}


class Loop:
    """The browser, the people's pages, and the screenshots' numbering."""

    def __init__(self, browser, base_url: str):
        self.browser = browser
        self.base = base_url
        self.shots = 0
        self.pages = []
        LOOP.mkdir(parents=True, exist_ok=True)
        for old in LOOP.glob("*.png"):
            old.unlink()

    def person(self, options: dict):
        page = self.browser.new_context(**options).new_page()
        page.set_default_timeout(20_000)
        self.pages.append(page)
        return page

    def shoot_all(self, name: str) -> None:
        """Every person's page as it was when a step failed (to see why)."""
        for n, page in enumerate(self.pages, start=1):
            with suppress(Exception):  # a closed page has nothing to show
                page.screenshot(path=str(LOOP / f"{name}-{n}.png"), full_page=True)

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def visit(self, page, path: str) -> None:
        """Open `path` afresh: a page already there (or there but for its #part) would
        only scroll, showing what it showed before the others acted."""
        before = page.url
        page.goto(self.url(path))
        if "#" in path and before.split("#")[0] == page.url.split("#")[0]:
            page.reload()

    def shot(self, page, name: str) -> Path:
        """NN-<name>.png: the whole page as the person sees it now."""
        self.shots += 1
        path = LOOP / f"{self.shots:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


@contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def tablet_options() -> dict:
    return dict(TABLET)


def sign_in(loop: Loop, page, user, password: str, next_path: str) -> None:
    page.goto(loop.url(f"/login/?next={next_path}"))
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", password)
    page.click(LOGIN_BUTTON)
    browser_second_step(page, user)
    page.wait_for_url(lambda url: "/login/" not in url)


def told(page, text: str) -> None:
    """The confirmation of the action just done (django messages)."""
    page.wait_for_selector(f".messages .message--success:has-text({text!r})")


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], (page.url, width)


def touch_stroke(page, cdp, selector: str, points) -> None:
    """A finger drawing through `points` (fractions of the element's box, which is
    scrolled into the screen first: a touch outside the viewport touches nothing)."""
    page.locator(selector).scroll_into_view_if_needed()
    box = page.locator(selector).bounding_box()
    at = [
        {"x": box["x"] + fx * box["width"], "y": box["y"] + fy * box["height"]} for fx, fy in points
    ]
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [at[0]]})
    for point in at[1:]:
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def mouse_stroke(page, selector: str, points) -> None:
    page.locator(selector).scroll_into_view_if_needed()
    box = page.locator(selector).bounding_box()
    at = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in points]
    page.mouse.move(*at[0])
    page.mouse.down()
    for x, y in at[1:]:
        page.mouse.move(x, y, steps=4)
    page.mouse.up()


def tiny_pdf(text: str) -> bytes:
    """A valid one-page PDF (offsets computed), the lab's test report."""
    stream = f"BT /F1 12 Tf 40 780 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def pdf_text(path: Path) -> str:
    result = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    return " ".join(result.stdout.decode().split())


def pdf_images(path: Path) -> list[str]:
    """The rows of `pdfimages -list` (after its two header lines)."""
    listing = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, check=True, text=True
    ).stdout.splitlines()
    return [line for line in listing[2:] if line.strip()]
