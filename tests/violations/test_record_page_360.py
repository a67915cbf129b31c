"""A team lead drafts a violation record on a 360 px phone in real Chromium, without
JavaScript: no page scrolls sideways, long citations wrap. Screenshots in test-artifacts/."""

from datetime import date

import pytest

from inspections import services
from inspections.models import Inspection
from tests.browser.chromium import chromium_page
from tests.browser.test_public_filing import ARTIFACTS, pytestmark  # noqa: F401
from tests.factories import provision_version
from tests.inspections.helpers import decided_inspection
from tests.violations.test_violations import finding
from violations.models import ViolationRecord

PASSWORD = "Biên-bản-vi-phạm-2026"


@pytest.fixture
def phone(live_server, monkeypatch):
    with chromium_page(
        monkeypatch, viewport={"width": 360, "height": 740}, java_script_enabled=False
    ) as page:
        yield page


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_lead_drafts_a_record_on_a_phone(phone, live_server, alice, bob):
    ARTIFACTS.mkdir(exist_ok=True)
    alice.set_password(PASSWORD)
    alice.save()
    inspection = services.inspection_transition(
        by=alice,
        inspection=decided_inspection(supervisor=bob, lead=alice, day=date(2026, 11, 24)),
        to=Inspection.Status.ON_SITE,
    )
    evidence = finding(inspection, alice)
    version = provision_version(
        code="TEST-NHAN-PHU-360",
        act="Kinh doanh hàng hóa nhập khẩu không có nhãn phụ bằng tiếng Việt hoặc nhãn phụ "
        "không ghi đầy đủ các nội dung bắt buộc theo quy định của pháp luật về nhãn hàng hóa.",
    )

    phone.goto(f"{live_server.url}/login/")
    phone.fill("input[name=username]", alice.username)
    phone.fill("input[name=password]", PASSWORD)
    phone.click("main form button[type=submit]")
    phone.wait_for_load_state()

    def fits(name):
        width = phone.evaluate("document.documentElement.scrollWidth")
        phone.screenshot(path=str(ARTIFACTS / f"record-360-{name}.png"), full_page=True)
        assert width <= 360, (name, width)

    phone.goto(f"{live_server.url}/cases/{inspection.pk}/")
    phone.click("text=Lập biên bản vi phạm")
    phone.wait_for_selector("text=Bước 1/2")
    fits("step1")
    phone.fill("input[name=committed_on]", "15/03/2022")
    phone.click("main form button[type=submit]")
    phone.wait_for_selector("text=Áp dụng văn bản có hiệu lực ngày 15/03/2022")
    fits("step2")
    phone.select_option("select[name=acts-0-provision]", str(version.pk))
    phone.fill("textarea[name=acts-0-description]", "Bày bán máy sấy tóc không có nhãn phụ.")
    phone.check(f"input[name=acts-0-findings][value='{evidence.pk}']")
    phone.click("text=Lập dự thảo biên bản")
    phone.wait_for_selector("text=Đã lập dự thảo biên bản vi phạm")
    assert phone.is_visible(f"text={version.citation}")
    fits("case")
    record = ViolationRecord.objects.get(inspection=inspection)
    assert record.violations.get().committed_on == date(2022, 3, 15)
