"""The pages of an inspection show the goods' classes in force on the inspection's date,
and the checklist's CR item names the goods the law named that day."""

import uuid
from datetime import date

import pytest
from django.test import Client
from django.utils import timezone

from inspections import checklists, samples, selectors, services
from inspections.models import ChecklistItem, Inspection, Scope
from registry.models import ProductCategory
from tests.factories import OperatorFactory, ProductFactory, api_client
from tests.inspections.helpers import decided_inspection

pytestmark = pytest.mark.django_db

OLD_WORDS = "Công bố hợp quy và dấu hợp quy CR (hàng hóa nhóm 2)"
NEW_WORDS = "Công bố hợp quy và dấu hợp quy CR (hàng hóa rủi ro trung bình, rủi ro cao)"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def with_fuel_sample(inspection, by):
    """The team goes on site and samples a petrol product."""
    services.inspection_transition(by=by, inspection=inspection, to=Inspection.Status.ON_SITE)
    samples.sample_create(
        by=by,
        inspection=inspection,
        client_uuid=uuid.uuid4(),
        product=ProductFactory(
            name="Xăng RON 95-III", category=ProductCategory.objects.get(code="fuel")
        ),
        product_name="Xăng RON 95-III",
        test_unit_seal="A1",
        retained_unit_seal="B1",
        sampling_record_number="01/BB-LM",
        sampled_at=timezone.now(),
    )
    return inspection


@pytest.fixture
def june(bob, alice):
    inspection = decided_inspection(supervisor=bob, lead=alice, day=date(2026, 6, 30))
    return with_fuel_sample(inspection, alice)


@pytest.fixture
def july(bob, alice):
    inspection = decided_inspection(
        supervisor=bob, lead=alice, day=date(2026, 7, 1), number="02/QĐ-KT"
    )
    return with_fuel_sample(inspection, alice)


def test_the_tablet_page_shows_the_class_on_the_inspections_date(alice, june, july):
    before = logged_in(alice).get(f"/field/inspections/{june.pk}/").content.decode()
    assert "Phân loại hàng hóa ngày 30/06/2026" in before
    assert "Hàng hóa nhóm 2" in before and "Rủi ro cao" not in before
    after = logged_in(alice).get(f"/field/inspections/{july.pk}/").content.decode()
    assert "Phân loại hàng hóa ngày 01/07/2026" in after
    assert "Rủi ro cao" in after and "Hàng hóa nhóm 2" not in after
    assert "Thông tư 36/2026/TT-BKHCN, Phụ lục I mục I.1" in after


def test_the_case_page_shows_the_class_on_the_inspections_date(alice, june, july):
    before = logged_in(alice).get(f"/cases/{june.pk}/").content.decode()
    assert "Hàng hóa nhóm 2" in before and "Rủi ro cao" not in before
    after = logged_in(alice).get(f"/cases/{july.pk}/").content.decode()
    assert "Rủi ro cao" in after and "Hàng hóa nhóm 2" not in after


def test_the_plans_categories_count_and_the_planned_day_stands_in_for_the_decision(bob, alice):
    plan = services.plan_create(
        by=alice,
        title="Kế hoạch kiểm tra năm 2026",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        scopes=[Scope.GOODS_QUALITY],
        categories=list(ProductCategory.objects.filter(code__in=["helmets", "textiles"])),
    )
    plan = services.plan_submit(by=alice, plan=plan)
    plan = services.plan_decide(by=bob, plan=plan, approve=True)
    inspection = services.inspection_create(
        by=bob,
        operator=OperatorFactory(),
        legal_ground="annual_plan",
        scopes=[Scope.GOODS_QUALITY],
        plan=plan,
        scheduled_date=date(2026, 7, 15),
    )
    assert selectors.inspection_day(inspection) == date(2026, 7, 15)
    rows = selectors.inspection_category_classes(inspection=inspection)
    assert [(c.code, found.level if found else None) for c, found in rows] == [
        ("helmets", "medium"),
        ("textiles", None),
    ]
    inspection.scheduled_date = None
    assert selectors.inspection_day(inspection) == timezone.localdate()


def cr_item() -> ChecklistItem:
    return ChecklistItem.objects.get(template__version=1, code="cr_mark")


def test_the_cr_item_names_the_goods_the_law_named_on_the_inspections_date(alice, june, july):
    item = cr_item()
    assert item.text == "Công bố hợp quy và dấu hợp quy CR"
    assert checklists.item_text(item, date(2026, 6, 30)) == OLD_WORDS
    assert checklists.item_text(item, date(2026, 7, 1)) == NEW_WORDS
    # Other items read the same on every day.
    other = ChecklistItem.objects.get(template__version=1, code="declared_standard")
    assert checklists.item_text(other, date(2026, 7, 1)) == other.text

    client = logged_in(alice)
    before = client.get(f"/field/inspections/{june.pk}/").content.decode()
    after = client.get(f"/field/inspections/{july.pk}/").content.decode()
    assert OLD_WORDS in before and NEW_WORDS not in before
    assert NEW_WORDS in after and OLD_WORDS not in after
    # The item page, which the tablet keeps offline, and the queue's label on it.
    page = client.get(f"/field/inspections/{july.pk}/items/{item.pk}/").content.decode()
    assert f"<h1>{NEW_WORDS}</h1>" in page and f'data-item-label="{NEW_WORDS}"' in page


def test_the_api_gives_the_cr_item_on_the_day_asked_and_every_wording(alice):
    client = api_client(alice)

    def cr(day):
        scopes = client.get("/api/v1/checklists", {"scope": "goods_quality", "on": day}).json()
        return next(i for i in scopes[0]["items"] if i["code"] == "cr_mark")

    assert cr("2026-06-30")["text"] == OLD_WORDS
    assert cr("2026-07-01")["text"] == NEW_WORDS
    assert cr("2026-07-01")["texts"] == [
        {"valid_from": None, "valid_to": "2026-06-30", "text": OLD_WORDS},
        {"valid_from": "2026-07-01", "valid_to": None, "text": NEW_WORDS},
    ]
