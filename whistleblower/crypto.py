"""Cryptography for the reporter identity vault.

The scheme
----------
* A reporter's identity (UTF-8 JSON) is encrypted with AES-256-GCM under a fresh random
  256-bit data key (DEK), with associated data naming its record (``b"identity:<id>"``),
  so a ciphertext moved to another record no longer decrypts. The plaintext is padded to
  a multiple of 256 bytes first, so the ciphertext's length does not hint at the
  length of a name or address.
* The DEK is stored only *sealed* (ECIES) to the X25519 public key of each identity
  custodian and of an offline recovery key: ephemeral X25519 key pair, shared secret,
  HKDF-SHA256 (salt = ephemeral public || recipient public, info = ``msq-vault-seal-v1``)
  giving an AES-256-GCM key that encrypts the DEK. When a disclosure is approved, a
  custodian unseals the DEK and seals it again to the approved handler's public key.
* Each staff member's X25519 private key is stored *locked*: AES-256-GCM under a key
  derived from their own login password with scrypt (n=2**15, r=8, p=1, 16-byte salt).
  At login the server unlocks it and keeps it for the session only split in two: a random
  32-byte key in a cookie, and the private key encrypted under that key in the
  server-side session. Neither half alone reveals it.
* Every blob starts with a one-byte version/type tag, then fixed-size fields, then the
  ciphertext. A blob of the wrong type, a truncated or altered one, or the wrong key
  raises ``VaultCryptoError``; AES-GCM authentication means nothing is ever returned
  from a blob that was not produced, unchanged, by this module with that key.

What an attacker learns
-----------------------
(a) With a database dump: who the custodians and handlers are, their public keys, which
    reports carry a sealed identity and to whom its key is sealed, and when. Not the
    identities: every DEK is sealed to public keys whose private halves exist in the
    dump only locked by a password. The attacker can try to guess a staff member's
    password offline, at the cost of one scrypt call (about 0.1 s and 32 MiB) per guess
    per account. Django's own password hash is in the same dump and is the same kind of
    oracle, so a weak password is the real risk, whichever hash is cheaper to attack.
(b) With a dump plus the application's secrets (``SECRET_KEY``, database and broker
    passwords, settings): nothing more about identities. No vault key derives from any
    server secret; the server alone holds no way to decrypt. The session halves in the
    dump are useless without the cookie halves, which only the browsers hold. (If
    sessions were stored in signed cookies, both halves would travel in the browser
    together; the vault requires a server-side session engine.) What (b) does enable is
    an *active* attack: someone who can change the running server can capture the
    passwords or unlocked keys of staff who log in afterwards. The scheme protects data
    at rest, not a compromised live server.
(c) With one custodian's password: alone, only what that account can do through the
    application, where every disclosure passes approval and is written to the access log.
    Together with a dump: that custodian's private key, hence every DEK sealed to that
    custodian and the identities they protect, offline and unlogged. Not identities
    whose keys were never sealed to that custodian, and not other staff members' keys.
    Custodian passwords (and a second factor at login) therefore matter most.

The recovery private key is meant to live offline (printed or on an air-gapped machine);
whoever holds it can unseal every identity.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

__all__ = [
    "KeyPair",
    "VaultCryptoError",
    "WrongPassword",
    "decode_public",
    "decrypt_record",
    "encode_public",
    "encrypt_record",
    "fingerprint",
    "generate_keypair",
    "load_recovery_private",
    "lock_private_key",
    "new_data_key",
    "public_key_of",
    "recovery_keypair_pem",
    "seal",
    "session_join",
    "session_split",
    "unlock_private_key",
    "unseal",
]

# scrypt parameters of LOCKED_KEY_V1 blobs. They are implied by the tag, not stored in the
# blob: raising them means a new tag (and re-locking keys at the next login).
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
SCRYPT_SALT_SIZE = 16

KEY_SIZE = 32  # X25519 keys, AES-256 keys, DEKs
NONCE_SIZE = 12  # AES-GCM
TAG_SIZE = 16  # AES-GCM authentication tag
RECORD_PAD_BLOCK = 256

SEAL_INFO = b"msq-vault-seal-v1"

# One byte at the start of every blob: high nibble the type, low nibble the version.
LOCKED_KEY_V1 = 0x11
SEALED_KEY_V1 = 0x21
RECORD_V1 = 0x31
SESSION_KEY_V1 = 0x41

# tag | salt | nonce | AES-GCM(private key)
_LOCKED_LEN = 1 + SCRYPT_SALT_SIZE + NONCE_SIZE + KEY_SIZE + TAG_SIZE
# tag | ephemeral public | nonce | AES-GCM(DEK)
_SEALED_LEN = 1 + KEY_SIZE + NONCE_SIZE + KEY_SIZE + TAG_SIZE
# tag | nonce | AES-GCM(private key)
_SESSION_LEN = 1 + NONCE_SIZE + KEY_SIZE + TAG_SIZE
# tag | nonce | AES-GCM(padded plaintext), at least one pad block
_RECORD_MIN_LEN = 1 + NONCE_SIZE + RECORD_PAD_BLOCK + TAG_SIZE

PUBLIC_PREFIX = "x25519:"
_PUBLIC_B64 = re.compile(r"[A-Za-z0-9_-]{43}")


class VaultCryptoError(Exception):
    """A blob is corrupted, of the wrong type, or the key does not open it."""


class WrongPassword(VaultCryptoError):
    """The password does not unlock the private key (or the locked blob was altered)."""


@dataclass(frozen=True)
class KeyPair:
    """Raw 32-byte X25519 keys. The private half is left out of repr() so that it never
    ends up in a log line or a traceback."""

    public: bytes
    private: bytes = field(repr=False)


# --- keys -----------------------------------------------------------------------------


def generate_keypair() -> KeyPair:
    private_key = X25519PrivateKey.generate()
    return KeyPair(public=_raw_public(private_key.public_key()), private=_raw_private(private_key))


def public_key_of(private: bytes) -> bytes:
    return _raw_public(_load_private(private).public_key())


def new_data_key() -> bytes:
    return os.urandom(KEY_SIZE)


def fingerprint(public: bytes) -> str:
    """Four groups of four hex digits of SHA-256(public key), e.g. ``"3F2A 9C01 77B4 E0D5"``,
    for people to compare aloud or on paper (64 bits: enough against a forged key
    matching a given fingerprint, not meant as a unique identifier)."""
    digest = hashlib.sha256(_check_size(public, KEY_SIZE, "public key")).hexdigest().upper()
    return " ".join(digest[i : i + 4] for i in range(0, 16, 4))


def encode_public(public: bytes) -> str:
    """Text form of a public key for settings and environment variables."""
    raw = _check_size(public, KEY_SIZE, "public key")
    return PUBLIC_PREFIX + base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_public(text: str) -> bytes:
    """Inverse of ``encode_public``; surrounding whitespace is ignored, anything else that is
    not exactly what ``encode_public`` produces is refused, as is a key that no one can
    hold the private half of (a low-order point)."""
    if not isinstance(text, str):
        raise VaultCryptoError("A public key must be text.")
    text = text.strip()
    body = text.removeprefix(PUBLIC_PREFIX)
    if body == text or not _PUBLIC_B64.fullmatch(body):
        raise VaultCryptoError(f"Not a public key (expected {PUBLIC_PREFIX}<43 base64url>).")
    raw = base64.urlsafe_b64decode(body + "=")
    # 43 characters carry 258 bits: refuse the non-canonical spellings of the same key.
    if encode_public(raw) != text:
        raise VaultCryptoError("Not a canonical public key encoding.")
    try:
        X25519PrivateKey.generate().exchange(X25519PublicKey.from_public_bytes(raw))
    except ValueError as exc:
        raise VaultCryptoError("Unusable public key (low-order point).") from exc
    return raw


def recovery_keypair_pem() -> tuple[str, str]:
    """A new offline recovery key: (public key as ``encode_public`` text, private key as
    unencrypted PKCS#8 PEM). The private PEM is to be printed or moved to an offline
    machine and deleted here; only the public text goes into the settings."""
    pair = generate_keypair()
    pem = _load_private(pair.private).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return encode_public(pair.public), pem.decode("ascii")


def load_recovery_private(pem_text: str) -> bytes:
    """Raw private key from the PEM made by ``recovery_keypair_pem``."""
    try:
        data = pem_text.strip().encode("ascii")
        key = serialization.load_pem_private_key(data + b"\n", password=None)
    except (ValueError, TypeError, AttributeError, UnicodeError) as exc:
        # Also a passphrase-protected PEM (TypeError): decrypt it offline with openssl first.
        raise VaultCryptoError("Not an unencrypted PEM private key.") from exc
    if not isinstance(key, X25519PrivateKey):
        raise VaultCryptoError("The PEM holds a private key, but not an X25519 one.")
    return _raw_private(key)


# --- private keys at rest: locked with the owner's password ------------------------------


def lock_private_key(private: bytes, password: str) -> bytes:
    """``LOCKED_KEY_V1 | salt(16) | nonce(12) | AES-GCM(private key)(48)``, 77 bytes.

    Costs one scrypt call (about 0.1 s, 32 MiB)."""
    private = _check_size(private, KEY_SIZE, "private key")
    if not password:
        raise ValueError("Refusing to lock a private key with an empty password.")
    salt = os.urandom(SCRYPT_SALT_SIZE)
    header = bytes([LOCKED_KEY_V1]) + salt
    nonce = os.urandom(NONCE_SIZE)
    ciphertext = AESGCM(_password_key(password, salt)).encrypt(nonce, private, header)
    return header + nonce + ciphertext


def unlock_private_key(blob: bytes, password: str) -> bytes:
    """Raises ``WrongPassword`` when the password is wrong, and also when the encrypted part
    was altered (the two cannot be told apart); ``VaultCryptoError`` when the blob is not
    a locked key at all."""
    blob = _check_blob(blob, LOCKED_KEY_V1, _LOCKED_LEN, "locked private key")
    header, nonce, ciphertext = _split(blob, 1 + SCRYPT_SALT_SIZE, NONCE_SIZE)
    key = _password_key(password, header[1:])
    try:
        return AESGCM(key).decrypt(nonce, ciphertext, header)
    except InvalidTag:
        raise WrongPassword("Wrong password, or the locked private key is corrupted.") from None


def _password_key(password: str, salt: bytes) -> bytes:
    if not isinstance(password, str):
        raise TypeError("password must be str")
    # NFC, as RFC 8265 does for passwords: Vietnamese keyboards differ in whether they type
    # "ệ" as one code point or as "e" plus combining marks, and the user cannot see which.
    # Changing the normalization would lock everyone out of LOCKED_KEY_V1 blobs.
    secret = unicodedata.normalize("NFC", password).encode("utf-8")
    kdf = Scrypt(salt=salt, length=KEY_SIZE, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    return kdf.derive(secret)


# --- data keys sealed to a recipient's public key (ECIES) --------------------------------


def seal(data_key: bytes, recipient_public: bytes) -> bytes:
    """``SEALED_KEY_V1 | ephemeral public(32) | nonce(12) | AES-GCM(DEK)(48)``, 93 bytes."""
    data_key = _check_size(data_key, KEY_SIZE, "data key")
    recipient_public = _check_size(recipient_public, KEY_SIZE, "public key")
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = _raw_public(ephemeral.public_key())
    shared = _exchange(ephemeral, recipient_public)
    header = bytes([SEALED_KEY_V1]) + ephemeral_public
    nonce = os.urandom(NONCE_SIZE)
    key = _seal_key(shared, ephemeral_public, recipient_public)
    return header + nonce + AESGCM(key).encrypt(nonce, data_key, header)


def unseal(blob: bytes, recipient_private: bytes) -> bytes:
    blob = _check_blob(blob, SEALED_KEY_V1, _SEALED_LEN, "sealed data key")
    header, nonce, ciphertext = _split(blob, 1 + KEY_SIZE, NONCE_SIZE)
    private_key = _load_private(recipient_private)
    ephemeral_public = header[1:]
    shared = _exchange(private_key, ephemeral_public)
    key = _seal_key(shared, ephemeral_public, _raw_public(private_key.public_key()))
    return _open(key, nonce, ciphertext, header, "sealed data key")


def _seal_key(shared: bytes, ephemeral_public: bytes, recipient_public: bytes) -> bytes:
    hkdf = HKDF(
        algorithm=hashes.SHA256(),
        length=KEY_SIZE,
        salt=ephemeral_public + recipient_public,
        info=SEAL_INFO,
    )
    return hkdf.derive(shared)


def _exchange(private_key: X25519PrivateKey, public: bytes) -> bytes:
    try:
        return private_key.exchange(X25519PublicKey.from_public_bytes(public))
    except ValueError as exc:  # low-order point: the shared secret would be all zeros
        raise VaultCryptoError("Unusable public key (low-order point).") from exc


# --- records encrypted under a data key --------------------------------------------------


def encrypt_record(plaintext: bytes, data_key: bytes, *, aad: bytes) -> bytes:
    """``RECORD_V1 | nonce(12) | AES-GCM(padded plaintext)``.

    The plaintext is padded (0x80 then zeros) to a multiple of 256 bytes; ``aad`` should
    name the record, e.g. ``b"identity:" + str(report.pk).encode()``."""
    plaintext = _as_bytes(plaintext, "plaintext")
    data_key = _check_size(data_key, KEY_SIZE, "data key")
    padding = RECORD_PAD_BLOCK - len(plaintext) % RECORD_PAD_BLOCK
    padded = plaintext + b"\x80" + bytes(padding - 1)
    header = bytes([RECORD_V1])
    nonce = os.urandom(NONCE_SIZE)
    return header + nonce + AESGCM(data_key).encrypt(nonce, padded, header + _as_bytes(aad, "aad"))


def decrypt_record(blob: bytes, data_key: bytes, *, aad: bytes) -> bytes:
    blob = _check_blob(blob, RECORD_V1, None, "record ciphertext")
    if len(blob) < _RECORD_MIN_LEN or (len(blob) - _RECORD_MIN_LEN) % RECORD_PAD_BLOCK:
        raise VaultCryptoError("Not a record ciphertext: wrong length.")
    header, nonce, ciphertext = _split(blob, 1, NONCE_SIZE)
    data_key = _check_size(data_key, KEY_SIZE, "data key")
    padded = _open(data_key, nonce, ciphertext, header + _as_bytes(aad, "aad"), "record")
    plaintext = padded.rstrip(b"\x00")
    if not plaintext.endswith(b"\x80"):  # authenticated, so only a bug gets here
        raise VaultCryptoError("Record ciphertext has bad padding.")
    return plaintext[:-1]


# --- an unlocked private key, split between the session cookie and the server -------------


def session_split(private: bytes) -> tuple[bytes, bytes]:
    """Returns ``(cookie_key, server_blob)``: a random 32-byte key for a cookie, and
    ``SESSION_KEY_V1 | nonce(12) | AES-GCM(private key)(48)`` (61 bytes) for the
    server-side session. Split anew at every login."""
    private = _check_size(private, KEY_SIZE, "private key")
    cookie_key = os.urandom(KEY_SIZE)
    header = bytes([SESSION_KEY_V1])
    nonce = os.urandom(NONCE_SIZE)
    return cookie_key, header + nonce + AESGCM(cookie_key).encrypt(nonce, private, header)


def session_join(cookie_key: bytes, server_blob: bytes) -> bytes:
    server_blob = _check_blob(server_blob, SESSION_KEY_V1, _SESSION_LEN, "session key")
    cookie_key = _check_size(cookie_key, KEY_SIZE, "session cookie key")
    header, nonce, ciphertext = _split(server_blob, 1, NONCE_SIZE)
    return _open(cookie_key, nonce, ciphertext, header, "session key")


# --- helpers -----------------------------------------------------------------------------


def _as_bytes(value: object, what: str) -> bytes:
    # memoryview: what a BinaryField gives back on PostgreSQL.
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    raise TypeError(f"{what} must be bytes, not {type(value).__name__}")


def _check_size(value: object, size: int, what: str) -> bytes:
    raw = _as_bytes(value, what)
    if len(raw) != size:
        raise VaultCryptoError(f"A {what} must be {size} bytes, not {len(raw)}.")
    return raw


def _check_blob(blob: object, tag: int, length: int | None, what: str) -> bytes:
    raw = _as_bytes(blob, what)
    if not raw or raw[0] != tag:
        raise VaultCryptoError(f"Not a {what} (unknown type or version).")
    if length is not None and len(raw) != length:
        raise VaultCryptoError(f"Not a {what}: wrong length.")
    return raw


def _split(blob: bytes, header_len: int, nonce_len: int) -> tuple[bytes, bytes, bytes]:
    nonce_end = header_len + nonce_len
    return blob[:header_len], blob[header_len:nonce_end], blob[nonce_end:]


def _open(key: bytes, nonce: bytes, ciphertext: bytes, aad: bytes, what: str) -> bytes:
    try:
        return AESGCM(key).decrypt(nonce, ciphertext, aad)
    except InvalidTag:
        raise VaultCryptoError(f"Cannot open the {what}: wrong key or corrupted.") from None


def _load_private(private: bytes) -> X25519PrivateKey:
    return X25519PrivateKey.from_private_bytes(_check_size(private, KEY_SIZE, "private key"))


def _raw_private(private_key: X25519PrivateKey) -> bytes:
    return private_key.private_bytes_raw()


def _raw_public(public_key: X25519PublicKey) -> bytes:
    return public_key.public_bytes_raw()
