"""The citizens' pages as GOV.UK would write them: `/` is their home; each error says what
to do for its field, listed in page order at the top and linked to the field, with "Lỗi:"
in the title; dates read dd/mm/yyyy hh:mm; the filing form comes in four short steps; on a
360 px phone without JavaScript no page is wider than the screen and links in text are
44 px targets."""

import json
import re
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from complaints import proofs
from complaints.models import Complaint
from tests.browser.chromium import chromium_page
from tests.browser.test_public_filing import ARTIFACTS, CHROMIUM
from tests.complaints.helpers import file_complaint, photo_file

pytestmark = pytest.mark.django_db

FORM = {
    "kind": "label",
    "product_name": "Sữa tắm thảo dược",
    "seller_name": "Siêu thị Mini Hòa Bình",
    "seller_address": "3 Trần Phú, Ba Đình",
    "description": "Nhãn phụ tiếng Việt không ghi hạn sử dụng và nhà nhập khẩu.",
}
GENERIC = ("Trường này là bắt buộc", "This field is required", "URL", "không hợp lệ")


def summary_of(html: str) -> str:
    start = html.index('id="error-summary"')
    return html[start : html.index("</ul>", start)]


def in_order(text: str, *parts: str) -> bool:
    places = [text.index(part) for part in parts]
    return places == sorted(places)


def test_the_home_is_the_citizens_and_staff_sign_in_from_a_link(olga, client_for):
    page = Client().get("/")
    assert page.status_code == 200
    html = page.content.decode()
    for href in ("/phan-anh/", "/tra-cuu/", "/canh-bao/", "/xac-minh/", "/login/"):
        assert f'href="{href}"' in html, href
    assert "Gửi phản ánh" in html and "Theo dõi phản ánh đã gửi" in html
    assert 'name="password"' not in html  # sign-in is a link, not the landing page
    # Signed-in staff go on to their role's home, as after signing in.
    staff = client_for(olga).get("/")
    assert staff.status_code == 302 and staff["Location"] == "/home/complaint_officer/"


def test_the_filing_form_comes_in_four_steps():
    html = Client().get("/phan-anh/").content.decode()
    assert in_order(html, "Bước 1/4", "Bước 2/4", "Bước 3/4", "Bước 4/4")
    assert in_order(html, 'id="buoc-1"', 'name="product_name"', 'id="buoc-2"', 'name="seller_name"')
    assert in_order(html, 'id="buoc-3"', 'name="kind"', 'name="photos"', 'id="buoc-4"')
    assert "<title>Gửi phản ánh" in html and "Lỗi:" not in html


def test_errors_say_what_to_do_in_page_order_and_link_to_their_fields():
    page = Client().post("/phan-anh/", {"seller_url": "shop ban hang", "photos": photo_file()})
    assert page.status_code == 400
    html = page.content.decode()
    assert re.search(r"<title>Lỗi: Gửi phản ánh", html)
    summary = summary_of(html)
    assert in_order(
        summary,
        '<a href="#id_product_name">Nhập tên sản phẩm</a>',
        '<a href="#id_seller_name">Nhập tên cửa hàng hoặc người bán</a>',
        '<a href="#id_seller_url">Nhập địa chỉ trang bán hàng bắt đầu bằng https://',
        '<a href="#id_kind_0">Chọn loại phản ánh</a>',
        '<a href="#id_description">Mô tả sự việc bạn gặp',
    )
    for word in GENERIC:
        assert word not in summary, word
    # The photo was not kept: the page says so by the photo field.
    photo_field = html[html.index('for="id_photos"') :]
    assert "Bạn đã chọn 1 ảnh nhưng ảnh chưa được gửi. Hãy chọn lại ảnh" in photo_field[:2000]
    assert not Complaint.objects.exists()


def test_the_services_errors_also_say_what_to_do():
    page = Client().post(
        "/phan-anh/",
        {
            **FORM,
            "seller_address": "",
            "product_gtin": "123",
            "purchase_date": "01/01/1990",
            "identity_phone": "goi cho toi",
        },
    )
    assert page.status_code == 400
    summary = summary_of(page.content.decode())
    assert in_order(
        summary,
        "Nhập đủ dãy số dưới mã vạch",
        "Nhập địa chỉ cửa hàng, hoặc địa chỉ trang bán hàng nếu bạn mua trên mạng",
        "Nhập ngày mua từ năm 2000 đến hôm nay, ví dụ 15/03/2025",
        "Nhập số điện thoại chỉ gồm chữ số, ví dụ 0912 345 678",
    )
    for word in GENERIC:
        assert word not in summary, word
    # What was typed comes back.
    assert "Nhãn phụ tiếng Việt không ghi hạn sử dụng" in page.content.decode()


def test_a_date_typed_by_hand_is_read_day_first():
    posted = Client().post("/phan-anh/", {**FORM, "purchase_date": "05/03/2025"})
    assert posted.status_code == 303
    assert Complaint.objects.get().purchase_date.isoformat() == "2025-03-05"


