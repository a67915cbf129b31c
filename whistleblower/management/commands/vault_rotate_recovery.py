"""Move every identity from the old offline recovery key to a new one.

Each identity's data key is unsealed with the old private key and sealed to the new
public key, in one transaction per identity (whistleblower/rotation.py says why): a run
that stops halfway is simply run again. The wrap to the old key is deleted only once the
new one has been opened with the new private key:

* --new-key FILE (the new private PEM): each new wrap is opened, then the old one goes;
* --new-public KEY (the private half must not come near this machine): both wraps are
  kept. Once VAULT_RECOVERY_PUBLIC_KEY is the new key, ``vault_retire_recovery --new-key
  FILE --old-fingerprint FP`` opens every new wrap and only then deletes the old ones, so
  a wrong public key loses nothing.

Then set VAULT_RECOVERY_PUBLIC_KEY to the new key (if not done before), run this again
to catch identities filed meanwhile, and destroy every copy of the old private key."""

from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from whistleblower import crypto, rotation


class Command(BaseCommand):
    help = "Re-seal every identity from the old recovery key to a new one."

    def add_arguments(self, parser):
        parser.add_argument("--old-key", type=Path, required=True, help="old private key (PEM)")
        new = parser.add_mutually_exclusive_group(required=True)
        new.add_argument("--new-key", type=Path, help="new private key (PEM), to verify")
        new.add_argument("--new-public", help="new public key (x25519:...) or a file holding it")

    def handle(self, *args, old_key: Path, new_key=None, new_public=None, **options):
        old_private = rotation.read_private_key(old_key, what="old recovery key")
        new_private = None
        if new_key is not None:
            new_private = rotation.read_private_key(Path(new_key), what="new recovery key")
            new_public_raw = crypto.public_key_of(new_private)
        elif new_public is not None:
            new_public_raw = rotation.read_public_key(new_public)
        else:
            raise CommandError("Give the new recovery key: --new-key FILE or --new-public KEY.")
        old_fingerprint = crypto.fingerprint(crypto.public_key_of(old_private))
        new_fingerprint = crypto.fingerprint(new_public_raw)
        if old_fingerprint == new_fingerprint:
            raise CommandError("The old and the new recovery key are the same key.")
        ids = rotation.identity_ids()
        if ids and not (rotation.sealed_to(old_fingerprint) or rotation.sealed_to(new_fingerprint)):
            raise CommandError(
                f"No identity is sealed to the recovery key {old_fingerprint}: "
                f"is {old_key} the right file?"
            )
        verified = new_private is not None
        self.stdout.write(f"Recovery key {old_fingerprint} -> {new_fingerprint}.")
        counts = Counter(dict.fromkeys(rotation.OUTCOMES, 0))
        with rotation.audited_run(
            "vault.recovery_rotated",
            **{"from": old_fingerprint, "to": new_fingerprint, "verified": verified},
            identities=counts,
        ):
            for identity_id in ids:
                try:
                    outcome = rotation.recovery_rotate(
                        identity_id=identity_id,
                        old_private=old_private,
                        new_public=new_public_raw,
                        new_private=new_private,
                    )
                except crypto.VaultCryptoError as exc:
                    raise CommandError(
                        f"Identity #{identity_id}: {exc} Nothing was changed for it; stopped."
                    ) from None
                if outcome == rotation.MISSING:
                    self.stderr.write(
                        f"Identity #{identity_id} is sealed to neither recovery key; skipped."
                    )
                counts[outcome] += 1
        if verified:
            self.stdout.write(
                f"Moved {counts[rotation.CHANGED]} identities to the new recovery key; "
                f"{counts[rotation.DONE]} were already on it; {counts[rotation.MISSING]} skipped."
            )
        else:
            self.stdout.write(
                f"Sealed {counts[rotation.CHANGED]} identities to the new recovery key as well; "
                f"{counts[rotation.DONE]} were already sealed to it; "
                f"{counts[rotation.MISSING]} skipped."
            )
            if rotation.sealed_to(old_fingerprint):
                self.stdout.write(
                    "The wraps to the old key are kept until the new private key is proven: "
                    "once VAULT_RECOVERY_PUBLIC_KEY is the new key, run manage.py "
                    f"vault_retire_recovery --new-key FILE --old-fingerprint {old_fingerprint}."
                )
        if rotation.configured_recovery_fingerprint() != new_fingerprint:
            self.stdout.write(
                "VAULT_RECOVERY_PUBLIC_KEY is not the new key yet: until it is, new identities "
                f"are sealed to the old one. Set it to the new key ({new_fingerprint}), "
                "then run this command again."
            )
