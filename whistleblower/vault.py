"""Keys: each staff member's key pair, unlocked only by their own login, and the offline
recovery key. The server keeps a private key usable only while its owner's session
lives, split between the session store and an HttpOnly cookie (crypto.session_split)."""

import base64
import logging
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from guardian.shortcuts import remove_perm

from registry.audit import audit_record
from registry.models import Role
from registry.second_factor import is_verified, needs_second_step
from whistleblower import crypto
from whistleblower.models import StaffKey, WrappedKey

logger = logging.getLogger(__name__)

COOKIE = "msq_vault"
SESSION_KEY = "vault_blob"
PENDING_SESSION_KEY = "vault_blob_pending"
# Roles that may hold or be granted reporters' identities.
KEY_HOLDER_ROLES = (Role.IDENTITY_CUSTODIAN, Role.COMPLAINT_OFFICER, Role.SUPERVISOR)


def recovery_public_key() -> bytes:
    """The offline recovery key's public half, from settings or, in development, a key
    pair kept in VAR_DIR (never acceptable in production)."""
    if settings.VAULT_RECOVERY_PUBLIC_KEY:
        return crypto.decode_public(settings.VAULT_RECOVERY_PUBLIC_KEY)
    if settings.PRODUCTION:
        raise ImproperlyConfigured("VAULT_RECOVERY_PUBLIC_KEY is required in production.")
    public_file = Path(settings.VAR_DIR) / "vault-recovery.pub"
    if not public_file.exists():
        public_text, private_pem = crypto.recovery_keypair_pem()
        private_file = Path(settings.VAR_DIR) / "vault-recovery-DEVELOPMENT-ONLY.pem"
        private_file.write_text(private_pem)
        private_file.chmod(0o600)
        public_file.write_text(public_text)
    return crypto.decode_public(public_file.read_text().strip())


def is_key_holder(user) -> bool:
    return any(user.has_role(role) for role in KEY_HOLDER_ROLES)


@transaction.atomic
def on_login(request, user, password: str, response) -> None:
    """Create the user's key pair on first login; unlock it for this session.

    A key locked with a password that no longer opens it (an administrator reset the
    password) is replaced: identities sealed to the old key need a re-wrap from the
    recovery key or another custodian (manage.py vault_rewrap).
    """
    if not is_key_holder(user):
        return
    key = StaffKey.objects.select_for_update().filter(user=user).first()
    private = None
    if key is not None:
        try:
            private = crypto.unlock_private_key(bytes(key.locked_private_key), password)
        except crypto.WrongPassword:
            audit_record(
                actor=user,
                action="vault.key_replaced",
                target=user,
                changes={"reason": "password_reset"},
            )
            # Wraps sealed to the lost key can never be opened again.
            staff_key_retire(user=user)
            key = None
    if key is None:
        pair = crypto.generate_keypair()
        StaffKey.objects.create(
            user=user,
            public_key=pair.public,
            locked_private_key=crypto.lock_private_key(pair.private, password),
            fingerprint=crypto.fingerprint(pair.public),
        )
        audit_record(
            actor=user,
            action="vault.key_created",
            target=user,
            changes={"fingerprint": crypto.fingerprint(pair.public)},
        )
        private = pair.private
    cookie_key, server_blob = crypto.session_split(private)
    # Until the second factor is passed the key waits under another name, which
    # session_private_key never reads (unlock_after_second_factor moves it).
    pending = needs_second_step(user)
    request.session.pop(PENDING_SESSION_KEY if not pending else SESSION_KEY, None)
    request.session[PENDING_SESSION_KEY if pending else SESSION_KEY] = base64.b64encode(
        server_blob
    ).decode()
    response.set_cookie(
        COOKIE,
        base64.urlsafe_b64encode(cookie_key).decode(),
        max_age=settings.SESSION_COOKIE_AGE,
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Strict",
    )


def staff_key_retire(*, user) -> tuple[str | None, int]:
    """Delete the user's key pair and every data key sealed to it, with the object
    permissions of the disclosure grants those keys served. Returns the retired key's
    fingerprint (None if the user had no key) and how many sealed keys went.

    The identities stay sealed to the recovery key and to other custodians; the user's
    next login creates a new key pair, and `manage.py vault_rewrap` seals to it again.
    The caller records the reason in the audit log, inside its transaction."""
    key = StaffKey.objects.select_for_update().filter(user=user).first()
    wraps = WrappedKey.objects.filter(recipient=user)
    handler_wraps = wraps.filter(recipient_kind=WrappedKey.Recipient.HANDLER)
    for wrap in handler_wraps.select_related("identity"):
        remove_perm("view_sealedidentity", user, wrap.identity)
    deleted = wraps.delete()[0]
    if key is None:
        return None, deleted
    key.delete()
    return key.fingerprint, deleted


def unlock_after_second_factor(sender, request, **kwargs) -> None:
    """registry.second_factor.second_factor_passed: the key the password unlocked is
    usable from now on."""
    blob = request.session.pop(PENDING_SESSION_KEY, None)
    if blob:
        request.session[SESSION_KEY] = blob


def session_private_key(request) -> bytes | None:
    """The logged-in user's private key, if their login unlocked it, the session lives
    and has passed the second factor (for a user who needs one)."""
    if not is_verified(request):
        return None
    blob = request.session.get(SESSION_KEY)
    cookie = request.COOKIES.get(COOKIE)
    if not blob or not cookie:
        return None
    try:
        return crypto.session_join(base64.urlsafe_b64decode(cookie), base64.b64decode(blob))
    except (crypto.VaultCryptoError, ValueError):
        return None
