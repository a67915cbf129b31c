"""Key rotation for the identity vault: what the vault_* management commands do.

Each key can be replaced without losing any identity:

* the offline recovery key (``recovery_rotate``): every data key is unsealed with the old
  recovery key and sealed to the new one. The old wrap is deleted only once the new one
  has been opened with the new private key: at once when that key is given, otherwise
  later by ``recovery_retire``, so that a mistyped public key cannot lose the vault;
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

Data keys and identities exist only in these functions' memory. A run writes one audit
entry (``audited_run``), with counts, fingerprints and user names: never one per
identity, which would name each report that carries an identity, when nothing else may
tell whether a reporter gave one (complaints/services.py, reporter_reply).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
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

logger = logging.getLogger(__name__)

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


def recovery_fingerprints() -> set[str]:
    """Every recovery key some identity is sealed to."""
    return set(
        WrappedKey.objects.filter(recipient_kind=RECOVERY)
        .order_by()
        .values_list("recipient_fingerprint", flat=True)
        .distinct()
    )


# --- the audit entry of a run ------------------------------------------------------


@contextmanager
def audited_run(action: str, **facts) -> Iterator[dict]:
    """One audit entry for a whole run, with no target: ``facts`` and whatever the run
    adds to the dict it is given (counts, fingerprints, user names). Written when the run
    ends, and also when it stops on an error (``complete: false``), since what it changed
    until then stays changed."""
    summary = dict(facts)
    try:
        yield summary
    except BaseException:
        try:
            _record_run(action, summary, complete=False)
        except Exception:
            # The run's own error says more; this one must not hide it.
            logger.exception("Could not write the audit entry of a stopped %s run.", action)
        raise
    _record_run(action, summary, complete=True)


def _record_run(action: str, summary: dict, *, complete: bool) -> None:
    changes = {
        key: dict(sorted(value.items())) if isinstance(value, Counter) else value
        for key, value in summary.items()
    }
    with transaction.atomic():
        audit_record(actor=None, action=action, changes={**changes, "complete": complete})


def recipient_label(recipient: Recipient) -> str:
    """How a summary names a recipient: kind, user name and key fingerprint."""
    who = recipient.user.get_username() if recipient.user is not None else "-"
    return f"{recipient.kind} {who} {recipient.fingerprint}"


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
    return CHANGED, missing


def recovery_rotate(
    *,
    identity_id: int,
    old_private: bytes,
    new_public: bytes,
    new_private: bytes | None = None,
) -> str:
    """Seal the identity's data key to the new recovery key. With ``new_private``, the
    new wrap is opened and the wrap to the old key deleted; without, both are kept until
    ``recovery_retire`` proves the new private key.

    DONE when there is nothing left to do: sealed to the new key and, with
    ``new_private``, no longer to the old (a re-run, or filed after
    VAULT_RECOVERY_PUBLIC_KEY changed); MISSING when it is sealed to neither."""
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
        if new is not None and new_private is None:
            return DONE
        data_key = crypto.unseal(bytes(old.sealed_key), old_private)
        if new is None:
            new = WrappedKey.objects.create(
                identity=identity,
                recipient_kind=RECOVERY,
                recipient_fingerprint=new_fingerprint,
                sealed_key=crypto.seal(data_key, new_public),
            )
        if new_private is not None:
            if crypto.unseal(bytes(new.sealed_key), new_private) != data_key:
                raise crypto.VaultCryptoError("The new recovery wrap holds another data key.")
            old.delete()
    return CHANGED


def recovery_retire(*, identity_id: int, new_private: bytes, old_fingerprint: str) -> str:
    """The second step after ``recovery_rotate`` without the new private key: open the
    identity's wrap to the new recovery key, decrypt the identity with the data key it
    holds (which proves both), and only then delete the wrap to the old key.

    DONE when not sealed to the old key any more; MISSING when sealed to the old key but
    not to the new one (filed before the new key was configured, after the rotation):
    its old wrap is kept. A wrap that does not open raises VaultCryptoError, with
    nothing deleted for that identity."""
    new_fingerprint = crypto.fingerprint(crypto.public_key_of(new_private))
    with transaction.atomic():
        identity = _locked(identity_id)
        if identity is None:
            return GONE
        old = _recovery_wrap(identity, old_fingerprint)
        if old is None:
            return DONE
        new = _recovery_wrap(identity, new_fingerprint)
        if new is None:
            return MISSING
        data_key = crypto.unseal(bytes(new.sealed_key), new_private)
        crypto.decrypt_record(
            bytes(identity.ciphertext), data_key, aad=identity_aad(identity.complaint_id)
        )
        old.delete()
    return CHANGED


def data_key_rotate(
    *, identity_id: int, recovery_private: bytes, before: datetime
) -> tuple[str, list[str]]:
    """Re-encrypt the identity under a fresh data key and seal that to its current
    recipients (``current_recipients``); the old ciphertext and every old wrap go in the
    same transaction. The recovery key given must be the configured one. Returns the
    outcome and the user names whose access ended.

    DONE for an identity whose data key was made at or after ``before``: a run stopped
    halfway and started again with the same ``before`` does each identity once."""
    fingerprint = crypto.fingerprint(crypto.public_key_of(recovery_private))
    with transaction.atomic():
        identity = _locked(identity_id)
        if identity is None:
            return GONE, []
        if (identity.data_key_rotated_at or identity.created_at) >= before:
            return DONE, []
        wrap = _recovery_wrap(identity, fingerprint)
        if wrap is None:
            return MISSING, []
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
    return CHANGED, dropped
