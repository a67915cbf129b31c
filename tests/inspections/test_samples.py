import json
import uuid
from datetime import date

import pytest

from inspections import samples, services
from inspections.models import Inspection, Sample
from registry.models import AuditEntry
from tests.factories import api_client
from tests.inspections.helpers import decided_inspection


def post_json(client, url, data):
    return client.post(url, data=json.dumps(data), content_type="application/json")


SAMPLE = {
    "product_name": "Mũ bảo hiểm nửa đầu",
    "batch": "L2026-11",
    "test_unit_seal": "NP-0001",
    "retained_unit_seal": "NP-0002",
    "sampling_record_number": "15/BB-LM",
    "sampled_at": "2026-11-20T10:00:00+07:00",
}


def on_site(bob, alice):
    inspection = decided_inspection(supervisor=bob, lead=alice)
    return services.inspection_transition(
        by=alice, inspection=inspection, to=Inspection.Status.ON_SITE
    )


def test_a_sample_is_created_once_and_moves_the_inspection_to_sampled(bob, alice):
    inspection = on_site(bob, alice)
    client, key = api_client(alice), str(uuid.uuid4())
    first = post_json(
        client, f"/api/v1/inspections/{inspection.pk}/samples", {**SAMPLE, "client_uuid": key}
    )
    again = post_json(
        client, f"/api/v1/inspections/{inspection.pk}/samples", {**SAMPLE, "client_uuid": key}
    )
    assert (first.status_code, again.status_code) == (201, 200), first.content
    assert first.json()["id"] == again.json()["id"] and Sample.objects.count() == 1
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.SAMPLED


def test_two_distinct_seals_are_required(bob, alice):
    inspection = on_site(bob, alice)
    response = post_json(
        api_client(alice),
        f"/api/v1/inspections/{inspection.pk}/samples",
        {**SAMPLE, "client_uuid": str(uuid.uuid4()), "retained_unit_seal": "NP-0001"},
    )
    assert response.status_code == 400 and response.json()["code"] == "two_seals_required"


def test_lab_results_pass_or_fail_by_criterion_and_set_the_retention_clock(bob, alice):
    inspection = on_site(bob, alice)
    sample, _ = samples.sample_create(
        by=alice,
        inspection=inspection,
        client_uuid=uuid.uuid4(),
        **{k: v for k, v in SAMPLE.items() if k != "sampled_at"},
        sampled_at="2026-11-20T10:00:00+07:00",
    )
    client = api_client(alice)
    assert (
        post_json(
            client,
            f"/api/v1/samples/{sample.pk}/sent",
            {"lab_name": "Quatest 1", "sent_on": "2026-11-21"},
        ).status_code
        == 200
    )
    response = post_json(
        client,
        f"/api/v1/samples/{sample.pk}/lab-result",
        {
            "test_report_number": "KQ-2026-0456",
            "result_on": "2026-11-08",
            "criteria": [
                # QCVN 2:2021/BKHCN-style limits: a minimum and a maximum.
                {
                    "criterion": "Độ bền va đập (gia tốc)",
                    "unit": "g",
                    "limit_max": "300",
                    "measured": "312",
                },
                {"criterion": "Khối lượng mũ", "unit": "g", "limit_min": "250", "measured": "280"},
                {
                    "criterion": "Góc nhìn ngang",
                    "unit": "độ",
                    "limit_min": "105",
                    "limit_max": "180",
                    "measured": "105",
                },
            ],
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert [r["passed"] for r in body["results"]] == [
        False,
        True,
        True,
    ]  # 312 > 300; 280 ≥ 250; 105 on the limit
    assert body["conforming"] is False
    # 08/11/2026 + 90 days = 06/02/2027, a Saturday inside Tết 2027 (04-10/02): the period
    # runs to the next working day, Thursday 11/02/2027.
    assert body["retain_until"] == "2027-02-11"
    again = post_json(
        client,
        f"/api/v1/samples/{sample.pk}/lab-result",
        {
            "test_report_number": "X",
            "result_on": "2026-11-09",
            "criteria": [{"criterion": "x", "limit_max": "1", "measured": "0"}],
        },
    )
    assert again.status_code == 409
    assert AuditEntry.objects.filter(action="sample.result").count() == 1


@pytest.mark.parametrize(
    ("result_on", "retain_until"),
    [
        # 20/11/2026 + 10 → 30/11, +31 → 31/12, +31 → 31/01, +18 → 18/02/2027 (Thu, after Tết).
        (date(2026, 11, 20), date(2027, 2, 18)),
        # 10/01/2027 + 90 = 10/04/2027, a Saturday → Monday 12/04/2027.
        (date(2027, 1, 10), date(2027, 4, 12)),
    ],
)
def test_retention_dates(bob, alice, result_on, retain_until):
    inspection = on_site(bob, alice)
    sample, _ = samples.sample_create(
        by=alice,
        inspection=inspection,
        client_uuid=uuid.uuid4(),
        product_name="Mẫu",
        test_unit_seal="A",
        retained_unit_seal="B",
        sampling_record_number="1/BB",
        sampled_at="2026-11-20T10:00:00+07:00",
    )
    sample = samples.lab_result_record(
        by=alice,
        sample=sample,
        test_report_number="KQ-1",
        result_on=result_on,
        criteria=[{"criterion": "Hàm lượng", "limit_max": 10, "measured": 5}],
    )
    assert sample.retain_until == retain_until and sample.conforming is True


def test_samples_of_another_inspection_are_not_found(bob, alice, ivan):
    inspection = on_site(bob, alice)
    sample, _ = samples.sample_create(
        by=alice,
        inspection=inspection,
        client_uuid=uuid.uuid4(),
        product_name="Mẫu",
        test_unit_seal="A",
        retained_unit_seal="B",
        sampling_record_number="1/BB",
        sampled_at="2026-11-20T10:00:00+07:00",
    )
    decided_inspection(supervisor=bob, lead=alice, members=[ivan], number="IV/QĐ")
    client = api_client(ivan)
    assert client.get(f"/api/v1/inspections/{inspection.pk}/samples").status_code == 404
    assert (
        post_json(
            client, f"/api/v1/samples/{sample.pk}/sent", {"lab_name": "X", "sent_on": "2026-11-21"}
        ).status_code
        == 404
    )


def test_sample_lists_stay_flat(bob, alice, django_assert_max_num_queries):
    inspection = on_site(bob, alice)
    for n in range(6):
        sample, _ = samples.sample_create(
            by=alice,
            inspection=inspection,
            client_uuid=uuid.uuid4(),
            product_name=f"Mẫu {n}",
            test_unit_seal=f"A{n}",
            retained_unit_seal=f"B{n}",
            sampling_record_number=f"{n}/BB",
            sampled_at="2026-11-20T10:00:00+07:00",
        )
        samples.lab_result_record(
            by=alice,
            sample=sample,
            test_report_number=f"KQ-{n}",
            result_on=date(2026, 11, 21),
            criteria=[{"criterion": "Chỉ tiêu", "limit_max": 10, "measured": n}],
        )
    client = api_client(alice)
    client.get(f"/api/v1/inspections/{inspection.pk}/samples")
    with django_assert_max_num_queries(10):
        response = client.get(f"/api/v1/inspections/{inspection.pk}/samples")
    assert response.json()["count"] == 6
