"""What a request learns about its user's access, kept in the cache between requests.

Four things are cached (docs/access-cache.md): the rows a user holds an object
permission on (registry.permissions._granted), the permissions of their roles
(`CachedModelBackend`, as Django's ModelBackend answers `user.has_perm(perm)`), their
role names (User.role_names) and the user an API token belongs to
(registry.services.api_token_authenticate).

Each entry is stored with the versions it was computed under and is used only while they
are still current:

- the user's version (`access:v:user:<id>`), changed when their object permissions, groups,
  own permissions, account row or API tokens change;
- everyone's version (`access:v:all`), changed by what is rare and touches many users at
  once: a group's permissions or object permissions, a group renamed or deleted, a unit
  saved, a protected row moved to another unit, a migration.

A version is a random token, never a counter: a version evicted from the cache comes back
as a new token that no entry carries, so losing a key can only cost a recomputation. The
versions are read before the database, and changed both at once and again after the
transaction commits: a request that read the database between the change and the commit
stored what it read under a version that the commit replaces.
"""

import functools
import secrets

from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db import transaction

EVERYONE = "access:v:all"
# Entries expire so that the cache does not keep the access of users gone quiet; the
# versions do not (see above: losing one is harmless, but keeping it saves a recompute).
ENTRY_SECONDS = 24 * 3600
# A token's last use is written to the database at most this often.
LAST_USED_SECONDS = 60


def _user_version(user_id) -> str:
    return f"access:v:user:{user_id}"


def _versions(user_id, found: dict) -> tuple:
    """The current (user, everyone) versions, from `found` (a get_many answer) where
    present; a missing one is created."""
    current = []
    for key in (_user_version(user_id), EVERYONE):
        value = found.get(key)
        if value is None:
            fresh = secrets.token_hex(8)
            # Another process may create it at the same time: keep whichever came first.
            value = fresh if cache.add(key, fresh, None) else (cache.get(key) or fresh)
        current.append(value)
    return tuple(current)


def remembered(user_id, name: str, compute):
    """`compute()`, kept under `name` for the user until one of their versions changes.
    One round trip to the cache when the entry is current."""
    key = f"access:{name}:{user_id}"
    found = cache.get_many([_user_version(user_id), EVERYONE, key])
    versions = _versions(user_id, found)
    entry = found.get(key)
    if entry is not None and entry[0] == versions:
        return entry[1]
    value = compute()
    if not _changes_pending():
        cache.set(key, (versions, value), ENTRY_SECONDS)
    return value


def token_holder(digest: str, *, owner_of, lookup):
    """What `lookup(digest)` answers for an API token (None for an unusable one), kept
    under the token's digest, never the token, until its user's versions change.

    The versions must be read before the database, but they are the user's and the token
    names its user only in the database: `owner_of(digest)` reads the user id first (a
    token never changes hands), then the versions, then `lookup` the token's state. A
    token nobody holds is not remembered, so guesses cannot fill the cache."""
    key = f"access:token:{digest}"
    entry = cache.get(key)
    if entry is not None:
        versions, user_id, held = entry
    else:
        user_id = owner_of(digest)
        if user_id is None:
            return None
    current = _versions(user_id, cache.get_many([_user_version(user_id), EVERYONE]))
    if entry is not None and versions == current:
        return held
    held = lookup(digest)
    if not _changes_pending():
        cache.set(key, (current, user_id, held), ENTRY_SECONDS)
    return held


def token_used_now(digest: str) -> bool:
    """True at most once a minute per token: when its last use should be written."""
    return cache.add(f"access:token-used:{digest}", 1, LAST_USED_SECONDS)


# --- What changes the versions ----------------------------------------------------------


def _change(keys: list[str]) -> None:
    def write():
        cache.set_many({key: secrets.token_hex(8) for key in keys}, None)

    write()
    # Again once committed (at once outside a transaction): see the module docstring.
    # Robust: the change is committed whatever the cache says, and the callbacks queued
    # after this one (tasks, notifications) must still run.
    write.access_change = True
    transaction.on_commit(write, robust=True)


def _changes_pending() -> bool:
    """Whether this connection's open transaction changed someone's access (a version
    write waits for its commit). What it reads now may still be rolled back, and a
    rollback writes no new version, so it is not stored: the next request computes it
    again from what was committed.

    The test suite wraps each test in transactions that are never committed (marked
    `_from_testcase` by Django); a change made there outside any atomic block of the
    code under test counts as committed, as it would be outside the suite."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return False
    blocks = connection.atomic_blocks
    # savepoint_ids[i] belongs to atomic_blocks[i + 1]; the outermost block has none
    # (None: a block made without a savepoint).
    open_savepoints = {
        sid
        for block, sid in zip(blocks[1:], connection.savepoint_ids, strict=False)
        if sid is not None and not getattr(block, "_from_testcase", False)
    }
    in_real_transaction = not getattr(blocks[0], "_from_testcase", False)
    return any(
        getattr(callback, "access_change", False)
        and (in_real_transaction or bool(set(sids) & open_savepoints))
        for sids, callback, _robust in connection.run_on_commit
    )


def user_changed(*user_ids) -> None:
    """Forget what is cached about these users' access."""
    keys = [_user_version(user_id) for user_id in user_ids if user_id is not None]
    if keys:
        _change(keys)


def everyone_changed() -> None:
    """Forget what is cached about everyone's access."""
    _change([EVERYONE])


class CachedModelBackend(ModelBackend):
    """Django's ModelBackend whose answer to "which permissions does this user have" (their
    own and their groups', all of them for a superuser) comes from the cache. Object
    permissions asked of one object stay with guardian's backend, which reads the database
    every time."""

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            parent = super()
            user_obj._perm_cache = remembered(
                user_obj.pk,
                f"perms:{int(user_obj.is_superuser)}",
                lambda: set(parent.get_all_permissions(user_obj)),
            )
        return user_obj._perm_cache


