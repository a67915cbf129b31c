"""The whole loop in the product's own pages, in real Chromium (issue 19, acceptance):

a citizen files a report with a photo from a phone → the complaint officer acknowledges
and accepts it and proposes an inspection → the team lead drafts a plan, the supervisor
approves it, opens an inspection on the ground of the report (from the proposal), sends
the team and issues the decision → the team lead, on a 10" tablet with touch, starts the
inspection, records a finding with a photo, a sample with two seals and a seal photo,
drafts the minutes and signs them on screen with the operator's representative (signed
minutes refuse a change) → a team member records the lab's failing result with its PDF
→ the lead reports the failed test, the supervisor suspends the goods, the lead
concludes → a violation record citing the catalogue's provision, signed → the penalty
decision drafted by the lead, approved by the supervisor → the fine paid, the measure
done with its photo, the decision closed → the alert published and read on /canh-bao/ →
the citizen reads the outcome with the receipt on /tra-cuu/.

After the setup (units, people and their roles, the operator, a verified provision in
the catalogue) every action is a page: no API call and no service call in the test. The
database is only read, to find the ids of what the pages made and to check it.

Screenshots of every step: test-artifacts/whole-loop/NN-<step>.png, with the signed
minutes' PDF beside them (minutes-signed.pdf).
"""

import re
import shutil
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from complaints.models import Complaint
from inspections.models import Inspection, InspectionPlan, Minutes, Sample
from registry.models import EconomicOperator, Province
from tests.browser.loop_steps import (
    DESK,
    LOOP,
    PHONE,
    Loop,
    chromium,
    mouse_stroke,
    no_sideways_scroll,
    pdf_images,
    pdf_text,
    sign_in,
    tablet_options,
    tiny_pdf,
    told,
    touch_stroke,
)
from tests.browser.test_public_filing import pytestmark  # noqa: F401
from tests.complaints.helpers import PHOTOS, photo_bytes
from tests.factories import provision_version, valid_tax_code
from violations.models import FailedTestFollowUp, PenaltyDecision, ProductAlert, ViolationRecord

OPERATOR = "Công ty TNHH Thực phẩm Hương Quê"
PRODUCT = "Nước mắm Hương Quê 40 độ đạm, chai 500 ml"
REPRESENTATIVE = "Trần Thị Hằng"
LEAD_NAME = "Nguyễn Thị Nhiên"
MEMBER_NAME = "Đỗ Văn Ích"


def _photo(name: str) -> dict:
    data = photo_bytes(name if (PHOTOS / name).exists() else "x")
    return {"name": name, "mimeType": "image/jpeg", "buffer": data}


@pytest.fixture
def people(olga, bob, alice, ivan):
    """The complaint officer, the supervisor, the team lead and a team member of Hà Nội
    (unit 01), with the names they sign with."""
    for user, name in (
        (olga, "Phạm Thu Hà"),
        (bob, "Lê Quang Bình"),
        (alice, LEAD_NAME),
        (ivan, MEMBER_NAME),
    ):
        user.full_name = name
        user.save()
    return SimpleNamespace(olga=olga, bob=bob, alice=alice, ivan=ivan)


@pytest.fixture
def reference():
    """The operator in the register and a verified provision in the catalogue."""
    operator = EconomicOperator.objects.create(
        name=OPERATOR,
        tax_code=valid_tax_code(424),
        address="15 Hàng Bè, phường Hoàn Kiếm, Hà Nội",
        province=Province.objects.get(code="01"),
        role=EconomicOperator.Role.RETAILER,
    )
    provision = provision_version(
        act="Kinh doanh hàng hóa có chất lượng không phù hợp với tiêu chuẩn công bố áp dụng.",
        fine_min_vnd=10_000_000,
        fine_max_vnd=20_000_000,
    )
    return SimpleNamespace(operator=operator, provision=provision)


@pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdfimages") is None,
    reason="poppler-utils is not installed",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_whole_loop_through_the_pages(live_server, monkeypatch, people, reference, password):
    # Playwright's sync API runs an event loop; the test reads the database in between.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with chromium() as browser:
        loop = Loop(browser, live_server.url)
        w = SimpleNamespace(
            people=people,
            password=password,
            operator=reference.operator,
            provision=reference.provision,
            today=timezone.localdate(),
            citizen=loop.person(PHONE),
            officer=loop.person(DESK),
            supervisor=loop.person(DESK),
            member=loop.person(DESK),
            lead=loop.person(tablet_options()),
        )
        w.lead_cdp = w.lead.context.new_cdp_session(w.lead)
        try:
            for step in (
                citizen_files_a_report,
                officer_triages,
                plan_approved,
                inspection_decided,
                findings_and_sample_on_site,
                minutes_signed_on_the_tablet,
                signed_minutes_are_locked,
                lab_result_fails,
                failed_test_followed_up,
                violation_record_signed,
                penalty_decision_approved,
                decision_enforced_and_closed,
                alert_published,
                citizen_reads_the_outcome,
            ):
                step(loop, w)
        except BaseException:
            loop.shoot_all("failed")
            raise


# --- 1. The citizen ---------------------------------------------------------------------------


def citizen_files_a_report(loop, w):
    page, operator = w.citizen, w.operator
    loop.visit(page, "/phan-anh/")
    page.fill("input[name=product_name]", PRODUCT)
    page.fill("input[name=product_brand]", "Hương Quê")
    page.fill("input[name=seller_name]", OPERATOR)
    page.fill("input[name=seller_address]", operator.address)
    page.fill("input[name=seller_tax_code]", operator.tax_code)
    page.select_option("select[name=seller_province]", str(operator.province_id))
    page.check("input[name=kind][value=quality]")
    page.fill(
        "textarea[name=description]",
        "Chai ghi 40 độ đạm nhưng nước mắm loãng, nhạt, mùi lạ; mua ngày hôm qua.",
    )
    page.set_input_files("input[name=photos]", files=[_photo("gps_DSCN0010.jpg")])
    no_sideways_scroll(page)
    loop.shot(page, "citizen-files")
    page.click("main form.report-form button[type=submit]")
    page.wait_for_url("**/phan-anh/da-gui/")
    w.receipt = "".join(page.inner_text(".receipt__code").split())
    assert re.fullmatch(r"([0-9A-Z]{4}-){4}[0-9A-Z]{4}", w.receipt), w.receipt
    w.complaint = Complaint.objects.get()
    assert w.complaint.unit.code == "01" and w.complaint.photos.count() == 1
    assert w.complaint.tracking_number in page.content()
    loop.shot(page, "citizen-receipt")


# --- 2. The complaint officer -----------------------------------------------------------------


def officer_triages(loop, w):
    page, complaint = w.officer, w.complaint
    sign_in(loop, page, w.people.olga, w.password, f"/complaints/{complaint.pk}/")
    page.wait_for_selector(f"h1:has-text('{complaint.tracking_number}')")
    page.select_option("#tr-to", "acknowledged")
    page.click("button:has-text('Cập nhật trạng thái')")
    told(page, "Đã cập nhật trạng thái phản ánh")
    page.select_option("#tr-to", "triaged")
    page.fill("#tr-note", "Phản ánh đã được thụ lý; cơ quan sẽ xem xét kiểm tra cơ sở.")
    page.click("button:has-text('Cập nhật trạng thái')")
    told(page, "Đã cập nhật trạng thái phản ánh")
    # Opening an inspection is the supervisor's: the officer proposes one, and the unit's
    # supervisors are told.
    page.fill(
        "#propose-note",
        "Đề nghị lãnh đạo ra quyết định kiểm tra đột xuất cơ sở: nước mắm nghi không đạt "
        "độ đạm ghi trên nhãn.",
    )
    page.click("button:has-text('Gửi đề xuất kiểm tra')")
    told(page, "Đã gửi đề xuất kiểm tra")
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.TRIAGED
    loop.shot(page, "officer-accepts-and-proposes")


# --- 3. The plan, the inspection, the team, the decision --------------------------------------


