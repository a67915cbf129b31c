"""A barcode read from a citizen's photo is proposed on the report; staff confirm it (GTIN,
batch, product record) or skip it, or link the report to a product by name and brand."""

import json
from pathlib import Path

import pytest

from complaints import products
from complaints.models import Complaint, ComplaintPhoto
from complaints.services import PhotoUpload
from registry.barcodes import BarcodeProposal
from registry.errors import Conflict, PermissionDenied
from registry.models import AuditEntry, Notification, Product
from tests.complaints.helpers import file_complaint
from tests.factories import api_client

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "barcodes"


def _file_with(name: str, capture, **overrides) -> Complaint:
    data = (FIXTURES / name).read_bytes()
    with capture(execute=True):
        filed = file_complaint(photos=[PhotoUpload(data=data, filename="a.jpg")], **overrides)
    return Complaint.objects.get(pk=filed.complaint.pk)


@pytest.fixture
def gs1_report(db, django_capture_on_commit_callbacks):
    return _file_with("gs1_128_batch_expiry.jpg", django_capture_on_commit_callbacks)


def test_the_worker_proposes_gtin_batch_and_expiry_from_the_photo(gs1_report):
    photo = gs1_report.photos.get()
    assert photo.state == ComplaintPhoto.State.READY
    assert (photo.proposed_gtin, photo.proposed_batch, str(photo.proposed_expiry)) == (
        "8935049500100",
        "LOT42",
        "2027-12-31",
    )
    assert photo.proposed_symbology == "GS1-128"
    assert photo.proposal_state == BarcodeProposal.PROPOSED
    # Proposed, not applied: the report is as the citizen filed it.
    gs1_report.refresh_from_db()
    assert gs1_report.product_gtin == "" and gs1_report.product_id is None


@pytest.mark.parametrize(
    "name", ["wrong_check_digit_ean13.jpg", "wrong_check_digit_code128.jpg", "no_barcode_box.jpg"]
)
def test_nothing_is_proposed_from_a_wrong_check_digit_or_no_barcode(
    db, django_capture_on_commit_callbacks, name
):
    complaint = _file_with(name, django_capture_on_commit_callbacks)
    photo = complaint.photos.get()
    assert photo.state == ComplaintPhoto.State.READY
    assert photo.proposed_gtin == "" and photo.proposal_state == ""


def test_a_reading_failure_never_fails_the_photo(
    db, django_capture_on_commit_callbacks, monkeypatch
):
    import zxingcpp

    def broken(*args, **kwargs):
        raise RuntimeError("decoder fault")

    monkeypatch.setattr(zxingcpp, "read_barcodes", broken)
    complaint = _file_with("gs1_128_batch_expiry.jpg", django_capture_on_commit_callbacks)
    photo = complaint.photos.get()
    assert photo.state == ComplaintPhoto.State.READY and photo.proposed_gtin == ""


