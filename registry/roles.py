"""The rights of each role, kept in code and written to the role groups after every migrate.

A model permission held by a role (e.g. `registry.view_user`) opens that model's rows of
the user's unit, or of every unit for national staff (see registry.permissions.restrict).
Each app may add to this in its own `roles.py` with a `ROLE_PERMISSIONS` mapping of the
same shape; the groups are then set to exactly the union, so a right removed here is
removed from the group too.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS

from registry.models.org import Role

_READ_REFERENCE = [
    "registry.view_province",
    "registry.view_unit",
    "registry.view_user",
    "registry.view_productcategory",
    "registry.view_categoryclass",
    "registry.view_economicoperator",
    "registry.view_product",
    "registry.view_legalprovision",
    "registry.view_legaldocument",
    "registry.view_calendarday",
]
_RECORD_OPERATORS = ["registry.add_economicoperator", "registry.add_product"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.INSPECTOR: [*_READ_REFERENCE, *_RECORD_OPERATORS],
    Role.TEAM_LEAD: [*_READ_REFERENCE, *_RECORD_OPERATORS],
    Role.COMPLAINT_OFFICER: [*_READ_REFERENCE, *_RECORD_OPERATORS],
    Role.SUPERVISOR: [
        *_READ_REFERENCE,
        *_RECORD_OPERATORS,
        "registry.change_economicoperator",
        "registry.change_product",
    ],
    Role.IDENTITY_CUSTODIAN: [*_READ_REFERENCE],
    Role.AUDITOR: [*_READ_REFERENCE, "registry.view_auditentry"],
    # The legal staff keep the catalogue of sanctionable acts: one enters a version, another
    # verifies it (registry/provisions.py holds the four-eyes rule).
    Role.LEGAL_OFFICER: [
        *_READ_REFERENCE,
        "registry.add_legalprovision",
        "registry.change_legalprovision",
        "registry.verify_legalprovision",
        "registry.add_legaldocument",
    ],
    Role.ADMIN: [
        *_READ_REFERENCE,
        "registry.view_auditentry",
        *(
            f"registry.{action}_{model}"
            for model in (
                "unit",
                "user",
                "productcategory",
                "categoryclass",
                "economicoperator",
                "product",
                "calendarday",
            )
            for action in ("add", "change")
        ),
        "registry.delete_calendarday",
        # A category's dated classes are edited as a set (the admin's inline).
        "registry.delete_categoryclass",
    ],
}


def role_permissions() -> dict[str, set[str]]:
    """The union of this module's mapping and every installed app's `roles.py`."""
    merged = {role: set(perms) for role, perms in ROLE_PERMISSIONS.items()}
    for config in global_apps.get_app_configs():
        if config.name == "registry" or find_spec(f"{config.name}.roles") is None:
            continue
        for role, perms in getattr(
            import_module(f"{config.name}.roles"), "ROLE_PERMISSIONS", {}
        ).items():
            merged.setdefault(role, set()).update(perms)
    return merged


def sync_role_groups(sender=None, using=DEFAULT_DB_ALIAS, apps=global_apps, **kwargs):
    """Create the role groups and set their permissions (idempotent; run after migrate)."""
    if sender is not None and sender.name != "registry":
        return
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    # Django creates each app's permissions after that app's migrations; the roles
    # name permissions of apps that come later, so make sure all exist now.
    for config in global_apps.get_app_configs():
        create_permissions(config, verbosity=0, using=using)
    for role, perms in role_permissions().items():
        group, _ = Group.objects.using(using).get_or_create(name=role)
        wanted = []
        for perm in sorted(perms):
            app_label, codename = perm.split(".")
            try:
                wanted.append(
                    Permission.objects.using(using).get(
                        content_type__app_label=app_label, codename=codename
                    )
                )
            except Permission.DoesNotExist as exc:
                raise LookupError(f"Role {role} names an unknown permission {perm}.") from exc
        group.permissions.set(wanted)
