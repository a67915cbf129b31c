"""Where a citizen's original photo waits, encrypted, until the clean copies are made.

The original is never shown to anyone and is deleted as soon as processing ends. While
it waits it is AES-256-GCM encrypted under a key derived from QUARANTINE_KEY, so a
copy of the media storage alone reveals nothing, not even the photo's metadata.
"""

import hashlib
import os
import uuid

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

PREFIX = "quarantine/"


def _aead() -> AESGCM:
    return AESGCM(hashlib.sha256(b"msq-quarantine:" + settings.QUARANTINE_KEY.encode()).digest())


def put(data: bytes) -> str:
    name = f"{PREFIX}{uuid.uuid4().hex}.bin"
    nonce = os.urandom(12)
    sealed = nonce + _aead().encrypt(nonce, data, name.encode())
    return default_storage.save(name, ContentFile(sealed))


def get(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        sealed = handle.read()
    return _aead().decrypt(sealed[:12], sealed[12:], name.encode())


def delete(name: str) -> None:
    if name and default_storage.exists(name):
        default_storage.delete(name)
