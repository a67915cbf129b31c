"""Offline sync: the server side of the tablet's queue (static/js/outbox.js).

What the server holds is asked by UUID and hash; photos arrive in pieces and survive a
connection cut in the middle; the item form is sent as the page's fields."""

import hashlib
import json
import uuid
from datetime import timedelta

import pytest
from django.contrib.staticfiles import finders
from django.utils import timezone

from inspections import minutes as minutes_services
from inspections import services, sync
from inspections.models import EvidencePhoto, Finding, Inspection, PhotoUpload, PhotoUploadChunk
from registry.errors import InvalidInput
from tests.complaints.helpers import photo_bytes
from tests.factories import api_client
from tests.inspections.helpers import decided_inspection
from tests.inspections.test_findings import label_item, post_finding

PHOTO = "gps_DSCN0010.jpg"
PIECE = 50 * 1024


def start(client, finding_id, data, **extra):
    body = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data), "filename": "a.jpg"}
    return client.post(
        f"/api/v1/findings/{finding_id}/photo-uploads",
        data=json.dumps({**body, **extra}),
        content_type="application/json",
    )


def piece(client, upload_id, offset, data, **headers):
    return client.put(
        f"/api/v1/photo-uploads/{upload_id}?offset={offset}",
        data=data,
        content_type="application/octet-stream",
        **headers,
    )


def sign_minutes(lead, inspection):
    inspection = services.inspection_transition(
        by=lead, inspection=inspection, to=Inspection.Status.ON_SITE
    )
    draft = minutes_services.minutes_draft(by=lead, inspection=inspection)
    minutes_services.minutes_sign(
        by=lead, minutes=draft, team_signers=[lead], representative_name="Nguyễn Thị Lan"
    )


@pytest.fixture
def finding(bob, alice):
    inspection = decided_inspection(supervisor=bob, lead=alice)
    response = post_finding(api_client(alice), inspection, uuid.uuid4())
    return Finding.objects.get(pk=response.json()["id"])


def test_a_cut_in_the_middle_of_a_piece_resumes_and_makes_one_photo(
    alice, finding, django_capture_on_commit_callbacks
):
    data = photo_bytes(PHOTO)
    client = api_client(alice)
    first = start(client, finding.pk, data)
    assert first.status_code == 201, first.content
    body = first.json()
    assert (body["state"], body["offset"], body["size"]) == ("receiving", 0, len(data))
    upload_id = body["id"]
    assert piece(client, upload_id, 0, data[:PIECE]).json()["offset"] == PIECE
    # The connection drops during the second piece: the request declared 50 KB but only
    # 20 KB arrived before the stream ended. Nothing of it is kept.
    with pytest.raises(InvalidInput) as cut:
        sync.photo_upload_chunk(
            by=alice,
            upload_id=upload_id,
            offset=PIECE,
            data=data[PIECE : PIECE + 20_000],
            declared_length=PIECE,
        )
    assert cut.value.code == "chunk_incomplete"
    assert PhotoUploadChunk.objects.count() == 1
    # The tablet asks where to go on: the same upload, after the first piece.
    again = start(client, finding.pk, data)
    assert again.status_code == 200
    assert (again.json()["id"], again.json()["offset"]) == (upload_id, PIECE)
    # A piece sent from the wrong place is refused with the place to ask for.
    wrong = piece(client, upload_id, 0, data[:PIECE])
    assert wrong.status_code == 409 and wrong.json()["code"] == "upload_offset_mismatch"
    offset = PIECE
    with django_capture_on_commit_callbacks(execute=True):
        while offset < len(data):
            chunk = data[offset : offset + PIECE]
            digest = hashlib.sha256(chunk).hexdigest()
            answer = piece(client, upload_id, offset, chunk, HTTP_X_CHUNK_SHA256=digest)
            assert answer.status_code == 200, answer.content
            offset = answer.json()["offset"]
    done = answer.json()
    assert done["state"] == "stored" and done["photo"]["sha256"] == hashlib.sha256(data).hexdigest()
    photo = EvidencePhoto.objects.get()
    assert photo.finding_id == finding.pk and photo.original.read() == data
    assert photo.state == EvidencePhoto.State.READY
    assert PhotoUploadChunk.objects.count() == 0
    # The last piece again (its answer was lost) and a new start: the same photo, no copy.
    assert piece(client, upload_id, len(data) - len(chunk), chunk).json()["state"] == "stored"
    held = start(client, finding.pk, data)
    assert held.status_code == 200 and held.json()["state"] == "stored"
    assert held.json()["photo"]["id"] == photo.pk
    assert EvidencePhoto.objects.count() == 1 and PhotoUpload.objects.count() == 1


