"""Passkey pages, and the JSON steps of the two WebAuthn ceremonies the page's script
(static/js/passkeys.js) runs: adding a key from /account/security/, and using it as the
second step of signing in. The rules are in registry/passkeys.py.

Each ceremony is two POSTs: the options (a fresh challenge, kept in the session), then
the browser's answer, checked against that challenge once (it is taken out of the
session either way). Both are CSRF-protected like any form post.
"""

import json
import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from webauthn import base64url_to_bytes
from webauthn.helpers import bytes_to_base64url

from registry import factors, passkeys, second_factor
from registry.errors import (
    DomainError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    error_body,
)
from registry.forms import add_domain_errors
from registry.login_throttle import LoginLocked, locked_error, login_wait
from registry.passkey_forms import PasskeyNameForm, PasskeyRemoveForm
from registry.security_views import (
    NEW_CODES_SESSION_KEY,
    confirm_identity,
    recent_step_page,
    safe_next_url,
)

REGISTRATION_KEY = "passkey_registration"
LOGIN_KEY = "passkey_login"
EXPIRED = gettext_lazy("Đã quá thời gian chờ khóa. Hãy bấm nút để thử lại.")
RECENT_STEP_REQUIRED = gettext_lazy(
    "Lần xác thực bước hai gần nhất đã quá lâu. Hãy tải lại trang và nhập lại mật khẩu "
    "hoặc một mã xác thực hiện tại trước khi thêm khóa."
)


def _json_error(error: DomainError) -> JsonResponse:
    response = JsonResponse(
        error_body(error), status=error.status, json_dumps_params={"ensure_ascii": False}
    )
    if getattr(error, "retry_after", None):
        response["Retry-After"] = str(error.retry_after)
    return response


def _remember(request, key: str, challenge: bytes) -> None:
    request.session[key] = {"challenge": bytes_to_base64url(challenge), "at": time.time()}


def _recall(request, key: str) -> bytes:
    """The ceremony's challenge, used once; refused once the browser's time is up."""
    kept = request.session.pop(key, None)
    if not kept or time.time() - kept["at"] > passkeys.TIMEOUT_SECONDS:
        raise InvalidInput(EXPIRED, code="passkey_expired")
    return base64url_to_bytes(kept["challenge"])


def _body(request) -> dict:
    try:
        body = json.loads(request.body)
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise InvalidInput(code="invalid_json")
    return body


def _device(request, device_id: int):
    try:
        return passkeys.passkey_get(user=request.user, device_id=device_id)
    except NotFound as exc:
        raise Http404 from exc


# Adding a key


@login_required
@require_http_methods(["GET", "POST"])
def passkey_new(request):
    """The page that adds a key. Its script does the work; a form that reaches the
    server by itself came from a browser without it, and is told so."""
    confirmation = recent_step_page(request)
    if confirmation is not None:
        return confirmation
    count = passkeys.passkey_list(user=request.user).count()
    form = PasskeyNameForm(
        request.POST or None, initial={"name": _("Khóa %(n)s") % {"n": count + 1}}
    )
    status = 200
    if request.method == "POST":
        form.add_error(
            None,
            _(
                "Trình duyệt này chưa chạy được bước thêm khóa (cần JavaScript và hỗ trợ "
                "khóa truy cập). Hãy dùng ứng dụng xác thực thay thế."
            ),
        )
        status = 400
    return render(
        request,
        "registry/security/passkey_new.html",
        {"form": form, "verified": second_factor.session_verified(request.user)},
        status=status,
    )


@login_required
@require_POST
def passkey_new_options(request):
    if second_factor.recent_step_required(request):
        return _json_error(_recent_step_error())
    rp = passkeys.relying_party(request)
    options, challenge = passkeys.passkey_registration_options(user=request.user, rp=rp)
    _remember(request, REGISTRATION_KEY, challenge)
    return JsonResponse(options)


