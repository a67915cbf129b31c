"""Seal every identity's data key, from the offline recovery key, to everyone who should
open it but cannot yet: a new custodian, a custodian whose key was replaced (password
reset, vault_retire_staff_key), the handler of a grant still open whose key was
replaced. Run on a trusted machine; the key file is read, never stored."""

from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from whistleblower import crypto, rotation


class Command(BaseCommand):
    help = "Re-seal identities for custodians (and open grants) from the offline recovery key."

    def add_arguments(self, parser):
        parser.add_argument("--recovery-key", type=Path, required=True)

    def handle(self, *args, recovery_key: Path, **options):
        private = rotation.read_private_key(recovery_key)
        fingerprint = crypto.fingerprint(crypto.public_key_of(private))
        ids = rotation.identity_ids()
        if ids and not rotation.sealed_to(fingerprint):
            raise CommandError(
                f"No identity is sealed to the recovery key {fingerprint}: "
                f"is {recovery_key} the right file?"
            )
        counts = Counter(dict.fromkeys(rotation.OUTCOMES, 0))
        # Per recipient ("custodian cora <fingerprint>"): how many data keys were sealed.
        sealed_to = Counter()
        with rotation.audited_run(
            "vault.rewrap", recovery_key=fingerprint, identities=counts, sealed_to=sealed_to
        ):
            for identity_id in ids:
                outcome, sealed = rotation.identity_rewrap(
                    identity_id=identity_id, recovery_private=private
                )
                if outcome == rotation.MISSING:
                    self.stderr.write(
                        f"Identity #{identity_id} is not sealed to this recovery key; skipped."
                    )
                counts[outcome] += 1
                sealed_to.update(rotation.recipient_label(recipient) for recipient in sealed)
        self.stdout.write(f"Sealed {sum(sealed_to.values())} data keys to custodians and handlers.")
