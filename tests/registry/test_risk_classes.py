"""Product categories' dated classes: group 1/group 2 until 30/06/2026, risk classes from
01/07/2026; a product is judged under the class in force on the day that matters."""

import json
from datetime import date
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from registry import risk
from registry.errors import InvalidInput, PermissionDenied
from registry.models import CategoryClass, ProductCategory, Role
from tests.factories import ProductFactory, UserFactory, api_client

pytestmark = pytest.mark.django_db

LIVE = Path(__file__).resolve().parents[2] / "registry" / "data" / "product_categories.json"
LAST_GROUP_DAY = date(2026, 6, 30)
FIRST_RISK_DAY = date(2026, 7, 1)


def category(code: str) -> ProductCategory:
    return ProductCategory.objects.get(code=code)


def level_on(code: str, day: date) -> str | None:
    found = risk.class_on(category(code), day)
    return found.level if found else None


@pytest.mark.parametrize(
    ("code", "before", "after"),
    [
        ("fuel", "group2", "high"),
        ("helmets", "group2", "medium"),
        ("toys", "group2", "high"),
        ("led_lighting", "group2", "medium"),
        # New in Circular 36/2026: not in the old group 2 list.
        ("natural_gas", "group1", "medium"),
        ("household_switchgear", "group1", "high"),
        # Other ministries' lists: recalled, and not known after 30/06/2026.
        ("textiles", "group2", None),
        ("cosmetics", "group1", None),
    ],
)
def test_the_class_changes_on_1_july_2026_where_the_data_says_so(code, before, after):
    assert level_on(code, LAST_GROUP_DAY) == before
    assert level_on(code, FIRST_RISK_DAY) == after


def test_the_boundary_days_belong_to_one_class_each():
    fuel = category("fuel")
    assert risk.class_on(fuel, date(2008, 6, 30)) is None
    assert risk.class_on(fuel, date(2008, 7, 1)).label == "Hàng hóa nhóm 2"
    assert risk.class_on(fuel, LAST_GROUP_DAY).label == "Hàng hóa nhóm 2"
    assert risk.class_on(fuel, FIRST_RISK_DAY).label == "Rủi ro cao"
    assert risk.class_on(fuel, date(2040, 1, 1)).label == "Rủi ro cao"
    assert risk.class_on(None, FIRST_RISK_DAY) is None


def test_a_product_answers_for_its_category():
    helmet = ProductFactory(category=category("helmets"))
    assert helmet.class_on(LAST_GROUP_DAY).label == "Hàng hóa nhóm 2"
    assert helmet.class_on(FIRST_RISK_DAY).label == "Rủi ro trung bình"
    assert ProductFactory().class_on(FIRST_RISK_DAY) is None
    assert risk.needs_declaration(helmet.category, LAST_GROUP_DAY)
    assert risk.needs_declaration(helmet.category, FIRST_RISK_DAY)
    assert not risk.needs_declaration(category("natural_gas"), LAST_GROUP_DAY)


def test_the_verified_classes_are_those_read_in_circular_36_2026():
    fuel = risk.class_history(category("fuel"))
    assert [(c.verified, c.valid_to) for c in fuel] == [(False, LAST_GROUP_DAY), (True, None)]
    assert "Phụ lục I mục I.1" in fuel[1].basis
    switchgear = risk.class_on(category("household_switchgear"), FIRST_RISK_DAY)
    assert "QCVN 25:2025/BKHCN áp dụng từ 01/04/2027" in switchgear.basis


def test_the_database_holds_the_classes_of_the_live_file():
    """A change to registry/data/product_categories.json comes with a data migration."""
    for item in json.loads(LIVE.read_text(encoding="utf-8")):
        expected = risk.check_classes(risk.parse_class(row) for row in item["classes"])
        stored = [
            {
                "scheme": c.scheme,
                "level": c.level,
                "valid_from": c.valid_from,
                "valid_to": c.valid_to,
                "basis": c.basis,
                "verified": c.verified,
                "source": c.source,
            }
            for c in risk.class_history(category(item["code"]))
        ]
        assert stored == expected, item["code"]


