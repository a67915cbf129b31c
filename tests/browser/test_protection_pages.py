"""The protection pages in Chromium with axe-core (docs/protection.md, docs/pages.md): the
reporter's case page with its "Đề nghị bảo vệ" section, asked empty and asked for real,
and the custodian's queue and request page, decided empty: no serious or critical
finding, every field error tied to its input, no page wider than the screen (360 px for
the reporter's, 800 to 1440 px for the staff's)."""

import pytest

from tests.browser.test_accessibility_pages import (
    AXE,
    BLOCKING,
    RUN_AXE,
    TAGS,
    UNTIED_ERRORS,
    WIDTHS,
    browser,  # noqa: F401 (a fixture)
    check,
    page_for,
)
from tests.browser.test_public_filing import pytestmark  # noqa: F401
from tests.complaints.helpers import file_complaint
from tests.second_factor import browser_sign_in
from whistleblower import protection

PASSWORD = "Bảo-vệ-người-phản-ánh-2026"
STAFF_WIDTHS = (800, 1280, 1440)  # docs/pages.md, Width: staff pages


def _findings(page, label: str, width: int) -> list:
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    page.add_script_tag(path=str(AXE))
    return [(label, width, v) for v in page.evaluate(RUN_AXE, TAGS) if v["impact"] in BLOCKING]


def _case_page(page, base: str, receipt: str) -> None:
    page.goto(f"{base}/tra-cuu/")
    page.fill("input[name=receipt]", receipt)
    with page.expect_navigation():
        page.click("main form button[type=submit]")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_protection_pages_have_no_serious_accessibility_finding(
    browser,  # noqa: F811
    live_server,
    cora,
):
    assert AXE.exists(), f"{AXE} is missing: `make setup` installs axe-core with npm"
    base = live_server.url
    filed = file_complaint()
    waiting = protection.protection_request_file(
        complaint=file_complaint().complaint,
        kinds=["job"],
        fear="Tôi lo bị trù dập ở nơi làm việc.",
        network_key="browser",
    )
    found, untied, wide = [], [], []
    citizen = page_for(browser, live_server)
    for width in WIDTHS:
        citizen.set_viewport_size({"width": width, "height": 900})
        _case_page(citizen, base, filed.receipt)
        assert citizen.locator("#protection-h").count() == 1
        found += _findings(citizen, "case page", width)
        form = citizen.locator("form[action='/tra-cuu/bao-ve/']")
        with citizen.expect_navigation():
            form.locator("button[type=submit]").click()
        assert citizen.locator("#error-summary").count() == 1
        untied += citizen.evaluate(UNTIED_ERRORS)
        found += _findings(citizen, "case page, asked empty", width)
        if citizen.evaluate("document.documentElement.scrollWidth") > width:
            wide.append(("case page", width))
    _case_page(citizen, base, filed.receipt)
    citizen.check("#protect_kinds_1")
    citizen.fill("#protect_fear", "Người bán dọa sẽ tìm ra tôi là ai.")
    with citizen.expect_navigation():
        citizen.locator("form[action='/tra-cuu/bao-ve/'] button[type=submit]").click()
    assert citizen.url.endswith("/tra-cuu/bao-ve/da-gui/")
    found += _findings(citizen, "sent", WIDTHS[-1])

    cora.set_password(PASSWORD)
    cora.save()
    custodian = page_for(browser, live_server)
    browser_sign_in(custodian, base, cora, PASSWORD)
    for path, post_empty in (
        ("/protection/", False),
        (f"/protection/{waiting.pk}/", False),
        (f"/protection/{waiting.pk}/", True),
    ):
        more, loose = check(custodian, f"{base}{path}", post_empty=post_empty)
        found += more
        untied += loose
    for path in ("/protection/", f"/protection/{waiting.pk}/"):
        for width in STAFF_WIDTHS:
            custodian.set_viewport_size({"width": width, "height": 900})
            custodian.goto(f"{base}{path}")
            if custodian.evaluate("document.documentElement.scrollWidth") > width:
                wide.append((path, width))
    assert not found, "\n".join(
        f"{label} @{width}px: {v['impact']} {v['id']} ({v['help']}) at {v['nodes']}"
        for label, width, v in found
    )
    assert not untied, untied
    assert not wide, wide
