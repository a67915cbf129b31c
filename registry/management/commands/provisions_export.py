"""Write the whole legal catalogue to a file: every legal document and every version of
every provision (every status), in the format the import reads
(registry/catalogue_io.py), JSON or XLSX by the file's extension."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from registry import catalogue_io


class Command(BaseCommand):
    help = "Export the legal catalogue (every document and version) to FILE (.json or .xlsx)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        suffix = file.suffix.lower()
        if suffix not in (".json", ".xlsx"):
            raise CommandError(f"{file}: the file name must end in .json or .xlsx.")
        documents, versions = catalogue_io.catalogue_of()
        items = catalogue_io.items_of(documents, versions)
        content = catalogue_io.to_json(items) if suffix == ".json" else catalogue_io.to_xlsx(items)
        try:
            file.write_bytes(content)
        except OSError as exc:
            raise CommandError(f"{file} cannot be written: {exc}") from exc
        self.stdout.write(
            f"Wrote {len(documents)} document(s) and {len(versions)} version(s) to {file}."
        )
