"""The code a demo user's authenticator app would show now (development only), so that
`make run` can be tried without a phone: `manage.py demo_otp_code lanhdao.hn`."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Print a demo user's current second-factor code (development only)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        if settings.PRODUCTION:
            raise CommandError("demo_otp_code refuses to run with APP_PROFILE=production.")
        device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
        if device is None:
            raise CommandError(f"{username} has no authenticator app (run seed_demo first).")
        code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
        seconds_left = device.step - int(time.time() - device.t0) % device.step
        self.stdout.write(f"{code:0{device.digits}d}")
        self.stderr.write(
            f"Valid for about {seconds_left} s more; a code is accepted once, so after using "
            "it wait for the next one."
        )