# --- Signals -----------------------------------------------------------------------------


def _object_permission_models():
    """The guardian object-permission models: (model, True for a user's, False for a
    group's), generic and direct."""
    from django.apps import apps
    from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

    for model in apps.get_models():
        if issubclass(model, UserObjectPermissionBase):
            yield model, True
        elif issubclass(model, GroupObjectPermissionBase):
            yield model, False


def _grant_written(sender, instance, **kwargs):
    user_changed(instance.user_id)


def _group_grant_written(sender, **kwargs):
    everyone_changed()


def _memberships_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """A user's groups or own permissions, from either side of the relation."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        user_changed(instance.pk)
    elif pk_set:
        user_changed(*pk_set)
    else:
        # group.user_set.clear(): the users are gone from the relation already.
        everyone_changed()


def _group_permissions_changed(sender, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        everyone_changed()


def _account_written(sender, instance, **kwargs):
    user_changed(instance.pk)


def _token_written(sender, instance, **kwargs):
    user_changed(instance.user_id)


def _everyone(sender, **kwargs):
    everyone_changed()


def _bulk_create_changing_access(bulk_create):
    """guardian's bulk_assign_perm and assign_perm_to_many insert with bulk_create, which
    sends no post_save: the manager's bulk_create changes the versions itself."""

    @functools.wraps(bulk_create)
    def wrapper(self, objs, *args, **kwargs):
        from guardian.models import UserObjectPermissionBase

        objs = list(objs)
        created = bulk_create(self, objs, *args, **kwargs)
        if issubclass(self.model, UserObjectPermissionBase):
            user_changed(*{obj.user_id for obj in objs})
        elif objs:
            everyone_changed()
        return created

    wrapper.changes_access = True
    return wrapper


# A row's unit decides whether a grant on it is left out of the cached list (a grant
# inside the user's own unit adds nothing to what their role opens: see
# registry.permissions._granted). No service moves a report or an inspection to another
# unit today, but a row that moved out of a user's unit must not stay hidden from a user
# who holds a grant on it, so a change of any field on the path to the unit (a complaint's
# unit, an identity's complaint) changes everyone's version. Caching the grants without
# that filter instead would list every grant of an officer's own cases in each query,
# which is the cost the filter exists to avoid.


def _unit_paths() -> dict:
    """{model: {attname: name}} of the fields on each path from a row with direct object
    permissions to its unit."""
    watched: dict = {}
    for permission_model, _for_user in _object_permission_models():
        # None for guardian's generic models (content_type and object_pk): no unit path.
        target = permission_model._meta.get_field("content_object").related_model
        path = getattr(target, "scope_unit_field", None) if target is not None else None
        model = target
        for part in path.split("__") if path else ():
            if part == "pk":
                break
            field = model._meta.get_field(part)
            watched.setdefault(model, {})[field.attname] = field.name
            model = field.related_model
            if model is None:
                break
    return watched


def _moves_watcher(fields: dict):
    def before_save(sender, instance, raw=False, update_fields=None, **kwargs):
        if raw or instance._state.adding or instance.pk is None:
            return
        if update_fields is not None and not (
            set(update_fields) & (set(fields) | set(fields.values()))
        ):
            return
        attnames = list(fields)
        stored = sender._base_manager.filter(pk=instance.pk).values_list(*attnames).first()
        if stored is not None and tuple(getattr(instance, a) for a in attnames) != stored:
            instance._access_unit_moved = True

    def after_save(sender, instance, **kwargs):
        if instance.__dict__.pop("_access_unit_moved", False):
            everyone_changed()

    return before_save, after_save


def connect() -> None:
    """Wire the signals that change the versions (registry.apps.RegistryConfig.ready)."""
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_save
    from guardian.managers import BaseObjectPermissionManager

    # By name: registry.models imports this module (User.role_names).
    api_token, unit = apps.get_model("registry", "ApiToken"), apps.get_model("registry", "Unit")
    user_model = get_user_model()
    for model, for_user in _object_permission_models():
        receiver = _grant_written if for_user else _group_grant_written
        for signal in (post_save, post_delete):
            signal.connect(receiver, sender=model, dispatch_uid=f"access-{model._meta.label}")
    if not getattr(BaseObjectPermissionManager.bulk_create, "changes_access", False):
        BaseObjectPermissionManager.bulk_create = _bulk_create_changing_access(
            BaseObjectPermissionManager.bulk_create
        )

    for through in (user_model.groups.through, user_model.user_permissions.through):
        m2m_changed.connect(
            _memberships_changed, sender=through, dispatch_uid=f"access-{through._meta.label}"
        )
    m2m_changed.connect(
        _group_permissions_changed, sender=Group.permissions.through, dispatch_uid="access-gp"
    )
    for signal in (post_save, post_delete):
        signal.connect(_account_written, sender=user_model, dispatch_uid="access-user")
        signal.connect(_token_written, sender=api_token, dispatch_uid="access-token")
        for model in (Group, Permission, unit):
            signal.connect(_everyone, sender=model, dispatch_uid=f"access-{model._meta.label}")
    # A data migration may change any of it without signals (registry 0010 revokes tokens).
    post_migrate.connect(_everyone, dispatch_uid="access-migrate")

    for model, fields in _unit_paths().items():
        before_save, after_save = _moves_watcher(fields)
        uid = f"access-moves-{model._meta.label}"
        pre_save.connect(before_save, sender=model, weak=False, dispatch_uid=uid)
        post_save.connect(after_save, sender=model, weak=False, dispatch_uid=uid)
