"""Proof of filing: a small JSON document signed by the server (Ed25519).

It says that a report with this tracking number, kind and description hash was filed
at this time with this unit; it carries no identity and no receipt. Anyone can verify
it against the public key served at /api/v1/public/proof-key, on the verification page,
or with standard tools (the signature covers the canonical JSON of `payload`).
"""

import base64
import hashlib
import json
from functools import lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.utils import timezone

PROOF_TYPE = "msq-filing-proof"


def canonical(payload: dict) -> bytes:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


@lru_cache(maxsize=4)
def _private_key(pem: str | None, fallback_seed: str) -> Ed25519PrivateKey:
    if pem:
        key = serialization.load_pem_private_key(pem.encode(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("PROOF_SIGNING_KEY must be an Ed25519 private key in PEM.")
        return key
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(fallback_seed.encode()).digest())


def signing_key() -> Ed25519PrivateKey:
    return _private_key(settings.PROOF_SIGNING_KEY, f"proof-dev:{settings.SECRET_KEY}")


def public_key_bytes() -> bytes:
    return (
        signing_key()
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )


def public_key_pem() -> str:
    return (
        signing_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def key_id() -> str:
    return hashlib.sha256(public_key_bytes()).hexdigest()[:16]


def make_proof(complaint) -> dict:
    payload = {
        "type": PROOF_TYPE,
        "version": 1,
        "tracking_number": complaint.tracking_number,
        "filed_at": timezone.localtime(complaint.received_at).isoformat(),
        "unit": complaint.unit.name,
        "kind": complaint.kind,
        "product_name": complaint.product_name,
        "seller_name": complaint.seller_name,
        "description_sha256": hashlib.sha256(complaint.description.encode()).hexdigest(),
        "photo_count": complaint.photos.count(),
    }
    signature = signing_key().sign(canonical(payload))
    return {
        "payload": payload,
        "key_id": key_id(),
        "signature": base64.b64encode(signature).decode(),
    }


def verify_proof(proof: dict) -> bool:
    """True if `proof` was signed by this server's key and not altered since."""
    try:
        payload = proof["payload"]
        signature = base64.b64decode(proof["signature"], validate=True)
        if payload.get("type") != PROOF_TYPE:
            return False
        Ed25519PublicKey.from_public_bytes(public_key_bytes()).verify(signature, canonical(payload))
    except (KeyError, TypeError, ValueError, AttributeError, InvalidSignature):
        return False
    return True
