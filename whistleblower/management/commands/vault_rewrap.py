"""Seal every identity's data key to every active custodian who cannot open it yet (a
new custodian, or one whose key was replaced after a password reset), using the
offline recovery key. Run on a trusted machine; the key file is read, never stored."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from registry.audit import audit_record
from registry.models import Role
from whistleblower import crypto
from whistleblower.models import SealedIdentity, StaffKey, WrappedKey


class Command(BaseCommand):
    help = "Re-seal identities for custodians from the offline recovery key."

    def add_arguments(self, parser):
        parser.add_argument("--recovery-key", type=Path, required=True)

    def handle(self, *args, recovery_key: Path, **options):
        try:
            private = crypto.load_recovery_private(recovery_key.read_text())
        except (OSError, crypto.VaultCryptoError) as exc:
            raise CommandError(f"Cannot read the recovery key: {exc}") from exc
        fingerprint = crypto.fingerprint(crypto.public_key_of(private))
        custodians = list(
            StaffKey.objects.filter(
                user__is_active=True, user__groups__name=Role.IDENTITY_CUSTODIAN
            ).select_related("user", "user__unit")
        )
        added = 0
        for identity in SealedIdentity.objects.select_related("complaint").iterator():
            recovery = identity.wrapped_keys.filter(
                recipient_kind=WrappedKey.Recipient.RECOVERY, recipient_fingerprint=fingerprint
            ).first()
            if recovery is None:
                self.stderr.write(
                    f"Identity #{identity.pk} is not sealed to this recovery key; skipped."
                )
                continue
            data_key = crypto.unseal(bytes(recovery.sealed_key), private)
            with transaction.atomic():
                for key in custodians:
                    # The same rule as at filing: the complaint's unit and the national body.
                    unit = key.user.unit
                    if unit is None or (
                        unit.pk != identity.complaint.unit_id and not unit.is_national
                    ):
                        continue
                    exists = identity.wrapped_keys.filter(
                        recipient=key.user, recipient_fingerprint=key.fingerprint
                    ).exists()
                    if exists:
                        continue
                    WrappedKey.objects.create(
                        identity=identity,
                        recipient_kind=WrappedKey.Recipient.CUSTODIAN,
                        recipient=key.user,
                        recipient_fingerprint=key.fingerprint,
                        sealed_key=crypto.seal(data_key, bytes(key.public_key)),
                    )
                    added += 1
                    audit_record(
                        actor=None,
                        action="vault.rewrap",
                        target=identity.complaint,
                        changes={"custodian": key.user.username},
                    )
        self.stdout.write(f"Sealed {added} data keys to custodians.")
