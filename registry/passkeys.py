"""Passkeys and security keys (WebAuthn) as a second factor (docs/second-factor.md).

A user adds a key from /account/security/ (registration: the browser's authenticator
makes a key pair for this site and sends its public key, which py_webauthn checks), then
signs in with the password and, as the second step, the key (authentication: the
authenticator signs a fresh challenge, which py_webauthn checks against the stored
public key and sign count). Passkeys are never a way in without the password: the
vault unwraps the user's key with the password (whistleblower/vault.py).

The views keep each challenge in the session and pass it back here with the browser's
answer; these services check it, store or update the key, and audit.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http.request import split_domain_port
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from webauthn import (
    base64url_to_bytes,
    generate_authentication_options,
    generate_registration_options,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import (
    bytes_to_base64url,
    options_to_json_dict,
    parse_authentication_credential_json,
    parse_registration_credential_json,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from registry import second_factor
from registry.audit import audit_record
from registry.errors import Conflict, InvalidInput
from registry.login_throttle import login_check, login_failed
from registry.models import PasskeyDevice
from registry.permissions import get_visible

NAME_MAX_LENGTH = PasskeyDevice._meta.get_field("name").max_length
# How long the browser may take (a hint to it); the challenge is refused after as long.
TIMEOUT_SECONDS = 180
# What py_webauthn raises on a malformed or wrong answer (bad base64 is a ValueError).
_REFUSED = (WebAuthnException, ValueError, TypeError)


@dataclass(frozen=True)
class RelyingParty:
    """This site as WebAuthn names it: the domain keys are bound to, and the origins
    (scheme, host, port) the browser may report."""

    id: str
    name: str
    origins: tuple[str, ...]


def relying_party(request) -> RelyingParty:
    """From settings (WEBAUTHN_RP_ID, WEBAUTHN_ORIGINS), else the host the request came
    to, which Django has checked against ALLOWED_HOSTS."""
    host = request.get_host()
    rp_id = settings.WEBAUTHN_RP_ID or split_domain_port(host)[0]
    origins = tuple(settings.WEBAUTHN_ORIGINS) or (f"{request.scheme}://{host}",)
    return RelyingParty(id=rp_id, name=settings.WEBAUTHN_RP_NAME, origins=origins)


def passkey_list(*, user):
    return PasskeyDevice.objects.visible_to(user)


def passkey_get(*, user, device_id: int) -> PasskeyDevice:
    """One of the user's own keys; anyone else's is NotFound."""
    return get_visible(PasskeyDevice.objects.all(), user, pk=device_id)


def _user_handle(user) -> bytes:
    """WebAuthn's user.id: the same for all of a user's keys (so an authenticator keeps
    one passkey per account), but neither the username nor the database id."""
    return salted_hmac("registry.passkeys.user-handle", str(user.pk)).digest()


def _descriptor(device: PasskeyDevice) -> PublicKeyCredentialDescriptor:
    return PublicKeyCredentialDescriptor(
        id=base64url_to_bytes(device.credential_id),
        transports=[AuthenticatorTransport(value) for value in device.transports],
    )


def passkey_registration_options(*, user, rp: RelyingParty) -> tuple[dict, bytes]:
    """The options for navigator.credentials.create() and their challenge (to keep until
    the answer comes). The user's keys are excluded: an authenticator that already holds
    one says so instead of making a second."""
    options = generate_registration_options(
        rp_id=rp.id,
        rp_name=rp.name,
        user_id=_user_handle(user),
        user_name=user.get_username(),
        user_display_name=user.full_name or user.get_username(),
        timeout=TIMEOUT_SECONDS * 1000,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=[_descriptor(device) for device in passkey_list(user=user)],
    )
    return options_to_json_dict(options), options.challenge


def _refused(code: str, message) -> InvalidInput:
    return InvalidInput.field("credential", code, message)


def clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput.field("name", "required", _("Hãy đặt tên cho khóa."))
    if len(name) > NAME_MAX_LENGTH:
        raise InvalidInput.field(
            "name",
            "max_length",
            _("Tên khóa dài tối đa %(limit)s ký tự."),
            {"limit": NAME_MAX_LENGTH},
        )
    return name


def passkey_register(
    *, user, rp: RelyingParty, challenge: bytes, credential: dict | str, name: str
) -> PasskeyDevice:
    """Check the authenticator's answer to `challenge` and keep its key as one of the
    user's factors (audited, the user told)."""
    name = clean_name(name)
    try:
        parsed = parse_registration_credential_json(credential)
        verified = verify_registration_response(
            credential=parsed,
            expected_challenge=challenge,
            expected_rp_id=rp.id,
            expected_origin=list(rp.origins),
        )
    except _REFUSED as exc:
        raise _refused(
            "passkey_invalid",
            _("Trình duyệt không gửi được khóa hợp lệ. Hãy thử lại hoặc dùng ứng dụng xác thực."),
        ) from exc
    try:
        with transaction.atomic():
            device = PasskeyDevice.objects.create(
                user=user,
                name=name,
                credential_id=bytes_to_base64url(verified.credential_id),
                public_key=verified.credential_public_key,
                sign_count=verified.sign_count,
                transports=[t.value for t in parsed.response.transports or []],
            )
            second_factor.factor_changed(user=user, by=user, action="enrolled", kind="passkey")
    except IntegrityError as exc:
        raise Conflict(
            _("Khóa này đã được đăng ký cho một tài khoản."), code="passkey_exists"
        ) from exc
    return device


