"""The second step of signing in, and the account's security pages (docs/second-factor.md).

The security pages are open to a user who has not passed the second factor only while
they enrol a first factor (registry/second_factor_middleware.py); every other visit to
them comes from a verified session.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from registry import factors
from registry.errors import Conflict
from registry.login_throttle import LOCKED_MESSAGE, LoginLocked, login_check, login_released
from registry.second_factor import (
    SECURITY_PATH,
    check_code,
    complete_login,
    device_kind,
    enrolled_devices,
    factor_required,
    mark_recent_step,
    pending_step,
    recent_step_required,
    recovery_codes_left,
    session_verified,
    totp_device,
)
from registry.security_forms import (
    ConfirmChangeForm,
    ConfirmRemovalForm,
    SecondStepForm,
    TotpConfirmForm,
)

# Where the freshly made recovery codes wait for the one page view that shows them.
NEW_CODES_SESSION_KEY = "second_factor_new_codes"
FEW_CODES_LEFT = 3


def _next_url(request) -> str:
    """The page the user was going to (the form's or the address's `next`)."""
    return safe_next_url(request, request.POST.get("next") or request.GET.get("next") or "")


def safe_next_url(request, candidate: str) -> str:
    """`candidate` if it is a page of this site, otherwise ""."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _locked(request):
    """The throttle's lock on this account or network, if any; otherwise the attempt is
    reserved (login_check), to be ended by check_code, complete_login or login_released."""
    try:
        login_check(request.user.get_username(), request.network_key)
    except LoginLocked as locked:
        return locked
    return None


@login_required
@require_http_methods(["GET", "POST"])
def second_step(request):
    """The code from the authenticator app, or a recovery code (passkeys add their own
    button through the include)."""
    next_url = _next_url(request)
    target = pending_step(request.user)
    if target is None:
        return redirect(next_url or "home")
    if target == SECURITY_PATH:
        return redirect("account-security")
    form = SecondStepForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status, device = _check_second_step(request, form)
        if device is not None:
            complete_login(request, device)
            _after_second_step(request, device)
            return redirect(next_url or "home")
    response = render(
        request,
        "registry/security/second_step.html",
        {"form": form, "next": next_url},
        status=status,
    )
    if status == 429:
        response["Retry-After"] = str(form.locked.retry_after)
    return response


def _check_second_step(request, form):
    """(status, device): the device that accepted the form's code, or the error status
    with the error on the form."""
    if not form.is_valid():
        return 400, None
    form.locked = _locked(request)
    if form.locked is not None:
        form.add_error(None, LOCKED_MESSAGE % {"minutes": form.locked.minutes})
        return 429, None
    device = check_code(request.user, form.cleaned_data["code"], request.network_key)
    if device is None:
        form.add_error("code", _("Mã không đúng, đã hết hạn hoặc đã được dùng."))
        return 400, None
    return 200, device


def _after_second_step(request, device) -> None:
    messages.success(request, _("Đã xác thực bước hai. Chào mừng bạn trở lại."))
    if device_kind(device) == "recovery_code":
        left = recovery_codes_left(request.user)
        messages.warning(
            request,
            _(
                "Bạn vừa dùng một mã khôi phục; còn %(left)s mã. Nếu mất ứng dụng xác "
                "thực, hãy thêm lại và tạo bộ mã khôi phục mới tại trang Bảo mật tài khoản."
            )
            % {"left": left},
        )


