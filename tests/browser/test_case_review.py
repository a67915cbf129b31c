"""A supervisor at a desktop (1366 x 900, real Chromium): the overdue queue, a duplicate
group merged on the report page, two reports given to an officer at once, the dashboard
with its charts, and a search typed without accents. Screenshots in test-artifacts/."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from complaints.duplicates import duplicates_detect
from complaints.models import Complaint
from tests.browser.test_public_filing import ARGS, ARTIFACTS, CHROMIUM, pytestmark  # noqa: F401
from tests.complaints.helpers import file_complaint
from tests.second_factor import browser_second_step

PASSWORD = "Xem-xét-vụ-việc-2026"


@pytest.fixture
def desk(live_server, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(
            viewport={"width": 1366, "height": 900}, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh"
        )
        yield context.new_page()
        browser.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_supervisor_triages_merges_and_reads_the_figures(desk, live_server, bob, olga):
    ARTIFACTS.mkdir(exist_ok=True)
    bob.set_password(PASSWORD)
    bob.save()
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() - timedelta(days=12)):
        late = file_complaint(
            network_key="a", product_name="Nước mắm Nam Ngư 500 ml", seller_name="Tạp hóa Minh Tâm"
        ).complaint
    twin = file_complaint(
        network_key="b", product_name="nuoc mam nam ngu 500ml", seller_name="cua hang minh tam"
    ).complaint
    other = file_complaint(
        network_key="c",
        product_name="Mũ bảo hiểm",
        seller_name="Cửa hàng Phúc Lộc",
        seller_address="8 Kim Mã",
        description="Mũ bảo hiểm không có dấu hợp quy CR.",
    ).complaint
    for complaint in (late, twin, other):
        duplicates_detect(complaint.pk)

    desk.goto(f"{live_server.url}/login/?next=/complaints/%3Fqueue%3Doverdue")
    desk.fill("input[name=username]", bob.username)
    desk.fill("input[name=password]", PASSWORD)
    desk.click("main form button[type=submit]")
    browser_second_step(desk, bob)
    desk.wait_for_selector(f"text={late.tracking_number}")
    assert desk.locator(f"text={twin.tracking_number}").count() == 0  # not overdue
    assert desk.locator(".queue--current").inner_text().startswith("Quá hạn")
    desk.screenshot(path=str(ARTIFACTS / "review-1366-overdue.png"), full_page=True)

    # The twin is in the late report's group: merge it from the report page.
    desk.click(f"text={late.tracking_number}")
    desk.wait_for_selector("#dup-h")
    desk.check(f"#dup-{twin.pk}")
    desk.screenshot(path=str(ARTIFACTS / "review-1366-report.png"), full_page=True)
    desk.click("text=Gộp các phản ánh đã chọn vào phản ánh này")
    desk.wait_for_load_state()
    twin.refresh_from_db()
    assert twin.status == "merged" and twin.merged_into_id == late.pk

    # Two open reports to olga at once, from the queue.
    desk.goto(f"{live_server.url}/complaints/?queue=open")
    desk.check(f"#sel-{late.pk}")
    desk.check(f"#sel-{other.pk}")
    desk.select_option("#bulk-officer", str(olga.pk))
    desk.click("button[value=assign]")
    desk.wait_for_selector(".messages")
    assert set(Complaint.objects.filter(assigned_to=olga)) == {late, other}

    desk.goto(f"{live_server.url}/review/")
    assert desk.locator("#fig-received").inner_text() == "3"
    assert desk.locator("#fig-answered").inner_text() == "1"  # the merged one
    assert desk.locator("svg.chart__svg").count() >= 1
    desk.screenshot(path=str(ARTIFACTS / "review-1366-dashboard.png"), full_page=True)

    desk.goto(f"{live_server.url}/search/?q=mu+bao+hiem")
    desk.wait_for_selector(f"text={other.tracking_number}")
    desk.screenshot(path=str(ARTIFACTS / "review-1366-search.png"), full_page=True)
