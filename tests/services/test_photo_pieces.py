"""Pieces of one photo sent at once from several connections, on PostgreSQL: the row
lock lets one piece in at each offset, and the last piece makes exactly one photo."""

import hashlib
import threading
import uuid

import pytest
from django.db import connection

from inspections import findings, sync
from inspections.models import EvidencePhoto, PhotoUpload, PhotoUploadChunk
from registry.errors import Conflict
from tests.complaints.helpers import photo_bytes
from tests.inspections.helpers import decided_inspection
from tests.inspections.test_findings import label_item


def at_once(count, act):
    results, errors = [], []
    barrier = threading.Barrier(count)

    def run():
        try:
            barrier.wait()
            results.append(act())
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_starts_and_pieces_make_one_upload_and_one_photo(bob, alice):
    inspection = decided_inspection(supervisor=bob, lead=alice)
    finding, _ = findings.finding_create(
        by=alice,
        inspection=inspection,
        client_uuid=uuid.uuid4(),
        item=label_item(),
        result="conforming",
    )
    data = photo_bytes("gps_DSCN0010.jpg")
    digest, half = hashlib.sha256(data).hexdigest(), len(data) // 2

    starts, errors = at_once(
        4,
        lambda: sync.photo_upload_start(by=alice, finding=finding, sha256=digest, size=len(data)),
    )
    assert not errors
    assert len({upload.pk for upload, _photo, _created in starts}) == 1
    assert sum(created for _u, _p, created in starts) == 1
    upload_id = starts[0][0].pk

    def piece(offset, chunk):
        return lambda: sync.photo_upload_chunk(
            by=alice, upload_id=upload_id, offset=offset, data=chunk, declared_length=len(chunk)
        )

    accepted, refused = at_once(4, piece(0, data[:half]))
    assert len(accepted) == 1 and len(refused) == 3
    assert all(isinstance(e, Conflict) and e.code == "upload_offset_mismatch" for e in refused)
    assert PhotoUpload.objects.get().received == half

    done, errors = at_once(4, piece(half, data[half:]))
    assert not errors and {u.state for u in done} == {PhotoUpload.State.STORED}
    photo = EvidencePhoto.objects.get()
    assert photo.sha256 == digest and photo.original.read() == data
    assert PhotoUploadChunk.objects.count() == 0
