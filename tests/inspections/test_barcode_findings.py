"""A barcode read from an inspector's photo is proposed on the finding; the team confirms
it (GTIN, batch, expiry, product record) or skips it, on the tablet, the desk page or the
API, or links the finding to a product by name and brand."""

import json
import uuid
from pathlib import Path

import pytest
from django.utils import timezone

from inspections import findings, products, services
from inspections.models import ChecklistItem, EvidencePhoto, Inspection
from registry.barcodes import BarcodeProposal
from registry.errors import InvalidInput, PermissionDenied
from registry.models import AuditEntry, Product
from tests.factories import api_client
from tests.inspections.helpers import decided_inspection

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "barcodes"


@pytest.fixture
def finding(alice, bob):
    inspection = decided_inspection(supervisor=bob, lead=alice, day=timezone.localdate())
    services.inspection_transition(by=alice, inspection=inspection, to=Inspection.Status.ON_SITE)
    item = ChecklistItem.objects.get(template__version=1, code="vietnamese_label")
    made, _created = findings.finding_create(
        by=alice,
        inspection=inspection,
        client_uuid=uuid.uuid4(),
        item=item,
        result="non_conforming",
    )
    return made


def _photo(alice, finding, name, capture) -> EvidencePhoto:
    with capture(execute=True):
        photo, _created = findings.evidence_upload(
            by=alice, finding=finding, data=(FIXTURES / name).read_bytes(), filename="a.jpg"
        )
    photo.refresh_from_db()
    return photo


def test_the_worker_proposes_what_it_read_and_nothing_from_a_wrong_check_digit(
    alice, finding, django_capture_on_commit_callbacks
):
    good = _photo(
        alice, finding, "digital_link_qr_perspective.jpg", django_capture_on_commit_callbacks
    )
    assert good.state == EvidencePhoto.State.READY
    assert (good.proposed_gtin, good.proposed_batch, str(good.proposed_expiry)) == (
        "8935049500100",
        "LOT42",
        "2027-12-31",
    )
    assert good.proposal_state == BarcodeProposal.PROPOSED
    wrong = _photo(
        alice, finding, "wrong_check_digit_ean13.jpg", django_capture_on_commit_callbacks
    )
    assert wrong.state == EvidencePhoto.State.READY and wrong.proposed_gtin == ""


