"""Import the legal catalogue from a file, as the import page does (registry.catalogue_import):
the file (JSON or XLSX in the format of registry/catalogue_io.py, e.g.
registry/data/legal_provisions.json) is read and every row checked first; one row with an
error imports nothing, and every error is printed with its row. The versions imported are
entered by --by and wait for another legal officer's verification.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from registry import provisions
from registry.catalogue_import import (
    provision_import_apply,
    provision_import_discard,
    provision_import_stage,
)
from registry.errors import DomainError, InvalidInput
from registry.models import User


class Command(BaseCommand):
    help = (
        "Import legal documents and provision versions from a catalogue file (.json or "
        ".xlsx): all rows or none; exits non-zero and prints every error otherwise."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--by", required=True, help="username of the legal officer importing the file"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and report, import nothing"
        )

    def handle(self, *args, file: Path, by: str, dry_run: bool, **options):
        try:
            actor = User.objects.get(username=by, is_active=True)
        except User.DoesNotExist as exc:
            raise CommandError(f"No active user {by!r}.") from exc
        if not actor.has_perm(provisions.ENTER):
            raise CommandError(f"{by} may not enter legal provisions ({provisions.ENTER}).")
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"{file} cannot be read: {exc}") from exc
        try:
            staged = provision_import_stage(by=actor, file_name=file.name, data=data)
        except InvalidInput as exc:
            raise CommandError(f"{file}: {exc.render()}") from exc
        if staged.errors:
            self._errors(staged)
            provision_import_discard(by=actor, staged=staged)
            rows = staged.plan["counts"]["rows_with_errors"]
            raise CommandError(f"{rows} row(s) with errors: nothing was imported.")
        counts = staged.plan["counts"]
        summary = (
            f"{counts['documents']} new document(s); versions: {counts['create']} new, "
            f"{counts['amend']} amendment(s), {counts['update']} corrected, "
            f"{counts['unchanged']} unchanged"
        )
        if dry_run or not (counts["versions"] or counts["documents"]):
            provision_import_discard(by=actor, staged=staged)
            self.stdout.write(f"{'Would import' if dry_run else 'Nothing to import'}: {summary}.")
            return
        try:
            staged = provision_import_apply(by=actor, staged=staged)
        except DomainError as exc:
            staged.refresh_from_db()
            self._errors(staged)
            raise CommandError(f"{exc.render()}") from exc
        self.stdout.write(f"Imported: {summary}. Pending verification by another legal officer.")

    def _errors(self, staged) -> None:
        language = "en" if (translation.get_language() or "").startswith("en") else "vi"
        for error in staged.errors:
            where = f"{error['sheet']} row {error['row']}"
            if error["field"]:
                where += f", {error['field']}"
            message = error["messages"].get(language) or error["messages"]["vi"]
            self.stderr.write(f"{where}: {message}")
