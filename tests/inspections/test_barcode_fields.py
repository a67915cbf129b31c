"""The product barcode on the tablet's lot item and on the report forms: the camera
reader's markup, the pages' policy that lets it compile WebAssembly (and only those
pages), and the GTIN kept on a lot's finding (`Finding.product_gtin`, linked to its
product) only when its check digit is right, online or from the offline queue."""

import re

import pytest
from django.templatetags.static import static

from inspections import pwa
from inspections.models import Finding
from registry.models import AuditEntry, Product
from tests.factories import ProductFactory, api_client
from tests.inspections.test_field_pages import form_uuid, inspection, item, logged_in  # noqa: F401
from tests.inspections.test_measurements import error_of, post

pytestmark = pytest.mark.django_db

LOT = {"nominal": "100", "unit": "g", "lot_size": 5, "actual": ["100"] * 5}


def wasm_allowed(response) -> bool:
    scripts = re.search(r"script-src ([^;]*)", response["Content-Security-Policy"]).group(1)
    return "'wasm-unsafe-eval'" in scripts.split()


def test_the_lot_item_offers_the_camera_reader_and_allows_webassembly(alice, inspection):  # noqa: F811
    client = logged_in(alice)
    page = client.get(f"/field/inspections/{inspection.pk}/items/{item('lot_quantity').pk}/")
    html = page.content.decode()
    assert re.search(r"<div data-barcode-scan>\s*<div class=\"field", html)
    assert 'name="product_gtin"' in html and 'id="barcode-scan-template"' in html
    assert static("vendor/barcode-detector/zxing_reader.wasm") in html
    assert wasm_allowed(page)
    # Other pages keep the stricter policy.
    check_item = client.get(
        f"/field/inspections/{inspection.pk}/items/{item('vietnamese_label').pk}/"
    )
    assert "barcode-scan-template" not in check_item.content.decode()
    assert not wasm_allowed(check_item)
    assert not wasm_allowed(client.get("/field/"))


def test_the_report_forms_offer_the_reader_beside_the_barcode(client, alice):
    page = client.get("/phan-anh/")
    html = page.content.decode()
    assert 'data-barcode-scan data-barcode-batch="id_product_batch"' in html
    assert 'id="barcode-scan-template"' in html and wasm_allowed(page)
    # Without JavaScript nothing changes: the input is a plain labelled text input.
    assert re.search(r'<label for="id_product_gtin">', html)
    assert not wasm_allowed(client.get("/tra-cuu/"))


def test_the_service_worker_keeps_the_reader_for_offline_use():
    source = pwa._build_worker()
    for name in (
        "js/barcode-scan.js",
        "vendor/barcode-detector/barcode-detector.js",
        "vendor/barcode-detector/zxing_reader.wasm",
    ):
        assert f'"{static(name)}"' in source.split("\n", 2)[1]  # the SHELL line


def test_a_lots_barcode_is_the_findings_product_gtin(alice, inspection):  # noqa: F811
    """The API takes the barcode beside the measured data, normalised as a barcode read
    from a photo is (a UPC-A gets the GTIN-13's leading zero), and links the product
    recorded under it."""
    product = ProductFactory(gtin="0036000291452")
    response = post(
        api_client(alice), inspection, "lot_quantity", LOT, product_gtin=" 036000291452 "
    )
    assert response.status_code == 201, response.content
    finding = Finding.objects.get()
    assert finding.product_gtin == "0036000291452" and finding.product == product
    assert "gtin" not in finding.data
    body = response.json()
    assert body["product_gtin"] == "0036000291452" and body["product_id"] == product.pk
    entry = AuditEntry.objects.filter(action="finding.create").latest("pk")
    assert entry.changes["gtin"] == "0036000291452" and entry.changes["product"] == product.pk


def test_a_barcode_of_no_recorded_product_is_kept_without_a_product(alice, inspection):  # noqa: F811
    response = post(
        api_client(alice), inspection, "lot_quantity", LOT, product_gtin="8934604012348"
    )
    assert response.status_code == 201, response.content
    finding = Finding.objects.get()
    assert (finding.product_gtin, finding.product) == ("8934604012348", None)
    assert not Product.objects.exists()  # staff confirm a new product with its name


@pytest.mark.parametrize(
    "gtin, code",
    [("8934604012347", "gtin_checksum"), ("89346040", "gtin_checksum"), ("893-A", "gtin_format")],
)
def test_a_wrong_barcode_is_refused_on_its_field(alice, inspection, gtin, code):  # noqa: F811
    response = post(api_client(alice), inspection, "lot_quantity", LOT, product_gtin=gtin)
    assert error_of(response) == {**error_of(response), "field": "product_gtin", "code": code}
    assert not Finding.objects.exists()


def lot_form(key, gtin):
    return {
        "client_uuid": key,
        "product_gtin": gtin,
        "nominal": "100",
        "unit": "g",
        "lot_size": "5",
        "actual": "100 100 100 100 100",
    }


def test_the_lot_page_shows_a_wrong_barcode_on_the_form(alice, inspection):  # noqa: F811
    product = ProductFactory(gtin="8934604012348")
    client = logged_in(alice)
    url = f"/field/inspections/{inspection.pk}/items/{item('lot_quantity').pk}/"
    key = form_uuid(client.get(url))
    response = client.post(url, lot_form(key, "8934604012347"))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_product_gtin_error"' in html and "sai chữ số kiểm tra" in html
    assert not Finding.objects.exists()
    response = client.post(url, lot_form(key, "8934604012348"))
    assert response.status_code == 302
    finding = Finding.objects.get()
    assert finding.product_gtin == "8934604012348" and finding.product == product
    assert "gtin" not in finding.data
    # The item's page shows the goods under the finding.
    page = client.get(url).content.decode()
    assert "<code>8934604012348</code>" in page


def test_a_lot_recorded_offline_brings_its_barcode(alice, inspection):  # noqa: F811
    """The tablet's queue (static/js/outbox.js) sends the form's fields as they were
    captured offline, to the item's sync address: the barcode arrives with them."""
    client = logged_in(alice)
    lot = item("lot_quantity")
    sync_url = f"/field/inspections/{inspection.pk}/items/{lot.pk}/sync/"
    key = form_uuid(client.get(f"/field/inspections/{inspection.pk}/items/{lot.pk}/"))
    wrong = client.post(sync_url, lot_form(key, "8934604012347"))
    assert wrong.status_code == 400 and list(wrong.json()["errors"]) == ["product_gtin"]
    response = client.post(sync_url, lot_form(key, "08934604012348"))
    assert response.status_code == 201, response.content
    finding = Finding.objects.get(pk=response.json()["finding_id"])
    assert finding.product_gtin == "8934604012348"
    again = client.post(sync_url, lot_form(key, "08934604012348"))
    assert again.status_code == 200 and Finding.objects.count() == 1


def test_a_barcode_kept_in_the_data_before_moves_to_the_finding(alice, inspection):  # noqa: F811
    """Migration 0020: a lot finding recorded while the barcode lived in `data["gtin"]`
    gets it as its product_gtin (normal form) and product; a wrong one is dropped."""
    from importlib import import_module

    from django.apps import apps

    move = import_module("inspections.migrations.0020_finding_gtin_out_of_data").forwards
    product = ProductFactory(gtin="0036000291452")
    response = post(api_client(alice), inspection, "lot_quantity", LOT)
    kept = Finding.objects.get(pk=response.json()["id"])
    Finding.objects.filter(pk=kept.pk).update(data={**kept.data, "gtin": "036000291452"})
    response = post(api_client(alice), inspection, "lot_quantity", LOT)
    wrong = Finding.objects.get(pk=response.json()["id"])
    Finding.objects.filter(pk=wrong.pk).update(data={**wrong.data, "gtin": "8934604012347"})
    move(apps, None)
    kept.refresh_from_db()
    wrong.refresh_from_db()
    assert (kept.product_gtin, kept.product, "gtin" in kept.data) == (
        "0036000291452",
        product,
        False,
    )
    assert (wrong.product_gtin, wrong.product, "gtin" in wrong.data) == ("", None, False)
    assert kept.data["lot_size"] == 5
