"""A second factor for staff (docs/second-factor.md).

Who must have one is a role policy (`factor_required`); whoever has an enrolled device
signs in with it too (`needs_second_step`). The devices are django-otp's: TOTP, one-time
recovery codes (a StaticDevice, never a way in on its own list) and passkeys
(registry.models.PasskeyDevice). A session has passed the second factor once
`complete_login` ran: django-otp then marks it verified (`request.user.is_verified()`),
and `second_factor_passed` lets the vault unlock the user's key.

Wrong codes count as failed sign-ins (registry/login_throttle.py), so guessing codes is
throttled with the passwords.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry.audit import audit_record
from registry.login_throttle import login_failed, login_succeeded
from registry.models import Role
from registry.services import notification_send

# Sent inside complete_login with request=, user=, device= (the vault unlocks the key).
second_factor_passed = Signal()

SECURITY_PATH = "/account/security/"
CHANGE_ACTIONS = ("enrolled", "replaced", "removed", "reset")


def required_roles() -> set[str]:
    """The roles whose members must sign in with a second factor: in production every
    role but the deployment's opt-outs, elsewhere settings.SECOND_FACTOR_ROLES."""
    if settings.PRODUCTION:
        return set(Role.values) - set(settings.SECOND_FACTOR_OPTOUT_ROLES)
    return set(settings.SECOND_FACTOR_ROLES)


def validate_policy() -> None:
    """Refuse role names that are no role: a typo must not silently drop a requirement."""
    for setting in ("SECOND_FACTOR_ROLES", "SECOND_FACTOR_OPTOUT_ROLES"):
        unknown = sorted(set(getattr(settings, setting)) - set(Role.values))
        if unknown:
            raise ImproperlyConfigured(
                f"{setting} names unknown roles: {', '.join(unknown)} "
                f"(roles: {', '.join(Role.values)})."
            )


def factor_required(user) -> bool:
    """Whether the role policy requires this user to have a second factor. A superuser
    counts as an administrator."""
    if not user.is_authenticated:
        return False
    required = required_roles()
    if user.is_superuser and Role.ADMIN in required:
        return True
    return any(role in required for role in user.role_names)


def enrolled_devices(user) -> list:
    """The confirmed devices the user signs in with (TOTP, passkeys); recovery codes are
    a fallback, not a factor of their own."""
    return [
        device
        for device in devices_for_user(user, confirmed=True)
        if not isinstance(device, StaticDevice)
    ]


def needs_second_step(user) -> bool:
    return user.is_authenticated and (factor_required(user) or bool(enrolled_devices(user)))


def is_verified(request) -> bool:
    """Whether this request's user passed the second factor, or needs none."""
    user = request.user
    verified = getattr(user, "is_verified", None)
    return (verified is not None and verified()) or not needs_second_step(user)


def totp_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def recovery_device(user) -> StaticDevice | None:
    return StaticDevice.objects.devices_for_user(user, confirmed=True).first()


def recovery_codes_left(user) -> int:
    device = recovery_device(user)
    return device.token_set.count() if device else 0


def check_code(user, code: str, network_key: str):
    """The device that accepts `code` (a TOTP code or a recovery code, used up), or None;
    a wrong code counts as a failed sign-in."""
    code = "".join(code.split()).lower()
    device = match_token(user, code) if code else None
    if device is None:
        login_failed(user.get_username(), network_key)
    return device


def device_kind(device) -> str:
    if isinstance(device, TOTPDevice):
        return "totp"
    if isinstance(device, StaticDevice):
        return "recovery_code"
    return getattr(device, "kind", type(device).__name__.lower())


def complete_login(request, device) -> None:
    """Mark the session as having passed the second factor with `device`."""
    user = request.user
    request.session.cycle_key()
    otp_login(request, device)
    with transaction.atomic():
        audit_record(
            actor=user,
            action="login.second_factor",
            target=user,
            changes={"kind": device_kind(device)},
        )
    login_succeeded(user.get_username(), request.network_key)
    second_factor_passed.send(sender=complete_login, request=request, user=user, device=device)


def _kind_label(kind: str) -> str:
    labels = {
        "totp": _("ứng dụng xác thực (mã TOTP)"),
        "recovery_code": _("mã khôi phục"),
        "passkey": _("khóa truy cập (passkey)"),
    }
    return labels.get(kind, kind)


def factor_changed(*, user, by, action: str, kind: str) -> None:
    """Audit a change to the user's factors and tell the account holder, who must act at
    once if it was not them."""
    if action not in CHANGE_ACTIONS:
        raise ValueError(f"Unknown factor change: {action}")
    subjects = {
        "enrolled": _("Một yếu tố xác thực mới đã được thêm vào tài khoản của bạn"),
        "replaced": _("Một yếu tố xác thực của tài khoản của bạn đã được thay"),
        "removed": _("Một yếu tố xác thực đã bị gỡ khỏi tài khoản của bạn"),
        "reset": _("Các yếu tố xác thực của tài khoản của bạn đã được đặt lại"),
    }
    body = _(
        "Thay đổi: %(kind)s. Nếu không phải bạn làm việc này, hãy báo ngay cho quản trị "
        "viên của đơn vị và đổi mật khẩu."
    ) % {"kind": _kind_label(kind)}
    with transaction.atomic():
        audit_record(
            actor=by,
            action=f"second_factor.{action}",
            target=user,
            changes={"kind": kind},
        )
        notification_send(
            recipient=user, subject=subjects[action], body=body, link=SECURITY_PATH
        )


validate_policy()
