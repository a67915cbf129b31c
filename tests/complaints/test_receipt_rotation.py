"""Rotating RECEIPT_KEY (complaints/receipts.py), and QUARANTINE_KEY.

A receipt made before a rotation keeps opening its case, through the pages and the API
the reporter uses; after `receipts_rotate`, a dump plus the old key tests nothing.
"""

from io import StringIO

import pytest
from cryptography.exceptions import InvalidTag
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from complaints import quarantine, receipts
from complaints.models import Complaint
from complaints.services import ReceiptNotFound, TooManyRequests, complaint_by_receipt
from registry.audit import audit_verify
from registry.models import AuditEntry
from tests.complaints.helpers import file_complaint

K1 = "receipt-key-one-" + "1" * 32
K2 = "receipt-key-two-" + "2" * 32
K3 = "receipt-key-three-" + "3" * 32


@pytest.fixture
def keys(settings):
    """Set the receipt keys as the environment would: {version: key}, the highest current."""

    def use(**by_version):
        versions = {int(name.removeprefix("v")): key for name, key in by_version.items()}
        settings.RECEIPT_KEYS = versions
        settings.RECEIPT_KEY_VERSION = max(versions)

    use(v1=K1)
    return use


def rotate() -> str:
    out, err = StringIO(), StringIO()
    call_command("receipts_rotate", stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def status_via_api(receipt: str, client=None):
    return (client or Client()).post(
        "/api/v1/public/reports/status", data={"receipt": receipt}, content_type="application/json"
    )


def stored() -> dict[int, tuple[str, int]]:
    return dict(
        (pk, (digest, version))
        for pk, digest, version in Complaint.objects.values_list(
            "pk", "receipt_digest", "receipt_key_version"
        )
    )


def test_receipts_made_before_a_rotation_still_open_their_case(db, keys):
    first = file_complaint()
    second = file_complaint()
    keys(v1=K1, v2=K2)  # the deployment with the new key
    out = rotate()
    assert "Re-keyed 2 receipts to key version 2" in out
    assert {version for _, version in stored().values()} == {2}
    assert audit_verify().ok
    entry = AuditEntry.objects.get(action="receipts.rekeyed")
    assert entry.changes == {"receipts": 2, "to_version": 2}

    # The status page the reporter uses, and the API.
    page = Client().post("/tra-cuu/", {"receipt": first.receipt})
    assert page.status_code == 200
    assert first.complaint.tracking_number in page.content.decode()
    api = status_via_api(second.receipt.lower().replace("-", " "))
    assert api.status_code == 200
    assert api.json()["tracking_number"] == second.complaint.tracking_number
    # Once used, a receipt is stored flat under the current key.
    code = receipts.normalize(first.receipt)
    assert stored()[first.complaint.pk] == (receipts.digest(code, version=2), 2)
    assert status_via_api(first.receipt).status_code == 200

    # New filings use the new key; a second run changes nothing.
    third = file_complaint()
    assert third.complaint.receipt_key_version == 2
    before = stored()
    assert "Re-keyed 0 receipts" in rotate()
    assert stored() == before
    assert AuditEntry.objects.filter(action="receipts.rekeyed").count() == 1
    assert status_via_api(third.receipt).status_code == 200


def test_after_rotation_a_dump_and_the_old_key_test_nothing(db, keys):
    filings = [file_complaint() for _ in range(3)]
    keys(v1=K1, v2=K2)
    rotate()
    digests = {digest for digest, _ in stored().values()}
    # The attacker knows K1, and even the codes: no digest they can compute is stored.
    keys(v1=K1)
    for filed in filings:
        code = receipts.normalize(filed.receipt)
        assert not set(receipts.candidates(code)) & digests
        with pytest.raises(ReceiptNotFound):
            complaint_by_receipt(receipt=filed.receipt, network_key="attacker")
    # Nor does the new key alone (the chain starts under the old one).
    keys(v2=K2)
    with pytest.raises(ReceiptNotFound):
        complaint_by_receipt(receipt=filings[0].receipt, network_key="x")
    keys(v1=K1, v2=K2)
    assert complaint_by_receipt(receipt=filings[0].receipt, network_key="x").pk == (
        filings[0].complaint.pk
    )


def test_chains_over_several_rotations_and_a_skipped_run(db, keys):
    oldest = file_complaint()
    keys(v1=K1, v2=K2)
    middle = file_complaint()
    # Version 3 arrives before anyone ran receipts_rotate for version 2.
    keys(v1=K1, v2=K2, v3=K3)
    unused = file_complaint()
    assert "Re-keyed 2 receipts to key version 3" in rotate()
    for filed in (oldest, middle, unused):
        response = status_via_api(filed.receipt)
        assert response.status_code == 200
        assert response.json()["tracking_number"] == filed.complaint.tracking_number
    # A receipt used between the key change and the rotation was already made flat.
    keys(v1=K1, v2=K2)
    late = file_complaint()
    keys(v1=K1, v2=K2, v3=K3)
    assert status_via_api(late.receipt).status_code == 200
    assert Complaint.objects.get(pk=late.complaint.pk).receipt_key_version == 3
    assert "Re-keyed 0 receipts" in rotate()


def test_the_lookup_is_one_indexed_query_and_throttling_is_unchanged(db, keys, settings):
    filed = file_complaint()
    keys(v1=K1, v2=K2, v3=K3)
    rotate()
    status_via_api(filed.receipt)  # now flat under version 3
    with CaptureQueriesContext(connection) as queries:
        complaint_by_receipt(receipt=filed.receipt, network_key="n")
    assert len(queries) == 1
    assert "receipt_digest" in queries[0]["sql"] and " IN " in queries[0]["sql"]

    settings.RECEIPT_GUESS_LIMIT = 2
    for _ in range(2):
        with pytest.raises(ReceiptNotFound):
            complaint_by_receipt(receipt="ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ", network_key="guesser")
    with pytest.raises(TooManyRequests):
        complaint_by_receipt(receipt=filed.receipt, network_key="guesser")


def test_a_purged_receipt_stays_purged(db, keys):
    purged, kept = file_complaint(), file_complaint()
    # What retention writes when it anonymises a report: no code's digest.
    mark = "purged:" + "ab" * 28
    Complaint.objects.filter(pk=purged.complaint.pk).update(receipt_digest=mark)
    keys(v1=K1, v2=K2)
    assert "Re-keyed 2 receipts" in rotate()
    assert stored()[purged.complaint.pk] == (mark, 2)
    assert status_via_api(purged.receipt).status_code == 404
    assert status_via_api(kept.receipt).status_code == 200
    assert "Re-keyed 0 receipts" in rotate()


def test_rotate_refuses_settings_older_than_the_data_and_leaves_unknown_keys(db, keys):
    file_complaint()
    keys(v1=K1, v2=K2)
    rotate()
    keys(v1=K1)  # a rollback to old settings
    with pytest.raises(CommandError, match="above RECEIPT_KEY_VERSION=1"):
        call_command("receipts_rotate", stdout=StringIO())
    # Receipts under a key no longer configured are reported and left as they are.
    keys(v2=K2, v3=K3)
    Complaint.objects.update(receipt_key_version=1)
    before = stored()
    out = rotate()
    assert "Re-keyed 0 receipts" in out and "key version 1, which is not configured" in out
    assert stored() == before


# --- quarantine ------------------------------------------------------------------------


def test_photos_waiting_during_a_quarantine_key_change_still_open(db, settings):
    settings.QUARANTINE_KEY = "quarantine-old-" + "o" * 32
    settings.QUARANTINE_OLD_KEYS = []
    waiting = quarantine.put(b"original photo bytes")
    settings.QUARANTINE_KEY = "quarantine-new-" + "n" * 32
    with pytest.raises(InvalidTag):
        quarantine.get(waiting)
    settings.QUARANTINE_OLD_KEYS = ["quarantine-old-" + "o" * 32]
    assert quarantine.get(waiting) == b"original photo bytes"
    fresh = quarantine.put(b"new photo")
    assert quarantine.get(fresh) == b"new photo"
    settings.QUARANTINE_OLD_KEYS = []
    assert quarantine.get(fresh) == b"new photo"
    with pytest.raises(InvalidTag):
        quarantine.get(waiting)


def test_a_run_over_more_receipts_than_a_batch_covers_them_all(db, keys):
    filings = [file_complaint() for _ in range(5)]
    keys(v1=K1, v2=K2)
    status_via_api(filings[2].receipt)  # flat under version 2 already, between the others
    with CaptureQueriesContext(connection) as queries:
        out, err = StringIO(), StringIO()
        call_command("receipts_rotate", batch_size=2, stdout=out, stderr=err)
    assert "Re-keyed 4 receipts to key version 2" in out.getvalue()
    assert {version for _, version in stored().values()} == {2}
    # Batches of two by primary key: 2 + 1 (the third was flat) + 1.
    assert [
        entry.changes["receipts"]
        for entry in AuditEntry.objects.filter(action="receipts.rekeyed").order_by("pk")
    ] == [2, 1, 1]
    # Each batch reads a range of primary keys, not the whole table again.
    filters = [
        query["sql"].split(" WHERE ", 1)[1]
        for query in queries
        if query["sql"].startswith("SELECT") and " WHERE " in query["sql"]
    ]
    batch_reads = [where for where in filters if "receipt_key_version" in where]
    assert len(batch_reads) == 3
    assert all('"complaints_complaint"."id" >' in where for where in batch_reads)
    for filed in filings:
        response = status_via_api(filed.receipt)
        assert response.json()["tracking_number"] == filed.complaint.tracking_number
    assert "Re-keyed 0 receipts" in rotate()
