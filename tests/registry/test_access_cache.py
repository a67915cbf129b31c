"""The cached access (registry/access_cache.py) follows every change on the next request.

Each test warms the cache with a request, changes a grant, a role, a group's permissions,
a token or an account, and asks again through the real list endpoints: the API's
`GET /api/v1/complaints` with a bearer token and the HTML queue `/complaints/`. The cache
is the suite's own (locmem, or Redis when CACHE_URL is set).
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from guardian.shortcuts import assign_perm, remove_perm

from complaints.models import Complaint
from registry.models import ApiToken, Role
from registry.services import api_token_create, api_token_revoke
from tests.complaints.helpers import file_complaint
from tests.factories import UserFactory, api_client, unit

API_LIST = "/api/v1/complaints"
QUEUE = "/complaints/"


def _listed(client) -> set[int]:
    response = client.get(API_LIST)
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def _on_queue(client, complaint) -> bool:
    response = client.get(QUEUE)
    assert response.status_code == 200
    return f'href="/complaints/{complaint.pk}/"' in response.content.decode()


@pytest.fixture
def hanoi_case(db):
    return file_complaint(province_code="01").complaint


@pytest.fixture
def hanoi_cases(db):
    return [file_complaint(province_code="01").complaint for _ in range(2)]


def test_a_single_grant_given_and_revoked(oscar, hanoi_case, client_for):
    """oscar (Hồ Chí Minh City) sees a Hà Nội report only while he holds a grant on it."""
    api, browser = api_client(oscar), client_for(oscar)
    assert hanoi_case.pk not in _listed(api)
    assert not _on_queue(browser, hanoi_case)

    assign_perm("view_complaint", oscar, hanoi_case)
    assert hanoi_case.pk in _listed(api)
    assert _on_queue(browser, hanoi_case)

    remove_perm("view_complaint", oscar, hanoi_case)
    assert hanoi_case.pk not in _listed(api)
    assert not _on_queue(browser, hanoi_case)


def test_grants_given_and_revoked_on_a_queryset(oscar, hanoi_cases, client_for):
    """guardian's queryset paths: bulk_create (no post_save) and a queryset delete."""
    api, browser = api_client(oscar), client_for(oscar)
    ids = {c.pk for c in hanoi_cases}
    assert not ids & _listed(api)

    assign_perm("view_complaint", oscar, Complaint.objects.filter(pk__in=ids))
    assert ids <= _listed(api)
    assert all(_on_queue(browser, c) for c in hanoi_cases)

    remove_perm("view_complaint", oscar, Complaint.objects.filter(pk__in=ids))
    assert not ids & _listed(api)
    assert not any(_on_queue(browser, c) for c in hanoi_cases)


def test_a_grant_to_many_users_at_once(oscar, hanoi_case):
    """assign_perm with a list of users: guardian's assign_perm_to_many (bulk_create)."""
    from complaints.models import ComplaintUserObjectPermission

    api = api_client(oscar)
    assert hanoi_case.pk not in _listed(api)
    other = UserFactory(unit=unit("79"), roles=[Role.COMPLAINT_OFFICER])
    permission = Permission.objects.get(codename="view_complaint")
    ComplaintUserObjectPermission.objects.assign_perm_to_many(
        permission, [oscar, other], hanoi_case
    )
    assert hanoi_case.pk in _listed(api)
    assert hanoi_case.pk in _listed(api_client(other))


def test_a_grant_to_a_group(oscar, hanoi_case, client_for):
    api = api_client(oscar)
    assert hanoi_case.pk not in _listed(api)
    officers = Group.objects.get(name=Role.COMPLAINT_OFFICER)

    assign_perm("view_complaint", officers, hanoi_case)
    assert hanoi_case.pk in _listed(api)

    remove_perm("view_complaint", officers, hanoi_case)
    assert hanoi_case.pk not in _listed(api)


def test_a_role_added_and_removed(roles, hanoi_case, client_for):
    newcomer = UserFactory(unit=unit("01"), roles=[])
    api, browser = api_client(newcomer), client_for(newcomer)
    assert hanoi_case.pk not in _listed(api)
    officers = Group.objects.get(name=Role.COMPLAINT_OFFICER)

    newcomer.groups.add(officers)
    assert hanoi_case.pk in _listed(api)
    assert _on_queue(browser, hanoi_case)

    newcomer.groups.remove(officers)
    assert hanoi_case.pk not in _listed(api)
    assert not _on_queue(browser, hanoi_case)


def test_a_role_removed_from_the_group_side(olga, hanoi_case, client_for):
    api, browser = api_client(olga), client_for(olga)
    assert hanoi_case.pk in _listed(api)
    assert _on_queue(browser, hanoi_case)

    Group.objects.get(name=Role.COMPLAINT_OFFICER).user_set.remove(olga)
    assert hanoi_case.pk not in _listed(api)
    assert not _on_queue(browser, hanoi_case)


def test_a_groups_permission_removed(olga, hanoi_case, client_for):
    api, browser = api_client(olga), client_for(olga)
    assert hanoi_case.pk in _listed(api)
    assert _on_queue(browser, hanoi_case)

    Group.objects.get(name=Role.COMPLAINT_OFFICER).permissions.remove(
        Permission.objects.get(codename="view_complaint")
    )
    assert hanoi_case.pk not in _listed(api)
    assert not _on_queue(browser, hanoi_case)


