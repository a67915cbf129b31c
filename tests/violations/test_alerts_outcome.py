"""From a complaint to a penalty, through the API: the reporter reads the outcome with
their receipt; a supervisor publishes an alert the public finds without accents."""

import uuid
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from inspections import findings, samples, services
from inspections.models import ChecklistItem, Inspection
from registry.errors import Conflict, InvalidInput, PermissionDenied
from tests.complaints.helpers import file_complaint
from tests.factories import api_client
from tests.violations.test_violations import provision
from violations import alerts
from violations.models import ProductAlert

pytestmark = pytest.mark.django_db


def non_conforming(inspection, by):
    item = ChecklistItem.objects.get(template__version=1, code="vietnamese_label")
    finding, _ = findings.finding_create(
        by=by,
        inspection=inspection,
        client_uuid=uuid.uuid4(),
        item=item,
        result="non_conforming",
        note="Nước mắm không ghi hạn sử dụng",
    )
    return finding


def status_of(receipt: str) -> dict:
    response = Client().post(
        "/api/v1/public/reports/status", {"receipt": receipt}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def test_a_reporter_whose_complaint_led_to_a_penalty_reads_the_outcome(alice, bob, on_site):
    filed = file_complaint()
    on_site.complaints.add(filed.complaint)
    lead, supervisor = api_client(alice), api_client(bob)
    act = provision(low=2_000_000, high=5_000_000)
    finding = non_conforming(on_site, alice)
    response = lead.post(
        f"/api/v1/inspections/{on_site.pk}/violation-records",
        {
            "place": "12 Hàng Bạc, Hoàn Kiếm, Hà Nội",
            "representative_name": "Trần Văn Minh",
            "violations": [
                {
                    "provision_id": act.pk,
                    "description": "Bán nước mắm không ghi hạn sử dụng trên nhãn.",
                    "finding_ids": [finding.pk],
                }
            ],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    record = response.json()
    assert record["status"] == "draft" and record["violations"][0]["fine_max_vnd"] == 10_000_000
    response = lead.post(
        f"/api/v1/violation-records/{record['id']}/sign", {}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    record = response.json()
    assert record["number"] == "1/BB-VPHC" and record["pdf_sha256"]
    pdf = lead.get(f"/api/v1/violation-records/{record['id']}/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    # A fine outside the organisation's range (2-5 million x2) is refused.
    violation_id = record["violations"][0]["id"]
    draft = {
        "lines": [{"violation_id": violation_id, "fine_vnd": 3_000_000}],
        "measures": [
            {
                "kind": "recall",
                "description": "Thu hồi 120 chai nước mắm lô L2026-09 đang bày bán.",
                "deadline": (timezone.localdate() + timedelta(days=15)).isoformat(),
            }
        ],
    }
    url = f"/api/v1/violation-records/{record['id']}/decision"
    response = lead.post(url, draft, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "fine_out_of_range"
    assert "4.000.000" in response.json()["messages"]["vi"]
    draft["lines"][0]["fine_vnd"] = 6_000_000
    response = lead.post(url, draft, content_type="application/json")
    assert response.status_code == 200, response.content
    decision = response.json()
    assert decision["total_fine_vnd"] == 6_000_000 and decision["status"] == "draft"
    assert lead.post(f"/api/v1/penalty-decisions/{decision['id']}/submit").status_code == 200
    # The team lead cannot approve; the supervisor can.
    review = f"/api/v1/penalty-decisions/{decision['id']}/review"
    assert lead.post(review, {"approve": True}, content_type="application/json").status_code == 403
    response = supervisor.post(review, {"approve": True}, content_type="application/json")
    assert response.status_code == 200, response.content
    decision = response.json()
    assert decision["number"] == "1/QĐ-XPHC" and decision["status"] == "approved"
    # Issuing the decision does not conclude the inspection: the reporter waits.
    assert status_of(filed.receipt)["status"] != "resolved"
    response = lead.post(
        f"/api/v1/inspections/{on_site.pk}/transition",
        {"to": "concluded"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    view = status_of(filed.receipt)
    assert view["status"] == "resolved"
    assert "quyết định số 1/QĐ-XPHC" in view["outcome"]
    assert "phạt tiền 6.000.000 đồng" in view["outcome"]
    assert "Thu hồi 120 chai nước mắm" in view["outcome"]
    # The supervisor publishes an alert from the case; the reporter is told once more.
    draft_alert = supervisor.get(f"/api/v1/inspections/{on_site.pk}/alert-draft").json()
    assert draft_alert["operator_name"] == on_site.operator.name
    assert "Bán nước mắm không ghi hạn sử dụng" in draft_alert["defect"]
    draft_alert.update(product_name="Nước mắm cá cơm Biển Xanh", barcode="8934563138165")
    response = supervisor.post(
        f"/api/v1/inspections/{on_site.pk}/alerts", draft_alert, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    view = status_of(filed.receipt)
    assert "Cảnh báo về sản phẩm đã được công bố" in view["outcome"]
    assert "Cảnh báo về sản phẩm" in view["messages"][-1]["body"]
    # Nobody's name from the staff is in what the reporter reads.
    assert alice.full_name not in str(view) and bob.full_name not in str(view)
    found = Client().get("/api/v1/public/alerts", {"q": "nuoc mam bien xanh"})
    assert found.status_code == 200
    assert [a["product_name"] for a in found.json()["items"]] == ["Nước mắm cá cơm Biển Xanh"]
    assert "inspection_id" not in found.json()["items"][0]


def alert_fields(**overrides):
    fields = {
        "product_name": "Nước mắm cá cơm 40 độ đạm",
        "operator_name": "Công ty TNHH Hải Sản Phú Quốc",
        "defect": "Hàm lượng histamin 410 mg/kg, vượt giới hạn 200 mg/kg (QCVN 02-16:2012).",
    }
    return fields | overrides


def failed_and_concluded(inspection, by):
    sample, _ = samples.sample_create(
        by=by,
        inspection=inspection,
        client_uuid=uuid.uuid4(),
        product_name="Nước mắm",
        test_unit_seal="A",
        retained_unit_seal="B",
        sampling_record_number="01/BB-LM",
        sampled_at=timezone.now(),
    )
    samples.lab_result_record(
        by=by,
        sample=sample,
        test_report_number="KQ-9",
        result_on=date.today(),
        criteria=[{"criterion": "Histamin", "limit_max": 200, "measured": 410}],
    )
    return services.inspection_transition(
        by=by, inspection=inspection, to=Inspection.Status.CONCLUDED
    )


def test_an_alert_needs_a_concluded_case_with_a_non_conformity(alice, bob, on_site):
    with pytest.raises(Conflict) as error:
        alerts.alert_publish(by=bob, inspection=on_site, **alert_fields())
    assert error.value.code == "case_not_concluded"
    concluded = services.inspection_transition(
        by=alice, inspection=on_site, to=Inspection.Status.CONCLUDED
    )
    with pytest.raises(Conflict) as error:
        alerts.alert_publish(by=bob, inspection=concluded, **alert_fields())
    assert error.value.code == "no_nonconformity"


def test_an_alert_is_published_by_a_supervisor_with_a_valid_barcode(alice, bob, on_site):
    concluded = failed_and_concluded(on_site, alice)
    with pytest.raises(PermissionDenied):
        alerts.alert_publish(by=alice, inspection=concluded, **alert_fields())
    with pytest.raises(InvalidInput) as error:
        alerts.alert_publish(by=bob, inspection=concluded, **alert_fields(barcode="8934563138164"))
    assert error.value.code == "gtin_checksum"
    with pytest.raises(InvalidInput) as error:
        alerts.alert_publish(by=bob, inspection=concluded, **alert_fields(defect=" "))
    assert error.value.errors.keys() == {"defect"}
    alert = alerts.alert_publish(
        by=bob, inspection=concluded, **alert_fields(barcode="893 4563 138165")
    )
    assert alert.barcode == "8934563138165" and alert.published_on == timezone.localdate()
    assert alerts.alert_defaults(concluded)["defect"] == "Nước mắm: Histamin 410 (tối đa 200)"
    with pytest.raises(InvalidInput):
        alerts.alert_withdraw(by=bob, alert=alert, reason="")
    alerts.alert_withdraw(by=bob, alert=alert, reason="Công bố nhầm lô")
    with pytest.raises(Conflict):
        alerts.alert_withdraw(by=bob, alert=alert, reason="lần hai")


def test_the_public_page_finds_alerts_by_unaccented_words_without_javascript(alice, bob, on_site):
    concluded = failed_and_concluded(on_site, alice)
    alerts.alert_publish(by=bob, inspection=concluded, **alert_fields(batch="L2026-09"))
    alerts.alert_publish(
        by=bob,
        inspection=concluded,
        **alert_fields(product_name="Dầu ăn Tường An", defect="Chỉ số peroxide vượt giới hạn"),
    )
    withdrawn = alerts.alert_publish(
        by=bob, inspection=concluded, **alert_fields(product_name="Nước mắm gỡ bỏ")
    )
    alerts.alert_withdraw(by=bob, alert=withdrawn, reason="Nhầm")
    client = Client()
    page = client.get("/canh-bao/", {"q": "nuoc mam"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "Nước mắm cá cơm 40 độ đạm" in body
    assert "Dầu ăn Tường An" not in body and "Nước mắm gỡ bỏ" not in body
    assert "<script" not in body
    assert "Dầu ăn Tường An" in client.get("/canh-bao/", {"q": "DAU AN tuong an"}).content.decode()
    assert "Không có cảnh báo nào" in client.get("/canh-bao/", {"q": "xe may"}).content.decode()
    alert = ProductAlert.objects.get(batch="L2026-09")
    detail = client.get(f"/canh-bao/{alert.pk}/").content.decode()
    assert "Hàm lượng histamin 410 mg/kg" in detail and "L2026-09" in detail
    assert client.get(f"/canh-bao/{withdrawn.pk}/").status_code == 404
    listed = client.get("/api/v1/public/alerts", {"q": "histamin"}).json()
    assert listed["count"] == 1


def test_the_case_page_shows_the_clocks_and_refuses_bad_input_on_the_form(alice, bob, on_site):
    concluded = failed_and_concluded(on_site, alice)
    follow_up = concluded.samples.get().follow_up
    lead, supervisor = Client(), Client()
    lead.force_login(alice)
    supervisor.force_login(bob)
    page = lead.get(f"/cases/{concluded.pk}/")
    assert page.status_code == 200
    assert "Hạn đoàn báo cáo (24 giờ)" in page.content.decode()
    response = lead.post(f"/cases/follow-ups/{follow_up.pk}/report/", {"text": ""})
    assert response.status_code == 400
    response = lead.post(
        f"/cases/follow-ups/{follow_up.pk}/report/", {"text": "Mẫu không đạt histamin."}
    )
    assert response.status_code == 302
    # The lead may not suspend: the page says why.
    response = lead.post(
        f"/cases/follow-ups/{follow_up.pk}/suspend/", {"goods": "120 chai lô L2026-09"}
    )
    assert response.status_code == 403
    assert "Bạn không có quyền thực hiện thao tác này." in response.content.decode()
    response = supervisor.post(
        f"/cases/follow-ups/{follow_up.pk}/suspend/", {"goods": "120 chai lô L2026-09"}
    )
    assert response.status_code == 302
    page = supervisor.get(f"/cases/{concluded.pk}/").content.decode()
    assert "1/TB-TDLT" in page and "Công bố cảnh báo" in page
    response = supervisor.post(
        f"/cases/{concluded.pk}/alerts/", {**alert_fields(), "barcode": "123"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Mã vạch (GTIN) phải có 8, 12, 13 hoặc 14 chữ số" in body
    assert "Hàm lượng histamin 410 mg/kg" in body  # what was typed is still there
    response = supervisor.post(f"/cases/{concluded.pk}/alerts/", alert_fields())
    assert response.status_code == 302
    assert ProductAlert.objects.filter(inspection=concluded).count() == 1


def test_a_report_resolved_by_the_outcome_stops_its_clocks(alice, bob, olga, on_site):
    """Resolved with the case's outcome, a report waits for nothing more: its running
    clocks (the settlement, the acceptance notice) stop, as when an officer resolves it."""
    from complaints import services as complaint_services
    from registry.models import LegalClock

    complaint = file_complaint().complaint
    for status in ("acknowledged", "triaged"):
        complaint = complaint_services.complaint_transition(by=olga, complaint=complaint, to=status)
    on_site.complaints.add(complaint)
    assert complaint.clocks.filter(state=LegalClock.State.RUNNING).exists()
    services.inspection_transition(by=alice, inspection=on_site, to=Inspection.Status.CONCLUDED)
    complaint.refresh_from_db()
    assert complaint.status == "resolved"
    assert not complaint.clocks.filter(state=LegalClock.State.RUNNING).exists()
    assert complaint.due_at is None


def test_a_supervisor_sees_the_withdrawal_form_of_a_published_alert(alice, bob, on_site):
    concluded = failed_and_concluded(on_site, alice)
    alert = alerts.alert_publish(by=bob, inspection=concluded, **alert_fields())
    lead, supervisor = Client(), Client()
    lead.force_login(alice)
    supervisor.force_login(bob)
    withdraw = f"/cases/alerts/{alert.pk}/withdraw/"
    assert withdraw in supervisor.get(f"/cases/{concluded.pk}/").content.decode()
    assert withdraw not in lead.get(f"/cases/{concluded.pk}/").content.decode()
