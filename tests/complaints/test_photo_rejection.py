"""A photo whose structure is sound but whose pixels do not decode: the filing takes it
(the request decodes nothing beyond the header), the photo worker rejects it, its
original is deleted, staff never see it, and the reporter reads it on the status page
and in the status API."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from complaints.models import ComplaintPhoto
from complaints.services import PhotoUpload
from tests.complaints.helpers import file_complaint
from tests.complaints.test_api import post_report

REJECTED = "1 ảnh bạn gửi không đọc được (tệp ảnh bị hỏng) nên đã bị loại"


def undecodable_jpeg() -> bytes:
    """A JPEG whose every segment is well formed, but whose scan names Huffman tables
    the file never defines: libjpeg refuses it once it decodes the scan."""
    buffer = io.BytesIO()
    Image.effect_noise((256, 192), 60).convert("RGB").save(buffer, "JPEG")
    data = bytearray(buffer.getvalue())
    sos = data.index(b"\xff\xda")
    for component in range(data[sos + 4]):
        data[sos + 6 + 2 * component] = 0x33
    return bytes(data)


def quarantine_files(settings) -> list:
    folder = settings.MEDIA_ROOT / "quarantine"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_the_filing_takes_it_and_the_worker_rejects_it(
    db, settings, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile("anh.jpg", undecodable_jpeg(), content_type="image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):
        response = post_report(photos=upload)
    assert response.status_code == 201, response.content
    photo = ComplaintPhoto.objects.get()
    assert (photo.state, photo.error_code) == (ComplaintPhoto.State.FAILED, "photo_not_image")
    # Its original is gone, and no copy was made.
    assert (photo.quarantine_name, photo.quarantine_bytes) == ("", 0)
    assert quarantine_files(settings) == []
    assert not photo.display and not photo.thumb

    status = (
        Client()
        .post(
            "/api/v1/public/reports/status",
            data={"receipt": response.json()["receipt"]},
            content_type="application/json",
        )
        .json()
    )
    assert status["photos_rejected"] == 1
    assert status["photos_rejected_note"].startswith(REJECTED)


def test_a_png_whose_pixel_stream_ends_early_is_rejected_by_the_worker(
    db, settings, django_capture_on_commit_callbacks
):
    """Pillow decodes such a PNG without complaint (it fills the missing rows): the
    worker's pixel-stream check rejects it, as the request's did before."""
    buffer = io.BytesIO()
    Image.effect_noise((64, 48), 60).save(buffer, "PNG", compress_level=0)
    data = bytearray(buffer.getvalue())
    idat = data.index(b"IDAT") - 4
    (length,) = struct.unpack_from(">I", data, idat)
    payload = zlib.compress(zlib.decompress(bytes(data[idat + 8 : idat + 8 + length]))[:-100])
    chunk = struct.pack(">I", len(payload)) + b"IDAT" + payload
    chunk += struct.pack(">I", zlib.crc32(b"IDAT" + payload))
    short = bytes(data[:idat]) + chunk + bytes(data[idat + 12 + length :])
    with django_capture_on_commit_callbacks(execute=True):
        filed = file_complaint(photos=[PhotoUpload(data=short, filename="a.png")])
    photo = filed.complaint.photos.get()
    assert (photo.state, photo.error_code) == (ComplaintPhoto.State.FAILED, "photo_truncated")
    assert quarantine_files(settings) == []


def test_the_status_page_tells_the_reporter_and_staff_see_no_photo(
    db, olga, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        filed = file_complaint(
            photos=[PhotoUpload(data=undecodable_jpeg(), filename="a.jpg")],
        )
    photo = filed.complaint.photos.get()
    assert photo.state == ComplaintPhoto.State.FAILED

    page = Client().post("/tra-cuu/", {"receipt": filed.receipt})
    html = page.content.decode()
    assert page.status_code == 200
    assert REJECTED in html and "cán bộ xử lý không nhận được ảnh này" in html

    # Staff: the photo is listed as not processed, and neither copy is served.
    staff = client_for(olga)
    detail = staff.get(f"/api/v1/complaints/{filed.complaint.pk}").json()
    assert [(p["id"], p["state"]) for p in detail["photos"]] == [(photo.pk, "failed")]
    for variant in ("display", "thumb"):
        url = f"/complaints/{filed.complaint.pk}/photos/{photo.pk}/{variant}/"
        assert staff.get(url).status_code == 404


def test_a_status_without_rejected_photos_says_nothing_of_them(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        filed = file_complaint(photos=1)
    assert filed.complaint.photos.get().state == ComplaintPhoto.State.READY
    page = Client().post("/tra-cuu/", {"receipt": filed.receipt}).content.decode()
    assert "Ảnh bị loại" not in page
    status = (
        Client()
        .post(
            "/api/v1/public/reports/status",
            data={"receipt": filed.receipt},
            content_type="application/json",
        )
        .json()
    )
    assert (status["photos_rejected"], status["photos_rejected_note"]) == (0, "")


def test_a_photo_we_lost_is_not_blamed_on_the_reporters_file(db):
    from complaints.selectors import photos_rejected

    filed = file_complaint(photos=2)
    first, second = filed.complaint.photos.order_by("pk")
    ComplaintPhoto.objects.filter(pk=first.pk).update(
        state=ComplaintPhoto.State.FAILED, error_code="original_missing"
    )
    ComplaintPhoto.objects.filter(pk=second.pk).update(
        state=ComplaintPhoto.State.FAILED, error_code="photo_not_image"
    )
    assert photos_rejected(filed.complaint) == 1


@pytest.mark.parametrize("kept", [0.6, 0.95])
def test_what_the_structure_shows_is_still_refused_at_filing(db, settings, kept):
    """Only the pixel decoding moved to the worker: a file cut short is refused in the
    request, as markup, polyglots and pixel bombs are (tests/complaints/test_api.py)."""
    buffer = io.BytesIO()
    Image.effect_noise((256, 192), 60).convert("RGB").save(buffer, "JPEG")
    data = buffer.getvalue()
    upload = SimpleUploadedFile("anh.jpg", data[: int(len(data) * kept)], "image/jpeg")
    response = post_report(photos=upload)
    assert response.status_code == 400
    assert response.json()["code"] == "photo_truncated"
    assert ComplaintPhoto.objects.count() == 0
    assert quarantine_files(settings) == []
