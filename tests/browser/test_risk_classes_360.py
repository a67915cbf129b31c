"""The pages that show product categories' dated classes fit a 360 px phone: no page
scrolls sideways (real Chromium). Screenshots in test-artifacts/."""

import uuid
from datetime import date

import pytest
from django.utils import timezone

from inspections import samples, services
from inspections.models import Inspection
from registry.models import ProductCategory
from tests.browser.chromium import chromium_page
from tests.browser.test_public_filing import ARTIFACTS, pytestmark  # noqa: F401
from tests.factories import ProductFactory
from tests.inspections.helpers import decided_inspection

PASSWORD = "Phân-loại-rủi-ro-2026"


@pytest.fixture
def phone(live_server, monkeypatch):
    with chromium_page(monkeypatch, viewport={"width": 360, "height": 740}) as page:
        yield page


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_class_pages_fit_360px(phone, live_server, alice, bob):
    ARTIFACTS.mkdir(exist_ok=True)
    alice.set_password(PASSWORD)
    alice.save()
    switchgear = ProductFactory(
        name="Aptomat MCB 1 cực 16 A",
        category=ProductCategory.objects.get(code="household_switchgear"),
    )
    inspection = decided_inspection(supervisor=bob, lead=alice, day=date(2026, 7, 1))
    services.inspection_transition(by=alice, inspection=inspection, to=Inspection.Status.ON_SITE)
    samples.sample_create(
        by=alice,
        inspection=inspection,
        client_uuid=uuid.uuid4(),
        product=switchgear,
        product_name=switchgear.name,
        test_unit_seal="A1",
        retained_unit_seal="B1",
        sampling_record_number="01/BB-LM",
        sampled_at=timezone.now(),
    )

    phone.goto(f"{live_server.url}/login/")
    phone.fill("input[name=username]", alice.username)
    phone.fill("input[name=password]", PASSWORD)
    phone.click("main form button[type=submit]")
    phone.wait_for_load_state()
    for name, path, text in [
        ("products", "/products/", "Phân loại hiện hành"),
        ("product", f"/products/{switchgear.pk}/", "Phân loại theo thời gian"),
        ("inspection", f"/field/inspections/{inspection.pk}/", "Phân loại hàng hóa ngày"),
        ("case", f"/cases/{inspection.pk}/", "Rủi ro cao"),
    ]:
        phone.goto(f"{live_server.url}{path}")
        phone.wait_for_selector(f"text={text}")
        width = phone.evaluate("document.documentElement.scrollWidth")
        phone.screenshot(path=str(ARTIFACTS / f"risk-classes-360-{name}.png"), full_page=True)
        assert width <= 360, (path, width)