def test_a_revoked_token_is_refused_on_the_next_request(olga, hanoi_case):
    api = api_client(olga)
    assert hanoi_case.pk in _listed(api)
    token = ApiToken.objects.get(user=olga)

    api_token_revoke(user=olga, token_id=token.pk)
    assert api.get(API_LIST).status_code == 401


def test_a_token_of_a_deactivated_user_is_refused(olga, hanoi_case):
    api = api_client(olga)
    assert hanoi_case.pk in _listed(api)

    olga.is_active = False
    olga.save(update_fields=["is_active"])
    assert api.get(API_LIST).status_code == 401


def test_tokens_revoked_by_a_factor_reset_are_refused(olga, hanoi_case):
    """factor_reset_approve revokes the holder's tokens with an UPDATE, which sends no
    signal."""
    from registry import factor_reset
    from tests.second_factor import totp_device

    quan, quynh = (
        UserFactory(username=name, unit=unit("01"), roles=[Role.ADMIN], is_staff=True)
        for name in ("quan", "quynh")
    )
    totp_device(olga)
    api = api_client(olga)
    assert hanoi_case.pk in _listed(api)

    reset = factor_reset.factor_reset_request(
        by=quan, username=olga.username, reason="Mất điện thoại ngày 02/12."
    )
    factor_reset.factor_reset_approve(by=quynh, reset=reset)
    assert api.get(API_LIST).status_code == 401


def test_other_tokens_stay_valid_and_a_new_one_works_at_once(olga, hanoi_case):
    first, second = api_client(olga), api_client(olga)
    assert hanoi_case.pk in _listed(first)
    api_token_revoke(user=olga, token_id=ApiToken.objects.filter(user=olga).last().pk)
    assert first.get(API_LIST).status_code == 401
    assert hanoi_case.pk in _listed(second)
    _record, token = api_token_create(user=olga, name="Máy tính bảng 3")
    assert first.get(API_LIST, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200, (
        "a token issued after the cache was warm"
    )


def test_a_granted_report_moved_out_of_the_unit_stays_visible(oscar, olga):
    """Grants inside the user's own unit are left out of the cached list (the unit opens
    them anyway); when such a report moves to another unit, the grant must open it."""
    case = file_complaint(province_code="79").complaint
    assign_perm("view_complaint", oscar, case)
    api = api_client(oscar)
    assert case.pk in _listed(api)

    case.unit = unit("01")
    case.save(update_fields=["unit"])
    assert case.pk in _listed(api)
    assert case.pk in _listed(api_client(olga))


def _queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return [query["sql"].lower() for query in ctx.captured_queries]


# Where access is read from: object permissions, role permissions, tokens. (The queue
# page also lists the unit's officers, a query on the groups that is no access check.)
ACCESS_TABLES = ("objectpermission", "auth_permission", "registry_apitoken")


@pytest.mark.parametrize("path", [API_LIST, QUEUE])
def test_a_warm_cache_saves_the_access_queries(oscar, hanoi_case, client_for, path):
    assign_perm("view_complaint", oscar, hanoi_case)
    client = api_client(oscar) if path == API_LIST else client_for(oscar)
    cold = _queries(client, path)
    warm = _queries(client, path)
    assert len(warm) < len(cold)
    assert [q for q in cold if any(table in q for table in ACCESS_TABLES)]
    assert [q for q in warm if any(table in q for table in ACCESS_TABLES)] == []
    # The grant still opens the report with a warm cache.
    if path == API_LIST:
        assert hanoi_case.pk in _listed(client)
    else:
        assert _on_queue(client, hanoi_case)


def _sees(user, complaint) -> bool:
    from registry.models import User
    from registry.permissions import restrict

    fresh = User.objects.get(pk=user.pk)
    return restrict(Complaint.objects.filter(pk=complaint.pk), fresh).exists()


def test_a_grant_rolled_back_is_not_kept(oscar):
    """What a transaction reads after changing access is not stored: a rollback writes no
    new version, so it would stay current. (The suite's own transaction counts as
    committed; the atomic block here is the service's.)"""
    from django.db import transaction

    case = file_complaint(province_code="01").complaint
    assert not _sees(oscar, case)  # warm: oscar (Hồ Chí Minh City) does not see it
    with pytest.raises(RuntimeError), transaction.atomic():
        assign_perm("view_complaint", oscar, case)
        assert _sees(oscar, case)  # inside, the grant counts
        raise RuntimeError("the service fails later: everything rolls back")
    assert not _sees(oscar, case)


def test_a_revocation_rolled_back_is_not_kept(oscar):
    from django.db import transaction

    case = file_complaint(province_code="01").complaint
    assign_perm("view_complaint", oscar, case)
    assert _sees(oscar, case)
    with pytest.raises(RuntimeError), transaction.atomic():
        remove_perm("view_complaint", oscar, case)
        assert not _sees(oscar, case)
        raise RuntimeError("rolled back")
    assert _sees(oscar, case)
