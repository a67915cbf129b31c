"""An officer files a report taken on the hotline or at the counter: the caller's identity
sealed as on the public form, the receipt read out once after a redirect, a reload files
nothing, and the audit names the officer."""

import re
from pathlib import Path

import pytest
from django.test import Client

from complaints.models import Complaint
from complaints.services import complaint_by_receipt
from registry.models import AuditEntry, Province, Role
from tests.browser.chromium import chromium_page
from tests.browser.test_public_filing import ARTIFACTS, CHROMIUM
from tests.complaints.helpers import photo_file
from tests.factories import UserFactory, unit
from whistleblower.models import SealedIdentity

pytestmark = pytest.mark.django_db

FORM = {
    "channel": "hotline",
    "kind": "measurement",
    "product_name": "Gạo ST25 túi 5 kg",
    "seller_name": "Đại lý gạo Phú Thịnh",
    "seller_address": "45 Chợ Hôm, Hai Bà Trưng",
    "description": "Người gọi cân lại túi gạo chỉ được 4,6 kg thay vì 5 kg.",
    "identity_full_name": "Trần Thị Người Gọi",
    "identity_phone": "0912 345 678",
}
RECEIPT = re.compile(r'<p class="receipt__code"[^>]*>(.*?)</p>', re.S)


def shown_receipt(html: str) -> str:
    found = RECEIPT.search(html)
    return re.sub(r"<[^>]+>|\s", "", found.group(1)) if found else ""