def passkey_rename(*, user, device: PasskeyDevice, name: str) -> PasskeyDevice:
    name = clean_name(name)
    with transaction.atomic():
        device = PasskeyDevice.objects.select_for_update().get(pk=device.pk, user=user)
        old = device.name
        device.name = name
        device.save(update_fields=["name"])
        audit_record(
            actor=user,
            action="second_factor.renamed",
            target=user,
            changes={"kind": "passkey", "name": [old, name]},
        )
    return device


def passkey_remove(*, user, device: PasskeyDevice) -> None:
    """Remove one of the user's keys. Refused (409) when the role policy requires a
    factor and it is the last one; the recovery codes go with the last factor, as they
    do when the authenticator app is removed (registry/factors.py)."""
    with transaction.atomic():
        device = PasskeyDevice.objects.select_for_update().get(pk=device.pk, user=user)
        second_factor.device_remove(user=user, device=device, kind="passkey")


def passkey_login_options(*, user, rp: RelyingParty) -> tuple[dict, bytes]:
    """The options for navigator.credentials.get(): the user's keys, so the browser asks
    for one of them (the password already named the account)."""
    devices = list(passkey_list(user=user))
    if not devices:
        raise Conflict(_("Tài khoản của bạn chưa có khóa truy cập nào."), code="no_passkey")
    options = generate_authentication_options(
        rp_id=rp.id,
        timeout=TIMEOUT_SECONDS * 1000,
        allow_credentials=[_descriptor(device) for device in devices],
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    return options_to_json_dict(options), options.challenge


def passkey_authenticate(
    *, user, rp: RelyingParty, challenge: bytes, credential: dict | str, network_key: str
) -> PasskeyDevice:
    """The user's key that signed `challenge`, its sign count moved on. Raises
    LoginLocked while sign-in is locked; a wrong answer is a failed sign-in, counted
    like a wrong password."""
    username = user.get_username()
    login_check(username, network_key)
    try:
        return _verify_assertion(user=user, rp=rp, challenge=challenge, credential=credential)
    except InvalidInput:
        # Outside the failed transaction: the count, and any lock's audit, must stay.
        login_failed(username, network_key)
        raise


def _assertion_refused() -> InvalidInput:
    return _refused(
        "passkey_refused",
        _("Khóa không được chấp nhận. Hãy thử lại, hoặc dùng mã từ ứng dụng xác thực."),
    )


def _verify_assertion(*, user, rp, challenge, credential) -> PasskeyDevice:
    try:
        parsed = parse_authentication_credential_json(credential)
    except _REFUSED as exc:
        raise _assertion_refused() from exc
    with transaction.atomic():
        # Locked: two answers carrying the same signature cannot both move the count on.
        device = (
            PasskeyDevice.objects.select_for_update()
            .filter(user=user, credential_id=parsed.id)
            .first()
        )
        if device is None:
            raise _assertion_refused()
        try:
            verified = verify_authentication_response(
                credential=parsed,
                expected_challenge=challenge,
                expected_rp_id=rp.id,
                expected_origin=list(rp.origins),
                credential_public_key=bytes(device.public_key),
                # A count that did not grow means a copied key or a replayed answer.
                credential_current_sign_count=device.sign_count,
            )
        except _REFUSED as exc:
            raise _assertion_refused() from exc
        device.sign_count = verified.new_sign_count
        device.last_used_at = timezone.now()
        device.save(update_fields=["sign_count", "last_used_at"])
    return device
