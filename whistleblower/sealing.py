"""Sealing other confidential details of a reporter the way the identity is sealed.

A reward's payee details (complaints/rewards.py) are the reporter's identity under
another name: encrypted under a fresh data key with associated data naming their record,
the data key sealed to the custodians the identity would be sealed to (the report's
unit and the national body) and to the offline recovery key (whistleblower/crypto.py,
whistleblower/services.py identity_recipients). The caller stores the ciphertext and the
sealed keys in its own records; the data key and the plaintext live only in these
functions' memory.
"""

import json
from dataclasses import dataclass, field

from registry.models import User
from whistleblower import crypto
from whistleblower.models import StaffKey
from whistleblower.services import KeyMismatch, VaultLocked, identity_recipients


@dataclass(frozen=True)
class SealedKey:
    """The data key sealed to one recipient (a custodian, or the recovery key: no user)."""

    kind: str
    user: User | None
    fingerprint: str
    sealed_key: bytes = field(repr=False)


def seal_for_custodians(*, complaint, fields: dict, aad: bytes) -> tuple[bytes, list[SealedKey]]:
    """The ciphertext of `fields` and its data key sealed to each custodian of the
    report's unit and of the national body, and to the recovery key."""
    data_key = crypto.new_data_key()
    plaintext = json.dumps(fields, ensure_ascii=False, sort_keys=True).encode()
    ciphertext = crypto.encrypt_record(plaintext, data_key, aad=aad)
    keys = [
        SealedKey(kind, user, crypto.fingerprint(public), crypto.seal(data_key, public))
        for kind, user, public in identity_recipients(complaint)
    ]
    return ciphertext, keys


def staff_fingerprint(user) -> str:
    """The fingerprint of the user's current key pair ("" without one): a key sealed to
    an older pair of theirs cannot be opened."""
    key = StaffKey.objects.filter(user=user).only("fingerprint").first()
    return key.fingerprint if key else ""


def open_sealed(*, ciphertext: bytes, sealed_key: bytes, private: bytes | None, aad: bytes) -> dict:
    """The fields sealed by seal_for_custodians, opened with the recipient's private key
    (None: their vault is locked in this session)."""
    if private is None:
        raise VaultLocked()
    try:
        data_key = crypto.unseal(bytes(sealed_key), private)
        plaintext = crypto.decrypt_record(bytes(ciphertext), data_key, aad=aad)
    except crypto.VaultCryptoError as exc:
        raise KeyMismatch() from exc
    return json.loads(plaintext)
