"""Retire a staff member's vault key pair (a lost device, a password that may be known,
a private key that may have been copied).

The key and every data key sealed to it are deleted, with the object permissions of the
grants they served. The identities stay sealed to the recovery key and to the other
custodians: none is lost. Unless --keep-password is given, the password is made unusable
too (which also ends the person's sessions): a new key pair locked with a password that
may be known would be as exposed as the old one. Then:

1. an administrator sets a new password (manage.py changepassword USERNAME);
2. the person logs in, which creates a new key pair;
3. manage.py vault_rewrap --recovery-key FILE seals the identities (and open grants) to it;
4. if the old private key may have been copied, manage.py vault_rotate_data_keys, so
   that a copy of the data keys it opened opens nothing stored from then on."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from registry.audit import audit_record
from whistleblower import vault
from whistleblower.models import SealedIdentity, StaffKey, WrappedKey


class Command(BaseCommand):
    help = "Retire a staff member's vault key; their next login makes a new one."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--reason", required=True, help="for the audit log")
        parser.add_argument(
            "--keep-password",
            action="store_true",
            help="leave the password usable (only if it cannot be known to anyone else)",
        )

    def handle(self, *args, username: str, reason: str, keep_password: bool = False, **options):
        reason = (reason or "").strip()
        if len(reason) < 5:
            raise CommandError("Give the reason (--reason), for the audit log.")
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        with transaction.atomic():
            if not StaffKey.objects.filter(user=user).exists():
                raise CommandError(f"{username} has no vault key.")
            # Only the recovery key could give such an identity back: refuse to lose it.
            orphaned = (
                SealedIdentity.objects.filter(wrapped_keys__recipient=user)
                .exclude(wrapped_keys__recipient_kind=WrappedKey.Recipient.RECOVERY)
                .distinct()
                .count()
            )
            if orphaned:
                raise CommandError(
                    f"{orphaned} identities sealed to {username} are sealed to no recovery "
                    "key; nothing was changed."
                )
            fingerprint, deleted = vault.staff_key_retire(user=user)
            if not keep_password:
                user.set_unusable_password()
                user.save(update_fields=["password"])
            audit_record(
                actor=None,
                action="vault.key_retired",
                target=user,
                changes={
                    "fingerprint": fingerprint,
                    "reason": reason,
                    "sealed_keys": deleted,
                    "password_reset": not keep_password,
                },
            )
        self.stdout.write(f"Retired {username}'s key {fingerprint}; {deleted} sealed keys deleted.")
        if not keep_password:
            self.stdout.write(f"Set a new password: manage.py changepassword {username}.")
        self.stdout.write(
            "After their next login: manage.py vault_rewrap --recovery-key FILE "
            "(and vault_rotate_data_keys if the old private key may have been copied)."
        )
