import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from complaints.models import Complaint, ComplaintPhoto
from tests.complaints.helpers import photo_bytes, photo_file

FORM = {
    "kind": "measurement",
    "product_name": "Gạo ST25 túi 5 kg",
    "seller_name": "Đại lý gạo Thành Công",
    "seller_address": "45 Trần Phú, Hà Đông",
    "seller_province_id": "",
    "description": "Túi ghi 5 kg nhưng cân lại chỉ được 4,6 kg.",
}


def post_report(client=None, **files_and_fields):
    client = client or Client()
    return client.post("/api/v1/public/reports", data={**FORM, **files_and_fields})


def _png_bomb() -> bytes:
    """A valid PNG header announcing 20000 x 20000 pixels (400 MP), with a tiny body."""
    buffer = io.BytesIO()
    Image.new("L", (1, 1)).save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    ihdr = data[12:29]  # b"IHDR" + 13 bytes
    ihdr[4:12] = struct.pack(">II", 20000, 20000)
    data[12:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(ihdr)) & 0xFFFFFFFF)
    return bytes(data)


def _png_with_html() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return buffer.getvalue() + b"<html><script>alert(1)</script></html>"


HOSTILE = {
    "bomb.png": _png_bomb,
    "truncated.jpg": lambda: photo_bytes()[: len(photo_bytes()) * 6 // 10],
    "page.jpg": lambda: b"<!DOCTYPE html><html><body><h1>not a photo</h1></body></html>",
    "drawing.svg": lambda: (
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    ),
    "polyglot.png": _png_with_html,
}


def test_a_citizen_files_with_a_photo_and_gets_a_receipt_and_a_verifiable_proof(
    db, django_capture_on_commit_callbacks
):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_report(client, photos=photo_file())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["tracking_number"].startswith("PA-")
    assert len(body["receipt"].replace("-", "")) == 20
    assert "receipt" not in body["proof"]["payload"] and "identity" not in str(body["proof"])
    assert client.post(
        "/api/v1/public/proofs/verify", data=body["proof"], content_type="application/json"
    ).json() == {"valid": True}
    tampered = {
        **body["proof"],
        "payload": {**body["proof"]["payload"], "seller_name": "Người khác"},
    }
    assert client.post(
        "/api/v1/public/proofs/verify", data=tampered, content_type="application/json"
    ).json() == {"valid": False}
    complaint = Complaint.objects.get()
    assert complaint.unit.is_national  # no province given
    assert complaint.photos.get().state == ComplaintPhoto.State.READY

    status = client.post(
        "/api/v1/public/reports/status",
        data={"receipt": body["receipt"]},
        content_type="application/json",
    )
    assert status.status_code == 200
    assert status.json()["status"] == "received"


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_files_get_a_4xx_and_nothing_is_stored(db, name, settings):
    upload = SimpleUploadedFile(name, HOSTILE[name](), content_type="image/jpeg")
    response = post_report(photos=upload)
    assert 400 <= response.status_code < 500, response.content
    assert response.json()["code"].startswith("photo_")
    assert Complaint.objects.count() == 0
    assert ComplaintPhoto.objects.count() == 0
    quarantine = settings.MEDIA_ROOT / "quarantine"
    assert not quarantine.exists() or not any(quarantine.iterdir())


def test_unknown_receipt_is_404_with_one_message(db):
    response = Client().post(
        "/api/v1/public/reports/status",
        data={"receipt": "ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert response.json()["code"] == "receipt_not_found"


def test_throttled_filing_is_a_429_with_retry_after(db, settings):
    settings.COMPLAINT_SUBMIT_LIMIT = 1
    client = Client()
    assert post_report(client).status_code == 201
    response = post_report(client)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_the_honeypot_refuses_bots(db):
    response = post_report(website="http://spam.example")
    assert response.status_code == 400
    assert Complaint.objects.count() == 0


def test_a_reporter_replies_and_adds_identity_later(db):
    client = Client()
    receipt = post_report(client).json()["receipt"]
    response = client.post(
        "/api/v1/public/reports/messages",
        data={
            "receipt": receipt,
            "body": "Tôi còn giữ hóa đơn mua hàng.",
            "identity_full_name": "Lê Văn Tố",
        },
    )
    assert response.status_code == 201
    assert response.json()["messages"][0]["body"] == "Tôi còn giữ hóa đơn mua hàng."
    from whistleblower.models import SealedIdentity

    assert SealedIdentity.objects.count() == 1
    again = client.post(
        "/api/v1/public/reports/messages", data={"receipt": receipt, "identity_full_name": "X Y"}
    )
    assert again.status_code == 409


def test_operation_ids_are_stable():
    from api.main import api

    ids = {
        op["operationId"]
        for path in api.get_openapi_schema()["paths"].values()
        for op in path.values()
    }
    assert {"submit_report", "get_report_status", "post_reporter_message"} <= ids


def test_an_oversized_body_is_refused_before_it_is_read(db, settings):
    settings.MAX_REQUEST_BYTES = 1000
    response = Client().post(
        "/api/v1/public/reports", data=b"x" * 2000, content_type="application/octet-stream"
    )
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
    assert response.json()["messages"]["en"] == "The request is too large."
    assert Complaint.objects.count() == 0
