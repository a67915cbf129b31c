"""The loop's pages pass axe-core's WCAG 2.1 A and AA rules in real Chromium, at 1280 and
360 px, each read by the role that uses it: no serious or critical finding. Forms are
also checked in their error state (posted empty), where every error on a field must be
read with its input (aria-describedby).

axe-core comes from the npm registry: `make setup` installs it in the virtualenv
(`.venv/node_modules/axe-core/`); AXE_CORE_JS names another copy."""

import os
import sys
import uuid
from datetime import date
from pathlib import Path

import pytest
from django.utils import timezone

from inspections import minutes, samples, services
from inspections.models import Inspection
from tests.browser.test_public_filing import ARGS, CHROMIUM, pytestmark  # noqa: F401
from tests.inspections.helpers import decided_inspection
from tests.second_factor import browser_second_step
from tests.violations.test_violations import draft_record, signed_record
from violations import decisions

AXE = Path(os.environ.get("AXE_CORE_JS") or Path(sys.prefix) / "node_modules/axe-core/axe.min.js")
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")
WIDTHS = (1280, 360)
PASSWORD = "Trợ-năng-2026"

RUN_AXE = """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}}).then(r =>
  r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))})))"""

# An error shown by a field that no input names in its aria-describedby.
UNTIED_ERRORS = """() => Array.from(document.querySelectorAll('.field__error, .errorlist'))
  .filter(e => !e.id || !document.querySelector('[aria-describedby~="' + e.id + '"]'))
  .map(e => e.textContent.trim().slice(0, 80))"""

# Post a form with nothing in it: the browser's own checks off, every field emptied.
POST_EMPTY = """f => {
  f.noValidate = true;
  for (const el of f.elements) {
    if (el.type === 'hidden' || el.tagName === 'BUTTON' || el.type === 'submit') continue;
    if (el.type === 'checkbox' || el.type === 'radio') el.checked = false;
    else if (el.tagName === 'SELECT') el.selectedIndex = -1;
    else if (el.type !== 'file') el.value = '';
  }
}"""


def check(page, url, *, post_empty=False):
    """The findings that block (by page and width), and the errors read without their field."""
    found, untied = [], []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        response = page.goto(url)
        assert response.status == 200, (url, response.status)
        if post_empty:
            form = page.locator("main form:has(button[type=submit])").first
            form.evaluate(POST_EMPTY)
            with page.expect_navigation():
                form.locator("button[type=submit]").last.click()
            assert page.locator(".field__error, .alert--error").count(), (url, "no error shown")
            untied += [(url, width, text) for text in page.evaluate(UNTIED_ERRORS)]
        # Folded parts are read too.
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        page.add_script_tag(path=str(AXE))
        for violation in page.evaluate(RUN_AXE, TAGS):
            if violation["impact"] in BLOCKING:
                found.append((url + (" (posted empty)" if post_empty else ""), width, violation))
    return found, untied


@pytest.fixture
def browser(live_server, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def page_for(browser, live_server, user=None):
    # axe is injected as a script: the pages' Content-Security-Policy would refuse it.
    context = browser.new_context(bypass_csp=True, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    page = context.new_page()
    if user is not None:
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("form:has(input[name=password]) button[type=submit]")
        browser_second_step(page, user)
        assert "/login/" not in page.url
    return page


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_loops_pages_have_no_serious_accessibility_finding(
    browser, live_server, alice, bob, olga
):
    assert AXE.exists(), f"{AXE} is missing: `make setup` installs axe-core with npm"
    for user in (alice, bob, olga):
        user.set_password(PASSWORD)
        user.save()
    inspection = services.inspection_transition(
        by=alice,
        inspection=decided_inspection(supervisor=bob, lead=alice),
        to=Inspection.Status.ON_SITE,
    )
    sample, _ = samples.sample_create(
        by=alice,
        inspection=inspection,
        client_uuid=uuid.uuid4(),
        product_name="Mũ bảo hiểm cho người đi mô tô, xe máy",
        batch="L2026-01",
        test_unit_seal="NP-0001",
        retained_unit_seal="NP-0002",
        sampling_record_number="BB-LM-01/2026",
        sampled_at=timezone.now(),
    )
    samples.sample_send(by=alice, sample=sample, lab_name="Quatest 1", sent_on=date.today())
    minutes.minutes_draft(by=alice, inspection=Inspection.objects.get(pk=inspection.pk))
    draft_record(inspection, alice)
    record = signed_record(inspection, alice)
    decision = decisions.decision_draft(
        by=alice,
        record=record,
        lines=[{"violation_id": record.violations.get().pk, "fine_vnd": 25_000_000}],
    )
    decisions.decision_submit(by=alice, decision=decision)

    base = live_server.url
    found, untied = [], []

    def run(page, path, **kwargs):
        more, loose = check(page, f"{base}{path}", **kwargs)
        found.extend(more)
        untied.extend(loose)

    supervisor = page_for(browser, live_server, bob)
    run(supervisor, "/home/supervisor/")
    run(supervisor, "/plans/new/")
    run(supervisor, "/plans/new/", post_empty=True)
    run(supervisor, f"/inspections/{inspection.pk}/")
    run(supervisor, f"/cases/{inspection.pk}/")
    run(supervisor, "/cases/decisions/?status=submitted")

    lead = page_for(browser, live_server, alice)
    run(lead, f"/samples/{sample.pk}/result/")
    run(lead, f"/samples/{sample.pk}/result/", post_empty=True)
    run(lead, f"/field/inspections/{inspection.pk}/")
    run(lead, f"/field/inspections/{inspection.pk}/minutes/")

    officer = page_for(browser, live_server, olga)
    run(officer, "/complaints/intake/")
    run(officer, "/complaints/intake/", post_empty=True)

    citizen = page_for(browser, live_server)
    run(citizen, "/")
    run(citizen, "/phan-anh/")
    run(citizen, "/phan-anh/", post_empty=True)

    assert not found, "\n".join(
        f"{url} @{width}px: {v['impact']} {v['id']} ({v['help']}) at {v['nodes']}"
        for url, width, v in found
    )
    assert not untied, untied
