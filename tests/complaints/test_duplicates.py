"""Reports about the same product or seller are grouped; officers merge them, and every
reporter still follows the case through their own receipt."""

import io

import pytest
from PIL import Image

from complaints import selectors, services
from complaints.duplicates import duplicates_detect, reasons
from complaints.models import Complaint, DuplicateLink
from complaints.services import PhotoUpload
from complaints.synthetic import labelled_reports, precision_recall
from registry.errors import Conflict, PermissionDenied
from registry.images import difference_hash, hamming
from tests.complaints.helpers import PHOTOS, file_complaint, photo_bytes

pytestmark = pytest.mark.django_db


def filed(n, **fields) -> Complaint:
    return file_complaint(network_key=f"net-{n}", **fields).complaint


def detect_all(complaints):
    for complaint in complaints:
        duplicates_detect(complaint.pk)
    return [Complaint.objects.get(pk=c.pk) for c in complaints]


def test_the_same_seller_written_three_ways_is_one_group(olga):
    a = filed(1, seller_name="Tạp hóa Minh Tâm", seller_address="12 Hàng Bạc, Hoàn Kiếm")
    b = filed(2, seller_name="cua hang minh tam", seller_address="số 12 hang bac")
    c = filed(3, seller_name="Minh Tâm", seller_address="Hàng Bạc", product_name="Dầu ăn 1 l")
    other = filed(4, seller_name="Tạp hóa Minh Tú", seller_address="3 Kim Mã", product_name="Gạo")
    a, b, c, other = detect_all([a, b, c, other])
    assert a.duplicate_group == b.duplicate_group == c.duplicate_group == a.pk
    assert other.duplicate_group is None
    link = DuplicateLink.objects.get(first=a, second=b)
    assert "similar_seller" in link.reasons and "similar_product" in link.reasons
    # Run again: nothing new.
    before = DuplicateLink.objects.count()
    detect_all([a, b, c, other])
    assert DuplicateLink.objects.count() == before


def test_barcode_tax_code_and_shop_link_each_link_two_reports(olga):
    a = filed(1, product_name="Sữa tươi", product_gtin="8934567890120", seller_name="A")
    b = filed(2, product_name="Sữa", product_gtin="8934567890120", seller_name="B")
    assert reasons(a, b) == ["same_barcode"]
    c = filed(3, seller_tax_code="0100233488", seller_name="Công ty X", product_name="Gạo")
    d = filed(4, seller_tax_code="0100233488", seller_name="Y", product_name="Bột ngọt")
    assert reasons(c, d) == ["same_tax_code"]
    e = filed(
        5, seller_url="https://www.shopee.vn/tamminh?utm=1", seller_name="P", product_name="Mì"
    )
    f = filed(6, seller_url="http://shopee.vn/tamminh/", seller_name="Q", product_name="Muối")
    assert reasons(e, f) == ["same_shop_url"]
    g = filed(7, seller_url="https://shopee.vn/other", seller_name="R", product_name="Đường")
    assert reasons(e, g) == []


def test_two_sizes_of_one_brand_are_two_products(olga):
    a = filed(1, product_name="Nước mắm Nam Ngư 500 ml", seller_name="A", seller_address="1 Lê Lợi")
    b = filed(
        2, product_name="nuoc mam nam ngu chai 500ml", seller_name="B", seller_address="9 Kim Mã"
    )
    c = filed(3, product_name="Nước mắm Nam Ngư 1 l", seller_name="C", seller_address="5 Trần Phú")
    assert reasons(a, b) == ["similar_product"]
    assert reasons(a, c) == []


