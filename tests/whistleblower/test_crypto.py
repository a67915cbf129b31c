"""The identity vault's cryptography, without a database.

Most tests use the real scrypt cost (about 0.1 s a call), so they lock a key only a few
times; the exhaustive bit-flip test of locked keys lowers the cost through ``cheap_scrypt``.
"""

import hashlib
import json
import time
import unicodedata

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from whistleblower import crypto
from whistleblower.crypto import VaultCryptoError, WrongPassword

PASSWORD = "correct horse battery staple"
VIETNAMESE_PASSWORD = "Mật khẩu của Nguyễn Thị Ánh Tuyết — đừng quên!"
IDENTITY = json.dumps(
    {"name": "Trần Văn Bình", "phone": "0912 345 678", "email": "binh@example.vn"},
    ensure_ascii=False,
).encode("utf-8")
AAD = b"identity:42"


@pytest.fixture(scope="module")
def alice():
    """A custodian."""
    return crypto.generate_keypair()


@pytest.fixture(scope="module")
def bob():
    """A handler approved for a disclosure."""
    return crypto.generate_keypair()


@pytest.fixture(scope="module")
def charlie():
    """Someone nothing was sealed to."""
    return crypto.generate_keypair()


@pytest.fixture(scope="module")
def locked(alice):
    return crypto.lock_private_key(alice.private, PASSWORD)


@pytest.fixture
def cheap_scrypt(monkeypatch):
    monkeypatch.setattr(crypto, "SCRYPT_N", 2**4)


def flipped_bits(blob: bytes):
    for i in range(len(blob) * 8):
        damaged = bytearray(blob)
        damaged[i // 8] ^= 1 << (i % 8)
        yield i, bytes(damaged)


# --- keys -------------------------------------------------------------------------------


def test_generate_keypair_gives_raw_keys_whose_public_half_matches(alice, bob):
    assert len(alice.public) == len(alice.private) == 32
    assert crypto.public_key_of(alice.private) == alice.public
    assert alice.public != bob.public and alice.private != bob.private


def test_keypair_repr_does_not_show_the_private_key(alice):
    assert alice.private.hex() not in repr(alice)
    assert repr(alice.private) not in repr(alice)


def test_new_data_key_is_random_256_bits():
    keys = {crypto.new_data_key() for _ in range(50)}
    assert len(keys) == 50
    assert all(len(key) == 32 for key in keys)


def test_fingerprint_is_short_grouped_and_stable(alice, bob):
    fp = crypto.fingerprint(alice.public)
    assert fp == crypto.fingerprint(alice.public)
    assert fp != crypto.fingerprint(bob.public)
    groups = fp.split(" ")
    assert [len(g) for g in groups] == [4, 4, 4, 4]
    assert "".join(groups).lower() == hashlib.sha256(alice.public).hexdigest()[:16]


def test_public_key_text_round_trip(alice):
    text = crypto.encode_public(alice.public)
    assert text.startswith("x25519:")
    assert "=" not in text and "\n" not in text
    assert crypto.decode_public(text) == alice.public
    assert crypto.decode_public(f"  {text}\n") == alice.public  # as pasted into an env file


@pytest.mark.parametrize(
    "mutate",
    [
        lambda t: "",
        lambda t: t.removeprefix("x25519:"),
        lambda t: t.replace("x25519:", "ed25519:"),
        lambda t: t.replace("x25519:", "X25519:"),
        lambda t: t[:-1],
        lambda t: t + "A",
        lambda t: t + "=",
        lambda t: t[:12] + "+" + t[13:],
        lambda t: t[:12] + " " + t[13:],
    ],
    ids=[
        "empty",
        "no-prefix",
        "other-algorithm",
        "prefix-case",
        "short",
        "long",
        "padding",
        "standard-alphabet",
        "inner-space",
    ],
)
def test_decode_public_refuses_malformed_text(alice, mutate):
    with pytest.raises(VaultCryptoError):
        crypto.decode_public(mutate(crypto.encode_public(alice.public)))


def test_decode_public_refuses_a_non_canonical_spelling_of_the_same_key():
    public = bytes(range(1, 33))  # last byte 0x20: low bits of the last character unused
    text = crypto.encode_public(public)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    twin = text[:-1] + alphabet[alphabet.index(text[-1]) + 1]
    assert crypto.decode_public(text) == public
    with pytest.raises(VaultCryptoError):
        crypto.decode_public(twin)


def test_decode_public_refuses_low_order_points():
    with pytest.raises(VaultCryptoError):
        crypto.decode_public(crypto.encode_public(bytes(32)))


def test_decode_public_refuses_non_text():
    with pytest.raises(VaultCryptoError):
        crypto.decode_public(b"x25519:AAAA")


def test_recovery_key_pem_round_trip_and_seal_to_it():
    public_text, private_pem = crypto.recovery_keypair_pem()
    assert "\n" not in public_text
    assert private_pem.startswith("-----BEGIN PRIVATE KEY-----")
    private = crypto.load_recovery_private(private_pem)
    public = crypto.decode_public(public_text)
    assert crypto.public_key_of(private) == public

    dek = crypto.new_data_key()
    assert crypto.unseal(crypto.seal(dek, public), private) == dek
    # As pasted back from a printout, with CRLF line ends and no final newline.
    pasted = private_pem.replace("\n", "\r\n").strip()
    assert crypto.load_recovery_private(pasted) == private


@pytest.mark.parametrize(
    "pem",
    [
        "",
        "not a key",
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
        None,
    ],
)
def test_load_recovery_private_refuses_garbage(pem):
    with pytest.raises(VaultCryptoError):
        crypto.load_recovery_private(pem)


def test_load_recovery_private_refuses_another_key_type():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    with pytest.raises(VaultCryptoError):
        crypto.load_recovery_private(pem.decode())


def test_load_recovery_private_refuses_a_passphrase_protected_pem():
    from cryptography.hazmat.primitives import serialization

    pem = X25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"passphrase"),
    )
    with pytest.raises(VaultCryptoError):
        crypto.load_recovery_private(pem.decode())


