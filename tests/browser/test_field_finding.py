"""An inspector on a 10" tablet (1280 x 800, real Chromium, JavaScript on): opens today's
inspection, starts it, logs a finding with a camera photo over a slow uplink (the next
item opens while the queue shows the photo going), and reads the Circular 21/2014
sampling plan the page asks for.

The screenshots are kept in test-artifacts/ for people to look at.
"""

import hashlib
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.utils import timezone

from inspections.models import EvidencePhoto, Finding, Inspection, Scope
from tests.browser.test_public_filing import ARGS, ARTIFACTS, CHROMIUM, pytestmark  # noqa: F401
from tests.complaints.helpers import PHOTOS, photo_bytes
from tests.inspections.helpers import decided_inspection

PASSWORD = "Kiểm-tra-tại-chỗ-2026"
HANOI = {"latitude": 21.035, "longitude": 105.8497, "accuracy": 9}


# A 10" tablet in Hà Nội.
TABLET = {
    "viewport": {"width": 1280, "height": 800},
    "device_scale_factor": 1.5,
    "has_touch": True,
    "locale": "vi-VN",
    "timezone_id": "Asia/Ho_Chi_Minh",
    "geolocation": HANOI,
    "permissions": ["geolocation"],
}


@contextmanager
def tablet_page(**options):
    """A page in Debian's Chromium with the tablet's context (plus `options`)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser.new_context(**TABLET, **options).new_page()
        browser.close()


@pytest.fixture
def tablet(live_server, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with tablet_page() as page:
        page.cdp = page.context.new_cdp_session(page)
        yield page


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_inspector_logs_a_finding_with_a_photo_on_a_tablet(tablet, live_server, bob, alice):
    ARTIFACTS.mkdir(exist_ok=True)
    alice.set_password(PASSWORD)
    alice.save()
    inspection = decided_inspection(
        supervisor=bob,
        lead=alice,
        day=timezone.localdate(),
        scopes=[Scope.LABEL, Scope.PREPACKAGED_QUANTITY],
    )
    name = "gps_DSCN0010.jpg" if (PHOTOS / "gps_DSCN0010.jpg").exists() else "x"
    photo = photo_bytes(name)

    tablet.goto(f"{live_server.url}/login/?next=/field/")
    tablet.fill("input[name=username]", alice.username)
    tablet.fill("input[name=password]", PASSWORD)
    tablet.click("main form button[type=submit]")
    tablet.wait_for_url("**/field/")
    tablet.screenshot(path=str(ARTIFACTS / "field-1280-today.png"), full_page=True)

    tablet.click(f"text={inspection.operator.name}")
    tablet.click("text=Bắt đầu kiểm tra tại chỗ")
    tablet.wait_for_selector("text=đoàn bắt đầu kiểm tra tại chỗ")
    tablet.screenshot(path=str(ARTIFACTS / "field-1280-checklist.png"), full_page=True)
    tablet.click("text=Hàng nhập khẩu có nhãn phụ bằng tiếng Việt")

    tablet.wait_for_selector("#geo-status:has-text('±9 m')")
    # The radio buttons are large labels: a tap on the label chooses.
    box = tablet.locator("label.result-choice__option--non_conforming").bounding_box()
    assert box["height"] >= 56 and box["width"] >= 150
    tablet.tap("label.result-choice__option--non_conforming")
    tablet.fill("textarea[name=note]", "Lô máy sấy tóc nhập khẩu không có nhãn phụ tiếng Việt.")
    tablet.set_input_files("#photo-camera", files=[_file("may-say-toc.jpg", photo)])
    tablet.wait_for_selector("#photo-count:has-text('Đã chọn 1 ảnh')")
    tablet.screenshot(path=str(ARTIFACTS / "field-1280-item.png"), full_page=True)

    # A slow mobile uplink (64 KB/s): the progress bar and its percentage show.
    tablet.cdp.send("Network.enable")
    tablet.cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 40,
            "downloadThroughput": -1,
            "uploadThroughput": 64 * 1024,
        },
    )
    tablet.click("button:has-text('Lưu và sang nội dung tiếp')")
    # The finding is sent first; the next item opens while the photo goes in the background.
    tablet.wait_for_selector("text=ảnh đang được gửi ở nền")
    assert "Ngày sản xuất, hạn sử dụng" in tablet.inner_text("h1")  # the next item
    tablet.wait_for_selector("#outbox-list :text('đang gửi ảnh may-say-toc.jpg')")
    assert "%%" not in tablet.inner_text("#outbox-list")
    tablet.screenshot(path=str(ARTIFACTS / "field-1280-uploading.png"))
    tablet.wait_for_selector("#outbox-list li[data-state=sent]", timeout=60_000)
    tablet.cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )

    finding = Finding.objects.get()
    assert finding.result == "non_conforming" and finding.author == alice
    assert (finding.latitude, finding.longitude) == (Decimal("21.035000"), Decimal("105.849700"))
    assert finding.gps_accuracy_m == Decimal("9.00")
    assert abs(timezone.now() - finding.captured_at).total_seconds() < 300
    stored = EvidencePhoto.objects.get()
    assert stored.sha256 == hashlib.sha256(photo).hexdigest()
    assert stored.original.read() == photo
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.ON_SITE

    # Prepackaged quantity: the page asks the server what to measure.
    tablet.click("p.back a")
    tablet.click("text=Lượng thực của lô so với lượng danh định")
    tablet.fill("input[name=nominal]", "500")
    tablet.select_option("select[name=unit]", "g")
    tablet.fill("input[name=lot_size]", "300")
    tablet.locator("input[name=lot_size]").dispatch_event("change")
    tablet.wait_for_selector("#lot-plan:has-text('đo 50 đơn vị; T = 15')")
    tablet.screenshot(path=str(ARTIFACTS / "field-1280-lot.png"), full_page=True)


def _file(name: str, data: bytes) -> dict:
    return {"name": name, "mimeType": "image/jpeg", "buffer": data}
