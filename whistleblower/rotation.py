"""Key rotation for the identity vault: what the vault_* management commands do.

Each key can be replaced without losing any identity:

* the offline recovery key (``recovery_rotate``): every data key is unsealed with the old
  recovery key and sealed to the new one, and only then is the old wrap deleted;
* an identity's data key (``data_key_rotate``): the identity is re-encrypted under a fresh
  data key, sealed to exactly whom a filing today would seal it to, plus the handlers of
  disclosure grants still open. Wraps of anyone else are not carried over: a custodian
  who left the unit or the role, a replaced staff key, an expired grant;
* a staff member's key pair (``vault.staff_key_retire``, then ``identity_rewrap`` once
  their next login has made a new pair).

One transaction per identity, with the identity's row locked. Each commit leaves that
identity openable by the recovery key and its custodians, so a crash between two
identities loses nothing, and a re-run carries on where the last one stopped. An
approval (``disclosure_decide`` locks the same row) never re-seals a data key that is
being replaced. One transaction for the whole vault would keep every identity locked,
and every disclosure waiting, for the whole run, and buy nothing: each identity's state
is valid on its own.

Data keys and identities exist only in these functions' memory. Audit entries name
fingerprints and user names, never content.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from registry.audit import audit_record
from whistleblower import crypto
from whistleblower.models import DisclosureRequest, SealedIdentity, StaffKey, WrappedKey
from whistleblower.services import identity_aad, identity_recipients
from whistleblower.vault import recovery_public_key

RECOVERY = WrappedKey.Recipient.RECOVERY
HANDLER = WrappedKey.Recipient.HANDLER

# What happened to one identity.
CHANGED = "changed"
DONE = "done"  # nothing to do: already in the state the command leads to
MISSING = "missing"  # not sealed to the recovery key given
GONE = "gone"  # deleted since the run began
OUTCOMES = (CHANGED, DONE, MISSING, GONE)


@dataclass(frozen=True)
class Recipient:
    kind: str
    user: object | None
    public: bytes
    expires_at: datetime | None = None

    @property
    def fingerprint(self) -> str:
        return crypto.fingerprint(self.public)

    @property
    def user_id(self) -> int | None:
        return self.user.pk if self.user is not None else None


# --- key files -----------------------------------------------------------------------


def read_private_key(path: Path, *, what: str = "recovery key") -> bytes:
    """A private key from a PEM file made by ``vault_recovery_keygen``; otherwise a
    CommandError that says what is wrong, never what the file holds."""
    try:
        text = Path(path).read_text(encoding="ascii")
    except FileNotFoundError:
        raise CommandError(f"The {what} file {path} does not exist.") from None
    except UnicodeError:
        raise CommandError(f"The {what} file {path} is not a PEM text file.") from None
    except OSError as exc:
        raise CommandError(f"Cannot read the {what} file {path}: {exc.strerror}.") from None
    try:
        return crypto.load_recovery_private(text)
    except crypto.VaultCryptoError as exc:
        raise CommandError(f"The {what} file {path} holds no usable key: {exc}") from None


def read_public_key(value: str) -> bytes:
    """A public key given as its ``x25519:...`` text, or as the path of a file holding it
    (``vault-recovery.pub``, or a note of what ``vault_recovery_keygen`` printed)."""
    text = value.strip()
    if not text.startswith(crypto.PUBLIC_PREFIX):
        try:
            text = Path(value).read_text(encoding="ascii").strip()
        except (OSError, UnicodeError):
            raise CommandError(
                f"{value!r} is neither a public key ({crypto.PUBLIC_PREFIX}...) nor a "
                "readable file holding one."
            ) from None
        text = text.removeprefix("VAULT_RECOVERY_PUBLIC_KEY=")
    try:
        return crypto.decode_public(text)
    except crypto.VaultCryptoError as exc:
        raise CommandError(f"Not a usable public key: {exc}") from None


def configured_recovery_fingerprint() -> str:
    return crypto.fingerprint(recovery_public_key())


def identity_ids() -> list[int]:
    """Every identity, oldest first: the run's work list (ids only, fetched once)."""
    return list(SealedIdentity.objects.order_by("pk").values_list("pk", flat=True))


