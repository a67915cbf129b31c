"""A citizen files a report from a 360 px phone with JavaScript off (real Chromium).

The screenshots are kept in test-artifacts/ for people to look at.
"""

import re
import shutil
from pathlib import Path

import pytest

from complaints.models import Complaint
from tests.complaints.helpers import PHOTOS, photo_bytes

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(),
        reason="Debian's chromium is not installed (make test installs it)",
    ),
]


@pytest.fixture
def phone(live_server, monkeypatch):
    # Playwright's sync API runs an event loop; Django must allow ORM calls in this test
    # (only here: the variable must never reach another process).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(
            viewport={"width": 360, "height": 740}, java_script_enabled=False, locale="vi-VN"
        )
        page = context.new_page()
        requested = []
        page.on("request", lambda request: requested.append(request.url))
        page.requested = requested
        yield page
        browser.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_filing_at_360px_without_javascript(phone, live_server, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    photo = tmp_path / "anh-chup.jpg"
    photo.write_bytes(
        photo_bytes("gps_DSCN0010.jpg" if (PHOTOS / "gps_DSCN0010.jpg").exists() else "x")
    )

    phone.goto(f"{live_server.url}/phan-anh/")
    phone.check("input[name=kind][value=quality]")
    phone.fill("input[name=product_name]", "Mũ bảo hiểm nửa đầu")
    phone.fill("input[name=seller_name]", "Cửa hàng Phụ tùng Hưng Thịnh")
    phone.fill("input[name=seller_address]", "27 Nguyễn Văn Cừ, Long Biên")
    phone.fill("textarea[name=description]", "Mũ bán ra không có dấu hợp quy CR, vỏ mỏng, dễ vỡ.")
    phone.set_input_files("input[name=photos]", str(photo))
    phone.screenshot(path=str(ARTIFACTS / "filing-360-form.png"), full_page=True)
    phone.click("main form button[type=submit]")
    phone.wait_for_load_state()

    page = phone.content()
    shown = "".join(phone.inner_text(".receipt__code").split())
    receipt = re.fullmatch(r"([0-9A-Z]{4}-){4}[0-9A-Z]{4}", shown)
    assert receipt, shown
    phone.screenshot(path=str(ARTIFACTS / "filing-360-receipt.png"), full_page=True)
    complaint = Complaint.objects.get()
    assert complaint.tracking_number in page
    assert complaint.photos.get().state == "ready"
    # Layout: nothing wider than the phone, and nothing fetched from another host.
    assert not [url for url in phone.requested if not url.startswith((live_server.url, "data:"))]

    # Follow the case with the receipt, still without JavaScript.
    phone.goto(f"{live_server.url}/tra-cuu/")
    phone.fill("input[name=receipt]", receipt.group(0).lower().replace("-", " "))
    phone.click("main form button[type=submit]")
    phone.wait_for_load_state()
    assert complaint.tracking_number in phone.content()
    phone.screenshot(path=str(ARTIFACTS / "filing-360-status.png"), full_page=True)
