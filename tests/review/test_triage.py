"""Triage queues, bulk assignment and an inspection from reports."""

import io
import json
from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from complaints import services
from complaints.models import Complaint
from inspections.models import Inspection
from registry.models import Province
from tests.complaints.helpers import file_complaint
from tests.factories import OperatorFactory, api_client

pytestmark = pytest.mark.django_db
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def accepted(by, **kwargs) -> Complaint:
    complaint = file_complaint(**kwargs).complaint
    for status in ("acknowledged", "triaged"):
        complaint = services.complaint_transition(by=by, complaint=complaint, to=status)
    return complaint


def numbers(response) -> list[str]:
    return [item["tracking_number"] for item in response.json()["items"]]


def test_the_queues_split_new_due_soon_and_overdue(olga):
    now = timezone.now()
    old = None
    with mock.patch("django.utils.timezone.now", return_value=now - timedelta(days=20)):
        old = file_complaint(network_key="a").complaint  # both clocks past due
    fresh = file_complaint(network_key="b").complaint
    seen = accepted(olga, network_key="c")
    client = api_client(olga)
    assert set(numbers(client.get("/api/v1/complaints?queue=new"))) == {
        old.tracking_number,
        fresh.tracking_number,
    }
    assert numbers(client.get("/api/v1/complaints?queue=overdue")) == [old.tracking_number]
    # Accepted today: the 5-working-day notice is not yet due soon; nothing is.
    assert numbers(client.get("/api/v1/complaints?queue=due_soon")) == []
    with mock.patch("django.utils.timezone.now", return_value=now + timedelta(days=5)):
        due = numbers(client.get("/api/v1/complaints?queue=due_soon"))
    assert fresh.tracking_number in due and old.tracking_number not in due
    assert seen.tracking_number not in numbers(client.get("/api/v1/complaints?queue=new"))


def test_filters_by_province_category_kind_nature_and_handler(olga, bob, nadia):
    from registry.models import ProductCategory

    category = ProductCategory.objects.first()
    hanoi = file_complaint(network_key="a", product_category=category).complaint
    other = file_complaint(network_key="b", kind="label").complaint
    services.complaint_set_nature(by=olga, complaint=other, nature="denunciation")
    services.complaint_assign(by=olga, complaint=hanoi, officer=bob)
    national = file_complaint(network_key="c", seller_province=None).complaint
    client = api_client(olga)
    assert numbers(client.get(f"/api/v1/complaints?category_id={category.pk}")) == [
        hanoi.tracking_number
    ]
    assert numbers(client.get("/api/v1/complaints?kind=label")) == [other.tracking_number]
    assert numbers(client.get("/api/v1/complaints?nature=denunciation")) == [other.tracking_number]
    assert numbers(client.get(f"/api/v1/complaints?handler={bob.pk}")) == [hanoi.tracking_number]
    assert numbers(client.get("/api/v1/complaints?handler=none")) == [other.tracking_number]
    assert client.get("/api/v1/complaints?handler=bob").status_code == 400
    assert client.get("/api/v1/complaints?queue=later").status_code == 400
    # The national body sees every unit, and filters by the seller's province.
    province = Province.objects.get(code="01").pk
    everyone = api_client(nadia)
    assert national.tracking_number in numbers(everyone.get("/api/v1/complaints"))
    assert set(numbers(everyone.get(f"/api/v1/complaints?province_id={province}"))) == {
        hanoi.tracking_number,
        other.tracking_number,
    }
    assert numbers(everyone.get(f"/api/v1/complaints?unit_id={national.unit_id}")) == [
        national.tracking_number
    ]


def test_the_queue_costs_the_same_queries_for_any_page_size(olga, django_assert_max_num_queries):
    for n in range(30):
        file_complaint(network_key=f"n{n}", photos=0)
    client = api_client(olga)
    client.get("/api/v1/complaints?page_size=1")  # warm the token and permission caches
    for size in (1, 10, 100):
        with django_assert_max_num_queries(6):
            response = client.get(f"/api/v1/complaints?page_size={size}&queue=all")
        assert len(response.json()["items"]) == min(size, 30)


