"""Two inspections opened on the same reports, cancelled at once on PostgreSQL: the
reports go back to their handlers (neither cancellation counts on the other still being
live) and neither cancellation dies of a deadlock. The reports are locked in order of id
before "covered" is read (inspections.services._release_complaints); the audit chain's
head also serialises audited changes."""

import threading

import pytest
from django.db import connection

from complaints.models import Complaint
from inspections import services
from inspections.models import Inspection, Scope
from tests.complaints.helpers import file_complaint
from tests.factories import OperatorFactory


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_inspections_on_the_same_reports_cancelled_at_once(bob, broker):
    for _round in range(3):
        reports = [file_complaint().complaint for _ in range(3)]
        Complaint.objects.filter(pk__in=[r.pk for r in reports]).update(
            status=Complaint.Status.TRIAGED
        )
        first = services.inspection_from_complaints(
            by=bob,
            complaints=list(Complaint.objects.filter(pk__in=[r.pk for r in reports])),
            operator=OperatorFactory(),
            scopes=[Scope.LABEL],
        )
        second = services.inspection_from_complaints(
            by=bob,
            complaints=list(
                Complaint.objects.filter(pk__in=[r.pk for r in reports]).order_by("-pk")
            ),
            operator=OperatorFactory(),
            scopes=[Scope.LABEL],
        )
        errors = []
        barrier = threading.Barrier(2)

        def cancel(inspection, barrier=barrier, errors=errors):
            try:
                barrier.wait(timeout=10)
                services.inspection_transition(
                    by=bob, inspection=inspection, to=Inspection.Status.CANCELLED, note="Trùng"
                )
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=cancel, args=(i,)) for i in (first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not errors, errors
        statuses = set(
            Complaint.objects.filter(pk__in=[r.pk for r in reports]).values_list(
                "status", flat=True
            )
        )
        assert statuses == {Complaint.Status.TRIAGED}