# --- locked private keys ----------------------------------------------------------------


def test_scrypt_parameters_are_the_documented_ones():
    assert (crypto.SCRYPT_N, crypto.SCRYPT_R, crypto.SCRYPT_P) == (2**15, 8, 1)
    assert crypto.SCRYPT_SALT_SIZE == 16


def test_lock_unlock_round_trip(alice, locked):
    assert len(locked) == 77
    assert locked[0] == crypto.LOCKED_KEY_V1
    assert alice.private not in locked
    assert crypto.unlock_private_key(locked, PASSWORD) == alice.private


def test_locked_blob_follows_the_documented_layout(alice, locked):
    """An independent scrypt (hashlib's) opens it: recovery tools can be written from the
    docstring alone."""
    salt, nonce, ciphertext = locked[1:17], locked[17:29], locked[29:]
    key = hashlib.scrypt(
        PASSWORD.encode(), salt=salt, n=2**15, r=8, p=1, dklen=32, maxmem=64 * 1024 * 1024
    )
    assert AESGCM(key).decrypt(nonce, ciphertext, locked[:17]) == alice.private


def test_wrong_password_raises_wrong_password(locked):
    with pytest.raises(WrongPassword):
        crypto.unlock_private_key(locked, PASSWORD + "!")
    with pytest.raises(WrongPassword):
        crypto.unlock_private_key(locked, PASSWORD.upper())


def test_locking_twice_gives_different_blobs(alice, locked):
    again = crypto.lock_private_key(alice.private, PASSWORD)
    assert again != locked
    assert again[1:17] != locked[1:17]  # fresh salt


