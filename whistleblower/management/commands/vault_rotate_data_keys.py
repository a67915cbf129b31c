"""Re-encrypt every identity under a fresh data key, from the offline recovery key.

Each identity ends up sealed to whom a filing today would seal it to (the custodians of
its unit and of the national body, the recovery key) and to the handlers of grants still
open; anyone else's access ends (whistleblower/rotation.py). The old ciphertext and its
wraps are replaced in one transaction per identity. Use it when a data key or a staff
private key may have been exposed, after retiring that staff key.

A run rotates the data keys made before it started; to finish a run that stopped, run
it again with the --before it printed."""

from collections import Counter
from datetime import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from whistleblower import crypto, rotation


class Command(BaseCommand):
    help = "Re-encrypt every identity under a new data key (needs the recovery key)."

    def add_arguments(self, parser):
        parser.add_argument("--recovery-key", type=Path, required=True)
        parser.add_argument(
            "--before",
            help="rotate only data keys made before this ISO 8601 time (default: now)",
        )

    def handle(self, *args, recovery_key: Path, before=None, **options):
        private = rotation.read_private_key(recovery_key)
        fingerprint = crypto.fingerprint(crypto.public_key_of(private))
        configured = rotation.configured_recovery_fingerprint()
        if fingerprint != configured:
            raise CommandError(
                f"{recovery_key} holds the recovery key {fingerprint}, but "
                f"VAULT_RECOVERY_PUBLIC_KEY is {configured}. Use the configured key; during a "
                "change of recovery key, finish vault_rotate_recovery first."
            )
        cutoff = self._cutoff(before)
        self.stdout.write(
            f"Rotating the data keys made before {cutoff.isoformat()}. If this run stops, "
            f"finish it with --before {cutoff.isoformat()}."
        )
        counts = Counter(dict.fromkeys(rotation.OUTCOMES, 0))
        # Per user name: of how many identities their access ended.
        dropped = Counter()
        with rotation.audited_run(
            "vault.data_key_rotated",
            recovery_key=fingerprint,
            before=cutoff,
            identities=counts,
            dropped=dropped,
        ):
            for identity_id in rotation.identity_ids():
                outcome, ended = rotation.data_key_rotate(
                    identity_id=identity_id, recovery_private=private, before=cutoff
                )
                if outcome == rotation.MISSING:
                    self.stderr.write(
                        f"Identity #{identity_id} is not sealed to this recovery key; skipped."
                    )
                counts[outcome] += 1
                dropped.update(ended)
        self.stdout.write(
            f"Rotated {counts[rotation.CHANGED]} data keys; {counts[rotation.DONE]} were newer; "
            f"{counts[rotation.MISSING]} skipped."
        )

    @staticmethod
    def _cutoff(value: str | datetime | None) -> datetime:
        if value is None:
            return timezone.now()
        moment = value if isinstance(value, datetime) else parse_datetime(str(value).strip())
        if moment is None:
            raise CommandError(f"--before {value!r} is not an ISO 8601 date and time.")
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment
