"""One product, one history (docs/product-history.md): every unit's reports, samples,
records and alerts about a product, detail only where the viewer may see it."""

import pytest

from inspections.models import ChecklistItem, Finding
from review.history import history_get
from tests.factories import OperatorFactory, ProductFactory, api_client
from tests.review.history_world import build, inspection, sample

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(bob, charlie):
    return build(bob=bob, charlie=charlie)


def ids(history, key):
    section = next(s for s in history.sections if s.key == key)
    return {item.id for item in section.items}


def test_a_hanoi_supervisor_sees_hanois_detail_and_a_line_for_hcm(world, bob, client_for):
    found = history_get(user=bob, subject=world.product, kind="product")
    assert ids(found, "reports") == {world.hn_report.pk}
    assert ids(found, "samples") == {world.hn_sample.pk}
    assert ids(found, "inspections") == {world.hn_inspection.pk}
    assert ids(found, "violations") == set()
    # The published alert is public; the withdrawn one is Hồ Chí Minh City's to see.
    assert ids(found, "alerts") == {world.alert.pk}
    [hcm] = found.hidden_units
    assert hcm.unit_id == world.hcm_inspection.unit_id
    assert hcm.hidden_summary == (
        "2 phản ánh, 1 cuộc kiểm tra, 1 mẫu không đạt, 1 biên bản vi phạm, 1 cảnh báo đã gỡ"
    )

    page = client_for(bob).get(f"/review/products/{world.product.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert world.hn_report.tracking_number in html and "HN1/BBLM" in html
    assert f"{hcm.unit}</strong>: 2 phản ánh" in html
    assert world.alert.defect not in html  # listed, its text is on its own page
    assert f"/canh-bao/{world.alert.pk}/" in html
    for secret in [r.tracking_number for r in world.hcm_reports] + [
        "Bí Mật",
        "HCM1/BBLM",
        "KQ-HCM1",
        "9/BB-VPHC-HCM",
        "77/QĐ-HCM",
    ]:
        assert secret not in html


def test_a_national_supervisor_sees_both_provinces(world, nadia, client_for):
    found = history_get(user=nadia, subject=world.product, kind="product")
    assert ids(found, "reports") == {world.hn_report.pk, *[r.pk for r in world.hcm_reports]}
    assert ids(found, "samples") == {world.hn_sample.pk, world.hcm_sample.pk}
    assert ids(found, "inspections") == {world.hn_inspection.pk, world.hcm_inspection.pk}
    assert ids(found, "violations") == {world.hcm_record.pk}  # the draft is not one
    assert ids(found, "alerts") == {world.alert.pk, world.withdrawn.pk}
    assert found.hidden_units == []
    totals = {u.unit_id: (u.total, u.failed_samples) for u in found.units}
    hcm = totals[world.hcm_inspection.unit_id]
    assert hcm == (
        {
            "reports": 2,
            "inspections": 1,
            "findings": 0,
            "samples": 1,
            "violations": 1,
            "alerts": 2,
        },
        1,
    )
    # The timeline: newest first across kinds.
    days = [item.day for item in found.timeline]
    assert days == sorted(days, reverse=True) and len(days) == 10
    html = client_for(nadia).get(f"/review/products/{world.product.pk}/").content.decode()
    assert "9/BB-VPHC-HCM" in html and "KQ-HCM1" in html and "Hàm lượng nitơ tổng" in html


def test_a_complaint_officer_sees_reports_but_no_case_and_always_the_alert(world, olga):
    found = history_get(user=olga, subject=world.product, kind="product")
    assert ids(found, "reports") == {world.hn_report.pk}
    assert ids(found, "samples") == set()  # no right to Hà Nội's inspections either
    assert ids(found, "alerts") == {world.alert.pk}
    lines = {u.unit_id: u.hidden_summary for u in found.hidden_units}
    assert lines[world.hn_inspection.unit_id] == "1 cuộc kiểm tra, 1 mẫu"


def test_another_inspector_sees_only_the_public_alert(world, charlie):
    # charlie (Hồ Chí Minh City) is on no team and holds no report: he is an inspector.
    found = history_get(user=charlie, subject=world.product, kind="product")
    assert ids(found, "reports") == set()
    assert ids(found, "alerts") == {world.alert.pk}
    assert {u.unit_id for u in found.hidden_units} == {
        world.hn_inspection.unit_id,
        world.hcm_inspection.unit_id,
    }


def test_a_product_without_anything_has_an_empty_history(bob, client_for):
    product = ProductFactory(gtin=None)
    html = client_for(bob).get(f"/review/products/{product.pk}/").content.decode()
    assert "Chưa có phản ánh, cuộc kiểm tra, mẫu hay cảnh báo nào." in html


def test_the_page_runs_in_a_bounded_number_of_queries(
    world, nadia, client_for, django_assert_max_num_queries
):
    client = client_for(nadia)
    client.get(f"/review/products/{world.product.pk}/")  # caches (session, grants) warm
    with django_assert_max_num_queries(20):
        first = client.get(f"/review/products/{world.product.pk}/")
    for n in range(15):
        sample(
            inspection=world.hn_inspection,
            product=world.product,
            by=nadia,
            seal=f"X{n}",
            conforming=n % 2 == 0,
            days_ago=30 + n,
        )
    with django_assert_max_num_queries(20):
        more = client.get(f"/review/products/{world.product.pk}/")
    assert first.status_code == more.status_code == 200
    html = more.content.decode()
    # Capped at ten a section, with a link to the full list.
    assert html.count("/BBLM") <= 2 * 10 + 2
    link = f"/review/products/{world.product.pk}/samples/"
    assert link in html
    full = client.get(link)
    assert full.status_code == 200 and full.content.decode().count("/BBLM") == 17


def test_the_section_list_and_its_refusals(world, bob, charlie, client_for):
    hn = client_for(bob).get(f"/review/products/{world.product.pk}/reports/")
    assert hn.status_code == 200
    assert world.hn_report.tracking_number in hn.content.decode()
    assert world.hcm_reports[0].tracking_number not in hn.content.decode()
    assert client_for(bob).get(f"/review/products/{world.product.pk}/nothing/").status_code == 404
    assert client_for(bob).get("/review/products/999999/").status_code == 404
    assert client_for(charlie).get(f"/review/products/{world.product.pk}/").status_code == 200


def test_anonymous_is_sent_to_sign_in(world, client):
    response = client.get(f"/review/products/{world.product.pk}/")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_the_api_gives_the_same(world, bob, nadia):
    body = api_client(bob).get(f"/api/v1/products/{world.product.pk}/history").json()
    sections = {s["key"]: s for s in body["sections"]}
    assert [i["id"] for i in sections["reports"]["items"]] == [world.hn_report.pk]
    assert [i["id"] for i in sections["alerts"]["items"]] == [world.alert.pk]
    hcm = next(u for u in body["units"] if u["unit_id"] == world.hcm_inspection.unit_id)
    assert hcm["hidden"]["reports"] == 2 and hcm["hidden_summary"].startswith("2 phản ánh")
    assert "Bí Mật" not in str(body)
    national = api_client(nadia).get(f"/api/v1/products/{world.product.pk}/history").json()
    assert {i["id"] for i in national["timeline"]} >= {world.hcm_record.pk, world.hcm_sample.pk}
    assert api_client(bob).get("/api/v1/products/999999/history").status_code == 404


def test_the_barcode_links_land_on_the_history(world, bob, client_for):
    client = client_for(bob)
    response = client.get(f"/review/products/gtin/0{world.product.gtin}/")
    assert response.status_code == 302
    assert response["Location"] == f"/review/products/{world.product.pk}/"
    unknown = client.get("/review/products/gtin/96385074/")
    assert unknown.status_code == 302 and unknown["Location"] == "/search/?q=96385074"


def test_report_sample_and_alert_pages_link_to_the_history(world, bob, nadia, client_for):
    history = f"/review/products/gtin/{world.product.gtin}/"
    report = client_for(bob).get(f"/complaints/{world.hn_report.pk}/").content.decode()
    assert history in report
    sample_page = client_for(bob).get(f"/samples/{world.hn_sample.pk}/").content.decode()
    assert f"/review/products/{world.product.pk}/" in sample_page
    assert history in client_for(bob).get(f"/canh-bao/{world.alert.pk}/").content.decode()
    # The public reads the alert without the staff link.
    from django.test import Client

    assert history not in Client().get(f"/canh-bao/{world.alert.pk}/").content.decode()
    case = client_for(nadia).get(f"/inspections/{world.hcm_inspection.pk}/").content.decode()
    assert f"/review/operators/{world.operator.pk}/" in case


def finding(*, inspection, code, by, result=Finding.Result.NON_CONFORMING, **goods) -> Finding:
    item = ChecklistItem.objects.get(
        template__scope="goods_quality", template__version=1, code=code
    )
    return Finding.objects.create(
        inspection=inspection, item=item, result=result, author=by, **goods
    )


def test_findings_about_the_product_are_seen_like_their_inspection(
    world, bob, charlie, nadia, client_for
):
    """A finding names the product (confirmed, `Finding.product`) or its barcode (in any
    written form); it is listed where its inspection may be seen, counted elsewhere, and
    brings its inspection into the product's history."""
    product = world.product
    hn = finding(
        inspection=world.hn_inspection,
        code="qcvn_conformity",
        by=bob,
        product=product,
        product_gtin=product.gtin,
        product_batch="L01",
    )
    hcm = finding(
        inspection=world.hcm_inspection,
        code="barcode_traceability",
        by=charlie,
        product_gtin="0" + product.gtin,  # by its barcode only, as a GTIN-14
    )
    finding(  # a finding naming no product: its operator's, not the product's
        inspection=world.hn_inspection,
        code="declared_standard",
        by=bob,
        result=Finding.Result.CONFORMING,
    )
    retailer = OperatorFactory(name="Siêu thị Bình An")
    elsewhere = inspection(unit_code="01", operator=retailer, by=bob, number="06/QĐ-HN")
    shelf = finding(inspection=elsewhere, code="cr_mark", by=bob, product=product)
    other_product = finding(
        inspection=elsewhere, code="declared_standard", by=bob, product=ProductFactory()
    )

    found = history_get(user=bob, subject=product, kind="product")
    assert ids(found, "findings") == {hn.pk, shelf.pk}
    assert ids(found, "inspections") == {world.hn_inspection.pk, elsewhere.pk}
    [hcm_unit] = found.hidden_units
    assert hcm_unit.hidden["findings"] == 1
    assert "1 cuộc kiểm tra, 1 kết quả kiểm tra, 1 mẫu không đạt" in hcm_unit.hidden_summary
    row = next(s for s in found.sections if s.key == "findings").items[-1]
    assert (row.kind, row.number, row.status, row.failed) == (
        "finding",
        "05/QĐ-HN",
        Finding.Result.NON_CONFORMING,
        True,
    )
    assert row.title == "Phù hợp quy chuẩn kỹ thuật (QCVN) tương ứng"
    assert row.url == f"/inspections/{world.hn_inspection.pk}/#finding-{hn.pk}"
    assert row.note == f"{world.operator.name} · {product.name} · {product.gtin} · lô L01"

    html = client_for(bob).get(f"/review/products/{product.pk}/").content.decode()
    assert f"#finding-{hn.pk}" in html and f"#finding-{hcm.pk}" not in html
    assert "Mã vạch và truy xuất nguồn gốc" not in html and "77/QĐ-HCM" not in html
    desk = client_for(bob).get(f"/inspections/{world.hn_inspection.pk}/").content.decode()
    assert f'id="finding-{hn.pk}"' in desk

    national = history_get(user=nadia, subject=product, kind="product")
    assert ids(national, "findings") == {hn.pk, hcm.pk, shelf.pk}
    assert other_product.pk not in ids(national, "findings")
    totals = {u.unit_id: u.total["findings"] for u in national.units}
    assert totals == {world.hn_inspection.unit_id: 2, world.hcm_inspection.unit_id: 1}
    body = api_client(nadia).get(f"/api/v1/products/{product.pk}/history").json()
    section = next(s for s in body["sections"] if s["key"] == "findings")
    assert {i["id"] for i in section["items"]} == {hn.pk, hcm.pk, shelf.pk}
    assert {i["kind"] for i in section["items"]} == {"finding"}
    full = client_for(bob).get(f"/review/products/{product.pk}/findings/")
    assert full.status_code == 200 and f"#finding-{shelf.pk}" in full.content.decode()

    # An operator's findings are those of its inspections, whatever goods they name.
    operator = history_get(user=nadia, subject=world.operator, kind="operator")
    assert len(ids(operator, "findings")) == 3 and shelf.pk not in ids(operator, "findings")
