"""Citizens' network addresses are never stored: not in the database, not in logs,
not in error reports.

`ForgetClientAddressMiddleware` runs first. It turns the client address into
`request.network_key`, an HMAC of the network prefix (/24 for IPv4, /48 for IPv6)
under a random key that changes every day and lives only in the cache, then removes
the address, forwarded-for headers and the user agent from the request. Throttles
count per network_key in the cache, so a flood from one network is stopped, while
nothing kept can be turned back into an address once the day's key is gone.
"""

import hashlib
import hmac
import ipaddress
import secrets
import time

import redis
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

FORGOTTEN_META = (
    "REMOTE_ADDR",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_REAL_IP",
    "HTTP_USER_AGENT",
    "HTTP_FORWARDED",
)


def _client_address(meta) -> str:
    if settings.TRUSTED_PROXY_COUNT:
        # The proxies we run append the address they saw: take the one they were given.
        hops = [h.strip() for h in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= settings.TRUSTED_PROXY_COUNT:
            return hops[-settings.TRUSTED_PROXY_COUNT]
    return meta.get("REMOTE_ADDR", "")


def network_prefix(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "unknown"
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


# Today's key as this process last read it from the cache: (its cache name, the key, when
# it was read). Every request needs it, and two cache round trips a request were about a
# tenth of a cached list's time; held a minute, a key the cache lost is replaced in every
# process within that minute.
_held: tuple[str, bytes, float] | None = None
HOLD_SECONDS = 60


def _day_key() -> bytes:
    """A random key for today, kept only in the cache for two days (and a minute in each
    process's memory): once it is gone, nothing (not even SECRET_KEY) turns earlier
    network keys back into prefixes."""
    global _held
    name = f"network-day-key:{timezone.localdate():%Y-%m-%d}"
    held = _held
    if held and held[0] == name and time.monotonic() - held[2] < HOLD_SECONDS:
        return held[1]
    try:
        cache.add(name, secrets.token_hex(32), timeout=2 * 86400)
        value = cache.get(name)
    except redis.RedisError:
        # Redis is down: this middleware runs before everything, even the probes, and
        # must not fail them. The throttles that need the cache refuse on their own.
        value = None
    if not value:
        # A cache that lost it between add and get: a fresh key for this request only.
        return secrets.token_bytes(32)
    key = bytes.fromhex(value)
    _held = (name, key, time.monotonic())
    return key


def network_key(address: str) -> str:
    return hmac.new(_day_key(), network_prefix(address).encode(), hashlib.sha256).hexdigest()[:32]


class ForgetClientAddressMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.network_key = network_key(_client_address(request.META))
        for name in FORGOTTEN_META:
            request.META.pop(name, None)
        return self.get_response(request)