def test_bad_pieces_are_refused_and_a_wrong_whole_starts_over(alice, finding):
    data = photo_bytes(PHOTO)
    client = api_client(alice)
    upload_id = start(client, finding.pk, data).json()["id"]
    corrupt = piece(client, upload_id, 0, data[:PIECE], HTTP_X_CHUNK_SHA256="0" * 64)
    assert corrupt.status_code == 400 and corrupt.json()["code"] == "chunk_corrupt"
    past = piece(client, upload_id, 0, data + b"x")
    assert past.status_code == 400
    too_big = piece(client, upload_id, 0, b"x" * (sync.CHUNK_MAX_BYTES + 1))
    assert too_big.status_code == 400 and too_big.json()["code"] == "chunk_size"
    assert PhotoUpload.objects.get().received == 0
    # Bytes other than the announced photo: refused when whole, and the upload is gone.
    other = bytearray(data)
    other[-10] ^= 0xFF
    wrong = piece(client, upload_id, 0, bytes(other))
    assert wrong.status_code == 400 and wrong.json()["code"] == "photo_hash_mismatch"
    assert "SHA-256" in wrong.json()["messages"]["en"]
    assert PhotoUpload.objects.count() == 0 and PhotoUploadChunk.objects.count() == 0
    assert EvidencePhoto.objects.count() == 0
    # So is a whole that is not a photo; the reason is the photo check's.
    page = b"<html>not a photo</html>"
    upload_id = start(client, finding.pk, page).json()["id"]
    refused = piece(client, upload_id, 0, page)
    assert refused.status_code == 400 and refused.json()["code"] != "photo_hash_mismatch"
    assert PhotoUpload.objects.count() == 0 and EvidencePhoto.objects.count() == 0


def test_start_checks_the_announcement(alice, finding):
    client = api_client(alice)
    data = photo_bytes(PHOTO)
    assert start(client, finding.pk, data, sha256="z" * 64).json()["code"] == "invalid_sha256"
    huge = start(client, finding.pk, data, size=16 * 1024 * 1024)
    assert huge.status_code == 400 and huge.json()["code"] == "photo_too_large"
    start(client, finding.pk, data)
    other_size = start(client, finding.pk, data, size=len(data) + 1)
    assert other_size.status_code == 400 and other_size.json()["code"] == "size_mismatch"


def test_only_the_team_may_upload_and_signed_minutes_lock_photos(bob, alice, ivan, finding):
    data = photo_bytes(PHOTO)
    upload_id = start(api_client(alice), finding.pk, data).json()["id"]
    outsider = api_client(ivan)
    assert start(outsider, finding.pk, data).status_code == 404
    assert piece(outsider, upload_id, 0, data[:PIECE]).status_code == 404
    status = outsider.post(
        f"/api/v1/inspections/{finding.inspection_id}/sync-status",
        data=json.dumps({"finding_uuids": [str(finding.client_uuid)]}),
        content_type="application/json",
    )
    assert status.status_code == 404
    sign_minutes(alice, finding.inspection)
    other = photo_bytes("gps_DSCN0012.jpg")
    locked = start(api_client(alice), finding.pk, other)
    assert locked.status_code == 409 and locked.json()["code"] == "minutes_signed"


