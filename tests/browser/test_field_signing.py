"""The end of the tablet flow in real Chromium at 1280 x 800 with touch: a sample with
its seals, the minutes drafted and previewed, the lead signing with a finger (touch
events), the operator's representative signing with the mouse while the tablet has no
signal (the queue keeps the signature and sends it once the signal is back, once), the
lead completing the signing, and the next step offered. The signed PDF holds the drawn
signatures and the Vietnamese names.

The screenshots are kept in test-artifacts/ for people to look at.
"""

import shutil

import pytest

from inspections import services
from inspections.models import Inspection, Minutes, MinutesSignature, Sample
from tests.browser.test_field_finding import tablet, tablet_page  # noqa: F401
from tests.browser.test_public_filing import ARTIFACTS, pytestmark  # noqa: F401
from tests.inspections.field_helpers import pdf_bytes, pdf_image_count, pdf_text
from tests.inspections.helpers import decided_inspection

PASSWORD = "Ký-biên-bản-2026"


def touch_stroke(page, selector, points):
    """A finger drawing through `points` (fractions of the element's box), as touch events."""
    box = page.locator(selector).bounding_box()
    at = [
        {"x": box["x"] + fx * box["width"], "y": box["y"] + fy * box["height"]} for fx, fy in points
    ]
    page.cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [at[0]]})
    for point in at[1:]:
        page.cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
    page.cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def mouse_stroke(page, selector, points):
    box = page.locator(selector).bounding_box()
    at = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in points]
    page.mouse.move(*at[0])
    page.mouse.down()
    for x, y in at[1:]:
        page.mouse.move(x, y, steps=4)
    page.mouse.up()


def no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], (page.url, width)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_team_and_the_representative_sign_on_the_tablet(
    tablet,  # noqa: F811
    live_server,
    bob,
    alice,
    tmp_path,
):
    ARTIFACTS.mkdir(exist_ok=True)
    alice.full_name = "Nguyễn Thị Nhiên"
    alice.set_password(PASSWORD)
    alice.save()
    inspection = services.inspection_transition(
        by=alice,
        inspection=decided_inspection(supervisor=bob, lead=alice),
        to=Inspection.Status.ON_SITE,
    )
    page = tablet
    page.goto(f"{live_server.url}/login/?next=/field/inspections/{inspection.pk}/")
    page.fill("input[name=username]", alice.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**/field/inspections/{inspection.pk}/")

    # A sample with its two seals.
    page.click("#samples a.btn")
    page.fill("#id_product_name", "Nước mắm cá cơm 40 độ đạm")
    page.fill("#id_test_unit_seal", "NP-0001")
    page.fill("#id_retained_unit_seal", "NP-0002")
    page.fill("#id_sampling_record_number", "07/BB-LM")
    no_sideways_scroll(page)
    page.screenshot(path=str(ARTIFACTS / "field-1280-sample.png"), full_page=True)
    page.click("button:has-text('Lưu mẫu')")
    page.wait_for_url(f"**/field/inspections/{inspection.pk}/#samples")
    page.wait_for_selector("#samples :text('NP-0001 / NP-0002')")
    assert Sample.objects.count() == 1

    # The minutes, drafted and previewed.
    page.click("#minutes button:has-text('Lập biên bản')")
    page.wait_for_selector("text=Đã lập dự thảo biên bản")
    assert page.locator("a:has-text('Mở bản PDF')").count() == 1
    no_sideways_scroll(page)
    page.screenshot(path=str(ARTIFACTS / "field-1280-minutes-draft.png"), full_page=True)

    # The lead signs with a finger.
    page.click(".sign-buttons a:has-text('Thành viên đoàn ký')")
    page.wait_for_selector("#sign-canvas")
    page.select_option("#id_member", str(alice.pk))
    touch_stroke(
        page, "#sign-canvas", [(0.1, 0.7), (0.25, 0.2), (0.4, 0.8), (0.6, 0.3), (0.9, 0.6)]
    )
    page.wait_for_selector("#sign-status:has-text('Đã có chữ ký')")
    no_sideways_scroll(page)
    page.screenshot(path=str(ARTIFACTS / "field-1280-sign-touch.png"), full_page=True)
    page.click("button:has-text('Lưu chữ ký')")
    page.wait_for_selector("#signatures :text('Nguyễn Thị Nhiên')")

    # The representative signs with the mouse while the tablet has no signal.
    page.click(".sign-buttons a:has-text('Người đại diện cơ sở ký')")
    page.wait_for_selector("#sign-canvas")
    page.fill("#id_name", "Trần Thị Hằng")
    page.fill("#id_position", "Chủ cửa hàng")
    page.context.set_offline(True)
    mouse_stroke(page, "#sign-canvas", [(0.15, 0.5), (0.3, 0.25), (0.5, 0.75), (0.8, 0.35)])
    page.click("button:has-text('Lưu chữ ký')")
    page.wait_for_selector("text=chữ ký được lưu trên máy")
    assert MinutesSignature.objects.count() == 1
    page.context.set_offline(False)
    page.click("#outbox-sync")
    page.wait_for_selector(
        "#outbox-list li[data-state=sent]:has-text('Người đại diện cơ sở ký')", timeout=30_000
    )
    page.click("#outbox-sync")  # sending again changes nothing
    page.reload()
    page.wait_for_selector("#signatures :text('Trần Thị Hằng')")
    assert MinutesSignature.objects.count() == 2

    # The lead completes; the next step is offered.
    page.click("button:has-text('Hoàn tất ký biên bản')")
    page.wait_for_selector("text=đã ký và khóa")
    page.wait_for_selector("#next button:has-text('Kết luận cuộc kiểm tra')")
    no_sideways_scroll(page)
    page.screenshot(path=str(ARTIFACTS / "field-1280-minutes-signed.png"), full_page=True)

    minutes = Minutes.objects.get(inspection=inspection)
    assert minutes.status == Minutes.Status.SIGNED
    data = pdf_bytes(minutes.pdf)
    assert pdf_image_count(data, tmp_path) >= 2
    text = pdf_text(data)
    assert "Nguyễn Thị Nhiên" in text and "Trần Thị Hằng" in text and "Chủ cửa hàng" in text
    (ARTIFACTS / "field-minutes-signed.pdf").write_bytes(data)
