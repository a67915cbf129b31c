import threading

import pytest
from django.db import DatabaseError, connection, transaction

from registry.audit import audit_record, audit_verify
from registry.models import AuditChainHead, Notification
from registry.services import notification_send
from tests.factories import unit
from tests.services.conftest import wait_for


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_delivers_a_notification_once(alice, worker):
    notification = notification_send(
        recipient=alice, subject="Hạn xử lý sắp đến", body="Còn 2 ngày làm việc."
    )

    def sent():
        return Notification.objects.get(pk=notification.pk).email_state == Notification.State.SENT

    assert wait_for(sent, timeout=60), (
        worker.stdout.read() if worker.poll() is not None else "worker still running"
    )
    files = list(worker.mail_dir.iterdir())
    assert len(files) == 1
    assert (
        "Hạn xử lý sắp đến" in files[0].read_text(encoding="utf-8")
        or "=?utf-8?" in files[0].read_text()
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_task_enqueued_in_a_rolled_back_transaction_never_reaches_the_broker(
    alice, broker, worker
):
    with pytest.raises(RuntimeError), transaction.atomic():
        notification_send(recipient=alice, subject="Sẽ bị hủy", body="...")
        raise RuntimeError("rolled back")
    # A committed one afterwards proves the worker was up and listening all along.
    later = notification_send(recipient=alice, subject="Được gửi", body="...")
    assert wait_for(
        lambda: Notification.objects.get(pk=later.pk).email_state == Notification.State.SENT, 60
    )
    assert Notification.objects.count() == 1
    assert len(list(worker.mail_dir.iterdir())) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_appends_keep_one_unbroken_chain(alice):
    """Four connections append at once: the head lock serialises them."""
    errors = []

    def append(n):
        try:
            for i in range(25):
                with transaction.atomic():
                    audit_record(
                        actor=alice, action=f"test.thread{n}", target=unit("01"), changes={"i": i}
                    )
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=append, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    report = audit_verify()
    assert report.ok, report
    assert report.checked == AuditChainHead.objects.get().length == 100


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_postgresql_refuses_to_edit_or_delete_audit_rows(alice):
    with transaction.atomic():
        audit_record(actor=alice, action="test.locked", target=unit("01"))
    for sql in ("UPDATE registry_auditentry SET action = 'x'", "DELETE FROM registry_auditentry"):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            # The suite's own connection is unlocked for flushing; lock it like production.
            cursor.execute("SET LOCAL registry.audit_unlocked = 'off'")
            cursor.execute(sql)
    assert audit_verify().ok