def test_vietnamese_password_works_whichever_way_the_keyboard_composes_it(alice):
    composed = unicodedata.normalize("NFC", VIETNAMESE_PASSWORD)
    decomposed = unicodedata.normalize("NFD", VIETNAMESE_PASSWORD)
    assert composed != decomposed

    blob = crypto.lock_private_key(alice.private, composed)
    assert crypto.unlock_private_key(blob, composed) == alice.private
    assert crypto.unlock_private_key(blob, decomposed) == alice.private
    with pytest.raises(WrongPassword):
        crypto.unlock_private_key(blob, "Mat khau cua Nguyen Thi Anh Tuyet — dung quen!")


def test_lock_refuses_an_empty_password(alice):
    with pytest.raises(ValueError):
        crypto.lock_private_key(alice.private, "")


def test_every_flipped_bit_in_a_locked_key_is_refused(cheap_scrypt, alice):
    blob = crypto.lock_private_key(alice.private, PASSWORD)
    assert crypto.unlock_private_key(blob, PASSWORD) == alice.private
    for i, damaged in flipped_bits(blob):
        with pytest.raises(VaultCryptoError):
            crypto.unlock_private_key(damaged, PASSWORD)
            pytest.fail(f"bit {i} flipped went unnoticed")


def test_lock_unlock_cost_is_bounded(alice, locked):
    """Real cost, measured once: slow enough to hurt guessing, fast enough for a login."""
    start = time.perf_counter()
    crypto.unlock_private_key(locked, PASSWORD)
    assert time.perf_counter() - start < 2


# --- sealed data keys -------------------------------------------------------------------


def test_seal_unseal_round_trip(alice):
    dek = crypto.new_data_key()
    blob = crypto.seal(dek, alice.public)
    assert len(blob) == 93
    assert blob[0] == crypto.SEALED_KEY_V1
    assert dek not in blob
    assert crypto.unseal(blob, alice.private) == dek


def test_sealed_blob_follows_the_documented_layout(alice):
    dek = crypto.new_data_key()
    blob = crypto.seal(dek, alice.public)
    ephemeral, nonce, ciphertext = blob[1:33], blob[33:45], blob[45:]
    shared = X25519PrivateKey.from_private_bytes(alice.private).exchange(
        X25519PublicKey.from_public_bytes(ephemeral)
    )
    key = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=ephemeral + alice.public,
        info=b"msq-vault-seal-v1",
    ).derive(shared)
    assert AESGCM(key).decrypt(nonce, ciphertext, blob[:33]) == dek


def test_two_seals_of_the_same_key_differ(alice):
    dek = crypto.new_data_key()
    first, second = crypto.seal(dek, alice.public), crypto.seal(dek, alice.public)
    assert first != second
    assert first[1:33] != second[1:33]  # fresh ephemeral key
    assert first[33:45] != second[33:45]  # fresh nonce


def test_unseal_with_another_key_fails(alice, charlie):
    blob = crypto.seal(crypto.new_data_key(), alice.public)
    with pytest.raises(VaultCryptoError):
        crypto.unseal(blob, charlie.private)
    with pytest.raises(VaultCryptoError):
        crypto.unseal(blob, alice.public)  # a public key passed by mistake


def test_disclosure_reseals_to_the_handler(alice, bob, charlie):
    dek = crypto.new_data_key()
    record = crypto.encrypt_record(IDENTITY, dek, aad=AAD)
    for_alice = crypto.seal(dek, alice.public)

    for_bob = crypto.seal(crypto.unseal(for_alice, alice.private), bob.public)

    assert crypto.decrypt_record(record, crypto.unseal(for_bob, bob.private), aad=AAD) == IDENTITY
    with pytest.raises(VaultCryptoError):
        crypto.unseal(for_bob, charlie.private)


def test_seal_refuses_a_low_order_public_key():
    with pytest.raises(VaultCryptoError):
        crypto.seal(crypto.new_data_key(), bytes(32))


