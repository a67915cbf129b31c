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
        private_key_file.write_text(private_pem)
        private_key_file.chmod(0o600)
        self.stdout.write(f"VAULT_RECOVERY_PUBLIC_KEY={public_text}")
        self.stdout.write(f"Fingerprint: {crypto.fingerprint(crypto.decode_public(public_text))}")
        self.stdout.write(f"Private key written to {private_key_file}: move it off-line now.")