def test_bulk_assignment_is_all_or_nothing(olga, bob, oscar):
    mine = [file_complaint(network_key=f"m{n}").complaint for n in range(3)]
    theirs = file_complaint(province_code="79", network_key="t").complaint
    client = api_client(olga)
    body = {"ids": [c.pk for c in mine] + [theirs.pk], "officer_id": bob.pk}
    response = client.post("/api/v1/complaints/bulk-assign", json.dumps(body), "application/json")
    assert response.status_code == 404
    assert not Complaint.objects.filter(assigned_to=bob).exists()
    body["ids"] = [c.pk for c in mine]
    response = client.post("/api/v1/complaints/bulk-assign", json.dumps(body), "application/json")
    assert response.json() == {"assigned": 3}
    assert Complaint.objects.filter(assigned_to=bob).count() == 3
    assert bob.has_perm("complaints.change_complaint", mine[0])


def test_the_page_assigns_ticked_reports_and_keeps_the_filters(olga, bob, client_for):
    first, second = (file_complaint(network_key=f"p{n}").complaint for n in range(2))
    client = client_for(olga)
    page = client.get("/complaints/?queue=new")
    assert page.status_code == 200
    assert first.tracking_number in page.content.decode()
    response = client.post(
        "/complaints/bulk/",
        {
            "action": "assign",
            "ids": [first.pk, second.pk],
            "officer": bob.pk,
            "next": "/complaints/?queue=new",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/complaints/?queue=new"
    assert set(Complaint.objects.filter(assigned_to=bob)) == {first, second}
    # No officer chosen: a message, nothing changed.
    response = client.post(
        "/complaints/bulk/", {"action": "assign", "ids": [first.pk]}, follow=True
    )
    assert "Hãy chọn cán bộ xử lý." in response.content.decode()


def test_reports_become_an_ad_hoc_inspection_linked_both_ways(olga, bob):
    operator = OperatorFactory(tax_code="0100233488")
    first = accepted(olga, network_key="a", seller_tax_code=operator.tax_code)
    second = accepted(olga, network_key="b")
    waiting = file_complaint(network_key="c").complaint
    client = api_client(bob)
    body = {"ids": [first.pk, waiting.pk], "operator_id": operator.pk, "scopes": ["label"]}
    refused = client.post("/api/v1/complaints/inspections", json.dumps(body), "application/json")
    assert refused.status_code == 400
    assert refused.json()["code"] == "complaints_not_accepted"
    assert waiting.tracking_number in refused.json()["messages"]["vi"]
    assert not Inspection.objects.exists()
    body["ids"] = [first.pk, second.pk]
    made = client.post("/api/v1/complaints/inspections", json.dumps(body), "application/json")
    assert made.status_code == 201, made.content
    inspection = Inspection.objects.get(pk=made.json()["id"])
    assert inspection.kind == "ad_hoc" and inspection.legal_ground == "complaint"
    assert made.json()["complaint_ids"] == sorted([first.pk, second.pk])
    assert set(first.inspections.all()) == {inspection}
    first.refresh_from_db()
    assert first.status == "under_inspection"
    assert first.events.last().public_note.startswith("Cơ quan đã quyết định kiểm tra")
    # An officer may not make an inspection.
    officer = api_client(olga)
    body["ids"] = [second.pk]
    assert (
        officer.post(
            "/api/v1/complaints/inspections", json.dumps(body), "application/json"
        ).status_code
        == 403
    )


def test_the_inspect_page_finds_the_operator_by_tax_code(olga, bob, client_for):
    operator = OperatorFactory(tax_code="0100233488")
    complaint = accepted(olga, network_key="a", seller_tax_code=operator.tax_code)
    client = client_for(bob)
    page = client.get(f"/complaints/inspect/?ids={complaint.pk}")
    assert page.status_code == 200
    assert f'value="{operator.tax_code}"' in page.content.decode()
    missing = client.post(
        "/complaints/inspect/",
        {"ids": [complaint.pk], "tax_code": "1000000019", "scopes": ["label"]},
    )
    assert missing.status_code == 400
    assert "Chưa có tổ chức, cá nhân mang mã số thuế 1000000019" in missing.content.decode()
    made = client.post(
        "/complaints/inspect/",
        {"ids": [complaint.pk], "tax_code": operator.tax_code, "scopes": ["label", "metrology"]},
    )
    inspection = Inspection.objects.get()
    assert made.status_code == 302 and made["Location"] == f"/inspections/{inspection.pk}/"
    assert inspection.scopes == ["label", "metrology"]
    assert client_for(olga).get(f"/complaints/inspect/?ids={complaint.pk}").status_code == 403


def test_the_report_page_shows_clocks_and_extends_the_settlement(olga, client_for):
    complaint = accepted(olga, network_key="a")
    client = client_for(olga)
    page = client.get(f"/complaints/{complaint.pk}/").content.decode()
    assert "Giải quyết phản ánh, tố cáo" in page and "Gia hạn 30 ngày" in page
    empty = client.post(f"/complaints/{complaint.pk}/", {"action": "extend", "reason": " "})
    assert empty.status_code == 400 and "Hãy ghi lý do gia hạn." in empty.content.decode()
    done = client.post(f"/complaints/{complaint.pk}/", {"action": "extend", "reason": "Phức tạp"})
    assert done.status_code == 302
    assert complaint.clocks.get(kind="settle").extensions == 1


def test_a_report_at_the_day_boundary_is_due_by_the_local_date(olga):
    # Filed at 23:30 on Fri 15/01/2027 in Hà Nội (16:30 UTC): day 0 is the 15th.
    with mock.patch(
        "django.utils.timezone.now", return_value=datetime(2027, 1, 15, 23, 30, tzinfo=HANOI)
    ):
        complaint = file_complaint().complaint
    assert complaint.clocks.get(kind="acknowledge").due_on.isoformat() == "2027-01-22"


def test_bad_ids_and_officers_are_refused_not_crashed(olga, bob, client_for):
    complaint = file_complaint(network_key="z").complaint
    client = client_for(olga)
    response = client.post(
        "/complaints/bulk/", {"action": "assign", "ids": [complaint.pk], "officer": "abc"}
    )
    assert response.status_code == 302 and not Complaint.objects.filter(assigned_to__isnull=False)
    many = "&".join(f"ids={n}" for n in range(1, 230))
    assert client_for(bob).get(f"/complaints/inspect/?{many}").status_code == 400
    api = api_client(olga)
    body = {"ids": [2**70], "officer_id": olga.pk}
    huge = api.post("/api/v1/complaints/bulk-assign", json.dumps(body), "application/json")
    assert huge.status_code in (400, 422) and huge.json()["code"]


def test_the_backfill_starts_missing_clocks_once_and_quietly(olga):
    from django.core.management import call_command

    from registry.clocks import clocks_sweep
    from registry.models import LegalClock, Notification

    with mock.patch("django.utils.timezone.now", return_value=timezone.now() - timedelta(days=40)):
        old = file_complaint(network_key="o").complaint
    LegalClock.objects.all().delete()  # as before clocks were kept
    Complaint.objects.update(due_at=None)
    call_command("clocks_backfill", stdout=io.StringIO())
    assert set(old.clocks.values_list("kind", flat=True)) == {"acknowledge", "accept_report"}
    old.refresh_from_db()
    assert old.due_at is not None  # in the overdue queue
    assert clocks_sweep().notified == 0  # ...without a flood of late notices
    out = io.StringIO()
    call_command("clocks_backfill", stdout=out)
    assert "Legal clocks started: 0" in out.getvalue()
    assert not Notification.objects.exists()
