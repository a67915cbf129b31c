"""Re-key every stored receipt digest to the current RECEIPT_KEY (complaints/receipts.py).

Run after deploying a new RECEIPT_KEY with a higher RECEIPT_KEY_VERSION, the previous
key kept in RECEIPT_OLD_KEYS. Each digest is wrapped under the newer keys, so that a
database dump plus an old key no longer tests any guess; receipts keep opening, since
the lookup computes the same chain. Batches (consecutive primary key ranges) commit on
their own: a run that stops is run again, and a run with nothing left to do changes
nothing. Before the first batch, the versions the chains will pass through are recorded
in the audit log, for the start-up check that they stay configured
(complaints/checks.py)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count

from complaints import receipts
from complaints.checks import CHAIN_ACTION
from complaints.models import Complaint
from registry.audit import audit_record


class Command(BaseCommand):
    help = "Wrap every receipt digest under the current receipt key."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size: int = 500, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        current = settings.RECEIPT_KEY_VERSION
        usage = self._usage()
        newer = sorted(version for version in usage if version > current)
        if newer:
            raise CommandError(
                f"Receipts are under key version(s) {newer}, above RECEIPT_KEY_VERSION="
                f"{current}: the settings are older than the data. Nothing was changed."
            )
        older = [v for v in usage if v < current and v in settings.RECEIPT_KEYS]
        if older:
            chain = [v for v in sorted(settings.RECEIPT_KEYS) if min(older) <= v <= current]
            with transaction.atomic():
                audit_record(
                    actor=None,
                    action=CHAIN_ACTION,
                    changes={"chain": chain, "to_version": current},
                )
        rekeyed, after = 0, 0
        while older:
            last, changed = receipts.rekey_batch(after=after, limit=batch_size)
            if last is None:
                break
            rekeyed, after = rekeyed + changed, last
        self.stdout.write(f"Re-keyed {rekeyed} receipts to key version {current}.")
        unknown = {v: n for v, n in self._usage().items() if v not in settings.RECEIPT_KEYS}
        for version, count in sorted(unknown.items()):
            self.stderr.write(
                f"{count} receipts are under key version {version}, which is not configured "
                "(RECEIPT_OLD_KEYS): they open nothing until that key is back; left as they are."
            )

    @staticmethod
    def _usage() -> dict[int, int]:
        rows = (
            Complaint.objects.order_by()
            .values("receipt_key_version")
            .annotate(count=Count("pk"))
            .values_list("receipt_key_version", "count")
        )
        return dict(rows)
