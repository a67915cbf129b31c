"""The restore drill (registry/backup.py): back up, wipe, restore, and every report,
photo, sealed identity and audit-chain entry is back and the chain verifies. Here on
SQLite with media on the disk; tests/services/test_backup_restore.py runs the same
drill on PostgreSQL, and with media in an S3 bucket."""

import hashlib
import json
import uuid

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from complaints.models import Complaint, ComplaintMessage, ComplaintPhoto
from inspections.models import EvidencePhoto
from registry.audit import audit_verify
from registry.backup import media_names
from registry.models import AuditEntry
from registry.services import api_token_authenticate, api_token_create
from tests.complaints.helpers import file_complaint
from tests.factories import api_client
from tests.inspections.helpers import decided_inspection
from tests.inspections.test_findings import post_finding
from tests.whistleblower.test_vault import IDENTITY, login
from whistleblower.models import SealedIdentity, WrappedKey


def make_records(*, alice, bob, cora, olga, capture):
    """Reports with photos and a sealed identity, an inspection with an evidence photo,
    a staff message: each step writes audit entries."""
    login(cora)  # the custodian's key exists: identities are sealed to it
    with capture(execute=True):
        with_photos = file_complaint(photos=2).complaint
        file_complaint(identity=IDENTITY, province_code="01")
        inspection = decided_inspection(
            supervisor=bob, lead=alice, number=f"{uuid.uuid4().hex[:6]}"
        )
        client = api_client(alice)
        finding = post_finding(client, inspection, uuid.uuid4()).json()["id"]
        photo = SimpleUploadedFile("evidence.jpg", _evidence_bytes())
        assert (
            client.post(f"/api/v1/findings/{finding}/photos", {"photo": photo}).status_code == 201
        )
    message = login(olga).post(
        f"/api/v1/complaints/{with_photos.pk}/messages",
        data='{"body": "Đã chuyển đoàn kiểm tra", "internal": true}',
        content_type="application/json",
    )
    assert message.status_code == 201, message.content
    assert ComplaintPhoto.objects.filter(state=ComplaintPhoto.State.READY).count() == 2
    assert EvidencePhoto.objects.filter(state=EvidencePhoto.State.READY).count() == 1


def _evidence_bytes() -> bytes:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (320, 240), (20, 120, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


def _sha(field) -> str:
    with field.storage.open(field.name, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def snapshot() -> dict:
    """Everything the drill must find again, down to the bytes."""
    return {
        "reports": list(
            Complaint.objects.order_by("pk").values_list(
                "pk", "tracking_number", "receipt_digest", "status", "description", "unit_id"
            )
        ),
        "messages": list(ComplaintMessage.objects.order_by("pk").values_list("pk", "body")),
        "citizen_photos": [
            (p.pk, p.display.name, _sha(p.display), p.thumb.name, _sha(p.thumb))
            for p in ComplaintPhoto.objects.order_by("pk")
        ],
        "evidence": [
            (p.pk, p.sha256, _sha(p.original), _sha(p.display), _sha(p.thumb))
            for p in EvidencePhoto.objects.order_by("pk")
        ],
        "identities": [(s.pk, bytes(s.ciphertext)) for s in SealedIdentity.objects.order_by("pk")],
        "wrapped_keys": [(w.pk, bytes(w.sealed_key)) for w in WrappedKey.objects.order_by("pk")],
        "audit": list(
            AuditEntry.objects.order_by("pk").values_list("pk", "action", "prev_hash", "entry_hash")
        ),
    }


def wipe_everything():
    """The disaster: every table dropped, every media file deleted."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    else:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_keys = OFF")
            for table in connection.introspection.table_names(cursor):
                cursor.execute(f'DROP TABLE "{table}"')
            cursor.execute("PRAGMA foreign_keys = ON")
    for name in list(media_names(default_storage)):
        default_storage.delete(name)
    assert "complaints_complaint" not in connection.introspection.table_names()
    assert list(media_names(default_storage)) == []


def drill(tmp_path, *, capture, alice, bob, cora, olga):
    make_records(alice=alice, bob=bob, cora=cora, olga=olga, capture=capture)
    before = snapshot()
    assert len(before["audit"]) > 10 and before["identities"] and len(before["citizen_photos"]) == 2

    backup = tmp_path / "backup"
    call_command("backup", str(backup))
    assert {p.name for p in backup.iterdir()} >= {"manifest.json", "media.tar", "media.sha256"}

    wipe_everything()
    call_command("restore", str(backup))

    assert snapshot() == before
    assert audit_verify().ok
    call_command("audit_verify")
    return backup


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_restore_drill_on_sqlite(
    tmp_path, alice, bob, cora, olga, django_capture_on_commit_callbacks
):
    drill(
        tmp_path,
        capture=django_capture_on_commit_callbacks,
        alice=alice,
        bob=bob,
        cora=cora,
        olga=olga,
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_damaged_backup_is_refused_before_anything_is_touched(
    tmp_path, alice, bob, cora, olga, django_capture_on_commit_callbacks
):
    make_records(
        alice=alice, bob=bob, cora=cora, olga=olga, capture=django_capture_on_commit_callbacks
    )
    backup = tmp_path / "backup"
    call_command("backup", str(backup))
    before = snapshot()

    # Into a database that holds data: refused without --wipe.
    with pytest.raises(CommandError, match="already holds data"):
        call_command("restore", str(backup))

    # One byte changed in the media archive: refused, and nothing changed.
    tar = backup / "media.tar"
    data = bytearray(tar.read_bytes())
    data[len(data) // 2] ^= 0xFF
    tar.write_bytes(bytes(data))
    with pytest.raises(CommandError, match=r"media\.tar is missing or damaged"):
        call_command("restore", str(backup), "--wipe")
    assert snapshot() == before

    # A backup into a folder that is not empty: refused.
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", str(backup))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_restore_with_wipe_replaces_what_came_after_the_backup(
    tmp_path, alice, bob, cora, olga, django_capture_on_commit_callbacks
):
    make_records(
        alice=alice, bob=bob, cora=cora, olga=olga, capture=django_capture_on_commit_callbacks
    )
    backup = tmp_path / "backup"
    call_command("backup", str(backup))
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        file_complaint(photos=1)  # after the backup: gone after the restore
    # A token issued after the backup, used (so cached): it stops working at once.
    token = api_token_create(user=alice, name="after the backup")[1]
    assert api_token_authenticate(token) is not None
    call_command("restore", str(backup), "--wipe")
    assert snapshot() == before
    assert audit_verify().ok
    assert api_token_authenticate(token) is None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_file_the_database_needs_but_the_backup_lacks_fails_the_drill(
    tmp_path, alice, bob, cora, olga, django_capture_on_commit_callbacks
):
    make_records(
        alice=alice, bob=bob, cora=cora, olga=olga, capture=django_capture_on_commit_callbacks
    )
    # A display copy lost before the backup was taken: the drill must say so.
    lost = ComplaintPhoto.objects.first().display.name
    default_storage.delete(lost)
    backup = tmp_path / "backup"
    call_command("backup", str(backup))
    wipe_everything()
    with pytest.raises(CommandError, match="checks failed"):
        call_command("restore", str(backup))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_deployment_that_never_stored_a_file_backs_up_and_restores(tmp_path, settings):
    assert not settings.MEDIA_ROOT.exists()  # no media folder made yet
    backup = tmp_path / "backup"
    call_command("backup", str(backup))
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["media"]["files"] == 0 and manifest["counts"]["registry.User"] == 0
    call_command("restore", str(backup), "--wipe")
    assert audit_verify().ok
