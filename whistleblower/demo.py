"""The demo's vault keys (`make run`), connected to registry's seed_demo."""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from registry.models import User
from whistleblower import crypto
from whistleblower.models import StaffKey
from whistleblower.vault import is_key_holder, recovery_public_key


def demo_vault_keys(sender, *, passwords: dict[str, str], stdout, **kwargs) -> None:
    """Key pairs locked with the demo users' new passwords, so that the demo's custodian
    and handlers can use the identity vault at once; identities already filed are
    re-sealed to them from the development recovery key."""
    recovery_public_key()  # creates the development recovery key pair if missing
    for username, password in passwords.items():
        user = User.objects.get(username=username)
        if not is_key_holder(user):
            continue
        pair = crypto.generate_keypair()
        StaffKey.objects.update_or_create(
            user=user,
            defaults={
                "public_key": pair.public,
                "locked_private_key": crypto.lock_private_key(pair.private, password),
                "fingerprint": crypto.fingerprint(pair.public),
            },
        )
    dev_key = Path(settings.VAR_DIR) / "vault-recovery-DEVELOPMENT-ONLY.pem"
    call_command("vault_rewrap", recovery_key=dev_key, stdout=stdout)