def plan_approved(loop, w):
    lead, supervisor, today = w.lead, w.supervisor, w.today
    sign_in(loop, lead, w.people.alice, w.password, "/plans/new/")
    lead.fill("#id_title", "Kiểm tra chất lượng nước mắm trên địa bàn Hà Nội")
    lead.fill("#id_period_start", today.isoformat())
    lead.fill("#id_period_end", (today + timedelta(days=60)).isoformat())
    lead.check("input[name=scopes][value=label]")
    lead.check("input[name=scopes][value=goods_quality]")
    lead.fill("#id_operators", w.operator.tax_code)
    lead.fill("#id_note", "Kiểm tra nhãn và chất lượng nước mắm theo phản ánh của người dân.")
    loop.shot(lead, "lead-drafts-plan")
    lead.click("button:has-text('Lưu dự thảo')")
    told(lead, "Đã lập kế hoạch")
    plan = InspectionPlan.objects.get()
    lead.click("button:has-text('Trình phê duyệt')")
    told(lead, "Đã trình kế hoạch")

    sign_in(loop, supervisor, w.people.bob, w.password, f"/plans/{plan.pk}/")
    supervisor.check("input[name=decision][value=approve]")
    supervisor.fill("textarea[name=note]", "Đồng ý kế hoạch.")
    supervisor.click("button:has-text('Ghi ý kiến')")
    told(supervisor, "Đã phê duyệt kế hoạch")
    plan.refresh_from_db()
    assert plan.status == InspectionPlan.Status.APPROVED
    loop.shot(supervisor, "supervisor-approves-plan")


def inspection_decided(loop, w):
    page, complaint = w.supervisor, w.complaint
    # The supervisor follows the officer's proposal from the notifications.
    loop.visit(page, "/notifications/")
    proposal = f"Đề xuất kiểm tra theo phản ánh {complaint.tracking_number}"
    page.click(f"li:has(h2:has-text('{proposal}')) a:has-text('Mở trang liên quan')")
    page.wait_for_url(f"**/complaints/{complaint.pk}/")
    page.click("a:has-text('Kiểm tra đột xuất theo phản ánh này')")
    page.wait_for_url("**/complaints/inspect/**")
    assert page.input_value("input[name=tax_code]") == w.operator.tax_code
    page.check("input[name=scopes][value=label]")
    page.check("input[name=scopes][value=goods_quality]")
    page.fill("input[name=place]", w.operator.address)
    page.fill("input[name=scheduled_date]", w.today.isoformat())
    loop.shot(page, "supervisor-inspects-on-the-report")
    page.click("button:has-text('Tạo cuộc kiểm tra')")
    told(page, "Đã tạo cuộc kiểm tra đột xuất theo phản ánh")
    w.inspection = Inspection.objects.get()
    assert list(w.inspection.complaints.all()) == [complaint]
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.UNDER_INSPECTION

    loop.visit(page, f"/inspections/{w.inspection.pk}/team/")
    page.select_option("#id_lead", str(w.people.alice.pk))
    page.check(f"input[name=members][value='{w.people.ivan.pk}']")
    page.click("button:has-text('Lưu đoàn kiểm tra')")
    told(page, "Đã cử đoàn kiểm tra")
    page.click("a:has-text('Ban hành quyết định kiểm tra')")
    page.fill("#id_decision_number", "15/QĐ-CCTĐC")
    page.fill("#id_decision_date", w.today.isoformat())
    page.click("button:has-text('Ban hành quyết định')")
    told(page, "Đã ban hành quyết định kiểm tra số 15/QĐ-CCTĐC")
    w.inspection.refresh_from_db()
    assert w.inspection.status == Inspection.Status.DECIDED
    loop.shot(page, "supervisor-decides-with-team")


# --- 4. On site, on the tablet ----------------------------------------------------------------


