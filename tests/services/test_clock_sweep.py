"""Two sweeps at once on PostgreSQL: each reminder and escalation is claimed by one."""

import threading
from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from registry.clocks import clocks_sweep
from registry.models import LegalClock, Notification
from tests.complaints.helpers import file_complaint

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_sweeps_send_each_reminder_once(olga, bob):
    with mock.patch(
        "django.utils.timezone.now", return_value=datetime(2027, 2, 1, 10, tzinfo=HANOI)
    ):
        for n in range(20):
            file_complaint(network_key=f"net-{n}")
    assert LegalClock.objects.count() == 40
    results, errors = [], []
    barrier = threading.Barrier(4)

    def sweep(when):
        try:
            barrier.wait()
            results.append(clocks_sweep(now=when))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    for when in (datetime(2027, 2, 2, 9, tzinfo=HANOI), datetime(2027, 2, 12, 9, tzinfo=HANOI)):
        results.clear()
        threads = [threading.Thread(target=sweep, args=(when,)) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors
        assert sum(r.reminded + r.escalated for r in results) == 40
    # 40 reminders to olga; 40 escalations to olga (the unit's officer) and bob.
    assert Notification.objects.filter(subject__startswith="Sắp đến hạn").count() == 40
    assert Notification.objects.filter(subject__startswith="Quá hạn").count() == 80
