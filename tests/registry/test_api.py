import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from registry.models import ApiToken, AuditEntry, EconomicOperator
from registry.services import api_token_create
from tests.factories import OperatorFactory, valid_tax_code


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def post_json(client, url, data, **extra):
    return client.post(url, data=json.dumps(data), content_type="application/json", **extra)


@pytest.fixture
def alice_token(alice):
    return api_token_create(user=alice, name="Máy tính bảng 01")[1]


# --- Tokens -----------------------------------------------------------------------------


def test_a_tablet_signs_in_and_uses_its_token(alice, password):
    client = Client()
    response = post_json(
        client,
        "/api/v1/auth/tokens",
        {"username": "alice", "password": password, "device_name": "Tablet 7"},
    )
    assert response.status_code == 201, response.content
    token = response.json()["token"]
    assert token.startswith("msq_")
    stored = ApiToken.objects.get()
    assert token not in (stored.digest, stored.prefix)  # only a hash is stored
    me = client.get("/api/v1/me", **bearer(token))
    assert me.status_code == 200
    assert me.json()["username"] == "alice"
    assert set(me.json()["roles"]) == {"inspector", "team_lead"}
    assert me.json()["home_url"] == "/home/team_lead/"


def test_wrong_password_gets_a_stable_code_in_both_languages(alice):
    response = post_json(
        Client(),
        "/api/v1/auth/tokens",
        {"username": "alice", "password": "sai", "device_name": "T"},
    )
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "invalid_credentials"
    assert body["message"] == body["messages"]["vi"] == "Sai tên đăng nhập hoặc mật khẩu."
    assert body["messages"]["en"] == "Wrong username or password."


def test_password_guessing_is_throttled(alice, password):
    client = Client()
    for _ in range(10):
        post_json(
            client,
            "/api/v1/auth/tokens",
            {"username": "alice", "password": "x", "device_name": "T"},
        )
    response = post_json(
        client,
        "/api/v1/auth/tokens",
        {"username": "alice", "password": password, "device_name": "T"},
    )
    assert response.status_code == 429
    assert response.json()["code"] == "too_many_requests"


def test_revoked_and_expired_tokens_stop_working(alice, alice_token):
    client = Client()
    assert client.get("/api/v1/me", **bearer(alice_token)).status_code == 200
    record = ApiToken.objects.get()
    assert (
        client.delete(f"/api/v1/auth/tokens/{record.pk}", **bearer(alice_token)).status_code == 204
    )
    assert client.get("/api/v1/me", **bearer(alice_token)).status_code == 401
    assert AuditEntry.objects.filter(action="api_token.revoke").count() == 1

    _, fresh = api_token_create(user=alice, name="T2")
    ApiToken.objects.filter(revoked_at__isnull=True).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert client.get("/api/v1/me", **bearer(fresh)).status_code == 401


def test_a_token_of_a_deactivated_user_stops_working(alice, alice_token):
    alice.is_active = False
    alice.save()
    assert Client().get("/api/v1/me", **bearer(alice_token)).status_code == 401


def test_nobody_revokes_someone_elses_token(alice, charlie):
    record, _ = api_token_create(user=alice, name="T")
    _, charlie_token = api_token_create(user=charlie, name="T")
    response = Client().delete(f"/api/v1/auth/tokens/{record.pk}", **bearer(charlie_token))
    assert response.status_code == 404
    record.refresh_from_db()
    assert record.revoked_at is None


