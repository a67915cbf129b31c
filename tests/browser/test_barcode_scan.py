""" "Quét mã vạch": a barcode read from the camera (real Chromium, a fake camera).

Chromium's fake capture device plays a Y4M video made here: an EAN-13 barcode of a
Vietnamese product (GS1 prefix 893) drawn from the EAN-13 encoding tables below. Linux
Chromium has no BarcodeDetector of its own, so these tests go through the vendored
ZXing-WebAssembly polyfill, under the pages' Content-Security-Policy.

- On the inspector's tablet, with no signal at all (the relay in front of the server is
  down, as in test_field_offline): the page, the script, the polyfill and its .wasm come
  from the service worker's cache.
- On the citizen's public form (online), and the reading rules of static/js/barcode-scan.js
  (check digits, GS1 element strings, GS1 Digital Link, UPC-E) run in the page.
"""

from contextlib import contextmanager

import pytest
from django.utils import timezone
from PIL import Image, ImageDraw

from inspections import services
from inspections.models import Inspection, Scope
from tests.browser.test_field_finding import PASSWORD, TABLET
from tests.browser.test_field_offline import done_with_the_database, relay  # noqa: F401
from tests.browser.test_public_filing import ARGS, ARTIFACTS, CHROMIUM, pytestmark  # noqa: F401
from tests.inspections.helpers import decided_inspection

# EAN-13 (ISO/IEC 15420): the left half's digits in code sets L or G, chosen by the first
# digit; the right half in code set R. A G code is an R code read backwards.
L_CODES = ["0001101", "0011001", "0010011", "0111101", "0100011",
           "0110001", "0101111", "0111011", "0110111", "0001011"]  # fmt: skip
R_CODES = ["".join("1" if b == "0" else "0" for b in code) for code in L_CODES]
G_CODES = [code[::-1] for code in R_CODES]
PARITY = ["LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG",
          "LGGLLG", "LGGGLL", "LGLGLG", "LGLGGL", "LGGLGL"]  # fmt: skip


def check_digit(digits: str) -> str:
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return str((10 - total % 10) % 10)


VIETNAMESE = "893460401234"
GTIN = VIETNAMESE + check_digit(VIETNAMESE)


def ean13_modules(code: str) -> str:
    """The 95 modules (1 = bar) of an EAN-13 symbol."""
    assert len(code) == 13 and check_digit(code[:12]) == code[12]
    left = "".join(
        (L_CODES if parity == "L" else G_CODES)[int(d)]
        for parity, d in zip(PARITY[int(code[0])], code[1:7], strict=True)
    )
    right = "".join(R_CODES[int(d)] for d in code[7:])
    return "101" + left + "01010" + right + "101"


def barcode_frame(code: str, width=640, height=480, module=4) -> Image.Image:
    """A grey product label with the barcode, as a camera would see it."""
    image = Image.new("L", (width, height), 200)
    draw = ImageDraw.Draw(image)
    modules = ean13_modules(code)
    quiet = 11 * module
    box_w = len(modules) * module + 2 * quiet
    left, top = (width - box_w) // 2, 110
    draw.rectangle([left, top, left + box_w, top + 260], fill=255)
    for i, bit in enumerate(modules):
        if bit == "1":
            x = left + quiet + i * module
            draw.rectangle([x, top + 30, x + module - 1, top + 230], fill=0)
    return image