def test_seal_refuses_a_data_key_of_the_wrong_size(alice):
    with pytest.raises(VaultCryptoError):
        crypto.seal(b"short", alice.public)


def test_every_flipped_bit_in_a_sealed_key_is_refused(alice):
    blob = crypto.seal(crypto.new_data_key(), alice.public)
    for i, damaged in flipped_bits(blob):
        with pytest.raises(VaultCryptoError):
            crypto.unseal(damaged, alice.private)
            pytest.fail(f"bit {i} flipped went unnoticed")


# --- records ----------------------------------------------------------------------------


def test_record_round_trip():
    dek = crypto.new_data_key()
    blob = crypto.encrypt_record(IDENTITY, dek, aad=AAD)
    assert blob[0] == crypto.RECORD_V1
    # No part of the identity in clear. (Each value whole: a two-byte probe such as b"Tr"
    # turns up by chance in random ciphertext about once in two hundred runs.)
    for value in json.loads(IDENTITY).values():
        assert value.encode("utf-8") not in blob
    assert crypto.decrypt_record(blob, dek, aad=AAD) == IDENTITY


@pytest.mark.parametrize(
    "plaintext", [b"", b"\x00", b"\x80", b"ends in zeros\x00\x00", b"x" * 255, b"x" * 256]
)
def test_record_round_trip_at_the_edges_of_padding(plaintext):
    dek = crypto.new_data_key()
    blob = crypto.encrypt_record(plaintext, dek, aad=AAD)
    assert crypto.decrypt_record(blob, dek, aad=AAD) == plaintext


def test_record_length_does_not_reveal_a_short_identitys_length():
    dek = crypto.new_data_key()
    short = crypto.encrypt_record(b'{"name": "An"}', dek, aad=AAD)
    longer = crypto.encrypt_record(IDENTITY, dek, aad=AAD)
    assert len(short) == len(longer)


def test_record_with_another_aad_is_refused():
    dek = crypto.new_data_key()
    blob = crypto.encrypt_record(IDENTITY, dek, aad=AAD)
    with pytest.raises(VaultCryptoError):
        crypto.decrypt_record(blob, dek, aad=b"identity:43")
    with pytest.raises(VaultCryptoError):
        crypto.decrypt_record(blob, dek, aad=b"")


def test_record_with_another_data_key_is_refused():
    blob = crypto.encrypt_record(IDENTITY, crypto.new_data_key(), aad=AAD)
    with pytest.raises(VaultCryptoError):
        crypto.decrypt_record(blob, crypto.new_data_key(), aad=AAD)


def test_every_flipped_bit_in_a_record_is_refused():
    dek = crypto.new_data_key()
    blob = crypto.encrypt_record(IDENTITY, dek, aad=AAD)
    for i, damaged in flipped_bits(blob):
        with pytest.raises(VaultCryptoError):
            crypto.decrypt_record(damaged, dek, aad=AAD)
            pytest.fail(f"bit {i} flipped went unnoticed")


def test_truncated_or_extended_record_is_refused():
    dek = crypto.new_data_key()
    blob = crypto.encrypt_record(IDENTITY, dek, aad=AAD)
    for damaged in (blob[:-1], blob[:-16], blob + b"\x00", blob + bytes(256), b"", blob[:1]):
        with pytest.raises(VaultCryptoError):
            crypto.decrypt_record(damaged, dek, aad=AAD)


# --- session split ----------------------------------------------------------------------


def test_session_split_and_join(alice):
    cookie_key, server_blob = crypto.session_split(alice.private)
    assert len(cookie_key) == 32
    assert len(server_blob) == 61
    assert server_blob[0] == crypto.SESSION_KEY_V1
    assert alice.private not in server_blob and alice.private != cookie_key
    assert crypto.session_join(cookie_key, server_blob) == alice.private


