"""Four retention sweeps at once on PostgreSQL: each item is warned of once and, once
the clock has moved past its expiry, removed once, with one audit entry, and the audit
chain still verifies."""

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.storage import default_storage
from django.db import connection

from complaints.models import Complaint, ComplaintPhoto, RetentionNotice
from complaints.retention_sweep import retention_sweep
from registry.audit import audit_verify
from registry.models import AuditEntry, Notification
from tests.complaints.helpers import file_complaint
from whistleblower.models import SealedIdentity

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
CLOSED_AT = datetime(2027, 3, 1, 10, tzinfo=HANOI)
W = timedelta(hours=72)
REPORTS = 20
What, State = RetentionNotice.What, RetentionNotice.State


def concurrently(when: datetime, sweeps: int = 4) -> list:
    results, errors = [], []
    barrier = threading.Barrier(sweeps)

    def sweep():
        try:
            barrier.wait()
            results.append(retention_sweep(now=when))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(sweeps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert sum(r.failed for r in results) == 0
    return results


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_sweeps_warn_and_remove_each_item_once(olga, bob, settings, broker):
    settings.RETENTION_IDENTITY_DAYS = 30
    settings.RETENTION_CITIZEN_PHOTOS_DAYS = 60
    settings.RETENTION_CLOSED_REPORT_DAYS = 90
    settings.RETENTION_WARNING_HOURS = 72
    identity = {"full_name": "Trần Thị Bình", "phone": "0912 345 678"}
    # No worker runs: each photo's encrypted original waits in quarantine.
    for n in range(REPORTS):
        file_complaint(network_key=f"net-{n}", photos=1, identity=identity)
    Complaint.objects.update(status="resolved", closed_at=CLOSED_AT, assigned_to=olga)
    originals = list(ComplaintPhoto.objects.values_list("quarantine_name", flat=True))
    assert len(originals) == REPORTS and all(default_storage.exists(n) for n in originals)
    audited_before = AuditEntry.objects.count()

    phases = (
        (What.IDENTITY, 30, "retention.purge_identity"),
        (What.PHOTOS, 60, "retention.purge_photos"),
        (What.REPORT, 90, "retention.anonymise_report"),
    )
    for phase, (what, days, action) in enumerate(phases, start=1):
        expiry = CLOSED_AT + timedelta(days=days)
        results = concurrently(expiry - W + timedelta(minutes=1))
        assert sum(r.warned for r in results) == REPORTS
        warned = RetentionNotice.objects.filter(what=what)
        assert warned.count() == REPORTS
        assert set(warned.values_list("state", flat=True)) == {State.WARNED}
        # One warning per item to its handler (and one digest a day to the supervisor).
        reminders = Notification.objects.filter(recipient=olga, subject__contains="Sắp xóa")
        assert reminders.count() == REPORTS * phase

        results = concurrently(expiry + timedelta(minutes=1))
        assert sum(r.purged for r in results) == REPORTS
        assert set(warned.values_list("state", flat=True)) == {State.PURGED}
        entries = AuditEntry.objects.filter(action=action)
        assert sorted(entries.values_list("target_id", flat=True)) == sorted(
            str(pk) for pk in Complaint.objects.values_list("pk", flat=True)
        )

    assert not SealedIdentity.objects.exists()
    assert not ComplaintPhoto.objects.exists()
    assert not any(default_storage.exists(name) for name in originals)
    assert not RetentionNotice.objects.filter(pending_files__isnull=False).exists()
    assert Complaint.objects.filter(anonymised_at__isnull=False, description="").count() == REPORTS
    assert AuditEntry.objects.count() == audited_before + 3 * REPORTS
    assert audit_verify().ok
