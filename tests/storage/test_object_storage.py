"""Media on S3-compatible storage (MEDIA_STORAGE=s3), against a real S3 server on
loopback (SeaweedFS, tests/objectstore.py): files land in the private bucket, reach
users only through the permission-checked views, and no object is readable without a
signature."""

import hashlib
import io
import time
import urllib.error
import urllib.request
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from complaints.models import ComplaintPhoto
from complaints.services import PhotoUpload
from inspections.models import EvidencePhoto
from tests.complaints.helpers import file_complaint, photo_bytes
from tests.factories import api_client
from tests.inspections.helpers import decided_inspection
from tests.inspections.test_findings import GPS_PHOTO, PHOTOS, post_finding

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


def anonymous_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
            return response.status
    except urllib.error.HTTPError as refused:
        return refused.code


def assert_nothing_public(s3_media):
    """No object answers an unsigned request, and no ACL grants anyone but the owner."""
    client = s3_media.store.client()
    keys = s3_media.keys()
    assert keys
    for key in keys:
        assert anonymous_status(f"{s3_media.store.endpoint}/{s3_media.bucket}/{key}") == 403, key
        grants = client.get_object_acl(Bucket=s3_media.bucket, Key=key)["Grants"]
        assert all(grant["Grantee"].get("URI") != ALL_USERS for grant in grants), key
    assert anonymous_status(f"{s3_media.store.endpoint}/{s3_media.bucket}/") == 403
    grants = client.get_bucket_acl(Bucket=s3_media.bucket)["Grants"]
    assert all(grant["Grantee"].get("URI") != ALL_USERS for grant in grants)


def evidence_photo(alice, bob, data):
    inspection = decided_inspection(supervisor=bob, lead=alice)
    client = api_client(alice)
    finding_id = post_finding(client, inspection, uuid.uuid4()).json()["id"]
    response = client.post(
        f"/api/v1/findings/{finding_id}/photos", {"photo": SimpleUploadedFile("a.jpg", data)}
    )
    assert response.status_code == 201, response.content
    return client, finding_id, EvidencePhoto.objects.get(pk=response.json()["id"])


def test_an_inspectors_photo_is_in_the_bucket_and_only_the_team_gets_it(
    s3_media, settings, alice, bob, ivan, charlie, django_capture_on_commit_callbacks
):
    data = (PHOTOS / GPS_PHOTO).read_bytes() if (PHOTOS / GPS_PHOTO).exists() else photo_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        client, finding_id, photo = evidence_photo(alice, bob, data)
    photo.refresh_from_db()
    assert photo.state == EvidencePhoto.State.READY

    # In the bucket, byte for byte, with its display copies; nothing on the local disk.
    stored = s3_media.store.client().get_object(Bucket=s3_media.bucket, Key=photo.original.name)
    assert hashlib.sha256(stored["Body"].read()).hexdigest() == photo.sha256
    assert {photo.original.name, photo.display.name, photo.thumb.name} <= set(s3_media.keys())
    assert not settings.MEDIA_ROOT.exists() or not any(
        path.is_file() for path in settings.MEDIA_ROOT.rglob("*")
    )

    url = f"/api/v1/findings/{finding_id}/photos/{photo.pk}/original"
    mine = client.get(url)
    assert mine.status_code == 200
    assert b"".join(mine.streaming_content) == data
    assert "attachment" in mine["Content-Disposition"]
    assert mine["Cache-Control"] == "private, no-store"
    # Not on the team, another unit, no token: refused, and no address of the object leaks.
    for outsider in (api_client(ivan), api_client(charlie), Client()):
        refused = outsider.get(url)
        assert refused.status_code in (401, 404), refused.status_code
        assert "Location" not in refused and photo.original.name.encode() not in refused.content
    assert_nothing_public(s3_media)


