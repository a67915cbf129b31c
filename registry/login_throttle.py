"""Staff sign-in throttle, on every way in (docs/login-throttle.md).

Each failed sign-in (a wrong password, or a wrong second-factor code) is counted in the
cache twice: for the account, by its lowercased username whether or not it exists, and
for the network, by `request.network_key` (registry/network.py). Once a count reaches
a step of settings.LOGIN_ACCOUNT_STEPS or LOGIN_NETWORK_STEPS, sign-in is locked for
that step's delay, counted from the failure. A lock refuses every attempt, the right
password too, until its end time; the end time itself is stored, so that Retry-After
is exact. Cache keys are HMACs (registry/throttle.py): nothing here holds an address
or a username in the clear.

Parallel guesses: `login_check` reserves the attempt, counting it as in flight for the
account (an atomic `cache.incr`), and refuses it when the attempts already in flight,
were they all to fail, would reach a step. So parallel requests get no more guesses
than the same requests one after another. Every reservation ends, in the same request,
with exactly one of `login_failed`, `login_succeeded` or `login_released`.

When an account's count reaches a step (the first lock, and each longer one), the
audit log records it and the account holder is told; a name that is no account gets
the same lock and an audit entry without a target, so no answer differs between them.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.audit import audit_record
from registry.errors import TooManyRequests
from registry.models import User
from registry.services import notification_send
from registry.throttle import cache_key, count, reset

LOCKED_MESSAGE = _(
    "Đăng nhập tạm thời bị khóa vì có quá nhiều lần đăng nhập sai. "
    "Vui lòng thử lại sau %(minutes)s phút."
)


# How long an attempt counts as in flight if its request never ends it (it crashed).
IN_FLIGHT_SECONDS = 60


class LoginLocked(Exception):
    """Sign-in is refused for `retry_after` more seconds."""

    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        super().__init__(retry_after)

    @property
    def minutes(self) -> int:
        return math.ceil(self.retry_after / 60)


@dataclass(frozen=True)
class _Counter:
    scope: str
    subject: str
    steps: tuple  # ((failures, seconds locked), ...), fewest failures first
    memory: int  # seconds a failure is remembered after the last one

    def delay(self, failures: int) -> int:
        """The lock that `failures` in a row earn: the delay of the last step reached."""
        return max((seconds for reached, seconds in self.steps if failures >= reached), default=0)

    def is_step(self, failures: int) -> bool:
        return any(failures == reached for reached, _ in self.steps)

    @property
    def lock_scope(self) -> str:
        return f"{self.scope}-lock"

    @property
    def in_flight_scope(self) -> str:
        return f"{self.scope}-in-flight"


def _account(username: str) -> _Counter:
    return _Counter(
        "login-account",
        username.lower(),
        settings.LOGIN_ACCOUNT_STEPS,
        settings.LOGIN_ACCOUNT_MEMORY,
    )


def _network(network_key: str) -> _Counter:
    return _Counter(
        "login-network",
        network_key,
        settings.LOGIN_NETWORK_STEPS,
        settings.LOGIN_NETWORK_MEMORY,
    )


def _seconds_left(counter: _Counter, now: datetime) -> int:
    locked_until = cache.get(cache_key(counter.lock_scope, counter.subject))
    if locked_until is None:
        return 0
    return max(0, math.ceil(locked_until - now.timestamp()))


def locked_error(locked: LoginLocked) -> TooManyRequests:
    """The lock as the API and the JSON steps refuse it: 429 with its Retry-After."""
    error = TooManyRequests(LOCKED_MESSAGE, params={"minutes": locked.minutes})
    error.retry_after = locked.retry_after
    return error


def login_wait(username: str, network_key: str) -> None:
    """Raise LoginLocked while the account or the network is locked; reserves nothing
    (for a step that checks no secret, such as asking for a passkey's challenge)."""
    now = timezone.now()
    wait = max(_seconds_left(c, now) for c in (_account(username), _network(network_key)))
    if wait:
        raise LoginLocked(wait)


def login_check(username: str, network_key: str) -> None:
    """Reserve one attempt at a password or code for the account, or raise LoginLocked:
    while the account or the network is locked, and while the attempts already in
    flight for the account would, were they all to fail, reach a step. The caller ends
    the reservation with login_failed, login_succeeded or login_released."""
    login_wait(username, network_key)
    account = _account(username)
    in_flight = count(account.in_flight_scope, account.subject, window_seconds=IN_FLIGHT_SECONDS)
    cache.touch(cache_key(account.in_flight_scope, account.subject), IN_FLIGHT_SECONDS)
    failures = cache.get(cache_key(account.scope, account.subject)) or 0
    # The first attempt in flight may always go (the lock, if any, is over); each
    # other one only while the failures of those before it would lock nothing.
    wait = account.delay(failures + in_flight - 1) if in_flight > 1 else 0
    if wait:
        _release(account)
        raise LoginLocked(wait)


def login_released(username: str, network_key: str) -> None:
    """End a reservation without counting anything: the password was right, but the
    sign-in is not over (a second step is due), or it confirmed an action."""
    _release(_account(username))


def _release(counter: _Counter) -> None:
    key = cache_key(counter.in_flight_scope, counter.subject)
    try:
        if cache.decr(key) < 0:
            cache.delete(key)
    except ValueError:  # forgotten already (IN_FLIGHT_SECONDS)
        pass


def login_failed(username: str, network_key: str) -> None:
    """Count one failure for the account and for the network; lock either at a step.
    Ends the attempt's reservation (once counted, so that no check misses it)."""
    now = timezone.now()
    account = _account(username)
    failures, locked_until = _count_and_lock(account, now)
    if account.is_step(failures):
        _account_locked(account.subject, _lock_changes(failures, locked_until, now))
    network = _network(network_key)
    failures, locked_until = _count_and_lock(network, now)
    if network.is_step(failures):
        _network_locked(_lock_changes(failures, locked_until, now))
    _release(account)


def login_succeeded(username: str, network_key: str) -> None:
    """Clear the account's failures and attempts in flight. The network's failures stay:
    one account signing in must not wipe out a spray over the others."""
    account = _account(username)
    reset(account.scope, account.subject)
    reset(account.lock_scope, account.subject)
    reset(account.in_flight_scope, account.subject)


def _count_and_lock(counter: _Counter, now: datetime) -> tuple[int, datetime | None]:
    """Count one failure; lock if it reaches a step. The count and the lock's end."""
    failures = count(counter.scope, counter.subject, window_seconds=counter.memory)
    cache.touch(cache_key(counter.scope, counter.subject), counter.memory)
    delay = counter.delay(failures)
    if not delay:
        return failures, None
    locked_until = now + timedelta(seconds=delay)
    cache.set(
        cache_key(counter.lock_scope, counter.subject), locked_until.timestamp(), timeout=delay
    )
    return failures, locked_until


def _lock_changes(failures: int, locked_until: datetime, now: datetime) -> dict:
    return {
        "failures": failures,
        "locked_seconds": round((locked_until - now).total_seconds()),
        "locked_until": locked_until.isoformat(),
    }


def _account_locked(username: str, changes: dict) -> None:
    """Audit the lock, on the account if the name is one, and tell its holder."""
    holders = list(User.objects.filter(username__iexact=username))
    with transaction.atomic():
        if not holders:
            audit_record(actor=None, action="login.locked", changes=changes)
        for holder in holders:
            audit_record(actor=None, action="login.locked", target=holder, changes=changes)
            _tell_holder(holder, changes["failures"], changes["locked_until"])


def _tell_holder(holder: User, failures: int, locked_until: str) -> None:
    until = timezone.localtime(datetime.fromisoformat(locked_until))
    notification_send(
        recipient=holder,
        subject=str(_("Đăng nhập vào tài khoản của bạn bị tạm khóa")),
        body=str(
            _(
                "Đã có %(failures)s lần đăng nhập sai liên tiếp vào tài khoản của bạn, nên "
                "đăng nhập bị khóa đến %(until)s, kể cả với mật khẩu đúng. Nếu đó không "
                "phải là bạn, hãy báo ngay cho quản trị viên của đơn vị và đổi mật khẩu."
            )
        )
        % {"failures": failures, "until": until.strftime("%H:%M %d/%m/%Y")},
    )


def _network_locked(changes: dict) -> None:
    with transaction.atomic():
        audit_record(actor=None, action="login.network_locked", changes=changes)
