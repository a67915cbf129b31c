"""Counting attempts in the cache, keyed by an HMAC so that the key says nothing."""

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache


def cache_key(scope: str, subject: str) -> str:
    """The cache key of `subject` under `scope`: an HMAC, so the key says nothing."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{scope}:{subject}".encode(), hashlib.sha256
    ).hexdigest()
    return f"throttle:{scope}:{digest[:32]}"


def count(scope: str, subject: str, *, window_seconds: int) -> int:
    """Count one attempt; the number counted within the window, this one included."""
    key = cache_key(scope, subject)
    if cache.add(key, 1, timeout=window_seconds):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=window_seconds)
        return 1


def too_many(scope: str, subject: str, *, limit: int, window_seconds: int) -> bool:
    """Count one attempt; True once more than `limit` were made within the window."""
    return count(scope, subject, window_seconds=window_seconds) > limit


def is_over(scope: str, subject: str, *, limit: int) -> bool:
    """True once `limit` attempts were counted, without counting this one."""
    return (cache.get(cache_key(scope, subject)) or 0) >= limit


def reset(scope: str, subject: str) -> None:
    cache.delete(cache_key(scope, subject))
