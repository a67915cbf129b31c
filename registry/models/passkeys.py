"""Passkeys and security keys (WebAuthn), a second factor beside TOTP
(registry/passkeys.py holds the ceremonies, docs/second-factor.md the rules)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, DeviceManager

from registry.models.scoping import ScopedQuerySet


class PasskeyManager(DeviceManager.from_queryset(ScopedQuerySet)):
    pass


class PasskeyDevice(Device):
    """One credential a user's authenticator made for this site: a passkey on a phone or
    computer, or a security key. A django-otp device, so that `devices_for_user` lists
    it and a session verified with it is a verified session; it has no codes to type,
    and signs in through a WebAuthn assertion instead (`verify_token` refuses all)."""

    kind = "passkey"  # registry.second_factor.device_kind

    # base64url, as browsers and py_webauthn write it; at most 1023 bytes (WebAuthn).
    credential_id = models.CharField(_("mã khóa"), max_length=1400, unique=True)
    # COSE_Key as the authenticator sent it.
    public_key = models.BinaryField(_("khóa công khai"))
    sign_count = models.PositiveBigIntegerField(_("số lần ký"), default=0)
    # What the browser reported at registration (usb, nfc, ble, internal, hybrid):
    # handed back at sign-in so that the browser offers the right way to reach the key.
    transports = models.JSONField(_("cách kết nối"), default=list, blank=True)
    created_at = models.DateTimeField(_("ngày thêm"), default=timezone.now)
    last_used_at = models.DateTimeField(_("lần dùng gần nhất"), null=True, blank=True)

    # A user's keys are theirs alone.
    scope_owner_field = "user"
    objects = PasskeyManager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("khóa truy cập (passkey)")
        verbose_name_plural = _("khóa truy cập (passkey)")

    def is_interactive(self) -> bool:
        return False

    def verify_token(self, token) -> bool:
        # A passkey answers a challenge with a signature, never with a typed code.
        return False
