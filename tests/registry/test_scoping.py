"""The one restricting step every read goes through (registry.permissions.restrict)."""

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from guardian.shortcuts import assign_perm

from registry import selectors
from registry.errors import NotFound
from registry.models import AuditEntry, Unit, User
from registry.models.scoping import ScopedQuerySet
from tests.factories import UserFactory, unit

PROJECT_APPS = ("registry", "inspections", "complaints", "whistleblower")


def test_every_project_model_declares_its_scope():
    """A new model cannot be read unscoped by accident: it must say how it is scoped."""
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS or model.__name__.endswith("ObjectPermission"):
            continue
        if model.__name__ == "AuditChainHead":
            continue  # internal: never read by a user-facing selector
        assert isinstance(model._default_manager.all(), ScopedQuerySet), model
        assert hasattr(model, "scope_unit_field") or hasattr(model, "scope_owner_field"), model


def test_staff_see_their_own_unit_only(alice, charlie):
    assert list(selectors.unit_list(user=alice)) == [unit("01")]
    assert list(selectors.unit_list(user=charlie)) == [unit("79")]


def test_national_staff_see_every_unit(nadia):
    assert selectors.unit_list(user=nadia).count() == Unit.objects.count() == 35


def test_another_units_object_is_not_found(alice):
    with pytest.raises(NotFound):
        selectors.unit_get(user=alice, unit_id=unit("79").pk)


def test_staff_lists_are_scoped(alice, bob, charlie):
    assert set(selectors.unit_staff(user=bob, unit_id=unit("01").pk)) == {alice, bob}
    with pytest.raises(NotFound):
        selectors.unit_staff(user=charlie, unit_id=unit("01").pk)


def test_an_object_permission_opens_one_row_beyond_the_unit(alice, charlie):
    """Joint inspection: charlie (HCM) is granted Hà Nội's unit, and only that."""
    hanoi = unit("01")
    assign_perm("view_unit", charlie, hanoi)
    assert set(selectors.unit_list(user=charlie)) == {unit("79"), hanoi}
    assert selectors.unit_get(user=charlie, unit_id=hanoi.pk) == hanoi
    with pytest.raises(NotFound):
        selectors.unit_get(user=charlie, unit_id=unit("48").pk)


def test_a_group_object_permission_counts_too(charlie):
    from django.contrib.auth.models import Group

    team = Group.objects.create(name="doan-lien-nganh")
    charlie.groups.add(team)
    assign_perm("view_unit", team, unit("48"))
    assert unit("48") in selectors.unit_list(user=User.objects.get(pk=charlie.pk))


def test_without_the_role_permission_only_object_permissions_count(roles):
    nobody = UserFactory(username="norole", unit=unit("01"), roles=[])
    assert selectors.unit_list(user=nobody).count() == 0
    assign_perm("view_unit", nobody, unit("01"))
    assert selectors.unit_list(user=nobody).count() == 1


def test_anonymous_and_inactive_users_see_nothing(alice):
    assert selectors.unit_list(user=AnonymousUser()).count() == 0
    alice.is_active = False
    assert selectors.unit_list(user=alice).count() == 0


def test_audit_entries_are_scoped_by_unit(audrey, alice, charlie, roles):
    from django.db import transaction

    from registry.audit import audit_record

    with transaction.atomic():
        audit_record(actor=alice, action="test.hanoi", target=unit("01"))
        audit_record(actor=charlie, action="test.hcm", target=unit("79"))
    assert list(selectors.audit_entry_list(user=audrey).values_list("action", flat=True)) == [
        "test.hanoi"
    ]
    # Inspectors hold no audit right at all.
    assert selectors.audit_entry_list(user=alice).count() == 0
    assert AuditEntry.objects.count() == 2


def _queries_for_staff_list(user_id, unit_id) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = User.objects.get(pk=user_id)  # fresh: no permission cache
    with CaptureQueriesContext(connection) as ctx:
        list(selectors.unit_staff(user=user, unit_id=unit_id))
    return len(ctx.captured_queries)


def test_scoped_list_query_count_does_not_grow_with_rows(alice):
    hanoi = unit("01").pk
    _queries_for_staff_list(alice.pk, hanoi)  # warm the content-type cache
    few = _queries_for_staff_list(alice.pk, hanoi)
    UserFactory.create_batch(30, unit=unit("01"))
    assert _queries_for_staff_list(alice.pk, hanoi) == few <= 9