def test_session_halves_fail_alone(alice):
    cookie_key, server_blob = crypto.session_split(alice.private)
    other_cookie, other_blob = crypto.session_split(alice.private)
    assert other_cookie != cookie_key and other_blob != server_blob
    # Each half is useless with anything but its own other half.
    with pytest.raises(VaultCryptoError):
        crypto.session_join(other_cookie, server_blob)
    with pytest.raises(VaultCryptoError):
        crypto.session_join(cookie_key, other_blob)
    with pytest.raises(VaultCryptoError):
        crypto.session_join(bytes(32), server_blob)
    with pytest.raises(VaultCryptoError):
        crypto.session_join(b"", server_blob)


def test_every_flipped_bit_in_a_session_half_is_refused(alice):
    cookie_key, server_blob = crypto.session_split(alice.private)
    for i, damaged in flipped_bits(server_blob):
        with pytest.raises(VaultCryptoError):
            crypto.session_join(cookie_key, damaged)
            pytest.fail(f"bit {i} of the server half flipped went unnoticed")
    for i, damaged in flipped_bits(cookie_key):
        with pytest.raises(VaultCryptoError):
            crypto.session_join(damaged, server_blob)
            pytest.fail(f"bit {i} of the cookie half flipped went unnoticed")


# --- blobs of one type given to another -------------------------------------------------


@pytest.fixture(scope="module")
def blobs(alice, locked):
    dek = crypto.new_data_key()
    cookie_key, server_blob = crypto.session_split(alice.private)
    return {
        "locked": locked,
        "sealed": crypto.seal(dek, alice.public),
        "record": crypto.encrypt_record(IDENTITY, dek, aad=AAD),
        "session": server_blob,
        "_dek": dek,
        "_cookie": cookie_key,
    }


OPENERS = {
    "locked": lambda blob, b, alice: crypto.unlock_private_key(blob, PASSWORD),
    "sealed": lambda blob, b, alice: crypto.unseal(blob, alice.private),
    "record": lambda blob, b, alice: crypto.decrypt_record(blob, b["_dek"], aad=AAD),
    "session": lambda blob, b, alice: crypto.session_join(b["_cookie"], blob),
}


@pytest.mark.parametrize("opener", OPENERS)
@pytest.mark.parametrize("kind", OPENERS)
def test_a_blob_opens_only_with_its_own_function(kind, opener, blobs, alice):
    open_ = OPENERS[opener]
    if kind == opener:
        open_(blobs[kind], blobs, alice)  # the right key opens it
        return
    with pytest.raises(VaultCryptoError) as excinfo:
        open_(blobs[kind], blobs, alice)
    # A type mismatch is found from the tag, before any key is tried.
    assert not isinstance(excinfo.value, WrongPassword)


@pytest.mark.parametrize("opener", OPENERS)
def test_a_blob_with_the_right_tag_but_another_shape_is_refused(opener, blobs, alice):
    tag = {
        "locked": crypto.LOCKED_KEY_V1,
        "sealed": crypto.SEALED_KEY_V1,
        "record": crypto.RECORD_V1,
        "session": crypto.SESSION_KEY_V1,
    }[opener]
    for blob in (bytes([tag]), bytes([tag]) + bytes(100), bytes([tag + 1]) + blobs[opener][1:]):
        with pytest.raises(VaultCryptoError):
            OPENERS[opener](blob, blobs, alice)


def test_blobs_from_a_postgresql_binaryfield_are_accepted(alice, blobs):
    """psycopg returns bytea as memoryview."""
    assert crypto.unseal(memoryview(blobs["sealed"]), alice.private) == blobs["_dek"]
    assert crypto.decrypt_record(memoryview(blobs["record"]), blobs["_dek"], aad=AAD) == IDENTITY


def test_a_string_instead_of_bytes_is_a_programming_error(alice):
    with pytest.raises(TypeError):
        crypto.unseal("not bytes", alice.private)
