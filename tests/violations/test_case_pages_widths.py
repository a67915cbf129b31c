"""The desk's violation pages in real Chromium at 800, 1280 and 1440 px: the case page
with a draft record, a signed one with its clock, an approved decision with a measure,
the decision's draft page and the lists by status; none is wider than the screen.
Screenshots in test-artifacts/."""

from datetime import timedelta

import pytest
from django.utils import timezone

from inspections import services
from inspections.models import Inspection
from tests.browser.chromium import chromium_page
from tests.browser.test_public_filing import ARTIFACTS, pytestmark  # noqa: F401
from tests.inspections.helpers import decided_inspection
from tests.second_factor import browser_second_step
from tests.violations.test_violations import draft_record, signed_record
from violations import decisions

PASSWORD = "Quyết-định-xử-phạt-2026"
WIDTHS = (800, 1280, 1440)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_desk_pages_fit_the_screen(live_server, monkeypatch, alice, bob):
    ARTIFACTS.mkdir(exist_ok=True)
    bob.set_password(PASSWORD)
    bob.save()
    inspection = services.inspection_transition(
        by=alice,
        inspection=decided_inspection(supervisor=bob, lead=alice),
        to=Inspection.Status.ON_SITE,
    )
    draft_record(inspection, alice)
    waiting = signed_record(inspection, alice)
    line = {"violation_id": waiting.violations.get().pk, "fine_vnd": 25_000_000}
    decisions.decision_submit(
        by=alice, decision=decisions.decision_draft(by=alice, record=waiting, lines=[line])
    )
    done = signed_record(inspection, alice)
    line = {"violation_id": done.violations.get().pk, "fine_vnd": 30_000_000}
    measure = {
        "kind": "relabel",
        "description": "Dán nhãn phụ tiếng Việt cho toàn bộ 40 máy sấy tóc còn tồn tại cửa hàng",
        "deadline": timezone.localdate() + timedelta(days=12),
    }
    decision = decisions.decision_draft(by=alice, record=done, lines=[line], measures=[measure])
    decisions.decision_submit(by=alice, decision=decision)
    decisions.decision_decide(by=bob, decision=decision, approve=True)
    open_record = signed_record(inspection, alice)

    pages = {
        "case": f"/cases/{inspection.pk}/",
        "decision-draft": f"/cases/records/{open_record.pk}/decision/",
        "decisions-submitted": "/cases/decisions/?status=submitted",
        "records": "/cases/records/",
    }
    for width in WIDTHS:
        with chromium_page(monkeypatch, viewport={"width": width, "height": 900}) as page:
            page.goto(f"{live_server.url}/login/")
            page.fill("input[name=username]", bob.username)
            page.fill("input[name=password]", PASSWORD)
            page.click("main form button[type=submit]")
            browser_second_step(page, bob)
            for name, path in pages.items():
                page.goto(f"{live_server.url}{path}")
                for summary in page.query_selector_all("details > summary"):
                    summary.click()  # every form open
                scroll = page.evaluate("document.documentElement.scrollWidth")
                page.screenshot(
                    path=str(ARTIFACTS / f"desk-violations-{name}-{width}.png"), full_page=True
                )
                assert scroll <= width, (name, width, scroll)