def test_only_complaint_officers_take_reports(olga, alice, bob, client_for):
    page = client_for(olga).get("/complaints/intake/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="hotline"' in html and 'value="counter"' in html
    # The officer's unit's province is chosen: the report goes to the officer's unit.
    assert f'<option value="{Province.objects.get(code="01").pk}" selected>' in html
    assert 'href="/complaints/intake/"' in client_for(olga).get("/complaints/").content.decode()

    assert client_for(alice).get("/complaints/intake/").status_code == 403
    assert client_for(bob).post("/complaints/intake/", FORM).status_code == 403
    assert 'href="/complaints/intake/"' not in client_for(bob).get("/complaints/").content.decode()
    anonymous = Client().get("/complaints/intake/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    assert Client().get("/complaints/intake/da-nhan/").status_code == 302
    assert not Complaint.objects.exists()


def test_a_hotline_report_is_filed_once_and_its_receipt_shown_once(olga, client_for):
    client = client_for(olga)
    hanoi = Province.objects.get(code="01").pk  # chosen on the page for olga's unit
    posted = client.post(
        "/complaints/intake/", {**FORM, "seller_province": hanoi, "photos": photo_file()}
    )
    assert posted.status_code == 303
    assert posted["Location"] == "/complaints/intake/da-nhan/"
    cookie = posted.cookies["tiep-nhan-da-nhan"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    assert cookie["path"] == "/complaints/intake/da-nhan/"
    assert cookie["max-age"] == 15 * 60

    page = client.get("/complaints/intake/da-nhan/")
    html = page.content.decode()
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    assert "Đọc mã này cho người gọi; mã không hiện lại." in html
    complaint = Complaint.objects.get()
    assert complaint.channel == Complaint.Channel.HOTLINE
    assert complaint.unit.province.code == "01"
    assert complaint.photos.count() == 1
    assert complaint_by_receipt(receipt=shown_receipt(html), network_key="t") == complaint
    assert f'href="/complaints/{complaint.pk}/"' in html

    # A reload: the receipt is not shown again and nothing is filed again.
    again = client.get("/complaints/intake/da-nhan/")
    assert shown_receipt(again.content.decode()) == ""
    assert "Mã tra cứu chỉ hiện một lần" in again.content.decode()
    assert Complaint.objects.count() == 1

    # The audit names the officer who filed it, and nothing of the caller.
    entry = AuditEntry.objects.get(action="complaint.submit")
    assert entry.actor == olga
    assert entry.changes["channel"] == "hotline"
    assert "Người Gọi" not in str(entry.changes)


def test_the_callers_identity_is_sealed_and_the_officer_cannot_read_it_back(olga, client_for):
    client = client_for(olga)
    client.post("/complaints/intake/", FORM)
    complaint = Complaint.objects.get()
    sealed = SealedIdentity.objects.get(complaint=complaint)
    assert "Người Gọi".encode() not in bytes(sealed.ciphertext)
    for url in (
        f"/complaints/{complaint.pk}/",
        f"/complaints/{complaint.pk}/identity/",
        "/complaints/intake/da-nhan/",
    ):
        html = client.get(url).content.decode()
        assert "Trần Thị Người Gọi" not in html and "0912 345 678" not in html
    assert client.get(f"/complaints/{complaint.pk}/identity/").status_code in (403, 404)


def test_the_citizens_network_throttle_does_not_apply_to_staff(olga, client_for, settings):
    settings.COMPLAINT_SUBMIT_LIMIT = 1
    client = client_for(olga)
    for channel in ("hotline", "counter", "hotline"):
        assert client.post("/complaints/intake/", {**FORM, "channel": channel}).status_code == 303
    assert Complaint.objects.filter(channel="counter").count() == 1
    # The staff filings counted nothing against the network they came from.
    public = {key: value for key, value in FORM.items() if key != "channel"}
    assert Client().post("/phan-anh/", public).status_code == 303
    assert Client().post("/phan-anh/", public).status_code == 429


def test_the_receipt_is_for_the_officer_who_filed_it(olga, roles, client_for):
    otto = UserFactory(username="otto", unit=unit("01"), roles=[Role.COMPLAINT_OFFICER])
    posted = client_for(olga).post("/complaints/intake/", FORM)
    other = client_for(otto)
    other.cookies["tiep-nhan-da-nhan"] = posted.cookies["tiep-nhan-da-nhan"].value
    page = other.get("/complaints/intake/da-nhan/")
    assert shown_receipt(page.content.decode()) == ""
    # The same cookie does show the receipt to the officer who filed.
    mine = client_for(olga)
    mine.cookies["tiep-nhan-da-nhan"] = posted.cookies["tiep-nhan-da-nhan"].value
    assert shown_receipt(mine.get("/complaints/intake/da-nhan/").content.decode()) != ""


def test_errors_say_what_to_do_in_page_order_and_nothing_is_filed(olga, client_for):
    page = client_for(olga).post(
        "/complaints/intake/",
        {**FORM, "channel": "", "product_name": "", "photos": photo_file()},
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert re.search(r"<title>Lỗi: ", html)
    start = html.index('id="error-summary"')
    summary = html[start : html.index("</ul>", start)]
    first, second = summary.index("Chọn người dân phản ánh qua"), summary.index("Nhập tên sản phẩm")
    assert first < second
    assert 'href="#id_channel_0"' in summary and 'href="#id_product_name"' in summary
    assert "Bạn đã chọn 1 ảnh nhưng ảnh chưa được gửi" in html
    assert "Người gọi cân lại túi gạo" in html
    assert not Complaint.objects.exists()


# --- In Chromium, at the desk's widths ------------------------------------------------------


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_call_taken_in_the_browser_is_filed_once(live_server, monkeypatch, olga, password):
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium_page(monkeypatch, viewport={"width": 800, "height": 900}) as desk:
        desk.goto(f"{live_server.url}/login/")
        desk.fill("input[name=username]", olga.username)
        desk.fill("input[name=password]", password)
        desk.click("main form button[type=submit]")
        desk.wait_for_load_state()
        desk.goto(f"{live_server.url}/complaints/")
        desk.click("text=Nhập phản ánh qua điện thoại hoặc tại quầy")
        desk.wait_for_load_state()
        for width in (800, 1280, 1440):
            desk.set_viewport_size({"width": width, "height": 900})
            assert desk.evaluate("document.documentElement.scrollWidth") <= width
        desk.screenshot(path=str(ARTIFACTS / "intake-form.png"), full_page=True)

        desk.check("input[name=channel][value=hotline]")
        desk.fill("input[name=product_name]", FORM["product_name"])
        desk.fill("input[name=seller_name]", FORM["seller_name"])
        desk.fill("input[name=seller_address]", FORM["seller_address"])
        desk.check("input[name=kind][value=measurement]")
        desk.fill("input[name=purchase_date]", "02/03/2025")
        desk.fill("textarea[name=description]", FORM["description"])
        desk.fill("input[name=identity_full_name]", FORM["identity_full_name"])
        desk.click("main form.report-form button[type=submit]")
        desk.wait_for_load_state()
        assert desk.url.endswith("/complaints/intake/da-nhan/")
        shown = "".join(desk.inner_text(".receipt__code").split())
        assert re.fullmatch(r"([0-9A-Z]{4}-){4}[0-9A-Z]{4}", shown), shown
        assert "Đọc mã này cho người gọi; mã không hiện lại." in desk.content()
        for width in (800, 1280, 1440):
            desk.set_viewport_size({"width": width, "height": 900})
            assert desk.evaluate("document.documentElement.scrollWidth") <= width
        desk.screenshot(path=str(ARTIFACTS / "intake-receipt.png"), full_page=True)

        desk.reload()
        desk.wait_for_load_state()
        assert "Mã tra cứu chỉ hiện một lần" in desk.content()
        assert desk.locator(".receipt__code").count() == 0
        complaint = Complaint.objects.get()
        assert complaint.purchase_date.isoformat() == "2025-03-02"
        assert complaint_by_receipt(receipt=shown, network_key="t") == complaint

        desk.go_back()
        desk.wait_for_load_state()
        assert Complaint.objects.count() == 1
