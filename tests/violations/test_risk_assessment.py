"""Risk levels on a failed sample, a violation record and a product alert: the level is
computed from severity and probability, never typed; the public alert shows it."""

import uuid
from datetime import date

import pytest
from django.test import Client
from django.utils import timezone

from inspections import samples, services
from inspections.models import Inspection
from inspections.risk_assessment import sample_risk_assess
from registry.errors import Conflict, InvalidInput, PermissionDenied
from registry.models import AuditEntry
from tests.factories import api_client
from tests.inspections.helpers import decided_inspection
from tests.violations.test_violations import draft_record
from violations import alerts
from violations.risk_assessment import record_risk_assess

pytestmark = pytest.mark.django_db

SHOCK = {
    "hazard": "electric_shock",
    "severity": 4,
    "probability": "gt_1_100",
    "reasoning": "Người dùng chạm vào chân cắm lộ ra khi rút phích: điện giật có thể tử vong.",
}


def case_with_sample(*, alice, bob, measured=91, number="01/QĐ-KT"):
    """A case on site whose sample's lab result is in: failed unless `measured` >= 95."""
    inspection = decided_inspection(supervisor=bob, lead=alice, day=date(2026, 7, 1), number=number)
    services.inspection_transition(by=alice, inspection=inspection, to=Inspection.Status.ON_SITE)
    sample, _ = samples.sample_create(
        by=alice,
        inspection=inspection,
        client_uuid=uuid.uuid4(),
        product_name="Ổ cắm điện kéo dài 3 lỗ",
        test_unit_seal="A",
        retained_unit_seal="B",
        sampling_record_number="01/BB-LM",
        sampled_at=timezone.now(),
    )
    sample = samples.lab_result_record(
        by=alice,
        sample=sample,
        test_report_number="KQ-9",
        result_on=timezone.localdate(),
        criteria=[{"criterion": "Độ bền điện môi", "limit_min": 95, "measured": measured}],
    )
    return inspection, sample


