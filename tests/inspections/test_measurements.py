"""Findings with measured data: the Circular 21/2014 lot calculation, an instrument's error
against its MPE, and an e-commerce listing with its screenshot's hash."""

import hashlib
import json
import uuid
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from inspections import minutes as minutes_services
from inspections import services
from inspections.models import ChecklistItem, Finding, Inspection, Scope
from tests.factories import api_client
from tests.inspections.helpers import decided_inspection

pytestmark = pytest.mark.django_db


def item(code: str) -> ChecklistItem:
    return ChecklistItem.objects.get(template__version=1, code=code)


@pytest.fixture
def inspection(bob, alice):
    return decided_inspection(supervisor=bob, lead=alice, scopes=Scope.values)


def post(client, inspection, code, data, result=None, **extra):
    payload = {"client_uuid": str(uuid.uuid4()), "item_id": item(code).pk, "data": data, **extra}
    if result is not None:
        payload["result"] = result
    return client.post(
        f"/api/v1/inspections/{inspection.pk}/findings",
        data=json.dumps(payload),
        content_type="application/json",
    )


def error_of(response) -> dict:
    """The one field error of a 400 response, with its field."""
    assert response.status_code == 400, response.content
    ((field, (error,)),) = response.json()["errors"].items()
    return {"field": field, **error}


def test_the_seeded_items_carry_their_kinds():
    assert item("lot_quantity").kind == ChecklistItem.Kind.LOT_QUANTITY
    assert item("error_vs_mpe").kind == ChecklistItem.Kind.INSTRUMENT
    assert item("ecommerce_listing").kind == ChecklistItem.Kind.LISTING
    assert item("vietnamese_label").kind == ChecklistItem.Kind.CHECK


# --- Circular 21/2014: a lot of prepackaged goods ----------------------------------------------


def test_a_sampled_lot_is_judged_by_the_system(alice, inspection):
    # Lot of 300 units of 500 g: n = 50, k = 0.379, c = 3, T = 15 g (500 < Qn <= 1000).
    # 48 units weigh 500.0 g, one 484 g (short by 16 > T: one defective), one 496 g.
    # Mean = (48*500 + 484 + 496) / 50 = 499.6 g.
    # Sum of squares = 48*0.4² + 15.6² + 3.6² = 7.68 + 243.36 + 12.96 = 264.0;
    # s = sqrt(264 / 49) = 2.32115; Qn - k*s = 500 - 0.379*2.32115 = 499.120 <= 499.6: mean OK.
    # 1 defective <= 3, none short by more than 2T = 30 g: the lot conforms.
    actual = ["500.0"] * 48 + ["484", "496"]
    data = {"nominal": "500", "unit": "g", "lot_size": 300, "actual": actual}
    response = post(api_client(alice), inspection, "lot_quantity", data)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["result"] == "conforming"
    calc = body["data"]["calculation"]
    assert Decimal(calc["tolerance"]) == Decimal(15)
    assert calc["sample_size"] == 50 and Decimal(calc["k_factor"]) == Decimal("0.379")
    assert Decimal(calc["mean"]) == Decimal("499.6")
    assert Decimal(calc["std_dev"]) == Decimal("2.321")  # results kept to 0.001 g
    assert Decimal(calc["mean_limit"]).quantize(Decimal("0.001")) == Decimal("499.120")
    assert (calc["defectives"], calc["max_defectives"], calc["gross_defectives"]) == (1, 3, 0)
    assert "T = 15 g" in body["summary"] and "trung bình 499,6 g" in body["summary"]


