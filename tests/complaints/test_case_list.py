"""The case list at scale (docs/case-list.md): capped counts, deep pages by a deferred
join, and a search ranked by relevance then recency, scoped like the list."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints import selectors
from tests.complaints.helpers import file_complaint
from tests.factories import api_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def cap_of_three(monkeypatch):
    monkeypatch.setattr("registry.api_base.COUNT_CAP", 3)


def reports(n: int, **kwargs) -> list:
    return [file_complaint(network_key=f"k{i}", **kwargs).complaint for i in range(n)]


def test_a_count_below_the_cap_is_exact(olga, cap_of_three):
    reports(3)
    body = api_client(olga).get("/api/v1/complaints?queue=all").json()
    assert (body["count"], body["count_capped"], body["has_next"]) == (3, False, False)


def test_a_count_above_the_cap_says_more_than_the_cap(olga, client_for, cap_of_three):
    reports(5)
    body = api_client(olga).get("/api/v1/complaints?queue=all&page_size=2").json()
    assert (body["count"], body["count_capped"], body["has_next"]) == (4, True, True)
    assert len(body["items"]) == 2

    client = client_for(olga)
    response = client.get("/complaints/?queue=new")
    page = response.context["page"]
    assert page.paginator.count == 4 and page.paginator.count.capped
    assert page.paginator.num_pages is None  # the last page is not known
    html = response.content.decode()
    assert 'class="queue__count">hơn 3</span>' in html
    assert "hơn 3 phản ánh" in html
    assert "Trang cuối" not in html

    # The home page counts the queue as its list does: both capped, equal.
    home = client.get("/home/complaint_officer/").content.decode()
    shown = re.search(
        r'href="/complaints/\?queue=new">[^<]*<span class="queue__count">([^<]+)<', home
    )
    assert shown.group(1) == "hơn 3"
    assert selectors.queue_counts(user=olga)["new"] == page.paginator.count


def test_a_capped_count_is_an_int_shown_as_more_than_the_cap(olga, cap_of_three):
    from django.utils import translation

    from registry.api_base import CappedCount

    with translation.override("vi"):
        assert str(CappedCount(4)) == "hơn 3"
        assert str(CappedCount(3)) == "3"
    assert CappedCount(4) == 4 and not CappedCount(3).capped


def test_every_page_holds_the_next_rows_and_costs_the_same_queries(olga):
    filed = reports(7)
    newest_first = [c.tracking_number for c in reversed(filed)]
    client = api_client(olga)
    client.get("/api/v1/complaints?page_size=2")  # warm the token and permission caches
    seen, counts = [], []
    for page in (1, 2, 3, 4):
        with CaptureQueriesContext(connection) as queries:
            body = client.get(f"/api/v1/complaints?queue=all&page_size=2&page={page}").json()
        counts.append(len(queries))
        seen += [item["tracking_number"] for item in body["items"]]
        assert body["has_next"] == (page < 4)
        assert body["count"] == 7 and not body["count_capped"]
    assert seen == newest_first
    assert len(set(counts)) == 1 and counts[0] <= 6


def test_the_queue_page_pages_through_every_report_once(olga, client_for):
    filed = reports(27)
    client = client_for(olga)
    first = client.get("/complaints/?queue=all").context["page"]
    second = client.get("/complaints/?queue=all&page=2").context["page"]
    assert len(first) == 25 and first.has_next and first.paginator.num_pages == 2
    assert len(second) == 2 and not second.has_next and second.number == 2
    listed = [c.pk for c in first] + [c.pk for c in second]
    assert listed == [c.pk for c in reversed(filed)]
    # A page past the end of a list counted exactly is its last; a bad one the first.
    assert client.get("/complaints/?queue=all&page=9").context["page"].number == 2
    assert client.get("/complaints/?queue=all&page=x").context["page"].number == 1


def test_a_list_row_reads_only_the_listed_columns(olga, client_for):
    reports(1)
    page = client_for(olga).get("/complaints/?queue=all").context["page"]
    row = page.object_list[0]
    deferred = row.get_deferred_fields()
    assert {"description", "search_text", "seller_address", "outcome"} <= deferred
    assert "tracking_number" not in deferred and row.photo_count == 0


def test_a_search_finds_only_what_the_user_may_see(olga, oscar):
    mine = file_complaint(network_key="a").complaint
    file_complaint(network_key="b", province_code="79")  # Hồ Chí Minh's unit: oscar's
    for user, expected in ((olga, [mine.tracking_number]), (oscar, None)):
        body = api_client(user).get("/api/v1/complaints?queue=all&q=nuoc%20mam").json()
        numbers = [item["tracking_number"] for item in body["items"]]
        if expected:
            assert numbers == expected
        else:
            assert len(numbers) == 1 and mine.tracking_number not in numbers
        assert body["count"] == 1


def test_a_search_with_equal_relevance_lists_the_newest_first(olga):
    older = file_complaint(network_key="a").complaint
    newer = file_complaint(network_key="b").complaint
    body = api_client(olga).get("/api/v1/complaints?queue=all&q=nuoc%20mam").json()
    assert [i["tracking_number"] for i in body["items"]] == [
        newer.tracking_number,
        older.tracking_number,
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ranking is PostgreSQL's")
def test_a_search_ranks_by_relevance_then_recency(olga, bob):
    from review.selectors import search

    twice = file_complaint(
        network_key="a", product_name="Nước mắm Minh Tâm", seller_name="Tạp hóa Minh Tâm"
    ).complaint
    once_older = file_complaint(network_key="b", product_name="Nước mắm cá cơm").complaint
    once_newer = file_complaint(network_key="c", product_name="Nước mắm cá cơm").complaint
    expected = [twice.tracking_number, once_newer.tracking_number, once_older.tracking_number]
    body = api_client(olga).get("/api/v1/complaints?queue=all&q=minh%20tam").json()
    assert [i["tracking_number"] for i in body["items"]] == expected
    assert body["count"] == 3
    found = search(user=bob, q="minh tam")
    assert [c.tracking_number for c in found.complaints] == expected
    assert found.complaint_count == 3
    # Every word but the last is whole; the last may be the start of one.
    assert api_client(olga).get("/api/v1/complaints?queue=all&q=minh%20ta").json()["count"] == 3
    assert api_client(olga).get("/api/v1/complaints?queue=all&q=min%20tam").json()["count"] == 0


def test_someone_who_sees_no_report_gets_empty_queues(client_for, alice):
    file_complaint(network_key="a")
    response = client_for(alice).get("/complaints/?queue=all&q=nuoc")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    assert {
        count for _key, _label, count in response.context["queue_tabs"] if count is not None
    } == {0}