@login_required
def security(request):
    """The user's factors and what they can do with them."""
    user = request.user
    context = {
        "totp": totp_device(user),
        "recovery_left": recovery_codes_left(user),
        "has_factor": bool(enrolled_devices(user)),
        "required": factor_required(user),
        "verified": session_verified(user),
    }
    return render(request, "registry/security/overview.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def totp(request):
    """Enrol or replace the authenticator app: scan, then prove it with a code."""
    confirmation = recent_step_page(request)
    if confirmation is not None:
        return confirmation
    user = request.user
    form = TotpConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        replacing = totp_device(user) is not None
        device = factors.totp_confirm(user=user, code=form.cleaned_data["code"])
        if device is not None:
            return _totp_confirmed(request, device, replacing)
        form.add_error("code", _("Mã không đúng. Kiểm tra giờ trên điện thoại rồi thử lại."))
    pending = factors.totp_pending(user=user)
    context = {
        "form": form,
        "replacing": totp_device(user) is not None,
        "qr_svg": factors.totp_qr_svg(pending),
        "secret": factors.totp_secret(pending),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "registry/security/totp.html", context, status=status)


def _totp_confirmed(request, device, replacing: bool):
    user = request.user
    if not session_verified(user):
        # The code just typed proves the new factor: this sign-in has passed it.
        complete_login(request, device)
    else:
        # The session stays verified with the new device (the old one is gone).
        otp_login(request, device)
    if replacing:
        messages.success(request, _("Đã thay ứng dụng xác thực. Ứng dụng cũ không còn dùng được."))
        return redirect("account-security")
    messages.success(request, _("Đã thêm ứng dụng xác thực."))
    if recovery_codes_left(user) == 0:
        request.session[NEW_CODES_SESSION_KEY] = factors.recovery_codes_generate(user=user)
        messages.info(
            request,
            _("Hãy lưu các mã khôi phục dưới đây: chúng chỉ hiện một lần."),
        )
        return redirect("account-recovery-codes")
    return redirect("account-security")


@login_required
@require_http_methods(["GET", "POST"])
def totp_remove(request):
    """Remove the authenticator app, confirmed with the password or a current code."""
    user = request.user
    if totp_device(user) is None:
        return redirect("account-security")
    form = ConfirmRemovalForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = _remove_totp(request, form)
        if status == 302:
            messages.success(request, _("Đã gỡ ứng dụng xác thực khỏi tài khoản."))
            return redirect("account-security")
    context = {
        "form": form,
        "last": len(enrolled_devices(user)) == 1,
        "required": factor_required(user),
    }
    response = render(request, "registry/security/totp_remove.html", context, status=status)
    if status == 429:
        response["Retry-After"] = str(form.locked.retry_after)
    return response


def _remove_totp(request, form) -> int:
    status = confirm_identity(request, form)
    if status != 200:
        return status
    try:
        factors.totp_remove(user=request.user)
    except Conflict as exc:
        form.add_error(None, exc.render())
        return 409
    return 302


def confirm_identity(request, form) -> int:
    """Check a confirmation form (the password or a current code, throttled): 200 when it
    confirms, and the session's second step is then recent; otherwise the error status,
    with the error on the form (and `form.locked` when 429)."""
    if not form.is_valid():
        return 400
    form.locked = _locked(request)
    if form.locked is not None:
        form.add_error(None, LOCKED_MESSAGE % {"minutes": form.locked.minutes})
        return 429
    if not _confirms_identity(request, form.cleaned_data["secret"]):
        form.add_error("secret", _("Mật khẩu hoặc mã không đúng."))
        return 400
    mark_recent_step(request)
    return 200


def recent_step_page(request):
    """None when the user may change their factors now; otherwise the page that asks for
    the password or a current code first (docs/second-factor.md). A change posted
    without it is refused (403); the confirmation, once right, leads back to the page."""
    if not recent_step_required(request):
        return None
    form = ConfirmChangeForm(request.POST if "secret" in request.POST else None)
    status = 200 if request.method == "GET" else 403
    if form.is_bound:
        status = confirm_identity(request, form)
        if status == 200:
            messages.success(request, _("Đã xác nhận. Bạn có thể tiếp tục thay đổi."))
            return redirect(request.path)
    context = {"form": form, "minutes": settings.SECOND_FACTOR_RECENT_SECONDS // 60}
    response = render(request, "registry/security/confirm.html", context, status=status)
    if status == 429:
        response["Retry-After"] = str(form.locked.retry_after)
    return response


def _confirms_identity(request, secret: str) -> bool:
    """The password, or a code from one of the user's factors (used up if it is a
    recovery code). A wrong answer counts as a failed sign-in."""
    user = request.user
    # check_code counts the failure itself.
    if user.check_password(secret) or check_code(user, secret, request.network_key):
        login_released(user.get_username(), request.network_key)
        return True
    return False


@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request):
    """Make a new set of recovery codes (the old set stops working); shown once."""
    confirmation = recent_step_page(request)
    if confirmation is not None:
        return confirmation
    user = request.user
    if request.method == "POST":
        if not enrolled_devices(user):
            messages.error(request, _("Hãy thêm ứng dụng xác thực hoặc khóa truy cập trước."))
            return redirect("account-security")
        request.session[NEW_CODES_SESSION_KEY] = factors.recovery_codes_generate(user=user)
        messages.success(
            request,
            _("Đã tạo bộ mã khôi phục mới; bộ mã cũ không còn dùng được. Hãy lưu các mã dưới đây."),
        )
        return redirect("account-recovery-codes")
    context = {
        "codes": request.session.pop(NEW_CODES_SESSION_KEY, None),
        "left": recovery_codes_left(user),
        "has_factor": bool(enrolled_devices(user)),
    }
    return render(request, "registry/security/recovery_codes.html", context)