def test_a_short_lot_is_non_conforming_and_a_contradicting_verdict_is_refused(alice, inspection):
    # Whole lot of 10 units of 200 g (n = N, c = 0, T = 4.5 % of 200 = 9 g):
    # eight at 200 g, one at 190 g (short by 10 > T), one at 181 g (short by 19 > 2T = 18).
    # Mean = (1600 + 190 + 181) / 10 = 197.1 < Qn = 200. All three criteria fail.
    actual = ["200"] * 8 + ["190", "181"]
    data = {"nominal": "200", "unit": "g", "lot_size": 10, "actual": actual}
    client = api_client(alice)
    refused = post(client, inspection, "lot_quantity", data, result="conforming")
    assert refused.status_code == 400
    assert error_of(refused)["code"] == "result_contradicts_measurement"
    response = post(client, inspection, "lot_quantity", data)
    assert response.status_code == 201, response.content
    body = response.json()
    calc = body["data"]["calculation"]
    assert body["result"] == "non_conforming"
    assert Decimal(calc["mean"]) == Decimal("197.1") and calc["k_factor"] is None
    assert (calc["defectives"], calc["max_defectives"], calc["gross_defectives"]) == (2, 0, 1)
    assert len(calc["reasons"]) == 3
    assert "thấp hơn lượng danh định" in calc["reasons"][0]


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        (
            {"nominal": "500", "unit": "g", "lot_size": 300, "actual": ["500"] * 10},
            "data.actual",
            "wrong_sample_size",
        ),
        (
            {"nominal": "500", "unit": "lb", "lot_size": 300, "actual": []},
            "data.unit",
            "invalid_unit",
        ),
        (
            {"nominal": "-5", "unit": "g", "lot_size": 3, "actual": ["1"] * 3},
            "data.nominal",
            "number_too_small",
        ),
        (
            {"nominal": "60", "unit": "kg", "lot_size": 2, "actual": ["60", "60"]},
            "data.nominal",
            "outside_circular",
        ),
        (
            {"nominal": "500", "unit": "g", "lot_size": "2,5", "actual": ["1"]},
            "data.lot_size",
            "invalid_number",
        ),
        (
            {"nominal": "500", "unit": "g", "lot_size": 2, "actual": ["500", "abc"]},
            "data.actual.2",
            "invalid_number",
        ),
    ],
)
def test_bad_lot_data_is_refused_field_by_field(alice, inspection, data, field, code):
    response = post(api_client(alice), inspection, "lot_quantity", data)
    assert response.status_code == 400, response.content
    error = error_of(response)
    assert (error["field"], error["code"]) == (field, code)
    assert error["message"] and set(response.json()["messages"]) == {"vi", "en"}
    assert not Finding.objects.exists()


def test_the_sampling_plan_endpoint_tells_the_tablet_what_to_measure(alice):
    client = api_client(alice)
    response = client.get("/api/v1/quantity/sampling-plan?nominal=1&unit=kg&lot_size=501")
    assert response.status_code == 200, response.content
    plan = response.json()
    # 1 kg = 1000 g: T = 15 g, i.e. 0.015 kg. 501 units: n = 80, k = 0.295, c = 5.
    assert Decimal(plan["tolerance"]) == Decimal("0.015")
    assert (plan["sample_size"], plan["max_defectives"]) == (80, 5)
    assert Decimal(plan["k_factor"]) == Decimal("0.295")
    bad = client.get("/api/v1/quantity/sampling-plan?nominal=x&unit=g&lot_size=5")
    assert bad.status_code == 400 and error_of(bad)["code"] == "invalid_number"


# --- Metrology: error against the maximum permitted error --------------------------------------


def scale(readings, mpe="0.5"):
    return {
        "instrument_name": "Cân đồng hồ lò xo 30 kg",
        "serial_number": "CĐH-1182",
        "pattern_approval_number": "PDM 133-2019",
        "verification_certificate": "Tem kiểm định số 0045821",
        "verification_valid_until": "2027-03-31",
        "unit": "kg",
        "mpe": mpe,
        "readings": readings,
    }