def test_overlapping_classes_are_refused_and_nothing_changes(alice, roles):
    admin = UserFactory(username="adam", roles=[Role.ADMIN])
    helmets = category("helmets")
    before = list(helmets.classes.values_list("pk", flat=True))
    rows = [
        {
            "scheme": "group",
            "level": "group2",
            "valid_from": date(2008, 7, 1),
            "valid_to": FIRST_RISK_DAY,  # one day too long
            "basis": "Luật 05/2007/QH12",
        },
        {
            "scheme": "risk",
            "level": "medium",
            "valid_from": FIRST_RISK_DAY,
            "valid_to": None,
            "basis": "Thông tư 36/2026/TT-BKHCN",
        },
    ]
    with pytest.raises(PermissionDenied):  # an inspector reads the classes, never edits
        risk.category_classes_replace(category=helmets, classes=rows, by=alice)
    with pytest.raises(InvalidInput) as error:
        risk.category_classes_replace(category=helmets, classes=rows, by=admin)
    assert error.value.code == "category_classes_invalid"
    open_twice = [rows[0] | {"valid_to": None}, rows[1]]
    with pytest.raises(InvalidInput):
        risk.category_classes_replace(category=helmets, classes=open_twice, by=admin)
    assert list(helmets.classes.values_list("pk", flat=True)) == before

    rows[0]["valid_to"] = LAST_GROUP_DAY
    risk.category_classes_replace(category=helmets, classes=rows, by=admin)
    assert level_on("helmets", LAST_GROUP_DAY) == "group2"
    assert level_on("helmets", FIRST_RISK_DAY) == "medium"


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"level": "high"}, "not a level of scheme"),
        ({"scheme": "eu"}, "is not one of group, risk"),
        ({"valid_to": date(2008, 6, 30)}, "is before valid_from"),
        ({"basis": ""}, "basis is required"),
    ],
)
def test_a_class_must_fit_its_scheme_and_period(change, problem):
    row = {
        "scheme": "group",
        "level": "group2",
        "valid_from": date(2008, 7, 1),
        "valid_to": LAST_GROUP_DAY,
        "basis": "Luật 05/2007/QH12",
    } | change
    with pytest.raises(ValueError, match=problem):
        risk.check_classes([row])


def test_the_database_refuses_what_the_service_would(db):
    toys = category("toys")
    late, later = date(2030, 1, 1), date(2030, 1, 2)
    bad = [
        # valid_to before valid_from
        {"scheme": "risk", "level": "high", "valid_from": later, "valid_to": late},
        # a level of the other scheme
        {"scheme": "group", "level": "high", "valid_from": late, "valid_to": later},
        # a second class open-ended
        {"scheme": "risk", "level": "low", "valid_from": late, "valid_to": None},
        # a second class starting the same day
        {"scheme": "risk", "level": "low", "valid_from": FIRST_RISK_DAY, "valid_to": late},
    ]
    for fields in bad:
        with pytest.raises(IntegrityError), transaction.atomic():
            CategoryClass.objects.create(category=toys, basis="x", **fields)


def test_the_product_list_reads_the_classes_without_a_query_per_row(
    alice, django_assert_max_num_queries
):
    client = Client()
    client.force_login(alice)
    codes = ["fuel", "helmets", "textiles", "natural_gas"]
    for i in range(20):
        ProductFactory(name=f"Sản phẩm {i:02}", category=category(codes[i % 4]))
    client.get("/products/")  # warm the session and the caches
    with django_assert_max_num_queries(12):
        page = client.get("/products/")
    html = page.content.decode()
    assert page.status_code == 200
    today = risk.today()
    expected = risk.class_on(category("fuel"), today).label
    assert expected in html
    if today >= FIRST_RISK_DAY:
        assert "Rủi ro cao" in html and "Rủi ro trung bình" in html
        assert "Chưa có phân loại theo mức độ rủi ro" in html  # textiles


def test_the_product_page_shows_todays_class_and_the_dated_history(alice):
    helmet = ProductFactory(category=category("helmets"))
    client = Client()
    client.force_login(alice)
    html = client.get(f"/products/{helmet.pk}/").content.decode()
    assert "Phân loại theo thời gian" in html
    assert "Hàng hóa nhóm 2" in html and "Rủi ro trung bình" in html
    assert "01/07/2008" in html and "30/06/2026" in html and "01/07/2026" in html
    assert "Thông tư 36/2026/TT-BKHCN, Phụ lục II mục I.2" in html


