"""Receipt codes (mã tra cứu): given once to the reporter, stored only as a keyed hash.

20 Crockford base32 characters carry 100 random bits, shown in five groups of four
(`7K2Q-9XMD-...`). Reading it back forgives case, spaces, dashes and the look-alikes
O/0 and I/L/1. The database keeps HMAC-SHA256(RECEIPT_KEY, code): without the key a
database dump cannot test guesses, and lookup is one indexed equality on the digests.

Rotating the key
----------------
Only the reporter knows the code, so a stored digest cannot be recomputed under a new
key. Instead it is *wrapped*: `manage.py receipts_rotate` replaces each digest whose
outer key is an older version v with HMAC(K_u, digest), for each configured version u
above v in turn, up to the current one (receipt_key_version then says the current).
So a stored digest is always a chain over a run of consecutive configured versions,
first to last, and the last is its receipt_key_version. A lookup computes every such
chain for the code it is given (n versions: n(n+1)/2 HMACs) and asks for all of them in
one indexed IN query; a hit that is not flat under the current key is re-digested flat
under it (compare-and-swap on the old digest, so a concurrent re-key is not undone).

Hence the rules for operators: key versions only grow (a new key gets a version above
every old one, and a version is never reused or inserted between two others), and an
old key stays in RECEIPT_OLD_KEYS as long as any receipt made under it should still
open: a chain cannot be computed without each of its keys, and reporters who never come
back are never re-digested flat. `manage.py check` fails when a version that receipts are
stored under, or were chained through, is no longer configured (complaints/checks.py).

What a dump and a leaked key reveal
-----------------------------------
* A dump taken after `receipts_rotate`, with one or more old keys but not the current
  one: nothing. Every stored digest has the current key as its outer layer, so no guess
  can be tested, not even a code found on a reporter's note.
* A dump with the current key: what it revealed before, whether or not rotated: given a
  candidate code, which report it opens (testing random guesses is hopeless at 100 bits).
* A dump taken before the rotation, with the old key: what it revealed then. Rotation
  cannot change copies that already exist; it protects the database from then on.
"""

import hashlib
import hmac
import re
import secrets

from django.conf import settings
from django.db import transaction

from complaints.models import Complaint
from registry.audit import audit_record

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
LENGTH = 20  # 100 bits
GROUP = 4
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_DIGEST = re.compile(r"[0-9a-f]{64}")


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


def _hmac(version: int, message: str) -> str:
    key = settings.RECEIPT_KEYS[version]
    return hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest()


def digest(code: str, *, version: int | None = None) -> str:
    """The flat digest of a normalized code (under the current key by default)."""
    return _hmac(settings.RECEIPT_KEY_VERSION if version is None else version, code)


def wrap(stored: str, *, version: int) -> str:
    """A stored digest under one more key. The message (64 hex digits) cannot be taken
    for a code (20 characters), so a wrapped digest never equals a flat one."""
    return _hmac(version, stored)


def wrap_to_current(stored: str, *, version: int) -> str:
    """A digest whose outer key is `version`, wrapped in turn under every configured
    version above it up to the current one."""
    for later in sorted(settings.RECEIPT_KEYS):
        if version < later <= settings.RECEIPT_KEY_VERSION:
            stored = wrap(stored, version=later)
    return stored


def candidates(code: str) -> dict[str, tuple[int, int]]:
    """Every digest a receipt may be stored under, with its chain's (first, last)
    version: each run of consecutive configured versions."""
    versions = sorted(v for v in settings.RECEIPT_KEYS if v <= settings.RECEIPT_KEY_VERSION)
    found = {}
    for i, first in enumerate(versions):
        stored = digest(code, version=first)
        found[stored] = (first, first)
        for later in versions[i + 1 :]:
            stored = wrap(stored, version=later)
            found[stored] = (first, later)
    return found


def flatten(complaint, code: str, *, chain: tuple[int, int]) -> None:
    """After a successful lookup along `chain`: store the receipt flat under the current
    key, so that it no longer needs the older ones."""
    current = settings.RECEIPT_KEY_VERSION
    if chain == (current, current):
        return
    flat = digest(code)
    type(complaint).objects.filter(pk=complaint.pk, receipt_digest=complaint.receipt_digest).update(
        receipt_digest=flat, receipt_key_version=current
    )
    complaint.receipt_digest, complaint.receipt_key_version = flat, current


def rekey_batch(*, after: int, limit: int) -> tuple[int | None, int]:
    """Wrap to the current key the digests under an older configured version among the
    next `limit` complaints by primary key after `after`, in one transaction with one
    audit entry (if any changed). Returns the last primary key looked at (None: past the
    end) and how many changed.

    The walk is by primary key ranges: receipt_key_version has no index, and a filter on
    it alone would scan the table again for every batch."""
    current = settings.RECEIPT_KEY_VERSION
    older = [version for version in settings.RECEIPT_KEYS if version < current]
    window = list(
        Complaint.objects.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[:limit]
    )
    if not window:
        return None, 0
    last = window[-1]
    with transaction.atomic():
        rows = list(
            Complaint.objects.select_for_update()
            .filter(pk__gt=after, pk__lte=last, receipt_key_version__in=older)
            .order_by("pk")
            .only("pk", "receipt_digest", "receipt_key_version")
        )
        if not rows:
            return last, 0
        for row in rows:
            # Anything but a digest (retention's mark of a purged receipt) opens nothing
            # under any key: it is left as it is.
            if _DIGEST.fullmatch(row.receipt_digest):
                row.receipt_digest = wrap_to_current(
                    row.receipt_digest, version=row.receipt_key_version
                )
            row.receipt_key_version = current
        Complaint.objects.bulk_update(rows, ["receipt_digest", "receipt_key_version"])
        audit_record(
            actor=None,
            action="receipts.rekeyed",
            changes={"receipts": len(rows), "to_version": current},
        )
    return last, len(rows)
