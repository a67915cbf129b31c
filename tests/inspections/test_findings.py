import hashlib
import json
import shutil
import subprocess
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from inspections.models import ChecklistItem, EvidencePhoto, Finding, Inspection
from tests.complaints.helpers import PHOTOS, photo_bytes
from tests.factories import api_client
from tests.inspections.helpers import decided_inspection

GPS_PHOTO = "gps_DSCN0010.jpg"


def label_item() -> ChecklistItem:
    return ChecklistItem.objects.get(
        template__scope="label", template__version=1, code="vietnamese_label"
    )


def post_finding(client, inspection, client_uuid, **extra):
    payload = {
        "client_uuid": str(client_uuid),
        "item_id": label_item().pk,
        "result": "non_conforming",
        "note": "Hàng nhập khẩu không có nhãn phụ tiếng Việt",
        "latitude": "21.036789",
        "longitude": "105.849123",
        "gps_accuracy_m": "8.5",
        "captured_at": "2026-11-20T09:15:00+07:00",
        **extra,
    }
    return client.post(
        f"/api/v1/inspections/{inspection.pk}/findings",
        data=json.dumps(payload),
        content_type="application/json",
    )


def test_the_same_finding_posted_three_times_is_one_finding(bob, alice):
    inspection = decided_inspection(supervisor=bob, lead=alice)
    client, key = api_client(alice), uuid.uuid4()
    first = post_finding(client, inspection, key)
    assert first.status_code == 201, first.content
    again = [post_finding(client, inspection, key) for _ in range(2)]
    assert [r.status_code for r in again] == [200, 200]
    assert {r.json()["id"] for r in [first, *again]} == {first.json()["id"]}
    assert Finding.objects.count() == 1
    body = first.json()
    assert body["template_version"] == 1 and body["gps_accuracy_m"] == "8.50"
    assert body["author_id"] == alice.pk and body["captured_at"].startswith("2026-11-20T02:15")


def test_the_same_photo_bytes_twice_are_one_photo_and_the_original_keeps_its_gps(
    bob, alice, django_capture_on_commit_callbacks
):
    if not (PHOTOS / GPS_PHOTO).exists():
        pytest.skip("shared photo fixtures are missing")
    inspection = decided_inspection(supervisor=bob, lead=alice)
    client = api_client(alice)
    finding_id = post_finding(client, inspection, uuid.uuid4()).json()["id"]
    data = (PHOTOS / GPS_PHOTO).read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(
            f"/api/v1/findings/{finding_id}/photos", {"photo": SimpleUploadedFile("a.jpg", data)}
        )
        second = client.post(
            f"/api/v1/findings/{finding_id}/photos", {"photo": SimpleUploadedFile("b.jpg", data)}
        )
    assert (first.status_code, second.status_code) == (201, 200), first.content
    assert first.json()["id"] == second.json()["id"]
    assert EvidencePhoto.objects.count() == 1
    photo = EvidencePhoto.objects.get()
    stored = photo.original.read()
    assert stored == data
    assert hashlib.sha256(stored).hexdigest() == photo.sha256 == first.json()["sha256"]
    assert photo.metadata["gps"]["latitude"] == pytest.approx(43.467, abs=0.01)
    assert photo.state == EvidencePhoto.State.READY and photo.display
    if shutil.which("exiftool"):
        tags = json.loads(
            subprocess.run(
                ["exiftool", "-j", "-n", photo.original.path],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )[0]
        assert "GPSLatitude" in tags and tags.get("Make")
    original = client.get(f"/api/v1/findings/{finding_id}/photos/{photo.pk}/original")
    assert original.status_code == 200
    assert b"".join(original.streaming_content) == data
    assert "attachment" in original["Content-Disposition"]


def test_a_member_of_one_inspection_cannot_reach_anothers_findings_or_photos(
    bob, alice, ivan, django_capture_on_commit_callbacks
):
    theirs = decided_inspection(supervisor=bob, lead=alice, number="A/QĐ")
    decided_inspection(supervisor=bob, lead=alice, members=[ivan], number="B/QĐ")
    finding_id = post_finding(api_client(alice), theirs, uuid.uuid4()).json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        upload = api_client(alice).post(
            f"/api/v1/findings/{finding_id}/photos",
            {"photo": SimpleUploadedFile("a.jpg", photo_bytes())},
        )
    photo_id = upload.json()["id"]
    ivan_client = api_client(ivan)
    assert ivan_client.get(f"/api/v1/inspections/{theirs.pk}").status_code == 404
    assert ivan_client.get(f"/api/v1/inspections/{theirs.pk}/findings").status_code == 404
    assert post_finding(ivan_client, theirs, uuid.uuid4()).status_code == 404
    for variant in ("original", "display", "thumb"):
        assert (
            ivan_client.get(
                f"/api/v1/findings/{finding_id}/photos/{photo_id}/{variant}"
            ).status_code
            == 404
        )
    assert (
        ivan_client.post(
            f"/api/v1/findings/{finding_id}/photos",
            {"photo": SimpleUploadedFile("x.jpg", photo_bytes())},
        ).status_code
        == 404
    )


def test_findings_of_a_concluded_inspection_are_refused(bob, alice):
    from inspections import services

    inspection = decided_inspection(supervisor=bob, lead=alice)
    services.inspection_transition(by=alice, inspection=inspection, to=Inspection.Status.ON_SITE)
    services.inspection_transition(by=alice, inspection=inspection, to=Inspection.Status.CONCLUDED)
    response = post_finding(api_client(alice), inspection, uuid.uuid4())
    assert response.status_code == 409 and response.json()["code"] == "inspection_locked"


def test_an_item_outside_the_scope_and_a_non_image_are_refused(bob, alice):
    inspection = decided_inspection(supervisor=bob, lead=alice)  # label + goods quality
    metrology = ChecklistItem.objects.get(template__scope="metrology", code="verification_seal")
    response = post_finding(api_client(alice), inspection, uuid.uuid4(), item_id=metrology.pk)
    assert response.status_code == 400 and response.json()["code"] == "item_outside_scope"
    finding_id = post_finding(api_client(alice), inspection, uuid.uuid4()).json()["id"]
    bad = api_client(alice).post(
        f"/api/v1/findings/{finding_id}/photos",
        {"photo": SimpleUploadedFile("a.jpg", b"<html>not a photo</html>")},
    )
    assert bad.status_code == 400
    assert EvidencePhoto.objects.count() == 0


def test_finding_lists_stay_flat(bob, alice, django_assert_max_num_queries):
    inspection = decided_inspection(supervisor=bob, lead=alice)
    client = api_client(alice)
    for _ in range(8):
        post_finding(client, inspection, uuid.uuid4())
    client.get(f"/api/v1/inspections/{inspection.pk}/findings")
    with django_assert_max_num_queries(10):
        response = client.get(f"/api/v1/inspections/{inspection.pk}/findings")
    assert response.json()["count"] == 8
    assert client.get("/api/v1/checklists?scope=label").json()[0]["version"] == 1
