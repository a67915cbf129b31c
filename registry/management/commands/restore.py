"""Restore a backup made by `manage.py backup`, then prove it (registry/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from registry.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore the database and media from a backup folder, then check row counts, the "
        "audit chain and every file. Refuses a database or storage holding data unless --wipe."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, help="the folder `backup` wrote")
        parser.add_argument(
            "--wipe",
            action="store_true",
            help="replace what the database and the media storage hold now (it is lost)",
        )

    def handle(self, *args, source: Path, wipe: bool, **options):
        try:
            report = restore(source, wipe=wipe)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(problem)
            raise CommandError(f"Restored, but {len(report.problems)} checks failed (above).")
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {report.files} media files; audit chain intact: "
                f"{report.audit_rows} rows verified; row counts as in the backup."
            )
        )
