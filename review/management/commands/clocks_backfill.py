"""Start the legal clocks of cases that were open before clocks were kept as records.

Idempotent: a clock that exists is left as it is. Run once after upgrading (make run
runs it every time, at no cost when there is nothing to do)."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from review import clocks
from review.models import LegalClock

Kind = LegalClock.Kind


class Command(BaseCommand):
    help = "Start the legal clocks missing on open reports, records, failed tests and samples."

    def handle(self, *args, **options):
        from complaints.models import Complaint
        from complaints.services import ACCEPT_CLOCK
        from inspections.models import Sample
        from violations.models import FailedTestFollowUp, ViolationRecord
        from violations.services import decision_clock

        started = 0
        now = timezone.now()
        have = set(LegalClock.objects.values_list("kind", "subject_id"))

        def quiet_if_past(clock):
            nonlocal started
            started += 1
            if clock.due_at <= now:
                # Long past: it shows as overdue in the queues and figures, but the
                # upgrade does not send a flood of late reminders and escalations.
                LegalClock.objects.filter(pk=clock.pk).update(
                    reminded_for=F("due_at"), escalated_for=F("due_at")
                )

        def start(kind, subject_id, **kwargs):
            if (kind, subject_id) not in have:
                quiet_if_past(clocks.clock_start(kind=kind, subject_id=subject_id, **kwargs))

        with transaction.atomic():
            waiting = Complaint.objects.filter(
                status__in=[Complaint.Status.RECEIVED, Complaint.Status.ACKNOWLEDGED]
            ).select_related("unit")
            for c in waiting.iterator():
                case = {"unit": c.unit, "complaint": c, "started_at": c.received_at}
                if c.status == Complaint.Status.RECEIVED:
                    start(Kind.ACKNOWLEDGE, c.pk, **case)
                start(ACCEPT_CLOCK[c.nature], c.pk, **case)
            accepted = Complaint.objects.filter(
                status__in=[Complaint.Status.TRIAGED, Complaint.Status.UNDER_INSPECTION]
            ).select_related("unit")
            for c in accepted.iterator():
                event = c.events.filter(status_to=Complaint.Status.TRIAGED).first()
                at = event.at if event else c.received_at
                start(Kind.SETTLE, c.pk, unit=c.unit, complaint=c, started_at=at)
            for record in ViolationRecord.objects.filter(
                status=ViolationRecord.Status.SIGNED
            ).select_related("inspection__unit"):
                if (Kind.PENALTY_DECISION, record.pk) not in have:
                    quiet_if_past(decision_clock(record))
            follow_ups = FailedTestFollowUp.objects.exclude(
                status__in=[FailedTestFollowUp.Status.SUSPENDED, FailedTestFollowUp.Status.RESUMED]
            ).select_related("sample__inspection__unit")
            for f in follow_ups:
                inspection = f.sample.inspection
                case = {"unit": inspection.unit, "inspection": inspection}
                if f.status == FailedTestFollowUp.Status.OPEN:
                    start(Kind.FAILED_TEST_REPORT, f.pk, started_at=f.result_received_at, **case)
                start(Kind.SUSPENSION_NOTICE, f.pk, started_at=f.result_received_at, **case)
            for sample in Sample.objects.filter(
                status=Sample.Status.TESTED, retain_until__gte=timezone.localdate()
            ).select_related("inspection__unit"):
                start(
                    Kind.SAMPLE_RETENTION,
                    sample.pk,
                    unit=sample.inspection.unit,
                    inspection=sample.inspection,
                    started_at=clocks.start_of_day(sample.result_on),
                )
        self.stdout.write(f"Legal clocks started: {started}")
