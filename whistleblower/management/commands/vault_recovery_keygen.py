import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from whistleblower import crypto


class Command(BaseCommand):
    help = "Create the vault recovery key pair; print the public key for settings."

    def add_arguments(self, parser):
        parser.add_argument(
            "private_key_file", type=Path, help="where to write the private key (keep it off-line)"
        )

    def handle(self, *args, private_key_file: Path, **options):
        if private_key_file.exists():
            raise CommandError(f"{private_key_file} exists; refusing to overwrite a recovery key.")
        public_text, private_pem = crypto.recovery_keypair_pem()
        # Created readable by its owner only, from the first byte.
        fd = os.open(private_key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(private_pem)
        self.stdout.write(f"VAULT_RECOVERY_PUBLIC_KEY={public_text}")
        self.stdout.write(f"Fingerprint: {crypto.fingerprint(crypto.decode_public(public_text))}")
        self.stdout.write(f"Private key written to {private_key_file}: move it off-line now.")
