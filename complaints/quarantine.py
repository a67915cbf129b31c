"""Where a citizen's original photo waits, encrypted, until the clean copies are made.

The original is never shown to anyone and is deleted as soon as processing ends. While
it waits it is AES-256-GCM encrypted under a key derived from QUARANTINE_KEY, so a
copy of the media storage alone reveals nothing, not even the photo's metadata. After a
change of QUARANTINE_KEY, the photos already waiting still open with the previous keys,
kept in QUARANTINE_OLD_KEYS until the queue has drained.
"""

import hashlib
import os
import uuid

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

PREFIX = "quarantine/"


def _aead(key: str) -> AESGCM:
    return AESGCM(hashlib.sha256(b"msq-quarantine:" + key.encode()).digest())


def put(data: bytes) -> str:
    name = f"{PREFIX}{uuid.uuid4().hex}.bin"
    nonce = os.urandom(12)
    sealed = ContentFile(nonce + _aead(settings.QUARANTINE_KEY).encrypt(nonce, data, name.encode()))
    # One chunk: the file system storage writes it in one call, not 64 KB at a time.
    sealed.DEFAULT_CHUNK_SIZE = max(sealed.size, 1)
    return default_storage.save(name, sealed)


def get(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        sealed = handle.read()
    for key in (settings.QUARANTINE_KEY, *settings.QUARANTINE_OLD_KEYS):
        try:
            return _aead(key).decrypt(sealed[:12], sealed[12:], name.encode())
        except InvalidTag:
            continue
    raise InvalidTag()


def delete(name: str) -> None:
    if name and default_storage.exists(name):
        default_storage.delete(name)