def findings_and_sample_on_site(loop, w):
    lead, inspection = w.lead, w.inspection
    loop.visit(lead, "/field/")
    lead.click(f"text={OPERATOR}")
    lead.click("text=Bắt đầu kiểm tra tại chỗ")
    told(lead, "đoàn bắt đầu kiểm tra tại chỗ")
    loop.shot(lead, "lead-starts-on-site")

    lead.locator("#checklist a.checklist__item").first.click()
    lead.tap("label.result-choice__option--non_conforming")
    lead.fill(
        "textarea[name=note]", "Nhãn ghi 40 độ đạm; nước mắm loãng, có dấu hiệu pha thêm nước."
    )
    lead.set_input_files("#photo-camera", files=[_photo("gps_DSCN0012.jpg")])
    lead.wait_for_selector("#photo-count:has-text('Đã chọn 1 ảnh')")
    loop.shot(lead, "lead-finding-non-conforming")
    lead.click("form.finding-form button[type=submit]")
    # The finding, then its photo, leave through the tablet's queue.
    lead.wait_for_selector("#outbox-list li[data-state=sent]", timeout=60_000)
    finding = inspection.findings.get()
    assert finding.result == "non_conforming" and finding.photos.count() == 1

    loop.visit(lead, f"/field/inspections/{inspection.pk}/")
    lead.click("#samples a:has-text('Lấy mẫu')")
    lead.fill("#id_product_name", PRODUCT)
    lead.fill("#id_batch", "L2611")
    lead.fill("#id_test_unit_seal", "HN-0451")
    lead.fill("#id_retained_unit_seal", "HN-0452")
    lead.fill("#id_sampling_record_number", "07/BB-LM")
    lead.set_input_files("#photo-camera", files=[_photo("gps_DSCN0021.jpg")])
    loop.shot(lead, "lead-sample-with-seals")
    lead.click("button:has-text('Lưu mẫu')")
    lead.wait_for_url(f"**/field/inspections/{inspection.pk}/#samples")
    # The sample and its seal photo leave through the queue too (the finding's entry first).
    lead.locator("#outbox-list li[data-state=sent]").nth(1).wait_for(timeout=60_000)
    lead.reload()
    lead.wait_for_selector("#samples :text('HN-0451 / HN-0452')")
    w.sample = Sample.objects.get()
    assert w.sample.seal_photos.count() == 1
    loop.shot(lead, "lead-sample-saved")


def _sign(loop, w, button: str, *, member=None, name="", position="", touch=True, shot=""):
    lead = w.lead
    lead.click(f".sign-buttons a:has-text('{button}')")
    lead.wait_for_selector("#sign-status:has-text('Chưa có chữ ký')")  # the pad is ready
    if member is not None:
        lead.select_option("#id_member", str(member.pk))
    if name:
        lead.fill("#id_name", name)
        lead.fill("#id_position", position)
    stroke = [(0.1, 0.7), (0.25, 0.2), (0.4, 0.8), (0.6, 0.3), (0.9, 0.6)]
    if touch:
        touch_stroke(lead, w.lead_cdp, "#sign-canvas", stroke)
    else:
        mouse_stroke(lead, "#sign-canvas", stroke[1:])
    lead.wait_for_selector("#sign-status:has-text('Đã có chữ ký')")
    if shot:
        loop.shot(lead, shot)
    lead.click("button:has-text('Lưu chữ ký')")
    signer = member.full_name if member is not None else name
    lead.wait_for_selector(f"#signatures :text('{signer}')")


