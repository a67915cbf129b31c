"""Samples on the tablet: two units with two seals, photos of the seals kept as
evidence (the original byte for byte, a display copy and thumbnail made), the queue's
exactly-once replay, and the refusal once the minutes are signed."""

import hashlib
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from inspections import minutes as minutes_services
from inspections.models import EvidencePhoto, Inspection, Sample
from tests.inspections.field_helpers import form_value, jpeg, logged_in

pytestmark = pytest.mark.django_db


def sample_fields(key, **extra):
    return {
        "client_uuid": key,
        "product_name": "Nước mắm cá cơm 40 độ đạm",
        "batch": "L2611",
        "quantity_per_unit": "2 chai 500 ml",
        "test_unit_seal": "NP-0001",
        "retained_unit_seal": "NP-0002",
        "sampling_record_number": "07/BB-LM",
        "captured_at": "2026-11-24T03:00:00Z",
        **extra,
    }


def test_a_sample_with_two_seals_and_their_photos_is_recorded_once(
    alice, on_site, django_capture_on_commit_callbacks
):
    client = logged_in(alice)
    url = f"/field/inspections/{on_site.pk}/samples/new/"
    page = client.get(url)
    assert page.status_code == 200 and 'capture="environment"' in page.content.decode()
    key = form_value(page, "client_uuid")
    photos = [jpeg((200, 10, 10)), jpeg((10, 200, 10))]

    def post():
        return client.post(
            url,
            {
                **sample_fields(key),
                "photos": [
                    SimpleUploadedFile(f"seal{i}.jpg", data, "image/jpeg")
                    for i, data in enumerate(photos)
                ],
            },
        )

    with django_capture_on_commit_callbacks(execute=True):
        response = post()
    assert response.status_code == 302
    assert response["Location"].endswith(f"/field/inspections/{on_site.pk}/#samples")
    # A reload of the POST (or a double tap) records nothing more.
    assert post().status_code == 302
    sample = Sample.objects.get()
    assert (sample.test_unit_seal, sample.retained_unit_seal, str(sample.client_uuid)) == (
        "NP-0001",
        "NP-0002",
        key,
    )
    assert sample.sampled_by == alice and sample.quantity_per_unit == "2 chai 500 ml"
    stored = list(EvidencePhoto.objects.filter(sample=sample).order_by("pk"))
    assert len(stored) == 2
    for photo, data in zip(stored, photos, strict=True):
        photo.refresh_from_db()
        assert photo.finding is None and photo.sha256 == hashlib.sha256(data).hexdigest()
        with photo.original.open("rb") as handle:
            assert handle.read() == data  # the original, byte for byte
        assert photo.state == EvidencePhoto.State.READY and photo.thumb and photo.display
    # The inspection moved to "sampled"; its page lists the sample and the seals' photos.
    on_site.refresh_from_db()
    assert on_site.status == Inspection.Status.SAMPLED
    follow = client.get(f"/field/inspections/{on_site.pk}/")
    html = follow.content.decode()
    assert "Đã lưu mẫu “Nước mắm cá cơm 40 độ đạm”" in html
    assert "NP-0001 / NP-0002" in html and "2 ảnh niêm phong" in html
    thumb = f"/field/inspections/{on_site.pk}/photos/{stored[0].pk}/thumb/"
    assert thumb in html
    served = client.get(thumb)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"


def test_two_units_need_two_distinct_seals(alice, on_site):
    client = logged_in(alice)
    url = f"/field/inspections/{on_site.pk}/samples/new/"
    response = client.post(
        url, sample_fields(str(uuid.uuid4()), retained_unit_seal="NP-0001", product_name="")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Hai đơn vị mẫu cần hai số niêm phong khác nhau." in html
    assert "Nhập tên sản phẩm, hàng hóa được lấy mẫu." in html
    assert "<title>Lỗi:" in html
    assert not Sample.objects.exists()


def test_the_queue_sends_a_sample_and_its_seal_photos_exactly_once(alice, on_site):
    client = logged_in(alice)
    key = str(uuid.uuid4())
    url = f"/field/inspections/{on_site.pk}/samples/sync/"
    first = client.post(url, sample_fields(key))
    assert first.status_code == 201, first.content
    again = client.post(url, sample_fields(key))
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert Sample.objects.count() == 1
    photo_url = first.json()["photo_url"]
    data = jpeg((1, 2, 3))
    sent = client.post(photo_url, {"photo": SimpleUploadedFile("s.jpg", data, "image/jpeg")})
    assert sent.status_code == 201 and sent.json()["state"] == "stored"
    resent = client.post(photo_url, {"photo": SimpleUploadedFile("s.jpg", data, "image/jpeg")})
    assert resent.status_code == 200
    assert resent.json()["photo"]["id"] == sent.json()["photo"]["id"]
    assert EvidencePhoto.objects.filter(sample_id=first.json()["id"]).count() == 1
    # Refusals carry the form's field names.
    bad = client.post(url, sample_fields(str(uuid.uuid4()), retained_unit_seal="NP-0001"))
    assert bad.status_code == 400 and "retained_unit_seal" in bad.json()["errors"]


def test_the_sync_is_for_the_team_only(alice, charlie, on_site):
    client = logged_in(charlie)
    response = client.post(
        f"/field/inspections/{on_site.pk}/samples/sync/", sample_fields(str(uuid.uuid4()))
    )
    assert response.status_code == 404
    assert client.get(f"/field/inspections/{on_site.pk}/samples/new/").status_code == 404


def test_after_signing_a_sample_is_refused_and_an_amendment_is_offered(alice, on_site):
    draft = minutes_services.minutes_draft(by=alice, inspection=on_site)
    minutes_services.minutes_sign(
        by=alice, minutes=draft, team_signers=[alice], representative_name="Nguyễn Thị Lan"
    )
    client = logged_in(alice)
    url = f"/field/inspections/{on_site.pk}/samples/new/"
    page = client.get(url).content.decode()
    assert "Biên bản đã ký: hãy lập biên bản sửa đổi, bổ sung" in page
    assert f"/field/inspections/{on_site.pk}/minutes/amend/" in page
    refused = client.post(url, sample_fields(str(uuid.uuid4())))
    assert refused.status_code == 409
    assert "Biên bản đã ký" in refused.content.decode()
    assert not Sample.objects.exists()
    synced = client.post(
        f"/field/inspections/{on_site.pk}/samples/sync/", sample_fields(str(uuid.uuid4()))
    )
    assert synced.status_code == 409 and synced.json()["code"] == "minutes_signed"