def test_an_instrument_within_its_mpe_conforms_and_one_beyond_does_not(alice, inspection):
    client = api_client(alice)
    within = post(
        client,
        inspection,
        "error_vs_mpe",
        scale([{"reference": "1", "indication": "1.2"}, {"reference": "5", "indication": "4.5"}]),
    )
    assert within.status_code == 201, within.content
    assert within.json()["result"] == "conforming"
    # Errors: 1.2 - 1 = +0.2 and 4.4 - 5 = -0.6; |-0.6| > MPE 0.5.
    beyond = post(
        client,
        inspection,
        "error_vs_mpe",
        scale([{"reference": "1", "indication": "1.2"}, {"reference": "5", "indication": "4,4"}]),
    )
    assert beyond.status_code == 201, beyond.content
    body = beyond.json()
    assert body["result"] == "non_conforming"
    assert [Decimal(r["error"]) for r in body["data"]["readings"]] == [
        Decimal("0.2"),
        Decimal("-0.6"),
    ]
    assert Decimal(body["data"]["max_abs_error"]) == Decimal("0.6")
    assert body["data"]["pattern_approval_number"] == "PDM 133-2019"
    assert "sai số lớn nhất 0,6 kg" in body["summary"]


def test_an_instrument_without_readings_or_mpe_is_refused(alice, inspection):
    client = api_client(alice)
    no_readings = post(client, inspection, "error_vs_mpe", scale([]))
    assert error_of(no_readings)["code"] == "readings_required"
    no_mpe = post(
        client, inspection, "error_vs_mpe", scale([{"reference": 1, "indication": 1}], mpe="0")
    )
    assert error_of(no_mpe)["field"] == "data.mpe"
    assert not Finding.objects.exists()


def test_a_plain_item_refuses_data_and_not_applicable_needs_none(alice, inspection):
    client = api_client(alice)
    plain = post(client, inspection, "vietnamese_label", {"x": 1}, result="conforming")
    assert error_of(plain)["code"] == "data_not_expected"
    missing = post(client, inspection, "vietnamese_label", {})
    assert error_of(missing)["code"] == "result_required"
    na = post(client, inspection, "error_vs_mpe", {}, result="not_applicable")
    assert na.status_code == 201 and na.json()["result"] == "not_applicable"


# --- E-commerce listing --------------------------------------------------------------------


def test_a_listing_keeps_its_url_and_its_screenshot_hash_reaches_the_minutes(
    alice, inspection, django_capture_on_commit_callbacks
):
    client = api_client(alice)
    bad = post(
        client, inspection, "ecommerce_listing", {"url": "javascript:alert(1)"}, "non_conforming"
    )
    assert error_of(bad)["code"] == "invalid_url"
    listing = {
        "url": "https://shopee.vn/nuoc-mam-ca-com-i.123.456",
        "platform": "Shopee",
        "seller": "Cửa hàng Hải Sản Phú Quốc",
        "listed_price_vnd": "85000",
    }
    response = post(client, inspection, "ecommerce_listing", listing, "non_conforming")
    assert response.status_code == 201, response.content
    finding = response.json()
    assert finding["data"]["url"] == listing["url"] and finding["data"]["listed_price_vnd"] == 85000
    buffer = BytesIO()
    Image.new("RGB", (390, 844), (240, 90, 40)).save(buffer, "PNG")
    screenshot = buffer.getvalue()
    with django_capture_on_commit_callbacks(execute=True):
        upload = client.post(
            f"/api/v1/findings/{finding['id']}/photos",
            {"photo": SimpleUploadedFile("screenshot.png", screenshot, "image/png")},
        )
    assert upload.status_code == 201, upload.content
    digest = hashlib.sha256(screenshot).hexdigest()
    assert upload.json()["sha256"] == digest
    inspection = services.inspection_transition(
        by=alice, inspection=inspection, to=Inspection.Status.ON_SITE
    )
    draft = minutes_services.minutes_draft(by=alice, inspection=inspection)
    (row,) = draft.content["findings"]
    assert listing["url"] in row["measured"] and digest in row["measured"]
