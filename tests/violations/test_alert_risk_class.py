"""The public alert page names the class of the alert's product on the inspection's date."""

import uuid
from datetime import date

import pytest
from django.test import Client
from django.utils import timezone

from inspections import samples, services
from inspections.models import Inspection
from registry.models import ProductCategory
from tests.factories import ProductFactory
from tests.inspections.helpers import decided_inspection
from violations import alerts

pytestmark = pytest.mark.django_db


def alert_on(day: date, *, bob, alice, category="fuel", number="01/QĐ-KT"):
    """A case decided on `day` whose sampled product failed, and its published alert."""
    inspection = decided_inspection(supervisor=bob, lead=alice, day=day, number=number)
    services.inspection_transition(by=alice, inspection=inspection, to=Inspection.Status.ON_SITE)
    product = ProductFactory(
        name="Xăng RON 95-III", category=ProductCategory.objects.get(code=category)
    )
    sample, _ = samples.sample_create(
        by=alice,
        inspection=inspection,
        client_uuid=uuid.uuid4(),
        product=product,
        product_name=product.name,
        test_unit_seal="A",
        retained_unit_seal="B",
        sampling_record_number="01/BB-LM",
        sampled_at=timezone.now(),
    )
    samples.lab_result_record(
        by=alice,
        sample=sample,
        test_report_number="KQ-9",
        result_on=timezone.localdate(),
        criteria=[{"criterion": "Trị số octan", "limit_min": 95, "measured": 91}],
    )
    concluded = services.inspection_transition(
        by=alice, inspection=inspection, to=Inspection.Status.CONCLUDED
    )
    return alerts.alert_publish(
        by=bob,
        inspection=concluded,
        product_name=product.name,
        operator_name="Cửa hàng xăng dầu Số 1",
        defect="Trị số octan 91, thấp hơn 95.",
    )


def test_the_alert_page_names_the_class_on_the_inspections_date(alice, bob):
    june = alert_on(date(2026, 6, 30), bob=bob, alice=alice)
    july = alert_on(date(2026, 7, 1), bob=bob, alice=alice, number="02/QĐ-KT")
    client = Client()
    before = client.get(f"/canh-bao/{june.pk}/").content.decode()
    assert "Phân loại ngày kiểm tra (30/06/2026)" in before
    assert "Hàng hóa nhóm 2" in before and "Rủi ro cao" not in before
    after = client.get(f"/canh-bao/{july.pk}/").content.decode()
    assert "Phân loại ngày kiểm tra (01/07/2026)" in after
    assert "Rủi ro cao" in after and "Xăng, nhiên liệu điêzen và nhiên liệu sinh học" in after


def test_no_class_line_when_the_category_has_none_that_day(alice, bob):
    alert = alert_on(date(2026, 7, 1), bob=bob, alice=alice, category="textiles")
    page = Client().get(f"/canh-bao/{alert.pk}/").content.decode()
    assert "Phân loại ngày kiểm tra" not in page