def test_the_api_gives_the_class_on_the_day_asked_and_keeps_group2(alice):
    fuel = ProductFactory(category=category("fuel"))
    textile = ProductFactory(category=category("textiles"))
    client = api_client(alice)

    def read(product, day):
        body = client.get(f"/api/v1/products/{product.pk}", {"on": day}).json()
        return body["class_on"], body["group2"], body["category"]

    found, group2, cat = read(fuel, "2026-06-30")
    assert (found["scheme"], found["level"], found["label"]) == (
        "group",
        "group2",
        "Hàng hóa nhóm 2",
    )
    assert found["valid_from"] == "2008-07-01" and found["valid_to"] == "2026-06-30"
    assert group2 is True and cat["class_on"]["level"] == "group2"
    assert [c["level"] for c in cat["classes"]] == ["group2", "high"]
    found, group2, _ = read(fuel, "2026-07-01")
    assert (found["level"], found["label"], found["valid_to"]) == ("high", "Rủi ro cao", None)
    assert "Phụ lục I mục I.1" in found["basis"] and group2 is True
    found, group2, _ = read(textile, "2026-07-01")
    assert found is None and group2 is False

    listed = client.get("/api/v1/products", {"on": "2026-06-30", "q": fuel.name}).json()
    assert listed["items"][0]["class_on"]["level"] == "group2"
    categories = client.get("/api/v1/categories", {"on": "2026-07-01"}).json()["items"]
    by_code = {c["code"]: c for c in categories}
    assert by_code["helmets"]["class_on"]["level"] == "medium"
    assert by_code["cosmetics"]["class_on"] is None and by_code["cosmetics"]["group2"] is False


def test_the_category_list_api_reads_the_classes_without_a_query_per_row(
    alice, django_assert_max_num_queries
):
    client = api_client(alice)
    client.get("/api/v1/categories")
    with django_assert_max_num_queries(8):
        body = client.get("/api/v1/categories", {"on": "2026-07-01"}).json()
    assert body["count"] == ProductCategory.objects.count()


def test_the_admin_edits_the_classes_inline_and_refuses_an_overlap(roles):
    admin = UserFactory(username="adam", roles=[Role.ADMIN], is_staff=True)
    client = Client()
    client.force_login(admin)
    helmets = category("helmets")
    url = f"/admin/registry/productcategory/{helmets.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200 and "Rủi ro trung bình" in page.content.decode()

    rows = risk.class_history(helmets)
    data = {
        "code": helmets.code,
        "name": helmets.name,
        "name_en": helmets.name_en,
        "qcvn": helmets.qcvn,
        "tcvn": helmets.tcvn,
        "managing_ministry": helmets.managing_ministry,
        "source": helmets.source,
        "classes-TOTAL_FORMS": str(len(rows)),
        "classes-INITIAL_FORMS": str(len(rows)),
        "classes-MIN_NUM_FORMS": "0",
        "classes-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data |= {
            f"classes-{i}-id": str(row.pk),
            f"classes-{i}-category": str(helmets.pk),
            f"classes-{i}-scheme": row.scheme,
            f"classes-{i}-level": row.level,
            f"classes-{i}-valid_from": row.valid_from.isoformat(),
            f"classes-{i}-valid_to": row.valid_to.isoformat() if row.valid_to else "",
            f"classes-{i}-basis": row.basis,
            f"classes-{i}-source": row.source,
        }
        if row.verified:
            data[f"classes-{i}-verified"] = "on"
    data["classes-0-valid_to"] = "2026-07-01"  # overlaps the risk class by one day
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "Các phân loại không được chồng lấn về thời gian" in refused.content.decode()
    assert risk.class_history(helmets)[0].valid_to == LAST_GROUP_DAY

    data["classes-0-valid_to"] = "2026-06-29"  # a gap is allowed
    assert client.post(url, data).status_code == 302
    assert risk.class_on(helmets, LAST_GROUP_DAY) is None