def test_token_lifetime_is_capped(alice, password, settings):
    response = post_json(
        Client(),
        "/api/v1/auth/tokens",
        {"username": "alice", "password": password, "device_name": "T", "lifetime_days": 400},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "token_lifetime"


# --- Errors -----------------------------------------------------------------------------


def test_anonymous_gets_401_in_the_error_shape():
    body = Client().get("/api/v1/me").json()
    assert body["code"] == "not_authenticated"
    assert set(body["messages"]) == {"vi", "en"}


def test_english_when_the_client_asks_for_it(alice_token):
    response = Client().get(
        "/api/v1/units/999999", HTTP_ACCEPT_LANGUAGE="en", **bearer(alice_token)
    )
    assert response.status_code == 404
    assert response.json()["message"] == "Not found."


def test_wrong_tax_code_check_digit_is_a_400_that_stores_nothing(alice_token):
    response = post_json(
        Client(),
        "/api/v1/operators",
        {"name": "Cửa hàng Hòa Bình", "role": "retailer", "tax_code": "0100233489"},
        **bearer(alice_token),
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "tax_code_checksum"
    assert "chữ số kiểm tra" in body["messages"]["vi"]
    assert "check digit" in body["messages"]["en"]
    assert body["errors"]["tax_code"][0]["code"] == "tax_code_checksum"
    assert EconomicOperator.objects.count() == 0


def test_wrong_gtin_is_a_400(alice_token):
    response = post_json(
        Client(),
        "/api/v1/products",
        {"name": "Nước mắm", "gtin": "8934563138166"},
        **bearer(alice_token),
    )
    assert response.status_code == 400
    assert response.json()["code"] == "gtin_checksum"


def test_a_known_barcode_is_a_conflict_naming_the_record(alice_token):
    client = Client()
    first = post_json(
        client,
        "/api/v1/products",
        {"name": "Nước mắm", "gtin": "8934563138165"},
        **bearer(alice_token),
    )
    assert first.status_code == 201
    again = post_json(
        client,
        "/api/v1/products",
        {"name": "Nước mắm", "gtin": "8934563138165"},
        **bearer(alice_token),
    )
    assert again.status_code == 409
    assert again.json()["code"] == "product_exists"
    assert str(first.json()["id"]) in again.json()["message"]


def test_malformed_input_is_a_400_with_field_errors(alice_token):
    response = post_json(Client(), "/api/v1/operators", {"name": "X"}, **bearer(alice_token))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_input"
    assert "role" in body["errors"]


def test_session_writes_need_csrf(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = post_json(client, "/api/v1/operators", {"name": "Cửa hàng A", "role": "retailer"})
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"


def test_operator_created_and_audited(alice_token, alice):
    response = post_json(
        Client(),
        "/api/v1/operators",
        {"name": "Cửa hàng Hòa Bình", "role": "retailer", "tax_code": "0100233488-001"},
        **bearer(alice_token),
    )
    assert response.status_code == 201
    assert response.json()["tax_code"] == "0100233488-001"
    assert AuditEntry.objects.get(action="operator.create").actor == alice


# --- Lists --------------------------------------------------------------------------------


def test_page_size_is_capped(alice_token):
    response = Client().get("/api/v1/provinces?page_size=101", **bearer(alice_token))
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"


def test_pages(alice_token):
    client = Client()
    first = client.get("/api/v1/provinces?page_size=20", **bearer(alice_token)).json()
    second = client.get("/api/v1/provinces?page_size=20&page=2", **bearer(alice_token)).json()
    assert first["count"] == second["count"] == 34
    assert len(first["items"]) == 20 and len(second["items"]) == 14
    assert {p["code"] for p in first["items"]}.isdisjoint({p["code"] for p in second["items"]})


def test_operator_search_is_accent_insensitive(alice_token):
    OperatorFactory(name="Cửa hàng Nước mắm Đức Thành", tax_code=valid_tax_code(7))
    OperatorFactory(name="Siêu thị Bình Minh", tax_code=valid_tax_code(8))
    items = Client().get("/api/v1/operators?q=nuoc mam duc", **bearer(alice_token)).json()["items"]
    assert [o["name"] for o in items] == ["Cửa hàng Nước mắm Đức Thành"]


def test_list_queries_stay_flat(alice_token, django_assert_max_num_queries):
    for i in range(40):
        OperatorFactory(tax_code=valid_tax_code(100 + i))
    client = Client()
    client.get("/api/v1/operators?page_size=5", **bearer(alice_token))  # warm caches
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/operators?page_size=100", **bearer(alice_token))
    assert len(response.json()["items"]) == 40


def test_calendar_deadline_across_tet(alice_token):
    body = (
        Client()
        .get("/api/v1/calendar/deadline?start=2026-02-13&working_days=2", **bearer(alice_token))
        .json()
    )
    assert body["due"] == "2026-02-24"


def test_openapi_and_docs_are_served_without_cdn():
    client = Client()
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/operators" in schema.json()["paths"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "cdn" not in html.lower() and "https://" not in html


def test_staff_list_reads_roles_without_a_query_per_person(
    alice_token, alice, django_assert_max_num_queries
):
    from registry.models import Role
    from tests.factories import UserFactory, unit

    UserFactory.create_batch(25, unit=unit("01"), roles=[Role.INSPECTOR])
    client = Client()
    client.get(f"/api/v1/units/{unit('01').pk}/staff", **bearer(alice_token))
    with django_assert_max_num_queries(10):
        response = client.get(
            f"/api/v1/units/{unit('01').pk}/staff?page_size=50", **bearer(alice_token)
        )
    assert len(response.json()["items"]) == 26
    assert all(item["roles"] for item in response.json()["items"])


def test_operators_and_products_are_found_by_tax_code_and_barcode(alice_token):
    operator = OperatorFactory(name="Đại lý Hạnh Phúc", tax_code=valid_tax_code(55))
    client = Client()
    found = client.get(f"/api/v1/operators?q={operator.tax_code[:7]}", **bearer(alice_token)).json()
    assert [o["id"] for o in found["items"]] == [operator.pk]
    from tests.factories import ProductFactory

    product = ProductFactory()
    found = client.get(f"/api/v1/products?q={product.gtin}", **bearer(alice_token)).json()
    assert [p["id"] for p in found["items"]] == [product.pk]
