"""The product barcode on the tablet's lot item and on the report forms: the camera
reader's markup, the pages' policy that lets it compile WebAssembly (and only those
pages), and the GTIN kept with a lot's finding only when its check digit is right."""

import re

import pytest
from django.templatetags.static import static

from inspections import pwa
from inspections.models import Finding
from tests.factories import api_client
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
    assert 'name="gtin"' in html and 'id="barcode-scan-template"' in html
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


def test_a_lots_barcode_is_kept_with_its_finding(alice, inspection):  # noqa: F811
    response = post(
        api_client(alice), inspection, "lot_quantity", {**LOT, "gtin": " 8934604012348 "}
    )
    assert response.status_code == 201, response.content
    assert Finding.objects.get().data["gtin"] == "8934604012348"


@pytest.mark.parametrize(
    "gtin, code",
    [("8934604012347", "gtin_checksum"), ("89346040", "gtin_checksum"), ("893-A", "gtin_format")],
)
def test_a_wrong_barcode_is_refused_on_its_field(alice, inspection, gtin, code):  # noqa: F811
    response = post(api_client(alice), inspection, "lot_quantity", {**LOT, "gtin": gtin})
    assert error_of(response) == {**error_of(response), "field": "data.gtin", "code": code}
    assert not Finding.objects.exists()


def test_the_lot_page_shows_a_wrong_barcode_on_the_form(alice, inspection):  # noqa: F811
    client = logged_in(alice)
    url = f"/field/inspections/{inspection.pk}/items/{item('lot_quantity').pk}/"
    key = form_uuid(client.get(url))
    response = client.post(
        url,
        {
            "client_uuid": key,
            "gtin": "8934604012347",
            "nominal": "100",
            "unit": "g",
            "lot_size": "5",
            "actual": "100 100 100 100 100",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_gtin_error"' in html and "sai chữ số kiểm tra" in html
    assert not Finding.objects.exists()
    response = client.post(
        url,
        {
            "client_uuid": key,
            "gtin": "8934604012348",
            "nominal": "100",
            "unit": "g",
            "lot_size": "5",
            "actual": "100 100 100 100 100",
        },
    )
    assert response.status_code == 302
    assert Finding.objects.get().data["gtin"] == "8934604012348"
