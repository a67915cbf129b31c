"""The desk pages of plans and inspections fit the screen at 800, 1280 and 1440 px (real
Chromium), filled with a case: a plan, an inspection with a finding and its photo, a
sample with a failed lab result. Screenshots in test-artifacts/."""

import uuid
from datetime import date
from io import BytesIO

import pytest
from PIL import Image

from inspections import findings, samples, services
from inspections.models import ChecklistItem, Inspection, Scope
from tests.browser.chromium import chromium_page
from tests.browser.test_public_filing import ARTIFACTS, pytestmark  # noqa: F401
from tests.inspections.helpers import decided_inspection
from tests.second_factor import browser_second_step

PASSWORD = "Bàn-làm-việc-2026"
WIDTHS = (800, 1280, 1440)


def _jpeg() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (800, 600), (10, 120, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_desk_pages_are_no_wider_than_the_screen(live_server, monkeypatch, alice, bob, ivan):
    ARTIFACTS.mkdir(exist_ok=True)
    bob.set_password(PASSWORD)
    bob.save()
    plan = services.plan_create(
        by=alice,
        title="Kế hoạch kiểm tra chất lượng, nhãn hàng hóa mũ bảo hiểm và đồ chơi trẻ em năm 2026",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        scopes=[Scope.GOODS_QUALITY, Scope.LABEL],
        note="Kiểm tra tại các chợ đầu mối và cửa hàng trên địa bàn.",
    )
    services.plan_submit(by=alice, plan=plan)
    inspection = decided_inspection(supervisor=bob, lead=alice, members=[ivan])
    services.inspection_transition(by=alice, inspection=inspection, to=Inspection.Status.ON_SITE)
    item = ChecklistItem.objects.get(template__version=1, code="vietnamese_label")
    finding, _ = findings.finding_create(
        by=alice,
        inspection=inspection,
        client_uuid=uuid.uuid4(),
        item=item,
        result="non_conforming",
        note="Không có nhãn phụ tiếng Việt trên bao bì; hàng nhập khẩu không rõ nguồn gốc.",
    )
    findings.evidence_upload(by=alice, finding=finding, data=_jpeg(), filename="a.jpg")
    sample, _ = samples.sample_create(
        by=alice,
        inspection=inspection,
        client_uuid=uuid.uuid4(),
        product_name="Mũ bảo hiểm cho người đi mô tô, xe máy kiểu nửa đầu",
        batch="L2026-01",
        test_unit_seal="NP-0001",
        retained_unit_seal="NP-0002",
        sampling_record_number="BB-LM-01/2026",
        sampled_at="2026-11-24T10:00:00+07:00",
    )
    samples.sample_send(by=alice, sample=sample, lab_name="Quatest 1", sent_on=date(2026, 11, 24))
    samples.lab_result_record(
        by=alice,
        sample=sample,
        test_report_number="KQ-77/2026",
        result_on=date(2026, 11, 28),
        criteria=[
            {"criterion": "Độ hấp thụ xung động", "unit": "g", "limit_max": 300, "measured": 320},
            {"criterion": "Độ bền của quai đeo", "unit": "mm", "limit_max": 25, "measured": 12},
        ],
    )
    # A second inspection of the operator within 12 months, with its reason: the desk
    # pages also show the earlier one (inspections/overlap.py).
    planned = services.inspection_create(
        by=bob,
        operator=inspection.operator,
        legal_ground="warning",
        scopes=[Scope.LABEL],
        repeat_reason="violation_follow_up",
        repeat_note="Kiểm tra việc khắc phục nhãn phụ tiếng Việt.",
    )

    with chromium_page(monkeypatch) as page:
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", bob.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("main form button[type=submit]")
        browser_second_step(page, bob)
        for path, name in (
            ("/plans/", "plans"),
            (f"/plans/{plan.pk}/", "plan"),
            ("/plans/new/", "plan-new"),
            ("/inspections/", "inspections"),
            ("/inspections/new/", "inspection-new"),
            (f"/inspections/{inspection.pk}/", "inspection"),
            (f"/inspections/{planned.pk}/team/", "team"),
            (f"/inspections/{planned.pk}/decide/", "decide"),
        ):
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                response = page.goto(f"{live_server.url}{path}")
                assert response.status == 200, path
                page.wait_for_load_state()
                scrolled = page.evaluate("document.documentElement.scrollWidth")
                page.screenshot(path=str(ARTIFACTS / f"desk-{name}-{width}.png"), full_page=True)
                assert scrolled <= width, (path, width, scrolled)
