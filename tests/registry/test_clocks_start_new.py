"""clocks_start_new: the clocks of a subject created in the same transaction, in one
INSERT, counted as clock_start counts them."""

import pytest
from django.db import IntegrityError, transaction

from complaints.clocks import ACCEPT_CLOCK, ComplaintClock
from complaints.models import Complaint
from registry import clocks
from registry.clock_rules import clock_changed, declared
from registry.models import LegalClock
from tests.complaints.helpers import file_complaint


def test_a_filed_report_gets_its_intake_clocks_as_clock_start_counts_them(db):
    complaint = file_complaint().complaint
    started = {c.kind: c for c in LegalClock.objects.filter(subject_id=complaint.pk)}
    kinds = [ComplaintClock.ACKNOWLEDGE, ACCEPT_CLOCK[complaint.nature]]
    assert sorted(started) == sorted(kinds)
    for kind in kinds:
        rule = declared(kind).rule
        expected = clocks.period(rule, complaint.received_at, rule.amount)
        clock = started[kind]
        assert (clock.state, clock.started_at, clock.unit_id, clock.case) == (
            LegalClock.State.RUNNING,
            complaint.received_at,
            complaint.unit_id,
            complaint,
        )
        assert (clock.due_on, clock.due_at, clock.remind_at) == (
            expected.due_on,
            expected.due_at,
            expected.remind_at,
        )
    # The triage queues read the nearest deadline from the report's row.
    complaint.refresh_from_db()
    assert complaint.due_at == min(c.due_at for c in started.values())


def test_each_clock_started_is_announced(db):
    complaint = file_complaint().complaint
    heard = []

    def listen(sender, *, clock, **kwargs):
        heard.append(clock.kind)

    clock_changed.connect(listen, dispatch_uid="test-clocks-start-new")
    try:
        with transaction.atomic():
            LegalClock.objects.filter(subject_id=complaint.pk).delete()
            clocks.clocks_start_new(
                kinds=[ComplaintClock.ACKNOWLEDGE, ComplaintClock.ACCEPT_REPORT],
                subject_id=complaint.pk,
                unit=complaint.unit,
                case=complaint,
            )
    finally:
        clock_changed.disconnect(dispatch_uid="test-clocks-start-new")
    assert heard == [ComplaintClock.ACKNOWLEDGE, ComplaintClock.ACCEPT_REPORT]


def test_a_subject_that_has_the_clock_already_fails_instead_of_counting_twice(db):
    complaint = file_complaint().complaint
    with pytest.raises(IntegrityError), transaction.atomic():
        clocks.clocks_start_new(
            kinds=[ComplaintClock.ACKNOWLEDGE],
            subject_id=complaint.pk,
            unit=complaint.unit,
            case=complaint,
        )
    assert LegalClock.objects.filter(subject_id=complaint.pk).count() == 2
    assert Complaint.objects.count() == 1
