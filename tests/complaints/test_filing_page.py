"""The public filing page: post/redirect/get, so a reload never files twice, and the
receipt is shown once on the page after the redirect."""

import re

import pytest
from django.test import Client

from complaints.models import Complaint
from complaints.services import complaint_by_receipt
from tests.complaints.helpers import photo_file

pytestmark = pytest.mark.django_db

FORM = {
    "kind": "fake_mark",
    "product_name": "Ổ cắm điện",
    "seller_name": "Cửa hàng điện Quang Minh",
    "seller_address": "9 Lê Lợi, Hoàn Kiếm",
    "description": "Ổ cắm gắn dấu CR nhưng không có số công bố hợp quy.",
}
RECEIPT = re.compile(r'<p class="receipt__code"[^>]*>(.*?)</p>', re.S)


def shown_receipt(html: str) -> str:
    found = RECEIPT.search(html)
    return re.sub(r"<[^>]+>|\s", "", found.group(1)) if found else ""


def test_filing_redirects_and_the_receipt_is_shown_once():
    client = Client()
    posted = client.post("/phan-anh/", {**FORM, "photos": photo_file()})
    assert posted.status_code == 303
    assert posted["Location"] == "/phan-anh/da-gui/"
    assert "receipt" not in posted["Location"]
    cookie = posted.cookies["phan-anh-da-gui"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    assert cookie["path"] == "/phan-anh/da-gui/"

    page = client.get("/phan-anh/da-gui/")
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    receipt = shown_receipt(page.content.decode())
    complaint = Complaint.objects.get()
    assert complaint.tracking_number in page.content.decode()
    assert complaint_by_receipt(receipt=receipt, network_key="test") == complaint

    again = client.get("/phan-anh/da-gui/")
    assert again.status_code == 200
    assert shown_receipt(again.content.decode()) == ""
    assert "Mã tra cứu chỉ hiện một lần" in again.content.decode()
    assert Complaint.objects.count() == 1


def test_a_forged_or_missing_cookie_shows_no_receipt():
    client = Client()
    client.cookies["phan-anh-da-gui"] = '{"complaint": 1, "receipt": "AAAA-BBBB"}'
    page = client.get("/phan-anh/da-gui/")
    assert page.status_code == 200
    assert shown_receipt(page.content.decode()) == ""
    assert Client().get("/phan-anh/da-gui/").status_code == 200


def test_a_form_with_errors_is_shown_again_and_files_nothing():
    page = Client().post("/phan-anh/", {**FORM, "product_name": ""})
    assert page.status_code == 400
    assert "Ổ cắm gắn dấu CR" in page.content.decode()
    assert not Complaint.objects.exists()
