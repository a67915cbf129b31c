"""Search by barcode (docs/product-history.md): the GTIN printed on an alert, typed or
pasted in any of its written forms, finds the alert, the product and the reports."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.search import gtin_forms, gtin_query
from review.selectors import search
from tests.factories import api_client
from tests.review.history_world import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(bob, charlie):
    return build(bob=bob, charlie=charlie)


def test_the_forms_of_one_gtin():
    assert gtin_forms("8934588012228") == ["8934588012228", "08934588012228"]
    assert gtin_forms("012345678905") == ["012345678905", "0012345678905", "00012345678905"]
    assert gtin_query("0 8934588 012228") == gtin_forms("8934588012228")
    assert gtin_query("00000096385074") == [
        "96385074",
        "000096385074",
        "0000096385074",
        "00000096385074",
    ]
    assert gtin_query("8934588012229") is None  # a wrong check digit is only text
    assert gtin_query("0100233488") is None  # a tax code's length
    assert gtin_query("nuoc mam 8934588012228") is None


@pytest.mark.parametrize("written", ["as printed", "with a leading zero", "spaced"])
def test_the_barcode_on_an_alert_finds_it_the_product_and_the_reports(world, bob, written):
    gtin = world.alert.barcode
    q = {
        "as printed": gtin,
        "with a leading zero": "0" + gtin,
        "spaced": f"{gtin[0]} {gtin[1:7]} {gtin[7:]}",
    }[written]
    found = search(user=bob, q=q)
    assert found.gtin
    assert [a.pk for a in found.alerts] == [world.alert.pk]  # published only
    assert [p.pk for p in found.products] == [world.product.pk]
    # Hà Nội's report; Hồ Chí Minh City's (written "0" + GTIN) are not bob's to see.
    assert [c.pk for c in found.complaints] == [world.hn_report.pk]
    assert [i.pk for i in found.inspections] == [world.hn_inspection.pk]


def test_a_report_of_another_unit_is_not_leaked(world, bob, oscar, client_for):
    gtin = world.product.gtin
    # Oscar (Hồ Chí Minh City) finds his unit's reports, stored as the GTIN-14.
    found = search(user=oscar, q=gtin)
    assert {c.pk for c in found.complaints} == {r.pk for r in world.hcm_reports}
    assert world.hn_report.pk not in {c.pk for c in found.complaints}
    html = client_for(bob).get(f"/search/?q=0{gtin}").content.decode()
    assert world.hn_report.tracking_number in html
    assert f"/canh-bao/{world.alert.pk}/" in html
    assert f"/review/products/{world.product.pk}/" in html
    for report in world.hcm_reports:
        assert report.tracking_number not in html
    assert "Bí Mật" not in html and "Cảnh báo đã gỡ" not in html
    body = api_client(bob).get(f"/api/v1/search?q=0{gtin}").json()
    assert body["gtin"] and body["complaint_count"] == 1
    assert [a["id"] for a in body["alerts"]] == [world.alert.pk]
    assert [p["id"] for p in body["products"]] == [world.product.pk]


def test_words_are_still_searched_as_text(world, bob):
    found = search(user=bob, q="mui la")
    assert not found.gtin and found.products == [] and found.alerts == []
    assert [c.pk for c in found.complaints] == [world.hn_report.pk]


def test_a_barcode_search_is_a_few_indexed_lookups(world, nadia):
    with CaptureQueriesContext(connection) as queries:
        search(user=nadia, q=world.product.gtin)
    conditions = " ".join(q["sql"].split(" WHERE ", 1)[-1] for q in queries.captured_queries)
    # The reports by their barcode column, never by the words of their text (a LIKE on
    # SQLite, a tsquery on PostgreSQL).
    assert "search_text" not in conditions and "search_vector" not in conditions
    assert "LIKE" not in conditions and "to_tsquery" not in conditions
    assert len(queries) <= 8
