"""registry.barcodes: GS1 check digits, element strings, Digital Link, prefixes, and the
reading of the test photo set (tests/fixtures/barcodes, made by
scripts/make_barcode_photos.py)."""

import json
from datetime import date
from io import BytesIO
from pathlib import Path
from types import SimpleNamespace

import pytest
import zxingcpp
from PIL import Image

from registry import barcodes
from registry.barcodes import (
    check_digit,
    describe,
    gtin_forms,
    gtin_is_valid,
    gtin_origin,
    normalize_gtin,
    parse_digital_link,
    parse_element_string,
    parse_expiry,
    read_best,
    read_image,
    reading_from_text,
)
from registry.images import make_clean_copies

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "barcodes"
MANIFEST = json.loads((FIXTURES / "manifest.json").read_text())


@pytest.mark.parametrize(
    "gtin",
    ["8935049500100", "96385074", "036000291452", "18935049500107", "4006381333931"],
)
def test_valid_gtins_pass_the_check_digit(gtin):
    assert gtin_is_valid(gtin)
    assert check_digit(gtin[:-1]) == int(gtin[-1])


@pytest.mark.parametrize(
    "value", ["8935049500107", "96385075", "036000291453", "893504950010", "89350495001x0", ""]
)
def test_a_wrong_check_digit_or_length_is_no_gtin(value):
    assert not gtin_is_valid(value)
    assert normalize_gtin(value) is None


def test_one_product_has_one_normal_form_however_it_is_written():
    assert normalize_gtin("08935049500100") == "8935049500100"
    assert normalize_gtin("036000291452") == "0036000291452"
    assert normalize_gtin("00036000291452") == "0036000291452"
    assert normalize_gtin("00000096385074") == "96385074"
    assert normalize_gtin("18935049500107") == "18935049500107"
    assert gtin_forms("0036000291452") == ["00036000291452", "0036000291452", "036000291452"]


def test_bracketed_and_raw_element_strings_give_the_same_data():
    raw = "010893504950010010LOT42\x1d17271231"
    assert parse_element_string(raw) == {"01": "08935049500100", "10": "LOT42", "17": "271231"}
    assert parse_element_string("(01)08935049500100(10)LOT42(17)271231") == parse_element_string(
        raw
    )
    # A fixed-length AI needs no separator; a symbology identifier in front is dropped.
    assert parse_element_string("]C10108935049500100172712311012(3)") == {
        "01": "08935049500100",
        "17": "271231",
        "10": "12(3)",
    }
    # What it does not understand stops it, keeping what came before.
    assert parse_element_string("0108935049500100ZZ") == {"01": "08935049500100"}


def test_digital_link_paths_and_queries():
    url = "https://id.gs1.org/01/08935049500100/10/LOT42?17=271231"
    assert parse_digital_link(url) == {"01": "08935049500100", "10": "LOT42", "17": "271231"}
    assert (
        parse_digital_link("https://brand.example.vn/p/01/08935049500100/10/L%2F7?exp=1")["10"]
        == "L/7"
    )
    assert parse_digital_link("https://example.com/01/abc") == {}
    assert parse_digital_link("ftp://id.gs1.org/01/08935049500100") == {}
    reading = reading_from_text(url, "QR Code")
    assert (reading.gtin, reading.batch, reading.expiry) == (
        "8935049500100",
        "LOT42",
        date(2027, 12, 31),
    )
    assert reading.symbology == "QR Code (GS1 Digital Link)"


def test_expiry_day_00_is_the_end_of_the_month_and_the_century_slides():
    today = date(2026, 6, 1)
    assert parse_expiry("280200", today=today) == date(2028, 2, 29)
    assert parse_expiry("270400", today=today) == date(2027, 4, 30)
    assert parse_expiry("991231", today=today) == date(1999, 12, 31)  # more than 50 years ahead
    assert parse_expiry("751231", today=today) == date(2075, 12, 31)
    assert parse_expiry("271331", today=today) is None
    assert parse_expiry("270231", today=today) is None


