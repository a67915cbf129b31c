"""Duplicate detection at once on PostgreSQL: reports about one product filed together
end in one group, and no detection dies of a deadlock (as one did under the load test
when rows were locked in no order)."""

import threading

import pytest
from django.db import connection

from complaints.duplicates import duplicates_detect
from complaints.models import Complaint
from tests.complaints.helpers import file_complaint


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_detections_make_one_group_without_deadlock(olga, broker):
    reports = [file_complaint(network_key=f"net-{n}").complaint for n in range(12)]
    errors = []
    barrier = threading.Barrier(4)

    def detect(chunk):
        try:
            barrier.wait()
            for report in chunk:
                duplicates_detect(report.pk)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    # Four workers, each detecting the reports in another order.
    orders = [reports, reports[::-1], reports[::2] + reports[1::2], reports[1::2] + reports[::2]]
    threads = [threading.Thread(target=detect, args=(order,)) for order in orders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    groups = set(
        Complaint.objects.filter(pk__in=[r.pk for r in reports]).values_list(
            "duplicate_group", flat=True
        )
    )
    assert groups == {min(r.pk for r in reports)}
