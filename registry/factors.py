"""A staff member's own factors (docs/second-factor.md): the authenticator app (TOTP),
enrolled or replaced once a code from it proves it works; one-time recovery codes; and
removing a factor. Every change is audited and told to the account holder
(second_factor.factor_changed). Passkeys have pages and services of their own."""

from base64 import b32encode

import segno
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry.second_factor import device_remove, factor_changed

RECOVERY_CODE_COUNT = 10
TOTP_NAME = "Ứng dụng xác thực"
RECOVERY_NAME = "Mã khôi phục"


def totp_pending(*, user) -> TOTPDevice:
    """The secret being enrolled: an unconfirmed device, kept until a code from the app
    confirms it (so a reload shows the same QR code)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def totp_secret(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into the app by hand."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_qr_svg(device: TOTPDevice) -> str:
    """The app's set-up link as an inline SVG QR code."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=4, title=str(_("Mã QR để thêm tài khoản vào ứng dụng xác thực"))
    )


@transaction.atomic
def totp_confirm(*, user, code: str) -> TOTPDevice | None:
    """Confirm the pending secret with a code from the app: it becomes the user's TOTP
    device, replacing the previous one. None if the code is wrong (nothing changes)."""
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, confirmed=False)
        .order_by("-pk")
        .first()
    )
    if device is None or not device.verify_token("".join(code.split())):
        return None
    previous = TOTPDevice.objects.filter(user=user, confirmed=True)
    action = "replaced" if previous.exists() else "enrolled"
    previous.delete()
    TOTPDevice.objects.filter(user=user, confirmed=False).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    factor_changed(user=user, by=user, action=action, kind="totp")
    return device


@transaction.atomic
def recovery_codes_generate(*, user) -> list[str]:
    """A new set of one-time recovery codes; the previous set stops working. The codes
    are returned to be shown once."""
    device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    action = "replaced" if device is not None else "enrolled"
    if device is None:
        device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    device.token_set.all().delete()
    codes = _distinct_codes(RECOVERY_CODE_COUNT)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    factor_changed(user=user, by=user, action=action, kind="recovery_code")
    return codes


def _distinct_codes(count: int) -> list[str]:
    codes: set[str] = set()
    while len(codes) < count:
        codes.add(StaticToken.random_token())
    return sorted(codes)


@transaction.atomic
def totp_remove(*, user) -> None:
    """Remove the user's authenticator app. Refused (409) when the role policy requires a
    factor and it is the last one; the recovery codes go with the last factor."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    if device is None:
        return
    device_remove(user=user, device=device, kind="totp")
