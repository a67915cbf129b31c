"""Issue 22's pages in real Chromium, each read by the role that uses it: no page wider
than the screen at 360, 800, 1280 and 1440 px, and no serious or critical axe-core
finding (WCAG 2.1 A and AA) at 360 and 1280 px. The pages: public statistics, a
product's and an operator's history (a Hà Nội supervisor, a national one), notices
between units and their national overview, risk-based plan suggestions, the repeat
inspection warning, the public alert with its risk level, a failed sample's risk form,
a report's barcode proposal and its product page, the public form's "Quét mã vạch"
dialog. Forms are also read in their error state, where every error must be tied to its
field (aria-describedby)."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from complaints.models import Complaint, ComplaintPhoto
from complaints.services import PhotoUpload
from inspections import services
from inspections.models import Scope
from registry.barcodes import BarcodeProposal
from registry.models import Role
from tests.browser.test_accessibility_pages import (  # noqa: F401
    AXE,
    BLOCKING,
    PASSWORD,
    RUN_AXE,
    TAGS,
    UNTIED_ERRORS,
    browser,
    page_for,
)
from tests.browser.test_public_filing import pytestmark  # noqa: F401
from tests.complaints.helpers import file_complaint
from tests.factories import OperatorFactory, UserFactory, unit
from tests.review import history_world
from tests.violations.test_notices import PDF, publish
from violations import notices
from violations.models import Notice

WIDTHS = (360, 800, 1280, 1440)
AXE_WIDTHS = (360, 1280)
BARCODE_PHOTO = (
    Path(__file__).resolve().parents[1] / "fixtures" / "barcodes" / "gs1_128_batch_expiry.jpg"
)


class Look:
    """What the pages showed: widths overflowed, axe findings, errors read alone."""

    def __init__(self, base):
        self.base = base
        self.wide, self.found, self.untied = [], [], []

    def page(self, page, path, *, then=None):
        """Open `path` (and do `then(page)`: a post that leaves the page in an error
        state) at every width; measure it, and run axe where asked."""
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            response = page.goto(self.base + path)
            assert response.status == 200, (path, response.status)
            if then is not None:
                then(page)
            self.read(page, path + (" (after the form)" if then else ""), width)

    def read(self, page, label, width):
        scrolled = page.evaluate("document.documentElement.scrollWidth")
        if scrolled > width:
            self.wide.append((label, width, scrolled))
        if width not in AXE_WIDTHS:
            return
        self.untied += [(label, width, text) for text in page.evaluate(UNTIED_ERRORS)]
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        if not page.evaluate("typeof axe !== 'undefined'"):
            page.add_script_tag(path=str(AXE))
        for violation in page.evaluate(RUN_AXE, TAGS):
            if violation["impact"] in BLOCKING:
                self.found.append((label, width, violation))

    def assert_clean(self):
        assert not self.wide, "\n".join(
            f"{label} @{width}px is {scrolled} px wide" for label, width, scrolled in self.wide
        )
        assert not self.found, "\n".join(
            f"{label} @{width}px: {v['impact']} {v['id']} ({v['help']}) at {v['nodes']}"
            for label, width, v in self.found
        )
        assert not self.untied, self.untied


def submit(selector):
    def post(page):
        with page.expect_navigation():
            page.click(selector)
        assert page.locator(".field__error, .alert--error").count(), "no error shown"

    return post


def repeat_without_reason(tax_code):
    """Draft an inspection of an operator inspected within 12 months, without a reason."""

    def post(page):
        page.select_option("select[name=legal_ground]", "warning")
        page.fill("input[name=legal_ground_note]", "Công văn cảnh báo 45/TĐC")
        page.fill("input[name=tax_code]", tax_code)
        page.check(f"input[name=scopes][value={Scope.LABEL}]")
        with page.expect_navigation():
            page.click("main .form-actions button[type=submit]")
        assert page.locator("#repeat table").count(), "the earlier inspections are not listed"
        assert page.locator("#repeat .field__error").count(), "no reason asked for"

    return post


def show_earlier(tax_code):
    def post(page):
        page.fill("input[name=tax_code]", tax_code)
        with page.expect_navigation():
            page.click("button[name=check]")
        assert page.locator("#repeat table").count(), "the earlier inspections are not listed"

    return post


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_issue_22_pages_fit_every_width_and_have_no_serious_accessibility_finding(
    browser,  # noqa: F811 - the fixture's value
    live_server,
    alice,
    bob,
    charlie,
    nadia,
    olga,
):
    assert AXE.exists(), f"{AXE} is missing: `make setup` installs axe-core with npm"
    sophie = UserFactory(username="sophie", unit=unit("79"), roles=[Role.SUPERVISOR])
    lena = UserFactory(username="lena", unit=unit("79"), roles=[Role.TEAM_LEAD])
    for user in (alice, bob, nadia, olga, sophie):
        user.set_password(PASSWORD)
        user.save()

    # A product and its seller with reports, samples and alerts in Hà Nội and Hồ Chí Minh.
    world = history_world.build(bob=bob, charlie=charlie)
    # A serious-risk alert of Hà Nội: a notice to every other unit; the national body
    # answers with measures and evidence, Hồ Chí Minh has not answered yet.
    alert = publish(alice=alice, bob=bob, number="22/QĐ-KT")
    sample = alert.inspection.samples.get()
    waiting = Notice.objects.get(alert=alert, unit=sophie.unit)
    answered = Notice.objects.get(alert=alert, unit=nadia.unit)
    notices.notice_react(
        by=nadia,
        notice=answered,
        reaction=Notice.Reaction.MEASURES,
        text="Tạm dừng lưu thông 40 sản phẩm tại 2 siêu thị.",
        evidence=PDF,
    )
    # Hồ Chí Minh inspected an operator of Hà Nội a month ago.
    repeated = OperatorFactory(name="Công ty TNHH Mũ Bảo Hiểm An Toàn")
    day = timezone.localdate() - timedelta(days=30)
    earlier = services.inspection_create(
        by=sophie,
        operator=repeated,
        legal_ground="warning",
        scopes=[Scope.LABEL],
        scheduled_date=day,
    )
    services.inspection_set_team(by=sophie, inspection=earlier, lead=lena)
    services.inspection_decide(
        by=sophie, inspection=earlier, decision_number="12/QĐ-CCHCM", decision_date=day
    )
    # A report whose photo shows a GS1-128 barcode: the worker proposes it.
    report = file_complaint(
        network_key="scan",
        photos=[PhotoUpload(data=BARCODE_PHOTO.read_bytes(), filename="a.jpg")],
    ).complaint
    assert ComplaintPhoto.objects.get(complaint=report).proposal_state == BarcodeProposal.PROPOSED
    assert Complaint.objects.get(pk=report.pk).product_id is None
    plan = services.plan_create(
        by=alice,
        title="Kế hoạch kiểm tra năm sau",
        period_start=timezone.localdate(),
        period_end=timezone.localdate() + timedelta(days=300),
        scopes=[Scope.LABEL],
    )
    last_year = timezone.localdate().year - 1

    look = Look(live_server.url)

    citizen = page_for(browser, live_server)
    look.page(citizen, "/thong-ke/")
    look.page(citizen, f"/thong-ke/?nam={last_year}&tinh=01")
    look.page(citizen, f"/canh-bao/{alert.pk}/")
    assert citizen.locator("main .badge", has_text="Nghiêm trọng").count()
    # The camera reader's dialog (no camera here: it says so, with "Thử lại").
    for width in AXE_WIDTHS:
        citizen.set_viewport_size({"width": width, "height": 900})
        citizen.goto(f"{live_server.url}/phan-anh/")
        citizen.fill("input[name=product_gtin]", "8934563138165")
        assert "Việt Nam" in citizen.locator(".barcode-scan__country").inner_text()
        citizen.get_by_role("button", name="Quét mã vạch").click()
        citizen.wait_for_selector("dialog[open] [role=status]:not(:empty)")
        look.read(citizen, "/phan-anh/ (Quét mã vạch)", width)
        citizen.keyboard.press("Escape")

    hanoi = page_for(browser, live_server, bob)
    look.page(hanoi, f"/review/products/{world.product.pk}/")
    look.page(hanoi, f"/review/products/{world.product.pk}/reports/")
    look.page(hanoi, f"/review/operators/{world.operator.pk}/")
    look.page(hanoi, "/inspections/new/", then=show_earlier(repeated.tax_code))
    look.page(hanoi, "/inspections/new/", then=repeat_without_reason(repeated.tax_code))

    national = page_for(browser, live_server, nadia)
    look.page(national, f"/review/products/{world.product.pk}/")
    look.page(national, f"/review/operators/{world.operator.pk}/")
    look.page(national, "/notices/?answered=1")
    look.page(national, f"/notices/{answered.pk}/")
    look.page(national, "/notices/campaigns/")
    look.page(national, f"/notices/campaigns/{alert.pk}/")

    province = page_for(browser, live_server, sophie)
    look.page(province, "/notices/")
    look.page(province, f"/notices/{waiting.pk}/")
    look.page(
        province,
        f"/notices/{waiting.pk}/",
        then=submit("main form.action-form button[type=submit]"),
    )

    lead = page_for(browser, live_server, alice)
    look.page(lead, f"/plans/{plan.pk}/suggestions/")
    assert lead.locator(".suggestions > li").count()
    look.page(lead, f"/samples/{sample.pk}/")
    assert lead.locator("select[name=hazard]").count()

    officer = page_for(browser, live_server, olga)
    look.page(officer, f"/complaints/{report.pk}/")
    look.page(officer, f"/complaints/{report.pk}/product/?name=N%C6%B0%E1%BB%9Bc+m%E1%BA%AFm")
    assert officer.get_by_role("button", name="Xác nhận", exact=True).count()

    look.assert_clean()
