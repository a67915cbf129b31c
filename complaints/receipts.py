"""Receipt codes (mã tra cứu): given once to the reporter, stored only as a keyed hash.

20 Crockford base32 characters carry 100 random bits, shown in five groups of four
(`7K2Q-9XMD-...`). Reading it back forgives case, spaces, dashes and the look-alikes
O/0 and I/L/1. The database keeps HMAC-SHA256(RECEIPT_KEY, code): without the key a
database dump cannot test guesses, and lookup is one indexed equality on the digest.
"""

import hashlib
import hmac
import secrets

from django.conf import settings

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
LENGTH = 20  # 100 bits
GROUP = 4
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_receipt() -> str:
    code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(code[i : i + GROUP] for i in range(0, LENGTH, GROUP))


def normalize(text: str) -> str | None:
    """The canonical code, or None if the text cannot be a receipt at all."""
    cleaned = "".join(ch for ch in (text or "").upper() if ch not in " -_.\t").translate(
        _LOOKALIKES
    )
    if len(cleaned) != LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def digest(code: str, *, version: int | None = None) -> str:
    version = settings.RECEIPT_KEY_VERSION if version is None else version
    key = settings.RECEIPT_KEYS[version]
    return hmac.new(key.encode(), code.encode(), hashlib.sha256).hexdigest()
