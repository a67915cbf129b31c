"""Load or update the catalogue of sanctionable acts from a JSON file.

The file has the shape of registry/data/legal_provisions.json. Every item is checked
first; one bad item loads nothing. Each created or changed provision is audited.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from registry.audit import audit_record
from registry.models import LegalProvision, User
from registry.provisions import provision_defaults


class Command(BaseCommand):
    help = "Load or update legal provisions (Decree 119/2017 as amended) from a JSON file."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--by", required=True, help="username of the staff member loading the file"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and report, store nothing"
        )

    def handle(self, *args, file: Path, by: str, dry_run: bool, **options):
        try:
            actor = User.objects.get(username=by, is_active=True)
        except User.DoesNotExist as exc:
            raise CommandError(f"No active user {by!r}.") from exc
        try:
            items = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"{file} cannot be read as JSON: {exc}") from exc
        if not isinstance(items, list):
            raise CommandError(f"{file} must hold a JSON list of provisions.")

        checked, seen = [], set()
        for index, item in enumerate(items, start=1):
            code = item.get("code") if isinstance(item, dict) else None
            try:
                if not code:
                    raise ValueError("missing code")
                if code in seen:
                    raise ValueError("code appears twice in the file")
                checked.append((code, provision_defaults(item)))
                seen.add(code)
            except ValueError as exc:
                raise CommandError(
                    f"Item {index} ({code or '?'}): {exc}. Nothing was loaded."
                ) from exc

        created = changed = unchanged = 0
        with transaction.atomic():
            for code, fields in checked:
                existing = LegalProvision.objects.filter(code=code).first()
                if existing is None:
                    provision = LegalProvision.objects.create(code=code, **fields)
                    created += 1
                    audit_record(
                        actor=actor, action="provision.create", target=provision, changes=fields
                    )
                    continue
                diff = {k: v for k, v in fields.items() if getattr(existing, k) != v}
                if not diff:
                    unchanged += 1
                    continue
                for key, value in diff.items():
                    setattr(existing, key, value)
                existing.save()
                changed += 1
                audit_record(actor=actor, action="provision.change", target=existing, changes=diff)
            if dry_run:
                transaction.set_rollback(True)
        verb = "Would load" if dry_run else "Loaded"
        self.stdout.write(f"{verb}: {created} new, {changed} changed, {unchanged} unchanged.")