def test_the_lookup_and_reply_errors():
    empty = Client().post("/tra-cuu/", {"receipt": ""})
    html = empty.content.decode()
    assert empty.status_code == 400 and "<title>Lỗi: Tra cứu phản ánh" in html
    assert '<a href="#id_receipt">Nhập mã tra cứu bạn nhận được khi gửi phản ánh</a>' in html

    wrong = Client().post("/tra-cuu/", {"receipt": "AAAA-BBBB-CCCC-DDDD-EEEE"})
    assert wrong.status_code == 404
    assert '<a href="#id_receipt">Mã tra cứu không đúng.' in wrong.content.decode()

    receipt = file_complaint().receipt
    reply = Client().post("/tra-cuu/tra-loi/", {"receipt": receipt, "body": ""})
    html = reply.content.decode()
    assert reply.status_code == 400 and "<title>Lỗi: Phản ánh" in html
    assert '<a href="#id_body">Nhập nội dung trả lời, hoặc chọn ảnh để gửi</a>' in html


def test_a_reply_redirects_and_a_reload_sends_nothing_twice():
    """The reporter's reply is answered with a redirect to the case page (the receipt
    travels in a short-lived cookie, never in the URL); a reload of that page shows that
    the reply was sent and adds no second message."""
    filed = file_complaint()
    citizen = Client()
    sent = citizen.post(
        "/tra-cuu/tra-loi/", {"receipt": filed.receipt, "body": "Tôi còn giữ hóa đơn."}
    )
    assert sent.status_code == 303 and sent["Location"] == "/tra-cuu/da-tra-loi/"
    assert filed.receipt not in sent["Location"]
    page = citizen.get("/tra-cuu/da-tra-loi/")
    html = page.content.decode()
    assert page.status_code == 200 and "Đã gửi" in html and "Tôi còn giữ hóa đơn." in html
    assert page["Cache-Control"] == "no-store"
    again = citizen.get("/tra-cuu/da-tra-loi/").content.decode()
    assert "Đã gửi trả lời" in again and "Tôi còn giữ hóa đơn." not in again
    assert filed.complaint.messages.filter(body="Tôi còn giữ hóa đơn.").count() == 1


def test_the_proof_check_shows_the_filing_time_as_people_write_it():
    complaint = file_complaint().complaint
    proof = json.dumps(proofs.make_proof(complaint))
    page = Client().post("/xac-minh/", {"proof_text": proof})
    html = page.content.decode()
    assert page.status_code == 200 and "Hợp lệ" in html
    shown = timezone.localtime(complaint.received_at).strftime("%d/%m/%Y %H:%M")
    assert f">{shown}</time>" in html
    assert not re.search(r">\d{4}-\d\d-\d\dT\d\d:\d\d", html)

    nothing = Client().post("/xac-minh/", {})
    assert (
        nothing.status_code == 400 and "<title>Lỗi: Xác minh bằng chứng" in nothing.content.decode()
    )
    assert "Chọn tệp bằng chứng đã tải về khi gửi phản ánh" in nothing.content.decode()


# --- At 360 px without JavaScript (real Chromium) ------------------------------------------

TEXT_LINKS = (
    "main :is(p, li, dd, td) > a:not(.btn), .site-footer p > a, .card__more a, .error-summary a"
)


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_public_pages_fit_a_360px_phone_and_links_are_44px_targets(live_server, monkeypatch):
    ARTIFACTS.mkdir(exist_ok=True)
    filed = file_complaint(network_key="browser")
    proof = json.dumps(proofs.make_proof(filed.complaint))
    with chromium_page(
        monkeypatch, viewport={"width": 360, "height": 740}, java_script_enabled=False
    ) as phone:

        def check(name: str) -> None:
            phone.wait_for_load_state()
            phone.screenshot(path=str(ARTIFACTS / f"public-360-{name}.png"), full_page=True)
            width = phone.evaluate("document.documentElement.scrollWidth")
            assert width <= 360, (name, width)
            small = phone.evaluate(
                """(selector) => [...document.querySelectorAll(selector)]
                  .filter((a) => a.getClientRects().length)
                  .map((a) => [a.textContent.trim(), Math.min(...[...a.getClientRects()]
                      .map((r) => r.height))])
                  .filter(([, height]) => height < 44)""",
                TEXT_LINKS,
            )
            assert not small, (name, small)

        for path, name in (
            ("/", "home"),
            ("/phan-anh/", "filing"),
            ("/tra-cuu/", "lookup"),
            ("/xac-minh/", "verify"),
            ("/canh-bao/", "alerts"),
            ("/phan-anh/da-gui/", "filed-shown"),
        ):
            phone.goto(f"{live_server.url}{path}")
            check(name)

        phone.goto(f"{live_server.url}/phan-anh/")
        phone.fill("input[name=seller_url]", "gian hang cua toi")
        phone.click("main form button[type=submit]")
        check("filing-errors")
        assert phone.title().startswith("Lỗi: ")

        phone.goto(f"{live_server.url}/tra-cuu/")
        phone.fill("input[name=receipt]", filed.receipt)
        phone.click("main form button[type=submit]")
        check("status")

        phone.goto(f"{live_server.url}/xac-minh/")
        phone.fill("textarea[name=proof_text]", proof)
        phone.click("main form button[type=submit]")
        check("verify-valid")
