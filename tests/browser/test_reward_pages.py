"""The reward pages in real Chromium without JavaScript (docs/rewards.md): the reporter
chooses on a 360 px phone, and the counter pays on an 800 px desk; no page is wider than
the screen. Screenshots in test-artifacts/."""

import json

import pytest

from complaints import proofs
from complaints.models import Reward
from tests.browser.chromium import chromium_page
from tests.browser.test_public_filing import ARTIFACTS, pytestmark  # noqa: F401
from tests.complaints.test_rewards import approved

PASSWORD = "Khen-thuong-2026"


def fits(page, name: str, width: int) -> None:
    scrolled = page.evaluate("document.documentElement.scrollWidth")
    page.screenshot(path=str(ARTIFACTS / f"reward-{name}-{width}.png"), full_page=True)
    assert scrolled <= width, (name, width, scrolled)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_reporter_chooses_on_a_phone_and_the_counter_pays(
    live_server, monkeypatch, alice, bob, olga
):
    ARTIFACTS.mkdir(exist_ok=True)
    filed, reward = approved(alice, bob)
    with chromium_page(
        monkeypatch, viewport={"width": 360, "height": 800}, java_script_enabled=False
    ) as phone:
        phone.goto(f"{live_server.url}/tra-cuu/")
        phone.fill("input[name=receipt]", filed.receipt)
        phone.click("main form button[type=submit]")
        phone.wait_for_selector("#reward-h")
        fits(phone, "status", 360)
        choose = "form[action='/tra-cuu/khen-thuong/chon/'] button[type=submit]"
        phone.click(choose)  # nothing chosen: the errors
        phone.wait_for_selector("text=Chưa ghi nhận được lựa chọn")
        fits(phone, "status-errors", 360)
        phone.check("#id_reward_choice_0")
        phone.click(choose)
        phone.wait_for_selector("text=Bạn chọn nhận ẩn danh tại quầy.")
        assert "/tra-cuu/khen-thuong/da-chon/" in phone.url
        fits(phone, "chosen", 360)
    assert Reward.objects.get(pk=reward.pk).status == Reward.Status.COUNTER

    olga.set_password(PASSWORD)
    olga.save()
    with chromium_page(
        monkeypatch, viewport={"width": 800, "height": 900}, java_script_enabled=False
    ) as desk:
        desk.goto(f"{live_server.url}/login/")
        desk.fill("input[name=username]", olga.username)
        desk.fill("input[name=password]", PASSWORD)
        desk.click("main form button[type=submit]")
        desk.wait_for_load_state()
        desk.goto(f"{live_server.url}/rewards/counter/")
        desk.fill("input[name=receipt]", filed.receipt)
        desk.fill("textarea[name=proof_text]", json.dumps(proofs.make_proof(filed.complaint)))
        desk.click("button[name=step][value=check]")
        desk.wait_for_selector("#found-h")
        fits(desk, "counter", 800)
        desk.fill("input[name=voucher_number]", "PC-0099")
        desk.click("main form button[type=submit]")
        desk.wait_for_selector("text=chứng từ số PC-0099")
        for path, name in ((f"/rewards/{reward.pk}/", "detail"), ("/rewards/", "list")):
            desk.goto(f"{live_server.url}{path}")
            desk.wait_for_load_state()
            fits(desk, name, 800)
    reward.refresh_from_db()
    assert reward.status == Reward.Status.PAID and reward.voucher_number == "PC-0099"
