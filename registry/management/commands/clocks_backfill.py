"""Start the legal clocks of cases that were open before clocks were kept as records.

Each workflow declares what to start (`registry.clock_rules.declare_backfill`); a clock
that exists already is left as it is, so the command can run again. A clock whose deadline
is long past counts as overdue but sends no late reminder or escalation."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from registry import clocks
from registry.clock_rules import backfills
from registry.models import LegalClock


class Command(BaseCommand):
    help = "Start the legal clocks missing on open reports, records, failed tests and samples."

    def handle(self, *args, **options):
        started = 0
        now = timezone.now()
        have = set(LegalClock.objects.values_list("kind", "subject_id"))

        def start(kind, subject_id, **kwargs):
            nonlocal started
            if (kind, subject_id) in have:
                return
            clock = clocks.clock_start(kind=kind, subject_id=subject_id, **kwargs)
            have.add((kind, subject_id))
            started += 1
            if clock.due_at <= now:
                # Long past: it shows as overdue in the queues and figures, but the
                # upgrade does not send a flood of late reminders and escalations.
                LegalClock.objects.filter(pk=clock.pk).update(
                    reminded_for=F("due_at"), escalated_for=F("due_at")
                )

        with transaction.atomic():
            for backfill in backfills():
                backfill(start)
        self.stdout.write(f"Legal clocks started: {started}")
