"""The same history for an economic operator: reports naming it, its inspections,
samples, violation records and alerts in every unit, detail only where it may be seen."""

import pytest

from review.history import history_get
from tests.complaints.helpers import file_complaint
from tests.factories import api_client
from tests.review.history_world import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(bob, charlie):
    found = build(bob=bob, charlie=charlie)
    # A Hà Nội report naming the operator by its tax code (linked at filing).
    found.hn_named = file_complaint(
        network_key="hn2", seller_tax_code=found.operator.tax_code
    ).complaint
    return found


def ids(history, key):
    return {i.id for s in history.sections if s.key == key for i in s.items}


def test_a_hanoi_supervisor_sees_hanois_cases_and_a_line_for_hcm(world, bob, client_for):
    assert world.hn_named.operator_id == world.operator.pk
    found = history_get(user=bob, subject=world.operator, kind="operator")
    assert ids(found, "reports") == {world.hn_named.pk}
    assert ids(found, "inspections") == {world.hn_inspection.pk}
    assert ids(found, "samples") == {world.hn_sample.pk}
    assert ids(found, "alerts") == {world.alert.pk}
    [hcm] = found.hidden_units
    assert hcm.hidden_summary == (
        "2 phản ánh, 1 cuộc kiểm tra, 1 mẫu không đạt, 1 biên bản vi phạm, 1 cảnh báo đã gỡ"
    )
    html = client_for(bob).get(f"/review/operators/{world.operator.pk}/").content.decode()
    assert world.hn_named.tracking_number in html and "05/QĐ-HN" in html
    assert "77/QĐ-HCM" not in html and "9/BB-VPHC-HCM" not in html and "Bí Mật" not in html
    assert f"{hcm.unit}</strong>: 2 phản ánh" in html


def test_a_national_supervisor_sees_every_unit(world, nadia):
    found = history_get(user=nadia, subject=world.operator, kind="operator")
    assert ids(found, "reports") == {world.hn_named.pk, *[r.pk for r in world.hcm_reports]}
    assert ids(found, "inspections") == {world.hn_inspection.pk, world.hcm_inspection.pk}
    assert ids(found, "violations") == {world.hcm_record.pk}
    assert ids(found, "alerts") == {world.alert.pk, world.withdrawn.pk}
    assert found.hidden_units == []


def test_the_api_gives_the_same(world, bob):
    body = api_client(bob).get(f"/api/v1/operators/{world.operator.pk}/history").json()
    assert body["kind"] == "operator" and body["subject_name"] == world.operator.name
    sections = {s["key"]: s for s in body["sections"]}
    assert [i["id"] for i in sections["inspections"]["items"]] == [world.hn_inspection.pk]
    assert sections["violations"]["items"] == [] and sections["violations"]["count"] == 0
    hcm = next(u for u in body["units"] if u["unit_id"] == world.hcm_inspection.unit_id)
    assert hcm["hidden"] == {
        "reports": 2,
        "inspections": 1,
        "findings": 0,
        "samples": 1,
        "violations": 1,
        "alerts": 1,
    }
    assert "77/QĐ-HCM" not in str(body)
    assert api_client(bob).get("/api/v1/operators/999999/history").status_code == 404


def test_the_operator_page_runs_in_a_bounded_number_of_queries(
    world, nadia, client_for, django_assert_max_num_queries
):
    client = client_for(nadia)
    client.get(f"/review/operators/{world.operator.pk}/")
    for n in range(12):
        file_complaint(network_key=f"more{n}", seller_tax_code=world.operator.tax_code)
    with django_assert_max_num_queries(20):
        response = client.get(f"/review/operators/{world.operator.pk}/")
    html = response.content.decode()
    assert f"/review/operators/{world.operator.pk}/reports/" in html  # 15 reports, 10 shown
    full = client.get(f"/review/operators/{world.operator.pk}/reports/")
    assert full.status_code == 200 and full.content.decode().count(">PA-") == 15