@login_required
@require_POST
def passkey_new_verify(request):
    user = request.user
    if second_factor.recent_step_required(request):
        return _json_error(_recent_step_error())
    try:
        body = _body(request)
        device = passkeys.passkey_register(
            user=user,
            rp=passkeys.relying_party(request),
            challenge=_recall(request, REGISTRATION_KEY),
            credential=body.get("credential"),
            name=str(body.get("name") or ""),
        )
    except DomainError as error:
        return _json_error(error)
    if second_factor.session_verified(user):
        # Still verified, now also with the new key.
        otp_login(request, device)
    else:
        # A first factor, enrolled right after the password: the key just proved itself.
        second_factor.complete_login(request, device)
    messages.success(
        request,
        _("Đã thêm khóa “%(name)s”. Từ nay bạn có thể dùng khóa này ở bước hai khi đăng nhập.")
        % {"name": device.name},
    )
    return JsonResponse({"redirect": _after_enrolment(request)})


def _recent_step_error() -> PermissionDenied:
    """An account that has a factor adds a key only within minutes of a second step
    (the page asks for the confirmation first: passkey_new)."""
    return PermissionDenied(RECENT_STEP_REQUIRED, code="recent_second_factor_required")


def _after_enrolment(request) -> str:
    """A first factor gets its recovery codes next, shown once, as the authenticator
    app's does (registry/security_views.py)."""
    user = request.user
    if second_factor.recovery_codes_left(user) == 0:
        request.session[NEW_CODES_SESSION_KEY] = factors.recovery_codes_generate(user=user)
        messages.info(request, _("Hãy lưu các mã khôi phục dưới đây: chúng chỉ hiện một lần."))
        return reverse("account-recovery-codes")
    return reverse("account-security")


# Renaming and removing


@login_required
@require_http_methods(["GET", "POST"])
def passkey_rename(request, device_id: int):
    device = _device(request, device_id)
    form = PasskeyNameForm(request.POST or None, initial={"name": device.name})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                passkeys.passkey_rename(
                    user=request.user, device=device, name=form.cleaned_data["name"]
                )
            except DomainError as error:
                add_domain_errors(form, error)
                status = error.status
            else:
                messages.success(request, _("Đã đổi tên khóa."))
                return redirect("account-security")
    return render(
        request,
        "registry/security/passkey_rename.html",
        {"form": form, "device": device},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def passkey_remove(request, device_id: int):
    """Remove a key, confirmed with the password or a current code (so that a session
    left open is not enough to take a factor away)."""
    device = _device(request, device_id)
    form = PasskeyRemoveForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = _remove(request, device, form)
        if status == 302:
            messages.success(
                request, _("Đã gỡ khóa “%(name)s” khỏi tài khoản.") % {"name": device.name}
            )
            return redirect("account-security")
    others = [d for d in second_factor.enrolled_devices(request.user) if d != device]
    response = render(
        request,
        "registry/security/passkey_remove.html",
        {
            "device": device,
            "form": form,
            "last": not others,
            "required": second_factor.factor_required(request.user),
        },
        status=status,
    )
    if status == 429:
        response["Retry-After"] = str(form.locked.retry_after)
    return response


def _remove(request, device, form) -> int:
    status = confirm_identity(request, form)
    if status != 200:
        return status
    try:
        passkeys.passkey_remove(user=request.user, device=device)
    except DomainError as error:
        form.add_error(None, error.render())
        return error.status
    return 302


# The second step of signing in


@login_required
@require_POST
def passkey_login_options(request):
    rp = passkeys.relying_party(request)
    try:
        # A locked account is not even given a challenge (nothing is reserved: no
        # secret is checked here).
        login_wait(request.user.get_username(), request.network_key)
        options, challenge = passkeys.passkey_login_options(user=request.user, rp=rp)
    except LoginLocked as locked:
        return _json_error(locked_error(locked))
    except DomainError as error:
        return _json_error(error)
    _remember(request, LOGIN_KEY, challenge)
    return JsonResponse(options)


@login_required
@require_POST
def passkey_login_verify(request):
    try:
        body = _body(request)
        device = passkeys.passkey_authenticate(
            user=request.user,
            rp=passkeys.relying_party(request),
            challenge=_recall(request, LOGIN_KEY),
            credential=body.get("credential"),
            network_key=request.network_key,
        )
    except LoginLocked as locked:
        return _json_error(locked_error(locked))
    except DomainError as error:
        return _json_error(error)
    second_factor.complete_login(request, device)
    messages.success(request, _("Đã xác thực bước hai. Chào mừng bạn trở lại."))
    next_url = safe_next_url(request, str(body.get("next") or ""))
    return JsonResponse({"redirect": next_url or reverse("home")})
