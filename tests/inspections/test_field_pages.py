"""The tablet pages, driven through Django's test client (the browser test is in
tests/browser/test_field_finding.py)."""

import hashlib
import uuid
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from inspections.models import ChecklistItem, EvidencePhoto, Finding, Inspection, Scope
from tests.inspections.helpers import decided_inspection

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def jpeg(color=(10, 120, 200)) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (80, 60), color).save(buffer, "JPEG")
    return buffer.getvalue()


def item(code: str) -> ChecklistItem:
    return ChecklistItem.objects.get(template__version=1, code=code)


@pytest.fixture
def inspection(bob, alice):
    return decided_inspection(
        supervisor=bob, lead=alice, day=timezone.localdate(), scopes=Scope.values
    )


def form_uuid(response) -> str:
    html = response.content.decode()
    marker = 'name="client_uuid" value="'
    start = html.index(marker) + len(marker)
    return html[start : start + 36]


def test_today_lists_the_members_inspections_only(alice, charlie, inspection):
    page = logged_in(alice).get("/field/")
    assert page.status_code == 200
    assert inspection.operator.name in page.content.decode()
    assert inspection.operator.name not in logged_in(charlie).get("/field/").content.decode()
    assert logged_in(charlie).get(f"/field/inspections/{inspection.pk}/").status_code == 404


def test_the_checklist_shows_every_item_of_the_scopes_and_the_progress(alice, inspection):
    page = logged_in(alice).get(f"/field/inspections/{inspection.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    for code in ("vietnamese_label", "error_vs_mpe", "lot_quantity", "ecommerce_listing"):
        assert item(code).text in html
    assert "Đã ghi 0/17 nội dung" in html


def test_starting_on_site_moves_the_inspection(alice, inspection):
    client = logged_in(alice)
    response = client.post(f"/field/inspections/{inspection.pk}/start/")
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.ON_SITE


def test_a_finding_with_photos_is_saved_once_and_the_flow_moves_on(
    alice, inspection, django_capture_on_commit_callbacks
):
    client = logged_in(alice)
    url = f"/field/inspections/{inspection.pk}/items/{item('vietnamese_label').pk}/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'capture="environment"' in page.content.decode()
    key = form_uuid(page)
    photo = jpeg()
    payload = {
        "client_uuid": key,
        "result": "non_conforming",
        "note": "Không có nhãn phụ tiếng Việt",
        "latitude": "21.028511",
        "longitude": "105.854167",
        "gps_accuracy_m": "12.5",
        "captured_at": "2026-11-23T02:10:00Z",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {**payload, "photos": [SimpleUploadedFile("a.jpg", photo, "image/jpeg")]}
        )
    assert response.status_code == 302
    following = item("dates")  # the next item of the label checklist
    assert response["Location"].endswith(f"/items/{following.pk}/")
    # The same form sent again (a double tap, a retry) changes nothing.
    again = client.post(
        url, {**payload, "photos": [SimpleUploadedFile("a.jpg", photo, "image/jpeg")]}
    )
    assert again.status_code == 302
    finding = Finding.objects.get()
    assert (finding.result, finding.author, str(finding.client_uuid)) == (
        "non_conforming",
        alice,
        key,
    )
    assert finding.gps_accuracy_m == pytest.approx(12.5) and finding.captured_at is not None
    stored = EvidencePhoto.objects.get()
    assert stored.sha256 == hashlib.sha256(photo).hexdigest()
    checklist = client.get(f"/field/inspections/{inspection.pk}/").content.decode()
    assert "Đã ghi 1/17 nội dung" in checklist and "Không đạt · 1 ảnh" in checklist
    # The item page shows the finding with its thumbnail, served to the session.
    stored.refresh_from_db()
    assert stored.state == EvidencePhoto.State.READY
    thumb = f"/api/v1/findings/{finding.pk}/photos/{stored.pk}/thumb"
    assert thumb in client.get(url).content.decode()
    served = client.get(thumb)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"


def test_a_lot_is_computed_from_the_page(alice, inspection):
    client = logged_in(alice)
    url = f"/field/inspections/{inspection.pk}/items/{item('lot_quantity').pk}/"
    key = form_uuid(client.get(url))
    # Whole lot of 5 units of 100 g (T = 4.5 g): one unit short by 5 g; c = 0 -> fails.
    response = client.post(
        url,
        {
            "client_uuid": key,
            "nominal": "100",
            "unit": "g",
            "lot_size": "5",
            "actual": "100\n101,5\n95\n100 100",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    finding = Finding.objects.get()
    assert finding.result == "non_conforming"
    assert finding.data["calculation"]["defectives"] == 1
    assert finding.data["actual"] == ["100", "101.5", "95", "100", "100"]


def test_errors_come_back_on_the_form_and_nothing_is_stored(alice, inspection):
    client = logged_in(alice)
    url = f"/field/inspections/{inspection.pk}/items/{item('error_vs_mpe').pk}/"
    key = form_uuid(client.get(url))
    response = client.post(
        url,
        {
            "client_uuid": key,
            "instrument_name": "Cân bàn 60 kg",
            "unit": "kg",
            "mpe": "0,02",
            "reference_1": "10",
            "indication_1": "mười",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Giá trị phải là một số." in html and key in html
    assert not Finding.objects.exists()


def test_a_refused_photo_keeps_the_finding_and_a_resend_adds_only_the_photo(alice, inspection):
    client = logged_in(alice)
    url = f"/field/inspections/{inspection.pk}/items/{item('vietnamese_label').pk}/"
    key = form_uuid(client.get(url))
    payload = {"client_uuid": key, "result": "conforming"}
    bad = SimpleUploadedFile("notes.jpg", b"not an image at all", "image/jpeg")
    response = client.post(url, {**payload, "photos": [bad]})
    assert response.status_code == 400
    html = response.content.decode()
    assert "notes.jpg" in html and "Kết quả đã được lưu" in html
    assert Finding.objects.count() == 1 and not EvidencePhoto.objects.exists()
    good = SimpleUploadedFile("a.jpg", jpeg(), "image/jpeg")
    assert client.post(url, {**payload, "photos": [good]}).status_code == 302
    assert Finding.objects.count() == 1 and EvidencePhoto.objects.count() == 1


def test_an_item_outside_the_inspections_scopes_is_404(alice, bob):
    inspection = decided_inspection(supervisor=bob, lead=alice)  # label and goods quality
    url = f"/field/inspections/{inspection.pk}/items/{item('error_vs_mpe').pk}/"
    assert logged_in(alice).get(url).status_code == 404


def test_the_pages_speak_english_too(alice, inspection):
    client = logged_in(alice)
    client.cookies["django_language"] = "en"
    page = client.get(f"/field/inspections/{inspection.pk}/items/{item('lot_quantity').pk}/")
    html = page.content.decode()
    assert "Take photo" in html and "Nominal quantity" in html
    assert uuid.UUID(form_uuid(page))


def test_the_demo_gives_the_hanoi_team_todays_inspections_once():
    from io import StringIO

    from django.core.management import call_command

    from registry.models import User

    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo_inspections", stdout=StringIO())
    call_command("seed_demo_inspections", stdout=StringIO())  # make run again: no duplicates
    member = User.objects.get(username="kiemtra.hn")
    page = logged_in(member).get("/field/").content.decode()
    assert "Công ty TNHH Thực phẩm Sông Hồng" in page and "Cửa hàng Điện máy Ánh Dương" in page
    assert Inspection.objects.filter(scheduled_date=timezone.localdate()).count() == 2