def write_y4m(path, image: Image.Image, frames=10) -> None:
    """Raw YUV4MPEG2, 4:2:0: the grey image as luma, neutral chroma."""
    width, height = image.size
    luma = image.convert("L").tobytes()
    chroma = bytes([128]) * ((width // 2) * (height // 2) * 2)
    with open(path, "wb") as handle:
        handle.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            handle.write(b"FRAME\n" + luma + chroma)


@pytest.fixture
def camera_video(tmp_path):
    frame = barcode_frame(GTIN)
    try:  # the drawing is a real EAN-13 for an independent reader too
        import zxingcpp

        assert [b.text for b in zxingcpp.read_barcodes(frame)] == [GTIN]
    except ImportError:
        pass
    path = tmp_path / "ma-vach.y4m"
    write_y4m(path, frame)
    ARTIFACTS.mkdir(exist_ok=True)
    frame.save(ARTIFACTS / "barcode-scan-camera-frame.png")
    return path


def camera_args(video) -> list[str]:
    return [
        *ARGS,
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]


@contextmanager
def browser_with_camera(video, monkeypatch):
    """Debian's Chromium whose camera plays `video` (permission granted, no prompt)."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=camera_args(video))
        yield browser
        browser.close()


@pytest.fixture
def camera_browser(camera_video, monkeypatch):
    with browser_with_camera(camera_video, monkeypatch) as browser:
        yield browser


def scan(page, input_selector: str) -> None:
    button = page.locator(f"{input_selector} ~ button.barcode-scan__button")
    button.click()
    dialog = page.locator("dialog[open]")
    assert dialog.get_attribute("aria-labelledby") == "barcode-dialog-title"
    assert "Quét mã vạch" in dialog.locator("h2").inner_text()
    page.wait_for_function(
        "s => document.querySelector(s).value !== ''", arg=input_selector, timeout=60_000
    )
    assert page.locator("dialog").count() == 0  # closed, the camera stopped
    # Focus is back on the button that opened the dialog.
    assert page.evaluate("document.activeElement.classList.contains('barcode-scan__button')")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_tablet_scans_a_barcode_with_no_signal(camera_browser, relay, bob, alice):  # noqa: F811
    alice.set_password(PASSWORD)
    alice.save()
    inspection = decided_inspection(
        supervisor=bob, lead=alice, day=timezone.localdate(), scopes=[Scope.PREPACKAGED_QUANTITY]
    )
    services.inspection_transition(by=alice, inspection=inspection, to=Inspection.Status.ON_SITE)
    context = camera_browser.new_context(
        **{**TABLET, "permissions": ["geolocation", "camera"]}, service_workers="allow"
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    # With signal: sign in, open today's list (the service worker installs and keeps
    # its shell, the barcode reader included) and the lot item's page.
    page.goto(f"{relay.url}/login/?next=/field/")
    page.fill("input[name=username]", alice.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/field/")
    assert page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.click(f"text={inspection.operator.name}")
    page.click("text=Lượng thực của lô so với lượng danh định")
    page.wait_for_selector("input[name=product_gtin]")
    item_url = page.url
    assert "'wasm-unsafe-eval'" in page.evaluate(
        "fetch(location.href).then(r => r.headers.get('Content-Security-Policy'))"
    )
    kept = page.evaluate(
        """() => caches.keys()
             .then((keys) => caches.open(keys.find((k) => k.startsWith("field-shell-"))))
             .then((c) => c.keys()).then((rs) => rs.map((r) => new URL(r.url).pathname))"""
    )
    assert "/static/vendor/barcode-detector/zxing_reader.wasm" in kept
    assert "/static/vendor/barcode-detector/barcode-detector.js" in kept
    assert "/static/js/barcode-scan.js" in kept
    done_with_the_database()

    # No signal: the page and everything the scanner needs come from the tablet.
    relay.down()
    context.set_offline(True)
    page.goto(item_url)
    assert page.evaluate("navigator.onLine") is False
    page.wait_for_selector("#outbox-network:has-text('Mất mạng')")
    scan(page, "#id_product_gtin")
    assert page.input_value("#id_product_gtin") == GTIN
    # Linux Chromium has no BarcodeDetector: the vendored polyfill read it, offline.
    assert page.evaluate("typeof window.BarcodeDetectionAPI.BarcodeDetector") == "function"
    country = page.inner_text("#id_product_gtin_country")
    assert "Việt Nam" in country and "893" in country, country
    page.screenshot(path=str(ARTIFACTS / "barcode-scan-tablet-offline.png"), full_page=True)
    assert not [e for e in errors if "Content Security Policy" in e], errors
    relay.up()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_citizen_scans_the_barcode_on_the_public_form(camera_browser, live_server):
    context = camera_browser.new_context(
        viewport={"width": 360, "height": 740}, locale="vi-VN", permissions=["camera"]
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{live_server.url}/phan-anh/")

    # Escape closes the dialog, focus goes back, the camera is released.
    button = page.locator("#id_product_gtin ~ button.barcode-scan__button")
    assert button.inner_text() == "Quét mã vạch"
    button.click()
    page.wait_for_selector("dialog[open] video")
    page.wait_for_function("document.activeElement.closest('dialog') !== null", timeout=5_000)
    page.wait_for_selector("#barcode-dialog-status:not(:empty)")
    assert page.get_attribute("#barcode-dialog-status", "aria-live") == "polite"
    page.keyboard.press("Escape")
    page.wait_for_selector("dialog", state="detached")
    assert page.evaluate("document.activeElement.classList.contains('barcode-scan__button')")

    scan(page, "#id_product_gtin")
    assert page.input_value("#id_product_gtin") == GTIN
    assert "Việt Nam" in page.inner_text("#id_product_gtin_country")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(ARTIFACTS / "barcode-scan-public-360.png"), full_page=True)

    # A GTIN typed by hand shows its country too; a wrong check digit shows none.
    page.fill("#id_product_gtin", "4006381333931")
    assert "Đức" in page.inner_text("#id_product_gtin_country")
    page.fill("#id_product_gtin", "4006381333932")
    assert page.inner_text("#id_product_gtin_country") == ""


READINGS = [
    # (format, raw value) -> what the page fills
    (("ean_13", GTIN), {"gtin": GTIN, "batch": None, "expiry": None}),
    (("ean_13", GTIN[:12] + str((int(GTIN[12]) + 1) % 10)), {"error": "check"}),
    (("upc_e", "04252614"), {"gtin": "042100005264", "batch": None, "expiry": None}),
    (
        ("code_128", f"]C101{'0' + GTIN}17271231\u001d10LO-2026"),
        {"gtin": GTIN, "batch": "LO-2026", "expiry": "271231"},
    ),
    (
        ("code_128", f"(01)0{GTIN}(10)A12(17)280600"),
        {"gtin": GTIN, "batch": "A12", "expiry": "280600"},
    ),
    (
        ("qr_code", f"https://id.gs1.org/01/0{GTIN}/10/L%C3%94-7?17=270131"),
        {"gtin": GTIN, "batch": "LÔ-7", "expiry": "270131"},
    ),
    (("qr_code", f"https://id.gs1.org/01/0{GTIN[:12]}0"), {"error": "check"}),
    (("qr_code", "https://example.com/khuyen-mai"), None),
    (("code_128", "KHO-12"), None),
]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_page_reads_gs1_codes_and_never_proposes_a_wrong_check_digit(
    camera_browser, live_server
):
    page = camera_browser.new_context(locale="vi-VN").new_page()
    page.goto(f"{live_server.url}/phan-anh/")
    for (fmt, raw), expected in READINGS:
        got = page.evaluate("([f, r]) => window.BarcodeScan.read(f, r)", [fmt, raw])
        assert got == expected, (fmt, raw, got)
    countries = {
        gtin: page.evaluate("g => window.BarcodeScan.countryText(g)", gtin)
        for gtin in (GTIN, "4006381333931", "036000291452", "2001234567893", "9780306406157")
    }
    assert "Việt Nam" in countries[GTIN]
    assert "Đức" in countries["4006381333931"]
    assert "Hoa Kỳ" in countries["036000291452"]  # a UPC-A: GS1 US
    assert "nội bộ" in countries["2001234567893"]
    assert "ISBN" in countries["9780306406157"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_gs1_digital_link_qr_fills_the_barcode_and_the_batch(live_server, tmp_path, monkeypatch):
    zxingcpp = pytest.importorskip("zxingcpp")
    import numpy

    link = f"https://id.gs1.org/01/0{GTIN}/10/LO-77?17=271231"
    qr = zxingcpp.create_barcode(link, zxingcpp.BarcodeFormat.QRCode)
    code = Image.fromarray(numpy.array(zxingcpp.write_barcode_to_image(qr, scale=8)))
    frame = Image.new("L", (640, 480), 190)
    frame.paste(code, ((640 - code.width) // 2, (480 - code.height) // 2))
    video = tmp_path / "qr.y4m"
    write_y4m(video, frame)
    with browser_with_camera(video, monkeypatch) as browser:
        page = browser.new_context(locale="vi-VN", permissions=["camera"]).new_page()
        page.set_default_timeout(20_000)
        page.goto(f"{live_server.url}/phan-anh/")
        scan(page, "#id_product_gtin")
        assert page.input_value("#id_product_gtin") == GTIN
        assert page.input_value("#id_product_batch") == "LO-77"