def test_with_signed_urls_the_team_is_sent_to_the_store_for_a_short_time(
    s3_media, settings, alice, bob, ivan, django_capture_on_commit_callbacks
):
    settings.MEDIA_SIGNED_URL_SECONDS = 2
    data = photo_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        client, finding_id, photo = evidence_photo(alice, bob, data)
    url = f"/api/v1/findings/{finding_id}/photos/{photo.pk}/original"

    sent = client.get(url)
    assert sent.status_code == 302
    location = sent["Location"]
    assert location.startswith(f"{s3_media.store.endpoint}/{s3_media.bucket}/")
    assert sent["Cache-Control"] == "private, no-store"
    assert sent["Referrer-Policy"] == "no-referrer"
    with urllib.request.urlopen(location, timeout=10) as response:  # noqa: S310 - loopback
        assert response.read() == data
        assert response.headers["Content-Disposition"].startswith("attachment")
        assert response.headers["Cache-Control"] == "private, no-store"
    # Without the signature, or once it has expired, the store refuses.
    assert anonymous_status(location.split("?")[0]) == 403
    time.sleep(3.5)
    assert anonymous_status(location) == 403

    refused = api_client(ivan).get(url)
    assert refused.status_code == 404 and "Location" not in refused
    # Pages let images come from the store, and from nowhere else.
    page = Client().get("/")
    assert f"img-src 'self' data: {s3_media.store.endpoint}" in page["Content-Security-Policy"]
    assert_nothing_public(s3_media)


def test_a_citizens_photo_waits_and_is_cleaned_in_the_bucket(
    s3_media, olga, oscar, client_for, django_capture_on_commit_callbacks
):
    data = (PHOTOS / GPS_PHOTO).read_bytes() if (PHOTOS / GPS_PHOTO).exists() else photo_bytes()
    with django_capture_on_commit_callbacks(execute=False) as waiting:
        filed = file_complaint(photos=[PhotoUpload(data=data, filename="a.jpg")])
    photo = filed.complaint.photos.get()
    # Before processing, only the sealed original is stored, and not as the citizen sent it.
    assert s3_media.keys() == [photo.quarantine_name]
    sealed = s3_media.store.client().get_object(Bucket=s3_media.bucket, Key=photo.quarantine_name)
    assert data not in sealed["Body"].read()
    assert_nothing_public(s3_media)

    for callback in waiting:
        callback()
    photo.refresh_from_db()
    assert photo.state == ComplaintPhoto.State.READY, photo.error_code
    assert sorted(s3_media.keys()) == sorted([photo.display.name, photo.thumb.name])
    copy = s3_media.store.client().get_object(Bucket=s3_media.bucket, Key=photo.display.name)
    with Image.open(io.BytesIO(copy["Body"].read())) as image:
        assert not image.getexif() and "xmp" not in image.info

    url = f"/api/v1/complaints/{filed.complaint.pk}/photos/{photo.pk}/display"
    assert api_client(olga).get(url).status_code == 200
    assert api_client(oscar).get(url).status_code == 404
    assert_nothing_public(s3_media)


def test_readiness_checks_the_bucket(s3_media, settings):
    assert Client().get("/readyz").json()["checks"]["storage"] == "ok"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": s3_media.store.options(s3_media.bucket, secret_key="wrong-secret"),
        },
    }
    answer = Client().get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["checks"]["storage"] != "ok"


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"MEDIA_STORAGE": "s3"}, "S3_ENDPOINT_URL"),
        ({"MEDIA_SIGNED_URL_SECONDS": "60"}, "needs MEDIA_STORAGE=s3"),
        ({"MEDIA_STORAGE": "disk"}, "MEDIA_STORAGE must be one of"),
    ],
)
def test_storage_settings_refuse_half_a_configuration(environment, message, tmp_path):
    from tests.test_settings import manage

    result = manage("check", env_vars=environment, tmp_path=tmp_path)
    assert result.returncode != 0 and message in result.stderr