def test_the_desk_page_shows_it_and_confirm_records_the_goods(
    alice, bob, finding, client_for, django_capture_on_commit_callbacks
):
    photo = _photo(alice, finding, "gs1_128_batch_expiry.jpg", django_capture_on_commit_callbacks)
    Product.objects.create(name="Nước mắm Phú Quốc", brand="Hưng Thịnh", gtin="8935049500100")
    client = client_for(alice)
    page = client.get(f"/inspections/{finding.inspection_id}/").content.decode()
    assert "8935049500100 (Việt Nam) — lô LOT42 — hạn 31/12/2027" in page
    assert "Xác nhận" in page and "Bỏ qua" in page
    response = client.post(
        f"/inspections/{finding.inspection_id}/findings/{finding.pk}/product/",
        {
            "action": "confirm",
            "photo_id": photo.pk,
            "next": f"/inspections/{finding.inspection_id}/",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/inspections/{finding.inspection_id}/"
    assert "Đã xác nhận mã vạch 8935049500100" in response.content.decode()
    finding.refresh_from_db()
    assert (finding.product.gtin, finding.product_batch, str(finding.product_expiry)) == (
        "8935049500100",
        "LOT42",
        "2027-12-31",
    )
    assert AuditEntry.objects.filter(action="finding.barcode_confirm").exists()


def test_confirm_needs_a_name_when_no_product_holds_the_gtin(
    alice, finding, client_for, django_capture_on_commit_callbacks
):
    photo = _photo(alice, finding, "ean13_vn_straight.jpg", django_capture_on_commit_callbacks)
    with pytest.raises(InvalidInput):
        products.finding_barcode_confirm(by=alice, finding=finding, photo_id=photo.pk)
    url = f"/inspections/{finding.inspection_id}/findings/{finding.pk}/product/"
    refused = client_for(alice).post(url, {"action": "confirm", "photo_id": photo.pk})
    assert refused.status_code == 400
    assert "hãy ghi tên sản phẩm" in refused.content.decode()
    client_for(alice).post(
        url, {"action": "confirm", "photo_id": photo.pk, "name": "Nước mắm", "brand": "Phú Quốc"}
    )
    finding.refresh_from_db()
    assert (finding.product.name, finding.product.gtin) == ("Nước mắm", "8935049500100")


def test_skip_and_permissions(
    alice, charlie, finding, client_for, django_capture_on_commit_callbacks
):
    photo = _photo(alice, finding, "ean13_fr_rotated_90.jpg", django_capture_on_commit_callbacks)
    url = f"/inspections/{finding.inspection_id}/findings/{finding.pk}/product/"
    assert (
        client_for(charlie).post(url, {"action": "skip", "photo_id": photo.pk}).status_code == 404
    )
    with pytest.raises(PermissionDenied):
        products.finding_barcode_skip(by=charlie, finding=finding, photo_id=photo.pk)
    client_for(alice).post(url, {"action": "skip", "photo_id": photo.pk})
    photo.refresh_from_db()
    assert photo.proposal_state == BarcodeProposal.SKIPPED
    finding.refresh_from_db()
    assert finding.product_id is None and finding.product_gtin == ""


def test_the_tablet_item_page_shows_the_proposal(
    alice, finding, client_for, django_capture_on_commit_callbacks
):
    _photo(alice, finding, "upca_us.jpg", django_capture_on_commit_callbacks)
    page = client_for(alice).get(
        f"/field/inspections/{finding.inspection_id}/items/{finding.item_id}/"
    )
    assert "0036000291452 (Hoa Kỳ)" in page.content.decode()  # GS1 US: 000-019, 030-139


def test_the_api_confirms_and_links_by_name_and_brand(
    alice, charlie, finding, django_capture_on_commit_callbacks
):
    photo = _photo(alice, finding, "gs1_datamatrix_rotated.jpg", django_capture_on_commit_callbacks)
    client = api_client(alice)
    base = f"/api/v1/findings/{finding.pk}"
    got = client.get(f"{base}/product").json()
    assert got["proposal"]["photo_id"] == photo.pk
    assert got["proposal"]["origin"]["name"] == "Đức"
    assert api_client(charlie).get(f"{base}/product").status_code == 404
    body = {"photo_id": photo.pk, "name": "Thuốc nhỏ mắt", "brand": "Augentropfen"}
    done = client.post(f"{base}/barcode/confirm", json.dumps(body), content_type="application/json")
    assert done.status_code == 200
    assert (done.json()["product_gtin"], done.json()["product_expiry"]) == (
        "4006381333931",
        "2026-06-30",
    )
    other = Product.objects.create(name="Thuốc nhỏ mắt V.Rohto", brand="Rohto")
    candidates = client.get(f"{base}/product/candidates?name=thuoc nho mat&brand=rohto").json()
    assert [c["id"] for c in candidates] == [other.pk]
    linked = client.post(
        f"{base}/product", json.dumps({"product_id": other.pk}), content_type="application/json"
    )
    assert linked.json()["product_id"] == other.pk


def _gtin(n: int) -> str:
    from registry.barcodes import check_digit

    body = f"893504950{n:03d}"
    return f"{body}{check_digit(body)}"


def _proposals(finding, photo, count: int) -> None:
    """`count` findings of the case with a pending proposal (the fixture's one first), each
    of its own GTIN; every other GTIN has a product, recorded as 14 digits."""
    photo.proposed_gtin = _gtin(0)
    photo.save(update_fields=["proposed_gtin"])
    for n in range(1, count):
        copy = type(finding).objects.get(pk=finding.pk)
        copy.pk, copy.client_uuid = None, uuid.uuid4()
        copy.save()
        shot = EvidencePhoto.objects.get(pk=photo.pk)
        shot.pk, shot.finding, shot.proposed_gtin = None, copy, _gtin(n)
        shot.sha256 = f"{n:064x}"
        shot.save()
        if n % 2:
            Product.objects.create(name=f"Sản phẩm {n}", gtin=_gtin(n).zfill(14))


def test_the_desk_page_reads_the_proposed_products_in_one_query(
    alice, finding, client_for, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    photo = _photo(alice, finding, "gs1_128_batch_expiry.jpg", django_capture_on_commit_callbacks)
    client = client_for(alice)
    url = f"/inspections/{finding.inspection_id}/"
    _proposals(finding, photo, 1)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    _proposals(finding, photo, 20)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count("Sản phẩm 1") >= 1 and page.count(_gtin(19)) >= 1
    # The products found are those of the GTINs however they were typed.
    findings_page = products.proposed_products(
        finding.inspection.findings.prefetch_related("photos")
    )
    assert set(findings_page) == {_gtin(n) for n in range(1, 20, 2)}
