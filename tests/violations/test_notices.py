"""Notices between units: a serious or high risk alert tells every other unit, which
answers within the set working days; late answers go through the clocks' sweep."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from inspections import services
from inspections.models import Inspection
from registry import clocks
from registry.errors import Conflict, InvalidInput, PermissionDenied
from registry.models import LegalClock, Notification, Role, Unit
from registry.workdays import current_calendar, local_date
from tests.factories import UserFactory, api_client, unit
from tests.violations.test_risk_assessment import SHOCK, case_with_sample
from violations import alerts, notices
from violations.clocks import ViolationClock
from violations.models import Notice

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def sophie(roles):
    """A supervisor of unit 79 (Hồ Chí Minh City), which receives notices."""
    return UserFactory(username="sophie", unit=unit("79"), roles=[Role.SUPERVISOR])


@pytest.fixture
def tam(roles):
    """A team lead of unit 48, another receiving unit."""
    return UserFactory(username="tam", unit=unit("48"), roles=[Role.INSPECTOR, Role.TEAM_LEAD])


def publish(*, alice, bob, risk=SHOCK, number="01/QĐ-KT"):
    """Unit 01 publishes an alert of a failed sample with `risk` (None: unassessed)."""
    inspection, sample = case_with_sample(alice=alice, bob=bob, number=number)
    concluded = services.inspection_transition(
        by=alice, inspection=inspection, to=Inspection.Status.CONCLUDED
    )
    return alerts.alert_publish(
        by=bob,
        inspection=concluded,
        product_name=sample.product_name,
        operator_name="Cửa hàng điện máy Số 1",
        defect="Độ bền điện môi không đạt.",
        risk=risk,
    )


def other_units(alert) -> set[int]:
    return set(
        Unit.objects.filter(is_active=True)
        .exclude(pk=alert.inspection.unit_id)
        .values_list("pk", flat=True)
    )


def test_a_serious_risk_alert_tells_every_other_unit(alice, bob, sophie, nadia):
    alert = publish(alice=alice, bob=bob)
    assert alert.risk_level == "serious"
    sent = Notice.objects.filter(alert=alert)
    assert set(sent.values_list("unit_id", flat=True)) == other_units(alert)
    assert unit("TW").pk in other_units(alert) and len(other_units(alert)) >= 30
    notice = sent.get(unit=sophie.unit)
    clock = clocks.clock_for(kind=ViolationClock.PROVINCE_NOTICE, subject_id=notice.pk)
    assert clock.state == LegalClock.State.RUNNING and clock.unit_id == sophie.unit_id
    expected = current_calendar().add_working_days(local_date(notice.sent_at), 10)
    assert notice.due_on == clock.due_on == expected
    told = Notification.objects.get(recipient=sophie, link=f"/notices/{notice.pk}/")
    assert "Cửa hàng" not in told.subject and "Ổ cắm điện" in told.subject
    # Publishing it again (assessing it again) tells no unit twice.
    alert.refresh_from_db()
    assert notices.notices_for_urgent_alert(by=bob, alert=alert) == []


def test_a_medium_risk_alert_tells_no_one_until_it_is_assessed_high(alice, bob):
    alert = publish(alice=alice, bob=bob, risk={**SHOCK, "severity": 2, "probability": "gt_1_10k"})
    assert alert.risk_level == "medium" and not alert.notices.exists()
    unassessed = publish(alice=alice, bob=bob, risk=None, number="02/QĐ-KT")
    assert not unassessed.notices.exists()
    from violations.risk_assessment import alert_risk_assess

    alert_risk_assess(by=bob, alert=alert, **{**SHOCK, "severity": 3, "probability": "gt_1_10k"})
    assert alert.notices.count() == len(other_units(alert))


def test_reacting_stops_the_clock_and_tells_the_national_unit(
    alice, bob, sophie, nadia, client_for
):
    alert = publish(alice=alice, bob=bob)
    notice = alert.notices.get(unit=sophie.unit)
    client = client_for(sophie)
    home = client.get("/home/supervisor/").content.decode()
    count = re.search(r'href="/notices/">[^<]*<span class="queue__count">(\d+)</span>', home)
    listed = client.get("/notices/")
    assert int(count.group(1)) == listed.context["page"].paginator.count == 1
    assert alert.product_name in listed.content.decode()
    response = client.post(
        f"/notices/{notice.pk}/react/",
        {
            "reaction": "measures",
            "text": "Phát hiện 40 ổ cắm tại chợ Bến Thành, đã niêm phong.",
            "evidence": SimpleUploadedFile("bien-ban.pdf", PDF, "application/pdf"),
        },
        follow=True,
    )
    text = response.content.decode()
    assert "Đã ghi kết quả trả lời thông báo" in text and "Đã áp dụng biện pháp xử lý" in text
    notice.refresh_from_db()
    assert notice.reacted_by == sophie and notice.evidence_type == "application/pdf"
    clock = clocks.clock_for(kind=ViolationClock.PROVINCE_NOTICE, subject_id=notice.pk)
    assert clock.state == LegalClock.State.MET
    assert Notification.objects.filter(
        recipient=nadia, link=f"/notices/campaigns/{alert.pk}/"
    ).exists()
    evidence = client.get(f"/notices/{notice.pk}/evidence/")
    assert evidence.status_code == 200 and b"".join(evidence.streaming_content) == PDF
    # Answered once: the list of waiting notices no longer has it.
    assert alert.product_name not in client.get("/notices/").content.decode()
    with pytest.raises(Conflict):
        notices.notice_react(by=sophie, notice=notice, reaction="not_found")


def test_evidence_must_be_a_pdf_or_photo_and_measures_need_it(alice, bob, sophie):
    alert = publish(alice=alice, bob=bob)
    notice = alert.notices.get(unit=sophie.unit)
    with pytest.raises(InvalidInput) as refused:
        notices.notice_react(by=sophie, notice=notice, reaction="measures", text="Đã thu hồi")
    assert refused.value.code == "evidence_required"
    with pytest.raises(InvalidInput) as refused:
        notices.notice_react(
            by=sophie, notice=notice, reaction="found", text="Có", evidence=b"MZ\x90\x00exe"
        )
    assert refused.value.code == "evidence_type"
    assert notices.check_evidence(b"\x89PNG\r\n\x1a\n....") == "image/png"


def test_an_unanswered_notice_escalates_once_after_its_deadline(alice, bob, sophie, nadia):
    alert = publish(alice=alice, bob=bob)
    notice = alert.notices.get(unit=sophie.unit)
    clock = clocks.clock_for(kind=ViolationClock.PROVINCE_NOTICE, subject_id=notice.pk)
    before = clocks.clocks_sweep(now=clock.due_at - timedelta(hours=1))
    assert before.reminded >= 1
    assert not Notification.objects.filter(recipient=nadia, subject__startswith="Quá hạn").exists()
    late = clock.due_at + timedelta(minutes=1)
    first = clocks.clocks_sweep(now=late)
    assert first.escalated == len(other_units(alert))
    overdue = Notification.objects.filter(
        subject__startswith="Quá hạn", link=f"/notices/{notice.pk}/"
    )
    assert {n.recipient for n in overdue} >= {sophie, nadia}
    count = Notification.objects.count()
    again = clocks.clocks_sweep(now=late + timedelta(minutes=10))
    assert again.escalated == 0 and again.notified == 0
    assert Notification.objects.count() == count
    # Answered after the deadline, the clock ends late.
    notices.notice_react(by=sophie, notice=notice, reaction="not_found")
    clock.refresh_from_db()
    assert clock.state in (LegalClock.State.MET, LegalClock.State.LATE)


def test_the_national_page_lists_who_answered_and_who_is_late(
    alice, bob, sophie, tam, nadia, client_for
):
    alert = publish(alice=alice, bob=bob)
    notices.notice_react(
        by=sophie, notice=alert.notices.get(unit=sophie.unit), reaction="not_found"
    )
    page = client_for(nadia).get(f"/notices/campaigns/{alert.pk}/").content.decode()
    assert sophie.unit.name in page and tam.unit.name in page
    assert "Không phát hiện sản phẩm trên địa bàn" in page
    assert page.count("Chưa trả lời") == len(other_units(alert)) - 1
    overview = client_for(nadia).get("/notices/campaigns/").content.decode()
    assert alert.product_name in overview
    body = api_client(nadia).get(f"/api/v1/notice-campaigns/{alert.pk}").json()
    answered = [n for n in body["notices"] if n["answered"]]
    assert [n["unit_name"] for n in answered] == [sophie.unit.name]
    rows = api_client(nadia).get("/api/v1/notice-campaigns").json()["items"]
    assert rows[0]["answered"] == 1 and rows[0]["sent"] == len(other_units(alert))
    # A provincial unit does not see the national overview.
    assert client_for(sophie).get("/notices/campaigns/").status_code == 403
    assert api_client(sophie).get("/api/v1/notice-campaigns").status_code == 403


def test_a_unit_cannot_see_or_answer_another_units_notice(alice, bob, sophie, tam, client_for):
    alert = publish(alice=alice, bob=bob)
    theirs = alert.notices.get(unit=tam.unit)
    client = client_for(sophie)
    assert client.get(f"/notices/{theirs.pk}/").status_code == 404
    assert client.post(f"/notices/{theirs.pk}/react/", {"reaction": "not_found"}).status_code == 404
    api = api_client(sophie)
    assert api.get(f"/api/v1/notices/{theirs.pk}").status_code == 404
    response = api.post(f"/api/v1/notices/{theirs.pk}/reaction", {"reaction": "not_found"})
    assert response.status_code == 404
    # The publishing unit receives none; its own list is empty.
    assert api_client(bob).get("/api/v1/notices").json()["count"] == 0
    mine = api.get("/api/v1/notices").json()
    assert mine["count"] == 1 and mine["items"][0]["unit_id"] == sophie.unit_id
    with pytest.raises(PermissionDenied):
        notices.notice_react(by=sophie, notice=theirs, reaction="not_found")
    theirs.refresh_from_db()
    assert theirs.reacted_at is None


def test_the_api_answers_with_evidence(alice, bob, tam):
    alert = publish(alice=alice, bob=bob)
    notice = alert.notices.get(unit=tam.unit)
    response = api_client(tam).post(
        f"/api/v1/notices/{notice.pk}/reaction",
        {
            "reaction": "found",
            "text": "Có 3 cửa hàng bán.",
            "evidence": SimpleUploadedFile("anh.png", b"\x89PNG\r\n\x1a\nxx", "image/png"),
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["answered"] and body["reaction"] == "found" and body["evidence_sha256"]


def test_the_api_refuses_too_large_evidence_before_reading_it(alice, bob, tam):
    alert = publish(alice=alice, bob=bob)
    notice = alert.notices.get(unit=tam.unit)
    big = SimpleUploadedFile("bien-ban.pdf", PDF + b"0" * (15 * 1024 * 1024), "application/pdf")
    response = api_client(tam).post(
        f"/api/v1/notices/{notice.pk}/reaction", {"reaction": "found", "evidence": big}
    )
    assert response.status_code == 400
    assert "evidence_too_large" in response.content.decode()
    notice.refresh_from_db()
    assert notice.reacted_at is None

    class Unread:
        size = 16 * 1024 * 1024

        def read(self):
            raise AssertionError("read into memory before its size was checked")

    with pytest.raises(InvalidInput) as refused:
        notices.read_evidence(Unread())
    assert refused.value.code == "evidence_too_large"
    assert refused.value.render_errors()["evidence"][0]["code"] == "evidence_too_large"


def test_the_api_shows_a_withdrawn_notice_closed(alice, bob, tam):
    alert = publish(alice=alice, bob=bob)
    notice = alert.notices.get(unit=tam.unit)
    api = api_client(tam)
    assert api.get(f"/api/v1/notices/{notice.pk}").json()["withdrawn_at"] is None
    alerts.alert_withdraw(by=bob, alert=alert, reason="Kết quả thử nghiệm lại đạt.")
    body = api.get(f"/api/v1/notices/{notice.pk}").json()
    assert body["withdrawn_at"] is not None and not body["late"] and not body["answered"]


def test_a_national_supervisor_sends_notices_by_decision(alice, bob, nadia, sophie, client_for):
    alert = publish(alice=alice, bob=bob, risk=None)
    assert not alert.notices.exists()
    with pytest.raises(PermissionDenied):
        notices.notices_send(by=bob, alert=alert, reason="Sản phẩm bán rộng rãi")
    client = client_for(nadia)
    page = client.get(f"/notices/campaigns/{alert.pk}/").content.decode()
    assert f'action="/notices/campaigns/{alert.pk}/send/"' in page
    response = client.post(f"/notices/campaigns/{alert.pk}/send/", {"reason": ""})
    assert response.status_code == 400 and not alert.notices.exists()
    response = client.post(
        f"/notices/campaigns/{alert.pk}/send/",
        {"reason": "Sản phẩm được bán qua mạng trên cả nước."},
        follow=True,
    )
    assert "Đã gửi thông báo đến" in response.content.decode()
    # Every unit told: the page no longer offers to send.
    assert f'action="/notices/campaigns/{alert.pk}/send/"' not in response.content.decode()
    sent = alert.notices.all()
    # The national unit does not tell itself... but it is not the publisher here, so
    # every unit but the publishing one is told.
    assert set(sent.values_list("unit_id", flat=True)) == other_units(alert)
    assert {n.origin for n in sent} == {Notice.Origin.DECISION}
    response = api_client(nadia).post(
        f"/api/v1/alerts/{alert.pk}/notices",
        {"reason": "Gửi lại"},
        content_type="application/json",
    )
    assert response.status_code == 409 and response.json()["code"] == "notices_all_sent"


def test_an_anonymous_visitor_sees_no_notice(alice, bob):
    alert = publish(alice=alice, bob=bob)
    notice = alert.notices.first()
    assert Client().get(f"/notices/{notice.pk}/").status_code == 302


def test_withdrawing_the_alert_closes_its_unanswered_notices(
    alice, bob, sophie, tam, nadia, client_for
):
    alert = publish(alice=alice, bob=bob)
    answered = alert.notices.get(unit=tam.unit)
    notices.notice_react(by=tam, notice=answered, reaction="not_found")
    notice = alert.notices.get(unit=sophie.unit)
    clock = clocks.clock_for(kind=ViolationClock.PROVINCE_NOTICE, subject_id=notice.pk)
    alerts.alert_withdraw(by=bob, alert=alert, reason="Kết quả thử nghiệm lại đạt.")
    notice.refresh_from_db()
    assert notice.withdrawn_at is not None and not notice.late
    running = LegalClock.objects.filter(
        kind=ViolationClock.PROVINCE_NOTICE,
        subject_id__in=alert.notices.values("pk"),
        state=LegalClock.State.RUNNING,
    )
    assert not running.exists()
    clock.refresh_from_db()
    assert clock.state == LegalClock.State.CANCELLED
    # The answered notice keeps its answer and its met clock.
    answered.refresh_from_db()
    assert answered.withdrawn_at is None and answered.reaction == "not_found"
    # The receiving unit is told, and nothing waits for it any more.
    assert Notification.objects.filter(
        recipient=sophie, link=f"/notices/{notice.pk}/", subject__startswith="Cảnh báo đã được gỡ"
    ).exists()
    client = client_for(sophie)
    home = client.get("/home/supervisor/").content.decode()
    listed = client.get("/notices/")
    assert listed.context["page"].paginator.count == 0
    assert 'href="/notices/"' not in home or re.search(
        r'href="/notices/">[^<]*<span class="queue__count">0</span>', home
    )
    page = client.get(f"/notices/{notice.pk}/").content.decode()
    assert "Đã đóng: cảnh báo đã gỡ" in page and 'action="/notices/' not in page
    # Past the deadline the sweep escalates none of the notices (the case's own clocks
    # may still be escalated).
    count = Notification.objects.filter(link__startswith="/notices/").count()
    clocks.clocks_sweep(now=clock.due_at + timedelta(days=1))
    assert Notification.objects.filter(link__startswith="/notices/").count() == count
    notice_clocks = LegalClock.objects.filter(kind=ViolationClock.PROVINCE_NOTICE)
    assert not notice_clocks.filter(escalated_for__isnull=False).exists()
    assert not notice_clocks.filter(reminded_for__isnull=False).exists()
    # An answer is refused with a stable code.
    with pytest.raises(Conflict) as refused:
        notices.notice_react(by=sophie, notice=notice, reaction="not_found")
    assert refused.value.code == "alert_withdrawn"
    posted = client.post(f"/notices/{notice.pk}/react/", {"reaction": "not_found"})
    notice.refresh_from_db()
    assert notice.reacted_at is None and posted.status_code in (302, 400, 409)


def _concluded_case_with_assessed_sample(*, alice, bob):
    from inspections.risk_assessment import sample_risk_assess

    inspection, sample = case_with_sample(alice=alice, bob=bob)
    sample_risk_assess(by=alice, sample=sample, **SHOCK)
    concluded = services.inspection_transition(
        by=alice, inspection=inspection, to=Inspection.Status.CONCLUDED
    )
    return concluded, sample


def test_the_api_takes_the_cases_assessment_when_given_no_risk(alice, bob, sophie):
    inspection, sample = _concluded_case_with_assessed_sample(alice=alice, bob=bob)
    response = api_client(bob).post(
        f"/api/v1/inspections/{inspection.pk}/alerts",
        {
            "product_name": sample.product_name,
            "operator_name": "Cửa hàng điện máy Số 1",
            "defect": "Độ bền điện môi không đạt.",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    alert = inspection.alerts.get()
    assert alert.risk_level == "serious" and alert.risk_hazard == SHOCK["hazard"]
    assert alert.notices.filter(unit=sophie.unit).exists()


def test_the_api_names_the_requests_field_of_a_partial_risk(alice, bob):
    inspection, sample = _concluded_case_with_assessed_sample(alice=alice, bob=bob)
    response = api_client(bob).post(
        f"/api/v1/inspections/{inspection.pk}/alerts",
        {
            "product_name": sample.product_name,
            "operator_name": "Cửa hàng điện máy Số 1",
            "defect": "Độ bền điện môi không đạt.",
            "risk_hazard": "electric_shock",
            "risk_severity": 4,
            "risk_probability": "gt_1_100",
        },
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "reasoning_required"
    assert set(body["errors"]) == {"risk_reasoning"}
    assert not inspection.alerts.exists()
