"""Delete the wraps to a retired recovery key, once the new private key is proven.

The second step after ``vault_rotate_recovery --new-public``, which seals every identity
to the new key but keeps its wrap to the old one. This reads the new private key (on a
trusted machine), and for each identity opens its wrap to the new key and decrypts the
identity with it; only then is the wrap to the old key deleted, one identity per
transaction. A key that opens nothing is refused before anything is deleted.

VAULT_RECOVERY_PUBLIC_KEY must be the new key already: otherwise identities filed from
now on would be sealed to the old key alone."""

from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from whistleblower import crypto, rotation


class Command(BaseCommand):
    help = "Delete the wraps to the old recovery key after proving the new private key."

    def add_arguments(self, parser):
        parser.add_argument("--new-key", type=Path, required=True, help="new private key (PEM)")
        parser.add_argument(
            "--old-fingerprint",
            required=True,
            help="fingerprint of the recovery key to retire (printed by vault_rotate_recovery)",
        )

    def handle(self, *args, new_key: Path, old_fingerprint: str, **options):
        new_private = rotation.read_private_key(new_key, what="new recovery key")
        new_fingerprint = crypto.fingerprint(crypto.public_key_of(new_private))
        old_fingerprint = (old_fingerprint or "").strip()
        if old_fingerprint == new_fingerprint:
            raise CommandError(f"{new_key} is the recovery key {old_fingerprint} itself.")
        configured = rotation.configured_recovery_fingerprint()
        if configured != new_fingerprint:
            raise CommandError(
                f"{new_key} holds the recovery key {new_fingerprint}, but "
                f"VAULT_RECOVERY_PUBLIC_KEY is {configured}. Deploy the new key first; "
                "nothing was deleted."
            )
        ids = rotation.identity_ids()
        if ids and not rotation.sealed_to(new_fingerprint):
            raise CommandError(
                f"No identity is sealed to the recovery key {new_fingerprint}: is {new_key} "
                "the private half of the key given to vault_rotate_recovery? Nothing was deleted."
            )
        if not rotation.sealed_to(old_fingerprint):
            self.stdout.write(f"No identity is sealed to the recovery key {old_fingerprint}.")
            return
        counts = Counter(dict.fromkeys(rotation.OUTCOMES, 0))
        with rotation.audited_run(
            "vault.recovery_retired",
            **{"from": old_fingerprint, "to": new_fingerprint},
            identities=counts,
        ):
            for identity_id in ids:
                try:
                    outcome = rotation.recovery_retire(
                        identity_id=identity_id,
                        new_private=new_private,
                        old_fingerprint=old_fingerprint,
                    )
                except crypto.VaultCryptoError as exc:
                    raise CommandError(
                        f"Identity #{identity_id}: the new key does not open it ({exc}). "
                        "Nothing was deleted for it; stopped."
                    ) from None
                if outcome == rotation.MISSING:
                    self.stderr.write(
                        f"Identity #{identity_id} is not sealed to the new key yet; its wrap to "
                        "the old key is kept."
                    )
                counts[outcome] += 1
        self.stdout.write(
            f"Retired the recovery key {old_fingerprint} from {counts[rotation.CHANGED]} "
            f"identities; {counts[rotation.DONE]} were not sealed to it."
        )
        if counts[rotation.MISSING]:
            self.stdout.write(
                f"{counts[rotation.MISSING]} identities are still sealed to the old key only: "
                "run vault_rotate_recovery again, then this command. Keep the old key until then."
            )
        else:
            self.stdout.write(f"Destroy every copy of the private key {old_fingerprint}.")
        others = rotation.recovery_fingerprints() - {new_fingerprint, old_fingerprint}
        if others:
            # A mistyped --new-public, or an older rotation never finished.
            self.stdout.write(
                f"Identities are also sealed to the recovery key(s) {', '.join(sorted(others))}: "
                "unless they are yours, retire them the same way (--old-fingerprint)."
            )
