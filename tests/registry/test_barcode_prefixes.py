"""GS1's prefix table: one table (registry/barcodes.py) that follows GS1's published list,
and the camera reader (static/js/barcode-scan.js) answering from it exactly as the server
does, for every prefix and every length of GTIN; and the spellings of one GTIN."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from registry.barcodes import (
    _PREFIXES,
    COUNTRY_NAMES,
    check_digit,
    gtin_forms,
    gtin_origin,
    prefix_table,
)

SCRIPT = Path(settings.BASE_DIR) / "static" / "js" / "barcode-scan.js"

# Runs the page's script in Node with the little of a page it needs (the dialog's words
# and the prefix table), then asks it the origin of each GTIN on stdin.
NODE_HARNESS = r"""
const fs = require("fs"), vm = require("vm");
const input = JSON.parse(fs.readFileSync(0, "utf8"));
const say = { country: "%(prefix)s|country|%(country)s", countryUnknown: "%(prefix)s|unknown|",
              prefixSpecial: "%(prefix)s|special|%(what)s" };
globalThis.window = globalThis;
globalThis.navigator = {};
globalThis.document = {
  currentScript: { dataset: {} },
  documentElement: { lang: "vi" },
  getElementById: (id) => id === "barcode-scan-template" ? { dataset: say }
    : id === "barcode-prefixes" ? { textContent: JSON.stringify(input.table) } : null,
  querySelectorAll: () => [],
};
vm.runInThisContext(fs.readFileSync(input.script, "utf8"));
const out = input.gtins.map((g) => {
  const o = window.BarcodeScan.prefixOf(g);
  return [o.prefix, o.kind, o.code, o.name, window.BarcodeScan.countryText(g)];
});
process.stdout.write(JSON.stringify(out));
"""


def gtin(body: str) -> str:
    return body + str(check_digit(body))


def every_kind_of_gtin() -> list[str]:
    found = []
    for prefix in range(1000):
        p = f"{prefix:03d}"
        found.append(gtin(p + "123456789"))  # GTIN-13
        found.append(gtin("1" + p + "12345678"))  # GTIN-14, indicator 1
        found.append(gtin(p + "4567"))  # GTIN-8
    found += [
        gtin("03600029145"),  # UPC-A (GTIN-12)
        gtin("0893504950010"),  # GTIN-14 with indicator 0
        gtin("9893504950010"),  # variable measure
        gtin("000001234567"),  # "00000" + a GTIN-8: the GTIN-8's prefix
        gtin("0000000123456"),  # a company-internal GTIN-8 written long
        gtin("0000002123456"),
        gtin("2123456"),  # GTIN-8, restricted
        gtin("0123456"),
    ]
    return found


def test_the_table_is_ordered_without_overlaps_and_names_every_country():
    last = -1
    for low, high, code in _PREFIXES:
        assert last < low <= high <= 999, (low, high)
        last = high
        assert code in COUNTRY_NAMES or not code.isupper(), code
    assert {code for *_, code in _PREFIXES if code.isupper()} == set(COUNTRY_NAMES)


@pytest.mark.parametrize(
    ("body", "kind", "code"),
    [
        ("893504950010", "country", "VN"),
        ("605123456789", "country", "UG"),  # GS1 Uganda
        ("606123456789", "country", "AO"),
        ("607123456789", "country", "OM"),
        ("632123456789", "country", "RW"),
        ("390123456789", "country", "XK"),
        ("754123456789", "country", "CA"),
        ("012345678901", "country", "US"),
        ("623123456789", "reserved", ""),  # no longer GS1 Brunei: kept for a future member
        ("894123456789", "reserved", ""),
        ("055123456789", "reserved", ""),  # GS1 US, reserved for future use
        ("952123456789", "demo", ""),
        ("980123456789", "refund", ""),
        ("983123456789", "coupon", ""),
        ("984123456789", "unknown", ""),  # not allocated
        ("150123456789", "unknown", ""),
    ],
)
def test_the_prefix_follows_gs1s_published_list(body, kind, code):
    origin = gtin_origin(gtin(body))
    assert (origin.kind, origin.country_code) == (kind, code)


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js to run the page script")
def test_the_camera_reader_shows_the_origin_the_server_gives():
    gtins = every_kind_of_gtin()
    payload = {"script": str(SCRIPT), "table": prefix_table(), "gtins": gtins}
    done = subprocess.run(
        ["node", "-e", NODE_HARNESS],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    answers = json.loads(done.stdout)
    for number, (prefix, kind, code, name, text) in zip(gtins, answers, strict=True):
        origin = gtin_origin(number)
        assert (prefix, kind, code, name) == (
            origin.prefix,
            origin.kind,
            origin.country_code,
            str(origin.name) if origin.kind != "unknown" else "",
        ), number
        assert text.startswith(f"{origin.prefix}|")


@pytest.mark.django_db
def test_the_page_carries_the_table_and_the_script_has_none_of_its_own(client):
    html = client.get("/phan-anh/").content.decode()
    start = html.index('<script id="barcode-prefixes" type="application/json">')
    block = html[start:].split(">", 1)[1].split("</script>", 1)[0]
    assert json.loads(block) == prefix_table()
    assert html.index('id="barcode-prefixes"') < html.index("js/barcode-scan.js")
    source = SCRIPT.read_text()
    assert "893" not in source and '"VN"' not in source


@pytest.mark.parametrize("number", ["96385074", "0036000291452", "8934588012228", "18935049500107"])
def test_the_forms_of_a_gtin_are_the_searchs(number):
    """registry.barcodes (linking a record) and registry.search (finding one) look a GTIN
    up by the same spellings."""
    from registry.search import gtin_forms as search_forms

    assert gtin_forms(number) == sorted(search_forms(number))
    assert gtin_forms(number[:-1] + str((int(number[-1]) + 1) % 10)) == []