def minutes_signed_on_the_tablet(loop, w):
    lead, inspection = w.lead, w.inspection
    lead.click("#minutes button:has-text('Lập biên bản')")
    told(lead, "Đã lập dự thảo biên bản")
    loop.shot(lead, "lead-minutes-draft")
    # The team member reads the draft at his desk (and leaves the page open).
    sign_in(
        loop, w.member, w.people.ivan, w.password, f"/field/inspections/{inspection.pk}/minutes/"
    )
    w.member.wait_for_selector("button:has-text('Lập lại dự thảo từ kết quả mới nhất')")

    _sign(loop, w, "Thành viên đoàn ký", member=w.people.alice, shot="lead-signs-with-a-finger")
    _sign(
        loop,
        w,
        "Người đại diện cơ sở ký",
        name=REPRESENTATIVE,
        position="Giám đốc",
        shot="representative-signs",
    )
    _sign(loop, w, "Thành viên đoàn ký", member=w.people.ivan, touch=False)
    lead.click("button:has-text('Hoàn tất ký biên bản')")
    lead.wait_for_selector("text=đã ký và khóa")
    no_sideways_scroll(lead)
    loop.shot(lead, "lead-minutes-signed")
    w.minutes = Minutes.objects.get(inspection=inspection)
    assert w.minutes.status == Minutes.Status.SIGNED

    # The signed PDF as the tablet opens it ("Mở bản PDF"): the Vietnamese text intact and
    # the three drawn signatures in it.
    response = lead.request.get(loop.url(f"/field/minutes/{w.minutes.pk}/pdf/"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    pdf = LOOP / "minutes-signed.pdf"
    pdf.write_bytes(response.body())
    text = pdf_text(pdf)
    for words in (OPERATOR, LEAD_NAME, MEMBER_NAME, REPRESENTATIVE, "Giám đốc", "HN-0451"):
        assert words in text, words
    assert len(pdf_images(pdf)) >= 3


def signed_minutes_are_locked(loop, w):
    """The signed minutes offer no change, and a change sent anyway is refused: the
    re-draft button of the page left open on the draft, and a signature."""
    stale, lead = w.member, w.lead
    with stale.expect_response(lambda r: r.request.method == "POST") as posted:
        stale.click("button:has-text('Lập lại dự thảo từ kết quả mới nhất')")
    assert posted.value.status == 409
    stale.wait_for_selector(".alert--error:has-text('Biên bản đã ký')")
    loop.shot(stale, "signed-minutes-refuse-a-redraft")
    w.minutes.refresh_from_db()
    assert w.minutes.status == Minutes.Status.SIGNED and w.minutes.signatures.count() == 3

    loop.visit(lead, f"/field/inspections/{w.inspection.pk}/minutes/")
    assert lead.locator("button:has-text('Lập lại dự thảo')").count() == 0
    assert lead.locator(".sign-buttons").count() == 0
    loop.visit(lead, f"/field/minutes/{w.minutes.pk}/sign/team/")
    lead.wait_for_selector("text=Biên bản đã ký, không sửa được")

    # Off to the lab: the tablet's next step.
    loop.visit(lead, f"/field/inspections/{w.inspection.pk}/")
    lead.click("#next button:has-text('Đã gửi mẫu')")
    told(lead, "Cuộc kiểm tra chuyển sang")
    w.inspection.refresh_from_db()
    assert w.inspection.status == Inspection.Status.AWAITING_LAB


# --- 5. The lab's result ----------------------------------------------------------------------


def lab_result_fails(loop, w):
    page, sample, day = w.member, w.sample, w.today.strftime("%d/%m/%Y")
    loop.visit(page, f"/samples/{sample.pk}/")
    page.click("a:has-text('Ghi nhận gửi mẫu thử nghiệm')")
    page.fill("input[name=lab_name]", "Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng 1")
    page.fill("input[name=sent_on]", day)
    page.click("main form button.btn--primary")
    told(page, "Đã ghi nhận gửi mẫu")
    page.click("a:has-text('Nhập kết quả thử nghiệm')")
    page.fill("input[name=test_report_number]", "KQ-2611/TN1")
    page.fill("input[name=received_on]", day)
    page.fill("input[name=result_on]", day)
    page.fill("input[name=criteria-0-criterion]", "Hàm lượng nitơ toàn phần")
    page.fill("input[name=criteria-0-unit]", "g/l")
    page.fill("input[name=criteria-0-limit_min]", "40")
    page.fill("input[name=criteria-0-reference]", "TCVN 5107:2018")
    page.fill("input[name=criteria-0-measured]", "28,5")
    report = {
        "name": "phieu-ket-qua.pdf",
        "mimeType": "application/pdf",
        "buffer": tiny_pdf("KQ-2611/TN1"),
    }
    page.set_input_files("input[name=test_report_pdf]", files=[report])
    loop.shot(page, "member-enters-the-lab-result")
    page.click("main form button.btn--primary")
    told(page, "mẫu không đạt")
    sample.refresh_from_db()
    assert sample.status == Sample.Status.TESTED and sample.conforming is False
    with sample.test_report_pdf.open("rb") as stored:
        assert stored.read() == report["buffer"]  # kept byte for byte
    loop.shot(page, "lab-result-failed")


# --- 6. Follow-up of the failed test ----------------------------------------------------------


def failed_test_followed_up(loop, w):
    case = f"/cases/{w.inspection.pk}/"
    follow_up = FailedTestFollowUp.objects.get(sample=w.sample)
    loop.visit(w.lead, case)
    w.lead.fill(
        f"#id_report-{follow_up.pk}_text",
        "Mẫu nước mắm Hương Quê không đạt hàm lượng nitơ toàn phần (28,5 g/l, yêu cầu "
        "tối thiểu 40 g/l).",
    )
    w.lead.click(f"#follow-up-{follow_up.pk} button:has-text('Gửi báo cáo')")
    told(w.lead, "Đã báo cáo kết quả không đạt")
    loop.shot(w.lead, "lead-reports-the-failed-test")

    loop.visit(w.supervisor, case)
    w.supervisor.click(
        f"#follow-up-{follow_up.pk} button:has-text('Ra thông báo tạm dừng lưu thông')"
    )
    told(w.supervisor, "Đã ra thông báo tạm dừng lưu thông")
    follow_up.refresh_from_db()
    assert follow_up.status == FailedTestFollowUp.Status.SUSPENDED
    loop.shot(w.supervisor, "supervisor-suspends-the-goods")

    # The lead concludes the inspection from the tablet.
    loop.visit(w.lead, f"/field/inspections/{w.inspection.pk}/")
    w.lead.click("#next button:has-text('Kết luận cuộc kiểm tra')")
    told(w.lead, "Cuộc kiểm tra chuyển sang")
    w.inspection.refresh_from_db()
    assert w.inspection.status == Inspection.Status.CONCLUDED


# --- 7. The violation record ------------------------------------------------------------------


def violation_record_signed(loop, w):
    lead = w.lead
    loop.visit(lead, f"/cases/{w.inspection.pk}/")
    lead.click("a:has-text('Lập biên bản vi phạm')")
    lead.click("button:has-text('Tiếp tục')")  # the day of the act: the evidence's
    lead.wait_for_selector("text=Bước 2/2")
    lead.fill("input[name=representative_name]", REPRESENTATIVE)
    lead.fill("input[name=representative_position]", "Giám đốc")
    lead.select_option("select[name=acts-0-provision]", str(w.provision.pk))
    lead.fill(
        "textarea[name=acts-0-description]",
        "Kinh doanh nước mắm có nhãn ghi 40 độ đạm, kết quả thử nghiệm 28,5 g/l.",
    )
    lead.check(f"input[name=acts-0-samples][value='{w.sample.pk}']")
    lead.locator("input[name=acts-0-findings]").first.check()
    loop.shot(lead, "lead-drafts-the-violation-record")
    lead.click("button:has-text('Lập dự thảo biên bản')")
    told(lead, "Đã lập dự thảo biên bản vi phạm")
    record = ViolationRecord.objects.get()
    lead.click(f"#record-{record.pk} summary:has-text('Ký biên bản')")
    lead.fill(f"#id_sign-{record.pk}_statement", "Cơ sở thừa nhận và sẽ thu hồi lô hàng không đạt.")
    lead.click(f"#record-{record.pk} button:has-text('Lập biên bản')")
    told(lead, "Đã lập biên bản vi phạm số")
    record.refresh_from_db()
    assert record.status == ViolationRecord.Status.SIGNED and record.number
    assert list(record.violations.values_list("provision", flat=True)) == [w.provision.pk]
    loop.shot(lead, "violation-record-signed")
    w.record = record


# --- 8. The penalty decision ------------------------------------------------------------------


def penalty_decision_approved(loop, w):
    lead, record = w.lead, w.record
    lead.click(f"#record-{record.pk} a:has-text('Soạn quyết định xử phạt')")
    violation = record.violations.get()
    # An organisation: twice the individual's range, 20 to 40 million đồng.
    lead.fill(f"input[name=fine_{violation.pk}]", "25.000.000")
    lead.select_option("select[name=measures-0-kind]", index=1)
    lead.fill(
        "textarea[name=measures-0-description]",
        "Thu hồi toàn bộ lô nước mắm L2611 đang lưu thông.",
    )
    lead.fill("input[name=measures-0-deadline]", (w.today + timedelta(days=15)).isoformat())
    loop.shot(lead, "lead-drafts-the-penalty-decision")
    lead.click("button:has-text('Lưu dự thảo quyết định')")
    told(lead, "Đã lưu dự thảo quyết định xử phạt")
    lead.click(f"#record-{record.pk} button:has-text('Trình lãnh đạo duyệt')")
    told(lead, "Đã trình lãnh đạo duyệt quyết định xử phạt")

    supervisor = w.supervisor
    loop.visit(supervisor, f"/cases/{w.inspection.pk}/")
    supervisor.check(f"#record-{record.pk} input[name=approve][value='1']")
    supervisor.click(f"#record-{record.pk} button:has-text('Ghi ý kiến')")
    told(supervisor, "Đã duyệt và ban hành quyết định xử phạt số")
    w.decision = PenaltyDecision.objects.get()
    assert w.decision.status == PenaltyDecision.Status.APPROVED
    assert w.decision.total_fine_vnd == 25_000_000
    loop.shot(supervisor, "supervisor-approves-the-decision")


# --- 9. The fine, the measure, the end of the decision ---------------------------------------


def decision_enforced_and_closed(loop, w):
    lead, decision, record = w.lead, w.decision, w.record
    loop.visit(lead, f"/cases/{w.inspection.pk}/")
    lead.fill(f"#id_fine-{decision.pk}_paid_on", w.today.isoformat())
    lead.fill(f"#id_fine-{decision.pk}_receipt_number", "BL-0012345")
    lead.click(f"#record-{record.pk} button:has-text('Ghi nhận nộp phạt')")
    told(lead, "Đã ghi nhận nộp phạt")
    measure = decision.measures.get()
    lead.click(f"#measure-{measure.pk} summary:has-text('Ghi nhận đã thực hiện')")
    lead.fill(f"#id_measure-{measure.pk}_note", "Đã thu hồi 240 chai lô L2611, có biên bản.")
    lead.set_input_files(f"#id_measure-{measure.pk}_photos", files=[_photo("Canon_40D.jpg")])
    lead.click(f"#measure-{measure.pk} button:has-text('Ghi nhận đã thực hiện')")
    told(lead, "Đã ghi nhận hoàn thành biện pháp")
    lead.click(f"#record-{record.pk} button:has-text('Kết thúc thi hành quyết định')")
    told(lead, "Đã kết thúc việc thi hành quyết định")
    decision.refresh_from_db()
    assert decision.status == PenaltyDecision.Status.CLOSED
    assert decision.fine_paid_on == w.today and measure.photos.count() == 1
    loop.shot(lead, "decision-closed")


# --- 10. The alert ----------------------------------------------------------------------------


def alert_published(loop, w):
    loop.visit(w.supervisor, f"/cases/{w.inspection.pk}/")
    w.supervisor.click("button:has-text('Công bố cảnh báo')")
    told(w.supervisor, "Đã công bố cảnh báo sản phẩm")
    w.alert = ProductAlert.objects.get()
    loop.shot(w.supervisor, "supervisor-publishes-the-alert")
    loop.visit(w.citizen, "/canh-bao/")
    w.citizen.click(f"a:has-text('{w.alert.product_name}')")
    w.citizen.wait_for_selector(f"text={OPERATOR}")
    no_sideways_scroll(w.citizen)
    loop.shot(w.citizen, "public-alert")


# --- 11. The outcome, read with the receipt ---------------------------------------------------


def citizen_reads_the_outcome(loop, w):
    page = w.citizen
    loop.visit(page, "/tra-cuu/")
    page.fill("input[name=receipt]", w.receipt)
    page.click("main form button[type=submit]")
    page.wait_for_selector(f"text={w.complaint.tracking_number}")
    shown = page.inner_text("main")
    for words in (
        "Hàng hóa này đang bị tạm dừng lưu thông",
        f"Đã xử phạt vi phạm hành chính theo quyết định số {w.decision.number}",
        "Cảnh báo về sản phẩm đã được công bố",
    ):
        assert words in shown, (words, shown)
    w.complaint.refresh_from_db()
    assert w.complaint.status == Complaint.Status.RESOLVED
    no_sideways_scroll(page)
    loop.shot(page, "citizen-reads-the-outcome")