def sealed_to(fingerprint: str) -> bool:
    """Whether any identity is sealed to the recovery key with this fingerprint."""
    return WrappedKey.objects.filter(
        recipient_kind=RECOVERY, recipient_fingerprint=fingerprint
    ).exists()


# --- recipients ----------------------------------------------------------------------


def current_recipients(identity: SealedIdentity) -> list[Recipient]:
    """Everyone who should be able to open the identity now: whom a filing today would
    seal it to (``identity_recipients``), and each handler whose approved disclosure is
    still open and was sealed to them at approval (the identity existed by then: one
    given later is not extended to an earlier grant), until the grant's expiry."""
    recipients = [
        Recipient(kind, user, public)
        for kind, user, public in identity_recipients(identity.complaint)
    ]
    grants = (
        DisclosureRequest.objects.filter(
            complaint=identity.complaint_id,
            status=DisclosureRequest.Status.APPROVED,
            expires_at__gt=timezone.now(),
            decided_at__gte=identity.created_at,
            requested_by__is_active=True,
        )
        .select_related("requested_by")
        .order_by("-expires_at")
    )
    keys = {
        key.user_id: key
        for key in StaffKey.objects.filter(user__in=[grant.requested_by_id for grant in grants])
    }
    handlers = set()
    for grant in grants:
        key = keys.get(grant.requested_by_id)
        if key is None or grant.requested_by_id in handlers:
            continue
        handlers.add(grant.requested_by_id)
        recipients.append(
            Recipient(HANDLER, grant.requested_by, bytes(key.public_key), grant.expires_at)
        )
    return recipients


def _has_wrap(identity: SealedIdentity, recipient: Recipient) -> bool:
    wraps = identity.wrapped_keys.filter(
        recipient_kind=recipient.kind,
        recipient=recipient.user,
        recipient_fingerprint=recipient.fingerprint,
    )
    if recipient.kind == HANDLER:
        wraps = wraps.filter(expires_at__gt=timezone.now())
    return wraps.exists()


def _seal_to(identity: SealedIdentity, data_key: bytes, recipient: Recipient) -> None:
    if recipient.kind == HANDLER:
        # A former wrap of the same handler (an expired one, or to a replaced key) gives
        # way, as at approval.
        identity.wrapped_keys.filter(recipient_kind=HANDLER, recipient=recipient.user).delete()
        assign_perm("view_sealedidentity", recipient.user, identity)
    WrappedKey.objects.create(
        identity=identity,
        recipient_kind=recipient.kind,
        recipient=recipient.user,
        recipient_fingerprint=recipient.fingerprint,
        sealed_key=crypto.seal(data_key, recipient.public),
        expires_at=recipient.expires_at,
    )


def _locked(identity_id: int) -> SealedIdentity | None:
    return (
        SealedIdentity.objects.select_for_update(of=("self",))
        .select_related("complaint__unit")
        .filter(pk=identity_id)
        .first()
    )


def _recovery_wrap(identity: SealedIdentity, fingerprint: str) -> WrappedKey | None:
    return identity.wrapped_keys.filter(
        recipient_kind=RECOVERY, recipient_fingerprint=fingerprint
    ).first()


# --- one identity at a time ----------------------------------------------------------


def identity_rewrap(*, identity_id: int, recovery_private: bytes) -> tuple[str, list[Recipient]]:
    """Seal the identity's data key, from the recovery key, to every current recipient
    who cannot open it yet: a new custodian, a custodian or handler whose key was
    replaced. Returns the outcome and whom it was sealed to."""
    fingerprint = crypto.fingerprint(crypto.public_key_of(recovery_private))
    with transaction.atomic():
        identity = _locked(identity_id)
        if identity is None:
            return GONE, []
        wrap = _recovery_wrap(identity, fingerprint)
        if wrap is None:
            return MISSING, []
        missing = [
            recipient
            for recipient in current_recipients(identity)
            if recipient.kind != RECOVERY and not _has_wrap(identity, recipient)
        ]
        if not missing:
            return DONE, []
        data_key = crypto.unseal(bytes(wrap.sealed_key), recovery_private)
        for recipient in missing:
            _seal_to(identity, data_key, recipient)
            audit_record(
                actor=None,
                action="vault.rewrap",
                target=identity.complaint,
                changes={recipient.kind: recipient.user.username, "key": recipient.fingerprint},
            )
    return CHANGED, missing


