"""The triage queue page (/complaints/) costs the same few queries whatever its page, and
its reference lists come from the cache (registry/reference_cache.py), renewed when the
rows they are read from change."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.models import ProductCategory, Role
from tests.complaints.helpers import file_complaint
from tests.factories import UserFactory, unit

pytestmark = pytest.mark.django_db

# Session, user, second factor, unit; the queue's tabs; the page.
MAX_QUERIES = 6


def queries_of(client, url: str) -> int:
    client.get(url)  # warm the caches, as a served process has them
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["olga", "nadia"])
def test_the_queue_page_costs_the_same_queries_on_every_page(who, request, client_for):
    for i in range(7):
        file_complaint(network_key=f"k{i}")
    client = client_for(request.getfixturevalue(who))
    counts = {
        url: queries_of(client, url)
        for url in ("/complaints/", "/complaints/?page=2", "/complaints/?page=3&queue=all")
    }
    assert set(counts.values()) == {counts["/complaints/"]}, counts
    assert counts["/complaints/"] <= MAX_QUERIES, counts


def test_a_new_officer_and_category_show_on_the_next_page(olga, client_for):
    client = client_for(olga)
    page = client.get("/complaints/").content.decode()
    assert "Cán bộ Mới" not in page

    UserFactory(
        username="moi", unit=unit("01"), roles=[Role.COMPLAINT_OFFICER], full_name="Cán bộ Mới"
    )
    ProductCategory.objects.create(code="zz-new", name="Nhóm Mới Thêm")
    page = client.get("/complaints/").content.decode()
    assert "Cán bộ Mới" in page
    assert "Nhóm Mới Thêm" in page


def test_an_officer_who_loses_the_role_leaves_the_list(olga, client_for):
    other = UserFactory(
        username="khac", unit=unit("01"), roles=[Role.COMPLAINT_OFFICER], full_name="Cán bộ Khác"
    )
    client = client_for(olga)
    assert "Cán bộ Khác" in client.get("/complaints/").content.decode()
    other.groups.clear()
    assert "Cán bộ Khác" not in client.get("/complaints/").content.decode()


def test_officers_of_another_unit_stay_hidden_from_a_unit_officer(olga, oscar, client_for):
    client = client_for(olga)
    shown = client.get(f"/complaints/?unit={oscar.unit_id}").context
    assert f">{oscar.full_name}<" not in shown["handler_options"]
    assert f">{olga.full_name}<" not in shown["handler_options"]  # that unit's, not hers
    own = client.get("/complaints/").context
    assert f">{olga.full_name}<" in own["handler_options"]
    assert f">{olga.full_name} (01)<" in own["officer_options"]
