"""Counting attempts in the cache, keyed by an HMAC so that the key says nothing."""

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache


def _key(scope: str, subject: str) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{scope}:{subject}".encode(), hashlib.sha256
    ).hexdigest()
    return f"throttle:{scope}:{digest[:32]}"


def too_many(scope: str, subject: str, *, limit: int, window_seconds: int) -> bool:
    """Count one attempt; True once more than `limit` were made within the window."""
    key = _key(scope, subject)
    if cache.add(key, 1, timeout=window_seconds):
        return False
    try:
        return cache.incr(key) > limit
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=window_seconds)
        return False


def is_over(scope: str, subject: str, *, limit: int) -> bool:
    """True once `limit` attempts were counted, without counting this one."""
    return (cache.get(_key(scope, subject)) or 0) >= limit


def reset(scope: str, subject: str) -> None:
    cache.delete(_key(scope, subject))
