import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from registry.audit import GENESIS_HASH, audit_record, audit_verify
from registry.models import AuditChainHead, AuditEntry
from registry.services import operator_create
from tests.factories import unit


def _write(actor, n):
    with transaction.atomic():
        for i in range(n):
            audit_record(
                actor=actor,
                action=f"test.step{i}",
                target=unit("01"),
                changes={"i": i, "ngày": "23/11/2026"},
            )


def _tamper(sql, params):
    """An attacker with database access (on PostgreSQL, past the append-only trigger)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_services_write_the_audit_log(alice):
    operator = operator_create(
        by=alice, name="Cửa hàng Bình An", role="retailer", tax_code="0100233488"
    )
    entry = AuditEntry.objects.get()
    assert entry.action == "operator.create"
    assert entry.actor == alice
    assert entry.unit == unit("01")
    assert entry.target_id == str(operator.pk)
    assert entry.changes["tax_code"] == "0100233488"
    assert entry.prev_hash == GENESIS_HASH


def test_an_untouched_chain_verifies(alice):
    _write(alice, 5)
    report = audit_verify()
    assert report.ok and report.checked == 5
    head = AuditChainHead.objects.get()
    assert head.length == 5 and head.last_hash == AuditEntry.objects.get(pk=5).entry_hash


def test_an_edited_row_is_named(alice):
    _write(alice, 5)
    _tamper("UPDATE registry_auditentry SET action = %s WHERE id = %s", ["test.harmless", 3])
    report = audit_verify()
    assert not report.ok
    assert report.broken_id == 3
    assert "changed" in report.reason


def test_an_edited_changes_field_is_named(alice):
    _write(alice, 4)
    _tamper("UPDATE registry_auditentry SET changes = %s WHERE id = %s", ['{"i": 99}', 2])
    assert audit_verify().broken_id == 2


def test_a_deleted_row_is_named(alice):
    _write(alice, 5)
    _tamper("DELETE FROM registry_auditentry WHERE id = %s", [2])
    report = audit_verify()
    assert not report.ok
    assert report.broken_id == 2
    assert "deleted" in report.reason


def test_a_deleted_last_row_is_detected(alice):
    _write(alice, 5)
    _tamper("DELETE FROM registry_auditentry WHERE id = %s", [5])
    report = audit_verify()
    assert not report.ok and report.broken_id == 5


def test_a_recomputed_row_without_the_key_is_detected(alice):
    """Rewriting a row and its plain SHA-256 does not help: the chain is keyed."""
    import hashlib

    _write(alice, 3)
    forged = hashlib.sha256(b"forged").hexdigest()
    _tamper("UPDATE registry_auditentry SET entry_hash = %s WHERE id = %s", [forged, 3])
    assert audit_verify().broken_id == 3


def test_command_reports_the_first_broken_row(alice, capsys):
    _write(alice, 3)
    call_command("audit_verify")
    assert "3 rows verified" in capsys.readouterr().out
    _tamper("DELETE FROM registry_auditentry WHERE id = %s", [2])
    with pytest.raises(CommandError, match="row 2"):
        call_command("audit_verify")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_audit_record_refuses_to_run_outside_a_transaction(alice):
    with pytest.raises(RuntimeError):
        audit_record(actor=alice, action="test.loose")


def test_a_rolled_back_service_leaves_no_entry(alice):
    with pytest.raises(RuntimeError), transaction.atomic():
        operator_create(by=alice, name="Cửa hàng tạm", role="retailer")
        raise RuntimeError("the caller fails after the service")
    assert AuditEntry.objects.count() == 0
    assert audit_verify().ok
