"""The catalogue's import pages fit a 360 px phone: the upload form and a preview with
errors under its rows do not scroll sideways (real Chromium, JavaScript off).
Screenshots in test-artifacts/."""

from datetime import date

import pytest

from registry import catalogue_io
from registry.models import Role
from tests.browser.chromium import chromium_page
from tests.browser.test_public_filing import ARTIFACTS, pytestmark  # noqa: F401
from tests.factories import UserFactory, unit

PASSWORD = "Danh-mục-điều-khoản-2026"


@pytest.fixture
def phone(live_server, monkeypatch):
    with chromium_page(
        monkeypatch, viewport={"width": 360, "height": 740}, java_script_enabled=False
    ) as page:
        yield page


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_import_pages_fit_360px(phone, live_server, roles, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    lan = UserFactory(username="lan", unit=unit("TW"), roles=[Role.LEGAL_OFFICER])
    lan.set_password(PASSWORD)
    lan.save()
    items = catalogue_io.items_of(*catalogue_io.catalogue_of())
    bad = dict(items["provisions"][0])
    bad.update(
        code="119/2017-Đ17-K1-MỘT-MÃ-RẤT-DÀI-KHÔNG-CÓ-KHOẢNG-TRẮNG",
        valid_from=date(2023, 1, 1),
        fine_min_vnd=90_000_000,
        remedial_measures=["tich_thu_tang_vat_vi_pham_mot_ma_rat_dai"],
        source="",
    )
    items["provisions"].append(bad)
    path = tmp_path / "danh-muc.xlsx"
    path.write_bytes(catalogue_io.to_xlsx(items))

    phone.goto(f"{live_server.url}/login/")
    phone.fill("input[name=username]", "lan")
    phone.fill("input[name=password]", PASSWORD)
    phone.click("main form button[type=submit]")
    phone.wait_for_load_state()
    phone.goto(f"{live_server.url}/provisions/import/")
    for name in ("form", "preview"):
        phone.wait_for_selector("h1")
        width = phone.evaluate("document.documentElement.scrollWidth")
        phone.screenshot(path=str(ARTIFACTS / f"catalogue-import-360-{name}.png"), full_page=True)
        assert width <= 360, (name, width)
        if name == "form":
            phone.set_input_files("input[type=file]", str(path))
            phone.click("main form.card button[type=submit]")
            phone.wait_for_selector("text=Dòng 4")