def test_the_team_assesses_a_failed_sample_on_its_page(alice, bob, client_for):
    _, sample = case_with_sample(alice=alice, bob=bob)
    client = client_for(alice)
    page = client.get(f"/samples/{sample.pk}/").content.decode()
    assert "Chưa đánh giá rủi ro." in page and 'name="hazard"' in page
    # A level typed into the form is ignored: the service computes it.
    response = client.post(f"/samples/{sample.pk}/risk/", {**SHOCK, "level": "low"}, follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Đã ghi đánh giá rủi ro: mức rủi ro nghiêm trọng." in text
    assert "Nguy cơ điện giật" in text
    sample.refresh_from_db()
    assert sample.risk_level == "serious" and sample.risk_assessed_by == alice
    assert AuditEntry.objects.filter(action="sample.risk").count() == 1


def test_a_missing_reasoning_is_a_form_error(alice, bob, client_for):
    _, sample = case_with_sample(alice=alice, bob=bob)
    response = client_for(alice).post(f"/samples/{sample.pk}/risk/", {**SHOCK, "reasoning": ""})
    assert response.status_code == 400
    sample.refresh_from_db()
    assert sample.risk_level == ""


def test_a_sample_that_passed_is_not_assessed(alice, bob):
    _, sample = case_with_sample(alice=alice, bob=bob, measured=99)
    with pytest.raises(Conflict) as refused:
        sample_risk_assess(by=alice, sample=sample, **SHOCK)
    assert refused.value.code == "sample_not_failed"


def test_a_unit_outside_the_case_cannot_assess(alice, bob, charlie):
    _, sample = case_with_sample(alice=alice, bob=bob)
    with pytest.raises(PermissionDenied):
        sample_risk_assess(by=charlie, sample=sample, **SHOCK)
    response = api_client(charlie).post(
        f"/api/v1/samples/{sample.pk}/risk", SHOCK, content_type="application/json"
    )
    assert response.status_code == 404


def test_the_api_assesses_a_sample_and_refuses_a_band_it_does_not_know(alice, bob):
    _, sample = case_with_sample(alice=alice, bob=bob)
    lead = api_client(alice)
    response = lead.post(
        f"/api/v1/samples/{sample.pk}/risk",
        {**SHOCK, "probability": "often"},
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["code"] == "probability_unknown"
    response = lead.post(
        f"/api/v1/samples/{sample.pk}/risk",
        {**SHOCK, "severity": 2, "probability": "gt_1_10k"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    risk = response.json()["risk"]
    assert risk["level"] == "medium" and risk["hazard_label"] == "Nguy cơ điện giật"


def test_an_alert_takes_its_samples_assessment_and_the_public_reads_it(alice, bob, client_for):
    inspection, sample = case_with_sample(alice=alice, bob=bob)
    sample_risk_assess(by=alice, sample=sample, **SHOCK)
    concluded = services.inspection_transition(
        by=alice, inspection=inspection, to=Inspection.Status.CONCLUDED
    )
    draft = alerts.alert_defaults(concluded)
    assert draft["risk_hazard"] == "electric_shock" and draft["risk_severity"] == 4
    # The case page's alert form is prefilled with it.
    page = client_for(bob).get(f"/cases/{inspection.pk}/").content.decode()
    assert 'id="id_alert_risk_hazard"' in page
    assert '<option value="electric_shock" selected>' in page
    response = client_for(bob).post(
        f"/cases/{inspection.pk}/alerts/",
        {
            "product_name": "Ổ cắm điện kéo dài 3 lỗ",
            "operator_name": "Cửa hàng điện máy Số 1",
            "defect": "Độ bền điện môi không đạt.",
            **{f"risk_{k}": v for k, v in SHOCK.items()},
        },
        follow=True,
    )
    assert "Đã công bố cảnh báo sản phẩm (mức rủi ro nghiêm trọng)." in response.content.decode()
    alert = concluded.alerts.get()
    assert alert.risk_level == "serious" and alert.risk_assessed_by == bob
    public = Client()
    for url in ("/canh-bao/", f"/canh-bao/{alert.pk}/"):
        text = public.get(url).content.decode()
        assert "Mức rủi ro" in text and "Nghiêm trọng" in text
        assert "Nguy cơ điện giật" in text
    body = public.get(f"/api/v1/public/alerts/{alert.pk}").json()
    assert body["risk"] == {
        "level": "serious",
        "level_label": "Nghiêm trọng",
        "hazard": "electric_shock",
        "hazard_label": "Nguy cơ điện giật",
    }
    assert "reasoning" not in body["risk"]


def test_an_alert_half_assessed_is_refused_with_the_missing_fields(alice, bob, client_for):
    inspection, _ = case_with_sample(alice=alice, bob=bob)
    services.inspection_transition(by=alice, inspection=inspection, to=Inspection.Status.CONCLUDED)
    response = client_for(bob).post(
        f"/cases/{inspection.pk}/alerts/",
        {
            "product_name": "Ổ cắm",
            "operator_name": "Cửa hàng",
            "defect": "Không đạt.",
            "risk_hazard": "fire",
        },
    )
    assert response.status_code == 400
    assert "Hãy điền đủ các mục đánh giá rủi ro." in response.content.decode()
    assert not inspection.alerts.exists()


def test_a_violation_record_is_assessed_on_the_case_page_and_by_the_api(
    alice, bob, client_for, on_site
):
    record = draft_record(on_site, alice)
    client = client_for(alice)
    page = client.get(f"/cases/{on_site.pk}/").content.decode()
    assert f'action="/cases/records/{record.pk}/risk/"' in page
    response = client.post(
        f"/cases/records/{record.pk}/risk/",
        {**SHOCK, "severity": 3, "probability": "gt_1_10k"},
        follow=True,
    )
    assert "Đã ghi đánh giá rủi ro của biên bản: mức rủi ro cao." in response.content.decode()
    response = api_client(alice).get(f"/api/v1/violation-records/{record.pk}")
    assert response.json()["risk"]["level"] == "high"
    with pytest.raises(InvalidInput):
        record_risk_assess(by=alice, record=record, **{**SHOCK, "hazard": "dragons"})
