"""A software WebAuthn authenticator for the passkey tests: a real P-256 key pair that
answers registration and sign-in challenges as a browser would pass them on (JSON with
base64url fields), so the server's checks (py_webauthn) run for real.

Built as the WebAuthn spec lays the bytes out: authenticator data (RP ID hash, flags,
sign count, then at registration the attested credential with its COSE key), a "none"
attestation, and an ECDSA-SHA256 signature over the authenticator data and the client
data's hash.
"""

import hashlib
import json
import os
import struct

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from webauthn.helpers import bytes_to_base64url, encode_cbor

from registry import passkeys

# The test client's site (Django's test client sends Host: testserver over http).
RP = passkeys.RelyingParty(id="testserver", name="Thử", origins=("http://testserver",))
USER_PRESENT = 0x01
USER_VERIFIED = 0x04
ATTESTED_CREDENTIAL = 0x40


def _b64(data: bytes) -> str:
    return bytes_to_base64url(data)


class SoftAuthenticator:
    def __init__(self, *, rp_id: str = "testserver", origin: str = "http://testserver"):
        self.rp_id = rp_id
        self.origin = origin
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(16)
        self.sign_count = 0

    @property
    def id(self) -> str:
        return _b64(self.credential_id)

    def _cose_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        # kty EC2, alg ES256, crv P-256, x, y
        return encode_cbor(
            {
                1: 2,
                3: -7,
                -1: 1,
                -2: numbers.x.to_bytes(32, "big"),
                -3: numbers.y.to_bytes(32, "big"),
            }
        )

    def _auth_data(self, flags: int, attested: bytes = b"") -> bytes:
        rp_hash = hashlib.sha256(self.rp_id.encode()).digest()
        return rp_hash + bytes([flags]) + struct.pack(">I", self.sign_count) + attested

    def _client_data(self, kind: str, challenge: str, origin: str | None) -> bytes:
        return json.dumps(
            {"type": kind, "challenge": challenge, "origin": origin or self.origin}
        ).encode()

    def register(self, options: dict, *, origin: str | None = None) -> dict:
        """The answer to navigator.credentials.create(options) (options as the server
        sent them)."""
        attested = (
            bytes(16)  # AAGUID: none
            + struct.pack(">H", len(self.credential_id))
            + self.credential_id
            + self._cose_key()
        )
        flags = USER_PRESENT | USER_VERIFIED | ATTESTED_CREDENTIAL
        attestation = encode_cbor(
            {"fmt": "none", "attStmt": {}, "authData": self._auth_data(flags, attested)}
        )
        client_data = self._client_data("webauthn.create", options["challenge"], origin)
        return {
            "id": self.id,
            "rawId": self.id,
            "type": "public-key",
            "response": {
                "clientDataJSON": _b64(client_data),
                "attestationObject": _b64(attestation),
                "transports": ["internal"],
            },
            "clientExtensionResults": {},
        }

    def sign(self, options: dict, *, origin: str | None = None, count: bool = True) -> dict:
        """The answer to navigator.credentials.get(options); `count=False` replays the
        last sign count, as a copied key would."""
        if count:
            self.sign_count += 1
        auth_data = self._auth_data(USER_PRESENT | USER_VERIFIED)
        client_data = self._client_data("webauthn.get", options["challenge"], origin)
        signed = auth_data + hashlib.sha256(client_data).digest()
        signature = self.key.sign(signed, ec.ECDSA(hashes.SHA256()))
        return {
            "id": self.id,
            "rawId": self.id,
            "type": "public-key",
            "response": {
                "clientDataJSON": _b64(client_data),
                "authenticatorData": _b64(auth_data),
                "signature": _b64(signature),
                "userHandle": None,
            },
            "clientExtensionResults": {},
        }


def passkey_for(user, authenticator=None, name="Khóa USB") -> SoftAuthenticator:
    """A key added for `user` through the services (the registration checked for real)."""
    authenticator = authenticator or SoftAuthenticator()
    options, challenge = passkeys.passkey_registration_options(user=user, rp=RP)
    passkeys.passkey_register(
        user=user,
        rp=RP,
        challenge=challenge,
        credential=authenticator.register(options),
        name=name,
    )
    return authenticator