def test_the_officer_sees_the_proposal_and_confirms_it_on_the_page(gs1_report, olga, client_for):
    client = client_for(olga)
    page = client.get(f"/complaints/{gs1_report.pk}/")
    text = page.content.decode()
    assert "Mã vạch đọc được từ ảnh:" in text
    assert "8935049500100 (Việt Nam) — lô LOT42 — hạn 31/12/2027" in text
    photo = gs1_report.photos.get()
    response = client.post(
        f"/complaints/{gs1_report.pk}/product/",
        {"action": "confirm", "photo_id": photo.pk},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/complaints/{gs1_report.pk}/"
    assert "Đã xác nhận mã vạch 8935049500100" in response.content.decode()
    gs1_report.refresh_from_db()
    assert (gs1_report.product_gtin, gs1_report.product_batch) == ("8935049500100", "LOT42")
    product = gs1_report.product
    assert (product.gtin, product.name, product.brand) == (
        "8935049500100",
        "Nước mắm cá cơm",
        "Biển Xanh",
    )
    photo.refresh_from_db()
    assert photo.proposal_state == BarcodeProposal.CONFIRMED
    assert AuditEntry.objects.filter(action="complaint.barcode_confirm").count() == 1
    # Settled: the page no longer asks.
    assert (
        "Mã vạch đọc được từ ảnh:"
        not in client.get(f"/complaints/{gs1_report.pk}/").content.decode()
    )


def test_confirm_links_the_existing_product_however_its_gtin_was_typed(gs1_report, olga):
    existing = Product.objects.create(
        name="Nước mắm Phú Quốc", brand="Hưng Thịnh", gtin="08935049500100"
    )
    complaint = products.complaint_barcode_confirm(
        by=olga, complaint=gs1_report, photo_id=gs1_report.photos.get().pk
    )
    assert complaint.product == existing
    assert Product.objects.count() == 1


def test_skip_leaves_the_report_as_filed(gs1_report, olga, client_for):
    photo = gs1_report.photos.get()
    response = client_for(olga).post(
        f"/complaints/{gs1_report.pk}/product/",
        {"action": "skip", "photo_id": photo.pk},
        follow=True,
    )
    assert "Đã bỏ qua mã vạch" in response.content.decode()
    gs1_report.refresh_from_db()
    assert gs1_report.product_gtin == "" and gs1_report.product_id is None
    photo.refresh_from_db()
    assert photo.proposal_state == BarcodeProposal.SKIPPED
    with pytest.raises(Conflict):
        products.complaint_barcode_confirm(by=olga, complaint=gs1_report, photo_id=photo.pk)


def test_another_units_officer_cannot_see_or_confirm(gs1_report, oscar, client_for, audrey):
    photo = gs1_report.photos.get()
    client = client_for(oscar)
    assert client.get(f"/complaints/{gs1_report.pk}/product/").status_code == 404
    assert (
        client.post(
            f"/complaints/{gs1_report.pk}/product/", {"action": "confirm", "photo_id": photo.pk}
        ).status_code
        == 404
    )
    with pytest.raises(PermissionDenied):
        products.complaint_barcode_confirm(by=audrey, complaint=gs1_report, photo_id=photo.pk)
    gs1_report.refresh_from_db()
    assert gs1_report.product_gtin == ""


def test_a_proposal_tells_the_assigned_officer(db, olga, django_capture_on_commit_callbacks):
    from complaints.services import complaint_assign

    complaint = _file_with("no_barcode_box.jpg", django_capture_on_commit_callbacks)
    complaint_assign(by=olga, complaint=complaint, officer=olga)
    photo = complaint.photos.get()
    ComplaintPhoto.objects.filter(pk=photo.pk).update(
        proposed_gtin="8935049500100", proposal_state=BarcodeProposal.PROPOSED
    )
    products.notify_proposal(photo_id=photo.pk)
    products.notify_proposal(photo_id=photo.pk)
    notes = Notification.objects.filter(recipient=olga, subject__contains="mã vạch")
    assert notes.count() == 1


def test_link_by_a_confirmed_match_of_name_and_brand(gs1_report, olga, client_for):
    match = Product.objects.create(name="NƯỚC MẮM CÁ CƠM", brand="Biển Xanh")
    Product.objects.create(name="Nước mắm cá cơm", brand="Sông Hương")
    client = client_for(olga)
    page = client.get(f"/complaints/{gs1_report.pk}/product/").content.decode()
    assert f'value="{match.pk}"' in page
    assert "Sông Hương" not in page
    response = client.post(
        f"/complaints/{gs1_report.pk}/product/",
        {"action": "link", "product_id": match.pk},
        follow=True,
    )
    assert "Đã gắn phản ánh với sản phẩm" in response.content.decode()
    gs1_report.refresh_from_db()
    assert gs1_report.product == match
    assert AuditEntry.objects.filter(action="complaint.product_link").exists()


def test_the_api_confirms_skips_and_links(gs1_report, olga, oscar):
    client = api_client(olga)
    base = f"/api/v1/complaints/{gs1_report.pk}"
    got = client.get(f"{base}/product").json()
    assert got["proposal"]["gtin"] == "8935049500100"
    assert got["proposal"]["origin"]["country_code"] == "VN"
    assert got["proposal"]["origin"]["name"] == "Việt Nam"
    photo_id = got["proposal"]["photo_id"]
    assert (
        api_client(oscar)
        .post(
            f"{base}/barcode/confirm",
            json.dumps({"photo_id": photo_id}),
            content_type="application/json",
        )
        .status_code
        == 404
    )
    done = client.post(
        f"{base}/barcode/confirm",
        json.dumps({"photo_id": photo_id}),
        content_type="application/json",
    )
    assert done.status_code == 200
    body = done.json()
    assert (body["product_gtin"], body["product_batch"], body["proposal"]) == (
        "8935049500100",
        "LOT42",
        None,
    )
    again = client.post(
        f"{base}/barcode/skip", json.dumps({"photo_id": photo_id}), content_type="application/json"
    )
    assert again.status_code == 409 and again.json()["code"] == "barcode_not_proposed"
    other = Product.objects.create(name="Nước mắm cá cơm", brand="Biển Xanh")
    candidates = client.get(f"{base}/product/candidates").json()
    assert other.pk in [c["id"] for c in candidates]
    linked = client.post(
        f"{base}/product", json.dumps({"product_id": other.pk}), content_type="application/json"
    )
    assert linked.status_code == 200 and linked.json()["product_id"] == other.pk
