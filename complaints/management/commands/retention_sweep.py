"""Run the retention sweep now (the beat runs it every hour), or show what it would do."""

from django.core.management.base import BaseCommand

from complaints.retention import KINDS
from complaints.retention_selectors import retention_plan
from complaints.retention_sweep import retention_sweep


class Command(BaseCommand):
    help = (
        "Warn of, and remove, citizens' identities, photos and report content past their "
        "retention periods (RETENTION_* settings). Safe to run at any time, and twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only count what would be warned of, removed and re-checked.",
        )
        parser.add_argument(
            "--limit",
            type=int,
            default=None,
            help="Items per step and kind (default RETENTION_BATCH_SIZE).",
        )

    def handle(self, *args, dry_run=False, limit=None, **options):
        if dry_run:
            plan = retention_plan()
            for what in KINDS:
                self.stdout.write(
                    f"{what}: {plan['warn'][what]} to warn, {plan['purge'][what]} to remove"
                )
            self.stdout.write(
                f"held or waiting: {plan['blocked']} ({plan['recheck']} to look at again)"
            )
            self.stdout.write(f"removals with files still to delete: {plan['files']}")
            return
        result = retention_sweep(limit=limit)
        self.stdout.write(", ".join(f"{key} {value}" for key, value in result.as_dict().items()))
        if result.failed:
            self.stderr.write(f"{result.failed} item(s) failed; see the log. They are retried.")
