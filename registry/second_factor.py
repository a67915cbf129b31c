"""A second factor for staff (docs/second-factor.md).

Who must have one is a role policy (`factor_required`); whoever has an enrolled device
signs in with it too (`needs_second_step`). The devices are django-otp's: TOTP, one-time
recovery codes (a StaticDevice, never a way in on its own list) and passkeys
(registry.models.PasskeyDevice). A session has passed the second factor once
`complete_login` ran: django-otp then marks it verified (`request.user.is_verified()`),
and `second_factor_passed` lets the vault unlock the user's key. The session also keeps when
its last second step (or confirmation with the password or a code) was: changing an
existing factor asks for a new one once that is older than SECOND_FACTOR_RECENT_SECONDS.

Wrong codes count as failed sign-ins (registry/login_throttle.py), so guessing codes is
throttled with the passwords.
"""

import time

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import device_classes
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry.audit import audit_record
from registry.errors import Conflict, NotAuthenticated
from registry.login_throttle import login_failed, login_released, login_succeeded
from registry.models import Role
from registry.services import notification_send
from registry.signals import second_factor_passed

SECOND_STEP_PATH = "/login/second-factor/"
SECOND_FACTOR_REQUIRED = gettext_lazy(
    "Cần xác thực bước hai: nhập mã từ ứng dụng xác thực, mã khôi phục hoặc dùng khóa truy cập."
)
SECURITY_PATH = "/account/security/"
CHANGE_ACTIONS = ("enrolled", "replaced", "removed", "reset")
# When this session last passed a second step or confirmed the password or a code.
RECENT_STEP_SESSION_KEY = "second_factor_step_at"


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
        for model in device_classes()
        if model is not StaticDevice
        for device in model.objects.devices_for_user(user, confirmed=True)
    ]


def has_enrolled_device(user) -> bool:
    """Whether enrolled_devices(user) would list any, in one query (every request of a
    signed-in user who has not passed the second factor asks)."""
    querysets = [
        model.objects.devices_for_user(user, confirmed=True).values("user_id")
        for model in device_classes()
        if model is not StaticDevice
    ]
    return querysets[0].union(*querysets[1:]).exists()


def needs_second_step(user) -> bool:
    return user.is_authenticated and (factor_required(user) or has_enrolled_device(user))


def session_verified(user) -> bool:
    """Whether this session passed the second factor (django-otp's OTPMiddleware)."""
    verified = getattr(user, "is_verified", None)
    return verified is not None and verified()


def is_verified(request) -> bool:
    """Whether this request's user passed the second factor, or needs none."""
    return session_verified(request.user) or not needs_second_step(request.user)


def mark_recent_step(request) -> None:
    """Remember that this session passed a second step, or confirmed it is the user, now."""
    request.session[RECENT_STEP_SESSION_KEY] = time.time()


def recent_step_required(request) -> bool:
    """Whether changing the user's factors must first be confirmed: the user has a factor
    (a first enrolment needs none) and the session's last step is older than
    SECOND_FACTOR_RECENT_SECONDS, or unknown."""
    if not has_enrolled_device(request.user):
        return False
    at = request.session.get(RECENT_STEP_SESSION_KEY)
    return at is None or time.time() - at > settings.SECOND_FACTOR_RECENT_SECONDS


def pending_step(user) -> str | None:
    """Where a signed-in user who has not passed the second factor must go: the second
    step if they have a factor, enrolment if their role requires one; None if neither."""
    if not user.is_authenticated or session_verified(user):
        return None
    if has_enrolled_device(user):
        return SECOND_STEP_PATH
    if factor_required(user):
        return SECURITY_PATH
    return None


def totp_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def recovery_device(user) -> StaticDevice | None:
    return StaticDevice.objects.devices_for_user(user, confirmed=True).first()


def recovery_codes_left(user) -> int:
    device = recovery_device(user)
    return device.token_set.count() if device else 0


def check_code(user, code: str, network_key: str):
    """The device that accepts `code`, a code from the authenticator app or a recovery
    code (each accepted once), or None; a wrong code counts as a failed sign-in. The
    caller reserved the attempt first (login_check); a wrong code ends the reservation,
    a right one leaves it to the caller."""
    code = "".join(code.split()).replace("-", "").lower()
    device = _verify(user, code) if code else None
    if device is None:
        login_failed(user.get_username(), network_key)
    return device


@transaction.atomic
def _verify(user, code: str):
    # Rows locked, so that two requests cannot both spend the same code.
    for model in (TOTPDevice, StaticDevice):
        for device in model.objects.devices_for_user(user, confirmed=True).select_for_update():
            if device.verify_token(code):
                return device
    return None


def token_second_factor(request, user, code: str | None) -> None:
    """API tokens are issued only past the second factor: for a user who needs it, a code
    in the request (counted by the throttle when wrong), or a verified session of the
    same user. Raises NotAuthenticated with a stable code otherwise. The caller holds
    the password's reservation (login_check): a refusal here ends it."""
    if not needs_second_step(user):
        return
    session_user = request.user
    if session_user.pk == user.pk and session_verified(session_user):
        return
    missing = _missing_for_token(user, code)
    if missing is not None:
        login_released(user.get_username(), request.network_key)
        raise missing
    if check_code(user, code, request.network_key) is None:
        raise NotAuthenticated(
            gettext_lazy("Mã xác thực bước hai không đúng, đã hết hạn hoặc đã được dùng."),
            code="invalid_second_factor",
        )


def _missing_for_token(user, code: str | None) -> NotAuthenticated | None:
    """What the token request lacks before a code can be checked: a factor, or a code."""
    if not enrolled_devices(user):
        return NotAuthenticated(
            gettext_lazy("Hãy đăng nhập trên trang web và thêm yếu tố xác thực thứ hai trước."),
            code="second_factor_enrolment_required",
        )
    if not code:
        return NotAuthenticated(SECOND_FACTOR_REQUIRED, code="second_factor_required")
    return None


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
    mark_recent_step(request)
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
        "all": _("mọi yếu tố xác thực (ứng dụng, khóa truy cập, mã khôi phục)"),
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
        notification_send(recipient=user, subject=subjects[action], body=body, link=SECURITY_PATH)


def device_remove(*, user, device, kind: str) -> None:
    """Remove one of the user's factors, locked by the caller (select_for_update, in a
    transaction). Refused (409) when the role policy requires a factor and it is the last
    one; the recovery codes go with the last factor."""
    remaining = [other for other in enrolled_devices(user) if other != device]
    if not remaining and factor_required(user):
        raise Conflict(
            gettext_lazy(
                "Vai trò của bạn bắt buộc có yếu tố xác thực thứ hai: hãy thêm một yếu tố "
                "khác trước khi gỡ yếu tố cuối cùng."
            ),
            code="last_factor",
        )
    device.delete()
    if not remaining:
        StaticDevice.objects.filter(user=user).delete()
    factor_changed(user=user, by=user, action="removed", kind=kind)


validate_policy()
