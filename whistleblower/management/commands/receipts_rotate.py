"""Re-key every stored receipt digest to the current RECEIPT_KEY (complaints/receipts.py).

Run after deploying a new RECEIPT_KEY with a higher RECEIPT_KEY_VERSION, the previous
key kept in RECEIPT_OLD_KEYS. Each digest is wrapped under the newer keys, so that a
database dump plus an old key no longer tests any guess; receipts keep opening, since
the lookup computes the same chain. Batches commit on their own: a run that stops is
run again, and a run with nothing left to do changes nothing."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from complaints import receipts
from complaints.models import Complaint


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
        rekeyed = 0
        while batch := receipts.rekey_batch(limit=batch_size):
            rekeyed += batch
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
