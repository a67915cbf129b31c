"""Violation handling at the desk, through the case page only (issue 19, item 3): the
record signed, the penalty decision drafted within the fine range (x2 for an
organisation unless the version records its own), sent for approval, returned with a
reason or approved, the measures done with photos, closed; every step with its legal
clock, a confirmation, a redirect and the new state without stale buttons, and whoever
acts next told."""

import re
import uuid
from datetime import timedelta
from io import BytesIO

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from inspections import findings as inspection_findings
from inspections import services
from registry import workdays
from registry.models import EconomicOperator, Notification
from tests.factories import OperatorFactory, provision_version
from tests.inspections.helpers import decided_inspection
from tests.violations.test_violations import draft_record, finding, photo, signed_record
from violations import decisions, selectors
from violations.home import decisions_to_approve, supervisor_queues
from violations.models import PenaltyDecision, RemedialMeasure, ViolationRecord

pytestmark = pytest.mark.django_db


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def message_of(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def case_url(inspection) -> str:
    return f"/cases/{inspection.pk}/"


def provision(*, low=10_000_000, high=20_000_000, **fields):
    return provision_version(
        code=f"TEST-{uuid.uuid4().hex[:6]}", fine_min_vnd=low, fine_max_vnd=high, **fields
    )


def one_act(inspection, by, **provision_fields):
    return [
        {
            "provision": provision(**provision_fields),
            "description": "Bày bán 40 máy sấy tóc nhập khẩu không có nhãn phụ tiếng Việt.",
            "findings": [finding(inspection, by)],
        }
    ]


def decision_post(record, fine: str, **measure) -> dict:
    violation = record.violations.get()
    data = {
        f"fine_{violation.pk}": fine,
        "measures-TOTAL_FORMS": "4",
        "measures-INITIAL_FORMS": "0",
        "measures-MIN_NUM_FORMS": "0",
        "measures-MAX_NUM_FORMS": "4",
    }
    for key, value in measure.items():
        data[f"measures-0-{key}"] = value
    return data


def drafted(record, by, fine=25_000_000, measures=()):
    return decisions.decision_draft(
        by=by,
        record=record,
        lines=[{"violation_id": record.violations.get().pk, "fine_vnd": fine}],
        measures=list(measures),
    )


# --- The record ------------------------------------------------------------------------------


def test_a_member_signs_the_record_and_the_lead_is_told_to_draft_the_decision(alice, bob, ivan):
    inspection = decided_inspection(supervisor=bob, lead=alice, members=[ivan])
    inspection = services.inspection_transition(by=alice, inspection=inspection, to="on_site")
    record = draft_record(inspection, alice)
    member = client(ivan)
    page = member.get(case_url(inspection)).content.decode()
    assert f"/cases/records/{record.pk}/sign/" in page
    assert "Ký biên bản" in page

    # Refused without a witness: the page again, with the errors on their fields.
    refused = member.post(
        f"/cases/records/{record.pk}/sign/",
        {"representative_name": "Nguyễn Thị Hoa", "refused": "on"},
    )
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "hãy ghi người chứng kiến" in html and "hãy ghi lý do từ chối" in html
    record.refresh_from_db()
    assert record.status == ViolationRecord.Status.DRAFT

    response = member.post(
        f"/cases/records/{record.pk}/sign/",
        {"representative_name": "Nguyễn Thị Hoa", "representative_position": "Chủ cửa hàng"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{case_url(inspection)}#record-{record.pk}"
    record.refresh_from_db()
    assert record.status == ViolationRecord.Status.SIGNED and record.number == "1/BB-VPHC"
    due = record.decision_deadline.strftime("%d/%m/%Y")
    assert f"Đã lập biên bản vi phạm số 1/BB-VPHC. Hạn ra quyết định xử phạt: {due}." in (
        message_of(response)
    )
    page = member.get(case_url(inspection)).content.decode()
    assert f"/cases/records/{record.pk}/sign/" not in page  # no stale button
    assert f"/cases/records/{record.pk}/decision/" in page
    # The decision's clock: its deadline, the working days left, the law.
    left = workdays.working_days_between(timezone.localdate(), record.decision_deadline)
    assert "Ra quyết định xử phạt" in page and due in page
    assert f"còn {left} ngày làm việc" in page
    assert "Luật Xử lý vi phạm hành chính, Điều 66" in page
    told = Notification.objects.get(recipient=alice, subject__contains="1/BB-VPHC")
    assert due in told.subject
    assert told.link == f"{case_url(inspection)}#record-{record.pk}"
    # Not who just acted.
    assert not Notification.objects.filter(recipient=ivan, subject__contains="1/BB-VPHC").exists()


def test_an_overdue_decision_clock_shows_an_overdue_badge(alice, on_site):
    long_ago = timezone.now() - timedelta(days=40)
    signed_record(on_site, alice, when=long_ago)
    page = client(alice).get(case_url(on_site)).content.decode()
    assert re.search(r"Ra quyết định xử phạt</strong>.*?Quá hạn", page, re.S)


def test_a_supervisor_marks_a_case_complex_extends_it_once_and_may_dismiss(alice, bob, on_site):
    record = signed_record(on_site, alice)
    lead, supervisor = client(alice), client(bob)
    assert (
        f"/cases/records/{record.pk}/complex/" not in lead.get(case_url(on_site)).content.decode()
    )
    # The team may not: 403, and nothing changes.
    refused = lead.post(f"/cases/records/{record.pk}/complex/", {"reason": "Xác minh"})
    assert refused.status_code == 403
    record.refresh_from_db()
    assert not record.needs_verification

    empty = supervisor.post(f"/cases/records/{record.pk}/complex/", {"reason": ""})
    assert empty.status_code == 400
    response = supervisor.post(
        f"/cases/records/{record.pk}/complex/", {"reason": "Cần xác minh nguồn gốc hàng"}
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.needs_verification
    assert record.decision_deadline.strftime("%d/%m/%Y") in message_of(response)
    page = supervisor.get(case_url(on_site)).content.decode()
    assert f"/cases/records/{record.pk}/complex/" not in page
    assert f"/cases/records/{record.pk}/extend/" in page

    before = record.decision_deadline
    response = supervisor.post(
        f"/cases/records/{record.pk}/extend/", {"reason": "Chờ kết quả giám định"}
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.extended_to > before
    assert "Đã gia hạn thời hạn ra quyết định xử phạt đến" in message_of(response)
    page = supervisor.get(case_url(on_site)).content.decode()
    assert f"/cases/records/{record.pk}/extend/" not in page  # once only

    response = supervisor.post(
        f"/cases/records/{record.pk}/dismiss/", {"reason": "Giải trình được chấp nhận"}
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == ViolationRecord.Status.DISMISSED
    page = supervisor.get(case_url(on_site)).content.decode()
    assert "Giải trình được chấp nhận" in page
    assert f"/cases/records/{record.pk}/dismiss/" not in page
    assert f"/cases/records/{record.pk}/decision/" not in page


def test_outsiders_get_404_on_every_act(alice, charlie, on_site):
    record = signed_record(on_site, alice)
    decision = drafted(record, alice)
    outsider = client(charlie)
    for url, data in [
        (f"/cases/records/{record.pk}/sign/", {"representative_name": "A"}),
        (f"/cases/records/{record.pk}/complex/", {"reason": "x"}),
        (f"/cases/records/{record.pk}/decision/", None),
        (f"/cases/decisions/{decision.pk}/submit/", {}),
    ]:
        response = outsider.get(url) if data is None else outsider.post(url, data)
        assert response.status_code == 404, url
    assert outsider.get("/cases/decisions/?status=draft").content.decode().count("<tr>") == 0


# --- The decision: the fine range, shown and enforced ------------------------------------------


def test_an_organisation_is_fined_within_twice_the_range_on_the_page(alice, on_site):
    assert on_site.operator.kind == EconomicOperator.Kind.ORGANISATION
    record = signed_record(on_site, alice, rows=one_act(on_site, alice))
    lead = client(alice)
    url = f"/cases/records/{record.pk}/decision/"
    page = lead.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Khung tiền phạt (tổ chức)" in html
    assert '20.000.000 đ</span> – <span class="nowrap">40.000.000 đ' in html  # noqa: RUF001
    assert "gấp đôi mức phạt với cá nhân" in html
    assert "Ra quyết định xử phạt" in html  # the clock

    # An individual's figure is refused for an organisation, on its field.
    low = lead.post(url, decision_post(record, "15.000.000"))
    assert low.status_code == 400
    html = low.content.decode()
    assert "phải từ 20.000.000 đến 40.000.000 đồng (tổ chức)" in html
    assert html.startswith("<!") and "<title>Lỗi:" in html
    assert not PenaltyDecision.objects.exists()
    # A measure begun without its deadline: refused on its field.
    no_deadline = lead.post(url, decision_post(record, "25.000.000", kind="relabel"))
    assert no_deadline.status_code == 400
    assert "Hãy ghi thời hạn thực hiện biện pháp." in no_deadline.content.decode()

    deadline = timezone.localdate() + timedelta(days=20)
    response = lead.post(
        url,
        decision_post(
            record,
            "25.000.000 đ",
            kind="relabel",
            description="Dán nhãn phụ cho 40 máy",
            deadline=deadline.isoformat(),
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == f"{case_url(on_site)}#record-{record.pk}"
    assert "tổng tiền phạt 25.000.000 đ, 1 biện pháp" in message_of(response)
    decision = PenaltyDecision.objects.get()
    assert decision.total_fine_vnd == 25_000_000 and decision.created_by == alice
    assert decision.measures.get().deadline == deadline
    # Redrafting shows what was saved.
    again = lead.get(url).content.decode()
    assert 'value="25.000.000"' in again and "Dán nhãn phụ cho 40 máy" in again
    page = lead.get(case_url(on_site)).content.decode()
    assert "Sửa dự thảo quyết định xử phạt" in page
    assert f"/cases/decisions/{decision.pk}/submit/" in page


def test_an_individual_and_a_provision_with_its_own_organisation_range(alice, bob, on_site):
    individual = OperatorFactory(kind=EconomicOperator.Kind.INDIVIDUAL, name="Hộ kinh doanh An")
    on_site.operator = individual
    on_site.save(update_fields=["operator"])
    record = signed_record(on_site, alice, rows=one_act(on_site, alice))
    html = client(alice).get(f"/cases/records/{record.pk}/decision/").content.decode()
    assert "Khung tiền phạt (cá nhân)" in html
    assert '10.000.000 đ</span> – <span class="nowrap">20.000.000 đ' in html  # noqa: RUF001

    other = decided_inspection(supervisor=bob, lead=alice, number="03/QĐ-KT")
    other = services.inspection_transition(by=alice, inspection=other, to="on_site")
    rows = one_act(
        other,
        alice,
        organisation_fine_min_vnd=30_000_000,
        organisation_fine_max_vnd=50_000_000,
        organisation_fine_basis="Khoản 3 Điều 4",
    )
    record = signed_record(other, alice, rows=rows)
    url = f"/cases/records/{record.pk}/decision/"
    html = client(alice).get(url).content.decode()
    assert '30.000.000 đ</span> – <span class="nowrap">50.000.000 đ' in html  # noqa: RUF001
    assert "mức riêng cho tổ chức theo điều khoản" in html
    refused = client(alice).post(url, decision_post(record, "25000000"))
    assert refused.status_code == 400
    assert "phải từ 30.000.000 đến 50.000.000 đồng (tổ chức)" in refused.content.decode()


# --- Submission, return with a reason, approval ------------------------------------------------


def test_submit_tells_the_supervisors_a_return_tells_the_drafter_why_approval_the_team(
    alice, bob, ivan, on_site
):
    record = signed_record(on_site, alice)
    decision = drafted(record, alice)
    lead, supervisor = client(alice), client(bob)
    Notification.objects.all().delete()

    response = lead.post(f"/cases/decisions/{decision.pk}/submit/")
    assert response.status_code == 302
    assert "Đã trình lãnh đạo duyệt quyết định xử phạt" in message_of(response)
    decision.refresh_from_db()
    assert decision.status == PenaltyDecision.Status.SUBMITTED
    told = Notification.objects.get(recipient=bob)
    assert "chờ duyệt" in told.subject and record.number in told.subject
    page = lead.get(case_url(on_site)).content.decode()
    assert f"/cases/decisions/{decision.pk}/submit/" not in page  # no stale button
    assert f"/cases/decisions/{decision.pk}/review/" not in page  # the team does not review
    assert "Đang chờ lãnh đạo đơn vị duyệt." in page
    # The team may not approve its own decision.
    assert lead.post(f"/cases/decisions/{decision.pk}/review/", {"approve": "1"}).status_code == 403
    # Submitting twice is refused.
    assert lead.post(f"/cases/decisions/{decision.pk}/submit/").status_code == 409

    # The supervisor's list of decisions waiting for approval.
    waiting = supervisor.get("/cases/decisions/?status=submitted")
    assert waiting.status_code == 200
    assert f"#record-{record.pk}" in waiting.content.decode()

    # Returned without a reason: refused on the field.
    no_reason = supervisor.post(f"/cases/decisions/{decision.pk}/review/", {"approve": "0"})
    assert no_reason.status_code == 400
    assert "Hãy ghi lý do trả lại." in no_reason.content.decode()
    response = supervisor.post(
        f"/cases/decisions/{decision.pk}/review/",
        {"approve": "0", "note": "Ghi rõ số lượng hàng phải dán nhãn"},
    )
    assert response.status_code == 302
    assert "người soạn đã được thông báo lý do" in message_of(response)
    told = Notification.objects.get(recipient=alice)
    assert "trả lại" in told.subject
    assert "Ghi rõ số lượng hàng phải dán nhãn" in told.body
    page = lead.get(case_url(on_site)).content.decode()
    assert "Lãnh đạo trả lại để sửa" in page and "Ghi rõ số lượng hàng phải dán nhãn" in page
    assert f"/cases/decisions/{decision.pk}/submit/" in page
    edit = lead.get(f"/cases/records/{record.pk}/decision/").content.decode()
    assert "Ghi rõ số lượng hàng phải dán nhãn" in edit

    lead.post(f"/cases/decisions/{decision.pk}/submit/")
    Notification.objects.all().delete()
    response = supervisor.post(f"/cases/decisions/{decision.pk}/review/", {"approve": "1"})
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.status == PenaltyDecision.Status.APPROVED
    assert f"số {decision.number}" in message_of(response)
    told = Notification.objects.get(recipient=alice)
    assert decision.number in told.subject and "ban hành" in told.subject
    assert not Notification.objects.filter(recipient=bob).exists()
    page = supervisor.get(case_url(on_site)).content.decode()
    assert f"/cases/decisions/{decision.pk}/review/" not in page
    assert f"/cases/decisions/{decision.pk}/fine/" in page
    # Approved: no more drafting.
    edit = lead.get(f"/cases/records/{record.pk}/decision/")
    assert edit.status_code == 302


# --- Execution: the fine, the measure done with photos, closing -------------------------------


def test_a_measure_is_done_with_photos_then_the_decision_closes(
    alice, bob, on_site, django_capture_on_commit_callbacks
):
    record = signed_record(on_site, alice)
    deadline = timezone.localdate() + timedelta(days=10)
    decision = drafted(record, alice, measures=[{"kind": "relabel", "deadline": deadline}])
    decisions.decision_submit(by=alice, decision=decision)
    decisions.decision_decide(by=bob, decision=decision, approve=True)
    measure = RemedialMeasure.objects.get()
    lead = client(alice)
    page = lead.get(case_url(on_site)).content.decode()
    assert f"/cases/measures/{measure.pk}/done/" in page
    assert "Thời hạn thực hiện" in page and deadline.strftime("%d/%m/%Y") in page
    # Nothing to close before the fine is paid and the measure done.
    assert f"/cases/decisions/{decision.pk}/close/" not in page

    today = timezone.localdate()
    no_photo = lead.post(
        f"/cases/measures/{measure.pk}/done/",
        {"done_on": today.isoformat(), "note": "Đã dán nhãn phụ cho 40 máy"},
    )
    assert no_photo.status_code == 400
    assert "Hãy tải lên ảnh chứng minh đã thực hiện biện pháp." in no_photo.content.decode()

    upload = SimpleUploadedFile("nhan-phu.jpg", photo(), content_type="image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):  # the thumbnail is made
        response = lead.post(
            f"/cases/measures/{measure.pk}/done/",
            {"done_on": today.isoformat(), "note": "Đã dán nhãn phụ cho 40 máy", "photos": upload},
        )
    assert response.status_code == 302
    assert "Đã ghi nhận hoàn thành biện pháp" in message_of(response)
    assert "1 ảnh" in message_of(response)
    measure.refresh_from_db()
    assert measure.status == RemedialMeasure.Status.DONE and measure.done_by == alice
    stored = measure.photos.get()
    # A stale form posted again: refused, and its photo is not kept.
    other = BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 40)).save(other, "JPEG")  # not the same bytes
    again = SimpleUploadedFile("lan-nua.jpg", other.getvalue(), content_type="image/jpeg")
    stale = lead.post(
        f"/cases/measures/{measure.pk}/done/",
        {"done_on": today.isoformat(), "note": "Lần nữa", "photos": again},
    )
    assert stale.status_code == 409
    assert measure.photos.count() == 1
    page = lead.get(case_url(on_site)).content.decode()
    assert f"/cases/measures/{measure.pk}/done/" not in page
    assert "Đã dán nhãn phụ cho 40 máy" in page
    thumb = f"/cases/measures/{measure.pk}/photos/{stored.pk}/thumb/"
    assert thumb in page
    assert lead.get(thumb).status_code == 200
    assert (
        client(bob).get(f"/cases/measures/{measure.pk}/photos/{stored.pk}/original/").status_code
        == 200
    )

    response = lead.post(
        f"/cases/decisions/{decision.pk}/fine/",
        {"paid_on": today.isoformat(), "receipt_number": "BL-0001"},
    )
    assert response.status_code == 302
    page = lead.get(case_url(on_site)).content.decode()
    assert f"/cases/decisions/{decision.pk}/fine/" not in page
    assert f"/cases/decisions/{decision.pk}/close/" in page
    response = lead.post(f"/cases/decisions/{decision.pk}/close/")
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.status == PenaltyDecision.Status.CLOSED
    page = lead.get(case_url(on_site)).content.decode()
    assert f"/cases/decisions/{decision.pk}/close/" not in page


def test_a_measure_photo_of_another_case_is_404(alice, bob, charlie, on_site):
    record = signed_record(on_site, alice)
    decision = drafted(
        record,
        alice,
        measures=[{"kind": "recall", "deadline": timezone.localdate() + timedelta(9)}],
    )
    decisions.decision_submit(by=alice, decision=decision)
    decisions.decision_decide(by=bob, decision=decision, approve=True)
    measure = RemedialMeasure.objects.get()
    stored, _ = inspection_findings.evidence_upload(by=alice, measure=measure, data=photo())
    url = f"/cases/measures/{measure.pk}/photos/{stored.pk}/original/"
    assert client(charlie).get(url).status_code == 404
    assert client(charlie).post(f"/cases/measures/{measure.pk}/done/", {}).status_code == 404
    assert (
        client(alice).get(f"/cases/measures/{measure.pk}/photos/{stored.pk}/x/").status_code == 404
    )


# --- The lists the home pages link to ----------------------------------------------------------


def test_the_decision_and_record_lists_filter_by_status_and_count_as_the_selector(
    alice, bob, charlie, on_site
):
    waiting = signed_record(on_site, alice)
    decisions.decision_submit(by=alice, decision=drafted(waiting, alice))
    drafted(signed_record(on_site, alice), alice)
    draft_record(on_site, alice)
    supervisor = client(bob)

    response = supervisor.get("/cases/decisions/?status=submitted")
    html = response.content.decode()
    count = selectors.decisions_visible(user=bob, status="submitted").count()
    assert count == 1
    # The supervisor's home counts what this list shows.
    assert decisions_to_approve(bob).count() == count
    assert "/cases/decisions/?status=submitted" in str(supervisor_queues(bob)[0].url)
    assert html.count("<tr>") - 1 == count  # the header row
    assert "1 quyết định" in html
    assert 'aria-current="page">Chờ lãnh đạo duyệt' in html
    all_of_them = supervisor.get("/cases/decisions/").content.decode()
    assert all_of_them.count("<tr>") - 1 == 2
    # An unknown status shows them all.
    assert supervisor.get("/cases/decisions/?status=nope").content.decode().count("<tr>") == 3
    # Another unit's inspector sees none.
    assert selectors.decisions_visible(user=charlie, status="submitted").count() == 0
    assert (
        "Không có quyết định xử phạt nào"
        in client(charlie).get("/cases/decisions/?status=submitted").content.decode()
    )

    to_sign = client(alice).get("/cases/records/?status=draft").content.decode()
    assert (
        to_sign.count("<tr>") - 1 == selectors.records_visible(user=alice, status="draft").count()
    )
    assert "1 biên bản" in to_sign
    assert client(alice).get("/cases/records/?status=signed").content.decode().count("<tr>") == 3
