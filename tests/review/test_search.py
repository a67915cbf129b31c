"""Search across reports and inspections, accents ignored (full-text on PostgreSQL)."""

import pytest
from django.db import connection

from review.selectors import search
from tests.complaints.helpers import file_complaint
from tests.factories import api_client
from tests.inspections.helpers import decided_inspection

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(alice, bob):
    fish = file_complaint(network_key="a", product_name="Nước mắm cá cơm Phú Quốc").complaint
    rice = file_complaint(
        network_key="b",
        product_name="Gạo ST25",
        seller_name="Đại lý Thành Công",
        description="Túi ghi 5 kg, cân lại thiếu 300 g.",
    ).complaint
    inspection = decided_inspection(supervisor=bob, lead=alice)
    inspection.operator.name = "Công ty Cổ phần Thực phẩm Hướng Dương"
    inspection.operator.save()
    inspection.save()
    return fish, rice, inspection


def test_words_without_accents_find_reports_and_inspections(cases, bob):
    fish, rice, inspection = cases
    assert [c.pk for c in search(user=bob, q="nuoc mam").complaints] == [fish.pk]
    assert [c.pk for c in search(user=bob, q="NƯỚC MẮM phu quoc").complaints] == [fish.pk]
    assert [c.pk for c in search(user=bob, q="dai ly thanh cong").complaints] == [rice.pk]
    assert search(user=bob, q="nuoc gao").complaint_count == 0  # every word must match
    found = search(user=bob, q="huong duong")
    assert [i.pk for i in found.inspections] == [inspection.pk]
    assert search(user=bob, q=inspection.decision_number).inspections == [inspection]


def test_a_word_prefix_and_an_exact_number_match(cases, bob):
    fish, _rice, _inspection = cases
    assert [c.pk for c in search(user=bob, q="nuo").complaints] == [fish.pk]
    assert [c.pk for c in search(user=bob, q="nuoc ma").complaints] == [fish.pk]
    assert [c.pk for c in search(user=bob, q=fish.tracking_number.lower()).complaints] == [fish.pk]


def test_query_syntax_is_only_text(cases, bob):
    # to_tsquery operators and quotes are separators, never syntax: no error, no match.
    for q in ("nuoc & | ! :* ' mam", "):*(", "'"):
        found = search(user=bob, q=q)
        assert found.complaint_count in (0, 1)


def test_nobody_finds_what_they_may_not_see(cases, charlie, oscar):
    assert search(user=charlie, q="nuoc mam").complaint_count == 0
    assert search(user=oscar, q="huong duong").inspection_count == 0
    response = api_client(oscar).get("/api/v1/search?q=nuoc%20mam")
    assert response.status_code == 200 and response.json()["complaint_count"] == 0


def test_the_api_and_the_page_answer(cases, bob, client_for):
    response = api_client(bob).get("/api/v1/search?q=nuoc%20mam")
    assert response.json()["complaint_count"] == 1
    assert response.json()["complaints"][0]["product_name"] == "Nước mắm cá cơm Phú Quốc"
    page = client_for(bob).get("/search/?q=huong+duong").content.decode()
    assert "Hướng Dương" in page


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan")
def test_postgresql_uses_the_full_text_index(cases, bob):
    from complaints.models import Complaint
    from registry.search import text_matches as complaint_matches

    qs = complaint_matches(Complaint.objects.all(), "nuoc mam")
    with connection.cursor() as cursor:
        # On a few rows the planner would rather scan; forbid it to see that it can use
        # the index at all (bench/case_list.py measures the plan on a million rows).
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_indexscan = off")
        sql, params = qs.order_by().query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
        cursor.execute("RESET enable_indexscan")
    # Reports match on their stored tsvector (complaints 0011), by its GIN index.
    assert "complaint_search_vector" in plan, plan