@pytest.mark.parametrize(
    ("gtin", "kind", "code"),
    [
        ("8935049500100", "country", "VN"),
        ("0036000291452", "country", "US"),
        ("3017620422003", "country", "FR"),
        ("4006381333931", "country", "DE"),
        ("4902430735063", "country", "JP"),
        ("6901234567892", "country", "CN"),
        ("8801234567893", "country", "KR"),
        ("8851234567898", "country", "TH"),
        ("18935049500107", "country", "VN"),  # the indicator digit is not the prefix
        ("2012345678909", "restricted", ""),
        ("0412345678903", "restricted", ""),
        ("9771234567003", "publication", ""),
        ("9786041234567", "publication", ""),
        ("96385074", "global", ""),  # GTIN-8s issued by GS1 Global Office
        ("20123451", "restricted", ""),
    ],
)
def test_the_prefix_tells_where_the_number_was_registered(gtin, kind, code):
    origin = gtin_origin(gtin)
    assert (origin.kind, origin.country_code) == (kind, code)


def test_staff_read_the_proposal_in_vietnamese():
    assert describe("8935049500100", "LOT42", date(2027, 12, 31)) == (
        "8935049500100 (Việt Nam) — lô LOT42 — hạn 31/12/2027"
    )


def test_a_coupon_number_is_never_proposed():
    coupon = "9901234567894"[:-1]
    coupon += str(check_digit(coupon))
    assert reading_from_text(coupon, "EAN-13") is None


def test_what_the_decoder_returns_is_checked_again():
    """A symbol whose own checksum is fine (Code 128) may carry a GTIN with a wrong check
    digit: the decoder returns it, the reader proposes nothing."""
    fake = SimpleNamespace(
        valid=True,
        error=None,
        format=zxingcpp.BarcodeFormat.EAN13,
        content_type=zxingcpp.ContentType.Text,
        text="8935049500107",
        bytes=b"8935049500107",
    )
    assert barcodes._reading(fake) is None
    fake.text = "8935049500100"
    assert barcodes._reading(fake).gtin == "8935049500100"


def test_the_wrong_check_digit_code128_is_decoded_but_not_proposed():
    with Image.open(FIXTURES / "wrong_check_digit_code128.jpg") as im:
        decoded = zxingcpp.read_barcodes(im)
        assert any("08935049500107" in b.text for b in decoded)  # the decoder did read it
        assert read_image(im) == []


def test_a_decoder_failure_reads_as_nothing(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("decoder fault")

    monkeypatch.setattr(zxingcpp, "read_barcodes", broken)
    assert read_image(Image.new("RGB", (64, 64), "white")) == []


@pytest.mark.parametrize("entry", MANIFEST, ids=[e["file"] for e in MANIFEST])
def test_every_test_photo_reads_as_printed_and_never_falsely(entry):
    with Image.open(FIXTURES / entry["file"]) as im:
        reading = read_best(im)
    want = entry["expect"]
    if want is None:
        assert reading is None, f"false read {reading}"
        return
    if reading is None:
        assert not entry["must_read"], "missed a photo the reader is expected to read"
        return
    got = {"gtin": reading.gtin}
    if reading.batch:
        got["batch"] = reading.batch
    if reading.expiry:
        got["expiry"] = reading.expiry.isoformat()
    assert got == want


def test_the_photo_set_is_large_enough_and_small_enough():
    readable = [e for e in MANIFEST if e["expect"] is not None]
    assert len(readable) >= 12
    assert sum(e["expect"] is None for e in MANIFEST) >= 3
    assert all((FIXTURES / e["file"]).stat().st_size < 200 * 1024 for e in MANIFEST)


def test_the_workers_copies_carry_the_barcode_read_from_the_same_pixels():
    data = (FIXTURES / "gs1_128_batch_expiry.jpg").read_bytes()
    copies = make_clean_copies(data, read_barcode=True)
    assert copies.barcodes[0].gtin == "8935049500100"
    assert copies.barcodes[0].symbology == "GS1-128"
    assert make_clean_copies(data).barcodes == ()


def test_a_photo_without_barcode_costs_a_bounded_time():
    import time

    buffer = BytesIO()
    Image.effect_noise((2048, 1536), 60).convert("RGB").save(buffer, "JPEG")
    with Image.open(BytesIO(buffer.getvalue())) as im:
        im.load()
        started = time.monotonic()
        assert read_image(im) == []
    # Generous for a shared CI machine; about 0.3 s on a quiet one.
    assert time.monotonic() - started < 5