def test_sync_status_names_what_the_inspection_holds(
    bob, alice, django_capture_on_commit_callbacks
):
    inspection = decided_inspection(supervisor=bob, lead=alice, number="A/QĐ")
    elsewhere = decided_inspection(supervisor=bob, lead=alice, number="B/QĐ")
    client = api_client(alice)
    held, missing, foreign = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    finding_id = post_finding(client, inspection, held).json()["id"]
    post_finding(client, elsewhere, foreign)
    data = photo_bytes(PHOTO)
    with django_capture_on_commit_callbacks(execute=True):
        upload_id = start(client, finding_id, data).json()["id"]
        piece(client, upload_id, 0, data)
    photo = EvidencePhoto.objects.get()
    other_hash = hashlib.sha256(b"other").hexdigest()
    response = client.post(
        f"/api/v1/inspections/{inspection.pk}/sync-status",
        data=json.dumps(
            {
                "finding_uuids": [str(held), str(missing), str(foreign)],
                "photo_sha256": [photo.sha256.upper(), other_hash, "not-a-hash"],
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json() == {
        "findings": {str(held): finding_id},
        "photos": {photo.sha256: {"id": photo.pk, "finding_id": finding_id}},
    }
    too_many = client.post(
        f"/api/v1/inspections/{inspection.pk}/sync-status",
        data=json.dumps({"finding_uuids": [str(uuid.uuid4()) for _ in range(501)]}),
        content_type="application/json",
    )
    assert too_many.status_code == 400


def test_unfinished_uploads_expire_after_a_week(alice, finding):
    data = photo_bytes(PHOTO)
    client = api_client(alice)
    upload_id = start(client, finding.pk, data).json()["id"]
    piece(client, upload_id, 0, data[:PIECE])
    assert sync.photo_uploads_expire() == 0
    later = timezone.now() + sync.UPLOAD_EXPIRES_AFTER + timedelta(minutes=1)
    assert sync.photo_uploads_expire(now=later) == 1
    assert PhotoUpload.objects.count() == 0 and PhotoUploadChunk.objects.count() == 0


# --- The item form, sent by the queue -----------------------------------------------------------


def form_fields(**extra):
    return {
        "client_uuid": str(uuid.uuid4()),
        "result": "non_conforming",
        "note": "Thiếu nhãn phụ",
        "latitude": "21.036789",
        "longitude": "105.849123",
        "captured_at": "2026-11-24T09:15:00+07:00",
        **extra,
    }


def sync_url(inspection, item):
    return f"/field/inspections/{inspection.pk}/items/{item.pk}/sync/"


def test_the_queue_sends_the_item_form_once(bob, alice, client_for):
    inspection = decided_inspection(supervisor=bob, lead=alice)
    item = label_item()
    client = client_for(alice)
    fields = form_fields()
    first = client.post(sync_url(inspection, item), fields)
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["created"] is True and body["redirect"].startswith("/field/inspections/")
    again = client.post(sync_url(inspection, item), fields)
    assert again.status_code == 200 and again.json()["finding_id"] == body["finding_id"]
    finding = Finding.objects.get()
    assert str(finding.client_uuid) == fields["client_uuid"] and finding.author == alice
    assert finding.note == "Thiếu nhãn phụ" and finding.captured_at is not None


def test_the_queue_gets_reasons_under_the_forms_field_names(bob, alice, ivan, client_for):
    inspection = decided_inspection(supervisor=bob, lead=alice)
    item = label_item()
    client = client_for(alice)
    missing = client.post(sync_url(inspection, item), form_fields(result=""))
    assert missing.status_code == 400
    body = missing.json()
    assert body["code"] == "invalid_input" and set(body["messages"]) == {"vi", "en"}
    assert list(body["errors"]) == ["result"]
    far = client.post(sync_url(inspection, item), form_fields(latitude="95", longitude="1"))
    assert far.status_code == 400 and "latitude" in far.json()["errors"]
    assert client_for(ivan).post(sync_url(inspection, item), form_fields()).status_code == 404
    from django.test import Client

    anonymous = Client().post(sync_url(inspection, item), form_fields())
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "not_authenticated"
    sign_minutes(alice, inspection)
    late = client.post(sync_url(inspection, item), form_fields())
    assert late.status_code == 409 and late.json()["code"] == "minutes_signed"
    assert "amendment" in late.json()["messages"]["en"].lower()
    assert Finding.objects.count() == 0


# --- The installable app --------------------------------------------------------------------------


def test_the_worker_manifest_and_offline_page(client, alice, client_for):
    worker = client.get("/field/sw.js")
    assert worker.status_code == 200
    assert worker["Content-Type"].startswith("text/javascript")
    assert "no-cache" in worker["Cache-Control"] or "max-age=0" in worker["Cache-Control"]
    source = worker.content.decode()
    assert source.startswith("var VERSION = ")
    shell = json.loads(source.split("var SHELL = ", 1)[1].split(";\n", 1)[0])
    assert "/field/offline/" in shell and "/static/js/outbox.js" in shell
    for url in shell:
        if url.startswith("/static/"):
            assert finders.find(url.removeprefix("/static/")), url
        else:
            assert client.get(url).status_code == 200, url
    manifest = client.get("/field/manifest.webmanifest")
    assert manifest["Content-Type"].startswith("application/manifest+json")
    body = manifest.json()
    assert body["scope"] == "/field/" and body["start_url"] == "/field/"
    assert body["display"] == "standalone"
    assert {icon["sizes"] for icon in body["icons"]} == {"192x192", "512x512"}
    offline = client.get("/field/offline/")
    assert offline.status_code == 200 and "outbox.js" in offline.content.decode()
    page = client_for(alice).get("/field/").content.decode()
    assert 'rel="manifest"' in page and 'id="outbox"' in page


def test_a_finding_of_an_older_checklist_version_is_still_taken(bob, alice, client_for):
    # Published while the tablet was offline: the finding keeps the item it answered.
    from inspections.models import ChecklistItem, ChecklistTemplate

    inspection = decided_inspection(supervisor=bob, lead=alice)
    old = label_item()
    newer = ChecklistTemplate.objects.create(scope="label", version=2, title="Nhãn (bản 2)")
    ChecklistItem.objects.create(template=newer, code="vietnamese_label", text="Nhãn phụ", order=1)
    old.template.is_active = False
    old.template.save()
    response = client_for(alice).post(sync_url(inspection, old), form_fields())
    assert response.status_code == 201, response.content
    assert Finding.objects.get().item == old
    metrology = ChecklistItem.objects.get(template__scope="metrology", code="verification_seal")
    outside = client_for(alice).post(sync_url(inspection, metrology), form_fields())
    assert outside.status_code == 404
