"""Staff pages fit the screen at 800, 1280 and 1440 px (real Chromium): no document wider
than its viewport. Screenshots in test-artifacts/."""

import pytest

from inspections import services
from inspections.models import ChecklistItem, Inspection
from tests.browser.chromium import chromium_page
from tests.browser.test_public_filing import ARTIFACTS, pytestmark  # noqa: F401
from tests.inspections.helpers import decided_inspection

PASSWORD = "Độ-rộng-trang-2026"
WIDTHS = (800, 1280, 1440)


@pytest.fixture
def desk(live_server, monkeypatch):
    with chromium_page(monkeypatch) as page:
        yield page


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_checklist_item_page_is_no_wider_than_the_screen(desk, live_server, alice, bob):
    """Its hidden photo inputs once took the viewport's width from their own left edge."""
    ARTIFACTS.mkdir(exist_ok=True)
    alice.set_password(PASSWORD)
    alice.save()
    inspection = decided_inspection(supervisor=bob, lead=alice)
    services.inspection_transition(by=alice, inspection=inspection, to=Inspection.Status.ON_SITE)
    item = ChecklistItem.objects.filter(template__scope="label").first()

    desk.goto(f"{live_server.url}/login/")
    desk.fill("input[name=username]", alice.username)
    desk.fill("input[name=password]", PASSWORD)
    desk.click("main form button[type=submit]")
    desk.wait_for_load_state()
    for path, name in (
        (f"/field/inspections/{inspection.pk}/items/{item.pk}/", "item"),
        (f"/field/inspections/{inspection.pk}/", "inspection"),
        ("/provisions/", "provisions"),
    ):
        for width in WIDTHS:
            desk.set_viewport_size({"width": width, "height": 900})
            desk.goto(f"{live_server.url}{path}")
            desk.wait_for_load_state()
            scrolled = desk.evaluate("document.documentElement.scrollWidth")
            desk.screenshot(path=str(ARTIFACTS / f"width-{name}-{width}.png"), full_page=True)
            assert scrolled <= width, (path, width, scrolled)