def recovery_rotate(
    *,
    identity_id: int,
    old_private: bytes,
    new_public: bytes,
    new_private: bytes | None = None,
) -> str:
    """Seal the identity's data key to the new recovery key, then delete its wrap to the
    old one. With ``new_private``, the new wrap is opened before the old one goes.

    DONE when the identity is sealed to the new key and not to the old (a re-run, or
    filed after VAULT_RECOVERY_PUBLIC_KEY changed); MISSING when it is sealed to neither."""
    old_fingerprint = crypto.fingerprint(crypto.public_key_of(old_private))
    new_fingerprint = crypto.fingerprint(new_public)
    with transaction.atomic():
        identity = _locked(identity_id)
        if identity is None:
            return GONE
        old = _recovery_wrap(identity, old_fingerprint)
        new = _recovery_wrap(identity, new_fingerprint)
        if old is None:
            return DONE if new is not None else MISSING
        data_key = crypto.unseal(bytes(old.sealed_key), old_private)
        if new is None:
            new = WrappedKey.objects.create(
                identity=identity,
                recipient_kind=RECOVERY,
                recipient_fingerprint=new_fingerprint,
                sealed_key=crypto.seal(data_key, new_public),
            )
        check = new_private is not None
        if check and crypto.unseal(bytes(new.sealed_key), new_private) != data_key:
            raise crypto.VaultCryptoError("The new recovery wrap holds another data key.")
        old.delete()
        audit_record(
            actor=None,
            action="vault.recovery_rotated",
            target=identity.complaint,
            changes={"from": old_fingerprint, "to": new_fingerprint},
        )
    return CHANGED


def data_key_rotate(*, identity_id: int, recovery_private: bytes, before: datetime) -> str:
    """Re-encrypt the identity under a fresh data key and seal that to its current
    recipients (``current_recipients``); the old ciphertext and every old wrap go in the
    same transaction. The recovery key given must be the configured one.

    DONE for an identity whose data key was made at or after ``before``: a run stopped
    halfway and started again with the same ``before`` does each identity once."""
    fingerprint = crypto.fingerprint(crypto.public_key_of(recovery_private))
    with transaction.atomic():
        identity = _locked(identity_id)
        if identity is None:
            return GONE
        if (identity.data_key_rotated_at or identity.created_at) >= before:
            return DONE
        wrap = _recovery_wrap(identity, fingerprint)
        if wrap is None:
            return MISSING
        recipients = current_recipients(identity)
        if not any(r.kind == RECOVERY and r.fingerprint == fingerprint for r in recipients):
            # Sealing only to another recovery key than the one given is a recovery-key
            # rotation, done by recovery_rotate, which keeps the old wrap until the new.
            raise CommandError(
                "The recovery key given is not VAULT_RECOVERY_PUBLIC_KEY: finish the "
                "recovery-key rotation (vault_rotate_recovery) first."
            )
        old_key = crypto.unseal(bytes(wrap.sealed_key), recovery_private)
        aad = identity_aad(identity.complaint_id)
        new_key = crypto.new_data_key()
        identity.ciphertext = crypto.encrypt_record(
            crypto.decrypt_record(bytes(identity.ciphertext), old_key, aad=aad), new_key, aad=aad
        )
        identity.data_key_rotated_at = timezone.now()
        identity.save(update_fields=["ciphertext", "data_key_rotated_at"])

        kept = {(r.kind, r.user_id) for r in recipients}
        old_wraps = list(identity.wrapped_keys.select_related("recipient"))
        dropped = sorted(
            {
                wrap.recipient.username
                for wrap in old_wraps
                if wrap.recipient_id and (wrap.recipient_kind, wrap.recipient_id) not in kept
            }
        )
        for wrap in old_wraps:
            if wrap.recipient_kind == HANDLER and (HANDLER, wrap.recipient_id) not in kept:
                remove_perm("view_sealedidentity", wrap.recipient, identity)
        identity.wrapped_keys.all().delete()
        for recipient in recipients:
            _seal_to(identity, new_key, recipient)
        audit_record(
            actor=None,
            action="vault.data_key_rotated",
            target=identity.complaint,
            changes={"recipients": len(recipients), "dropped": dropped},
        )
    return CHANGED
