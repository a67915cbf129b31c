"""Back up the database and the media into a new folder (registry/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from registry.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database and every media file into a new folder, with a manifest."

    def add_arguments(self, parser):
        parser.add_argument("target", type=Path, help="a new or empty folder")

    def handle(self, *args, target: Path, **options):
        try:
            manifest = backup(target)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        counts = ", ".join(f"{label} {n}" for label, n in manifest["counts"].items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup in {target}: {manifest['engine']} database ({counts}), "
                f"{manifest['media']['files']} media files, {manifest['media']['bytes']} bytes; "
                f"audit chain {manifest['audit']['length']} rows."
            )
        )
