"""Reference data that pages show on every view and that rarely changes, cached.

The triage queue's filters list the provinces, the product categories, the units and a
unit's officers on every page view: four queries of the 9-10 a page made, for lists that
change a few times a year (officers: when staff join, leave or change roles). They are
kept in the cache (Redis in production, shared by every process) under a version per
kind of data; saving or deleting a row of a model the kind is read from gives the kind a
new version, so the next request reads the lists afresh (`connect`, wired in
registry.apps). The version changes at once and again when the transaction commits, so
that a request reading between the two cannot keep the old rows.

Changes made without signals (a queryset's update(), raw SQL, a data migration other than
through `migrate`, which clears everything) are seen when the entry expires: TIMEOUT.
A stale list costs little here: a filter choice missing for an hour, or an officer who
left still offered for assignment, which services.complaint_assign refuses anyway.
"""

import uuid

from django.core.cache import cache
from django.db import transaction

# Every entry expires after an hour: the bound on a change made without signals.
TIMEOUT = 60 * 60
# "places": provinces, product categories, units. "staff": users and their roles.
KINDS = ("places", "staff")


def _version_key(kind: str) -> str:
    return f"reference:{kind}:version"


def _version(kind: str) -> str:
    version = cache.get(_version_key(kind))
    if version is None:
        cache.add(_version_key(kind), uuid.uuid4().hex, None)
        version = cache.get(_version_key(kind))
    return version


def remembered(kind: str, key: str, compute):
    """The cached value of `key` among the data of `kind`, or `compute()` (stored).
    The value must be picklable and not None: plain lists of tuples, not querysets."""
    full_key = f"reference:{kind}:{_version(kind)}:{key}"
    value = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, TIMEOUT)
    return value


def forget(kind: str) -> None:
    """Give `kind` a new version now and when the current transaction commits."""

    def renew():
        cache.set(_version_key(kind), uuid.uuid4().hex, None)

    renew()
    transaction.on_commit(renew, robust=True)


def _places_changed(sender, **kwargs):
    forget("places")


def _staff_changed(sender, **kwargs):
    # Signing in saves last_login only: not a change of who handles what.
    if kwargs.get("update_fields") is not None and set(kwargs["update_fields"]) <= {"last_login"}:
        return
    forget("staff")


def _memberships_changed(sender, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        forget("staff")


def forget_all() -> None:
    for kind in KINDS:
        forget(kind)


def _everything(sender, **kwargs):
    forget_all()


def connect() -> None:
    """Wire the signals that renew the versions (registry.apps.RegistryConfig.ready)."""
    from django.contrib.auth.models import Group
    from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

    from registry.models import ProductCategory, Province, Unit, User

    for signal in (post_save, post_delete):
        for model in (Province, ProductCategory, Unit):
            signal.connect(
                _places_changed, sender=model, dispatch_uid=f"reference-{model._meta.label}"
            )
        # A unit renamed or closed changes the officers' lists too.
        for model in (User, Group, Unit):
            signal.connect(
                _staff_changed, sender=model, dispatch_uid=f"reference-staff-{model._meta.label}"
            )
    m2m_changed.connect(
        _memberships_changed, sender=User.groups.through, dispatch_uid="reference-memberships"
    )
    post_migrate.connect(_everything, dispatch_uid="reference-migrate")