def test_a_photo_of_the_same_goods_links_reports_and_another_does_not():
    original = photo_bytes("gps_DSCN0010.jpg")
    with Image.open(io.BytesIO(original)) as im:
        small = im.convert("RGB").resize((im.width // 3, im.height // 3))
        buffer = io.BytesIO()
        small.save(buffer, "JPEG", quality=60)
    with Image.open(io.BytesIO(original)) as im:
        first = difference_hash(im.convert("RGB"))
    with Image.open(buffer) as im:
        again = difference_hash(im)
    with Image.open(PHOTOS / "Canon_40D.jpg") as im:
        other = difference_hash(im.convert("RGB"))
    assert hamming(first, again) <= 6 < hamming(first, other)


def test_filing_with_photos_groups_by_the_photo(olga, django_capture_on_commit_callbacks):
    same = photo_bytes("gps_DSCN0012.jpg")
    with django_capture_on_commit_callbacks(execute=True):
        a = filed(1, product_name="Bình gas", seller_name="A", photos=[PhotoUpload(data=same)])
    with django_capture_on_commit_callbacks(execute=True):
        b = filed(2, product_name="Nồi cơm", seller_name="B", photos=[PhotoUpload(data=same)])
    b.refresh_from_db()
    assert b.duplicate_group == a.pk
    assert DuplicateLink.objects.get().reasons == ["similar_photo"]


def test_detection_on_labelled_reports_is_precise_and_finds_most(olga):
    reports = labelled_reports(reports=120, products=30, sellers=30, seed=11)
    made = [filed(n, **r.fields) for n, r in enumerate(reports)]
    detect_all(made)
    linked = set(DuplicateLink.objects.values_list("first_id", "second_id"))
    precision, recall, *_ = precision_recall(reports, [c.pk for c in made], linked)
    # bench/duplicates.py measures a larger set; the figures are in the README.
    assert precision >= 0.95, precision
    assert recall >= 0.85, recall


def test_merged_reporters_follow_the_case_with_their_own_receipts(olga, oscar):
    first = file_complaint(network_key="a", seller_name="Minh Tâm")
    second = file_complaint(network_key="b", seller_name="minh tam")
    main, merged = first.complaint, second.complaint
    with pytest.raises(Conflict):
        services.complaint_merge(by=olga, complaints=[main], into=main)
    services.complaint_merge(by=olga, complaints=[merged], into=main)
    merged.refresh_from_db()
    assert merged.status == "merged" and merged.merged_into == main
    assert not merged.clocks.filter(state="running").exists()
    # The merged reporter opens their own receipt and sees where their report went.
    view = selectors.public_view(
        services.complaint_by_receipt(receipt=second.receipt, network_key="b")
    )
    assert view["status"] == "merged"
    assert view["merged_into"]["tracking_number"] == main.tracking_number
    assert view["merged_into"]["status"] == "received"
    # A report of another unit cannot be merged in.
    theirs = file_complaint(province_code="79", network_key="c").complaint
    with pytest.raises(PermissionDenied):
        services.complaint_merge(by=olga, complaints=[theirs], into=main)
    # They may still write, as long as the case they joined is open.
    services.reporter_reply(complaint=merged, body="Tôi gửi thêm thông tin.", network_key="b")
    for status in ("acknowledged", "triaged"):
        services.complaint_transition(by=olga, complaint=main, to=status)
    services.complaint_transition(by=olga, complaint=main, to="resolved", public_note="Đã xử lý.")
    view = selectors.public_view(Complaint.objects.get(pk=merged.pk))
    assert view["merged_into"]["closed"] and view["merged_into"]["outcome"] == "Đã xử lý."
    with pytest.raises(Conflict):
        services.reporter_reply(complaint=merged, body="Thêm nữa", network_key="b")


def test_a_merged_report_follows_its_case_when_that_case_is_merged(olga):
    a, b, c = (file_complaint(network_key=f"m{n}").complaint for n in range(3))
    services.complaint_merge(by=olga, complaints=[a], into=b)
    services.complaint_merge(by=olga, complaints=[b], into=c)
    a.refresh_from_db()
    assert a.merged_into == c
    assert selectors.public_view(a)["merged_into"]["tracking_number"] == c.tracking_number
