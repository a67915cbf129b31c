"""Risk-based plan suggestions (inspections/suggestions.py): the operators of the unit's
province ranked by reports, failed samples, alerts (registered by violations/) and the
time since their last inspection, each with its reasons; the planner accepts (a target
with the reasons as its note) or skips (not suggested again for that plan).

bob supervises unit 01 (Hà Nội) and drafts its plan; alice leads teams there."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints.models import Complaint
from inspections import services, suggestions
from inspections.models import Inspection, PlanSuggestionSkip, PlanTarget, Sample, Scope
from registry.errors import InvalidInput
from registry.models import EconomicOperator
from tests.complaints.helpers import file_complaint
from tests.factories import OperatorFactory, api_client, unit
from violations.models import ProductAlert

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def inspect(bob, alice, operator, *, day, number):
    inspection = services.inspection_create(
        by=bob, operator=operator, legal_ground="warning", scopes=[Scope.LABEL], scheduled_date=day
    )
    services.inspection_set_team(by=bob, inspection=inspection, lead=alice)
    return services.inspection_decide(
        by=bob, inspection=inspection, decision_number=number, decision_date=day
    )


@pytest.fixture
def area(bob, alice):
    """Four operators of Hà Nội and one of another province."""
    today = timezone.localdate()
    hanoi = unit("01").province
    reported = OperatorFactory(name="A Cửa hàng bị phản ánh", province=hanoi)
    failed = OperatorFactory(name="B Công ty có mẫu không đạt", province=hanoi)
    never = OperatorFactory(name="C Đại lý chưa kiểm tra", province=hanoi)
    old = OperatorFactory(name="D Nhà phân phối kiểm tra năm cũ", province=hanoi)
    elsewhere = OperatorFactory(name="E Cửa hàng tỉnh khác", province=unit("79").province)
    for _ in range(3):
        complaint = file_complaint().complaint
        Complaint.objects.filter(pk=complaint.pk).update(operator=reported)
    inspection = inspect(bob, alice, failed, day=today - timedelta(days=400), number="1/QĐ")
    Sample.objects.create(
        inspection=inspection,
        product_name="Mũ bảo hiểm",
        test_unit_seal="S1",
        retained_unit_seal="S2",
        sampling_record_number="BB1",
        sampled_at=timezone.now() - timedelta(days=390),
        sampled_by=alice,
        conforming=False,
    )
    ProductAlert.objects.create(
        inspection=inspection,
        product_name="Mũ bảo hiểm",
        operator_name=failed.name,
        defect="Không đạt QCVN 2:2021/BKHCN",
        published_on=today - timedelta(days=300),
        published_by=bob,
    )
    inspect(bob, alice, old, day=date(today.year - 3, 5, 1), number="2/QĐ")
    return {
        "reported": reported,
        "failed": failed,
        "never": never,
        "old": old,
        "elsewhere": elsewhere,
    }


@pytest.fixture
def plan(bob, area):
    today = timezone.localdate()
    return services.plan_create(
        by=bob,
        title="Kế hoạch kiểm tra năm sau",
        period_start=date(today.year + 1, 1, 1),
        period_end=date(today.year + 1, 12, 31),
        scopes=[Scope.LABEL],
    )


def test_the_ranking_and_its_reasons(plan, area):
    found = suggestions.plan_suggestions(plan=plan)
    by_name = {s.operator.name: s for s in found}
    assert area["elsewhere"].name not in by_name
    assert [s.operator for s in found] == [
        area["reported"],  # 3 reports x 3 + never inspected 12 = 21
        area["failed"],  # 1 failed sample x 5 + 1 alert x 8 + 1 year x 3 = 16
        area["never"],  # never inspected 12
        area["old"],  # 3 years x 3 = 9
    ]
    assert by_name[area["reported"].name].reasons == [
        "3 phản ánh trong 12 tháng",
        "chưa từng được kiểm tra",
    ]
    assert by_name[area["reported"].name].score == 21
    failed = by_name[area["failed"].name]
    assert "1 mẫu không đạt" in failed.reasons
    assert "1 cảnh báo sản phẩm" in failed.reasons
    old_year = timezone.localdate().year - 3
    assert by_name[area["old"].name].reasons == [f"chưa kiểm tra từ {old_year}"]


def test_the_score_is_one_query_ranked_and_cut_by_the_database(plan, area):
    """A province may hold tens of thousands of operators: they are scored, ordered and
    cut to LIMIT by one query, never loaded or sent back as a list of ids (SQLite
    refuses more than 32,766 parameters)."""
    hanoi = unit("01").province
    EconomicOperator.objects.bulk_create(
        EconomicOperator(name=f"Cửa hàng số {n:05d}", province=hanoi) for n in range(2000)
    )
    with CaptureQueriesContext(connection) as captured:
        found = suggestions.plan_suggestions(plan=plan)
    # One SELECT (on PostgreSQL, inside a transaction that turns JIT off).
    selects = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT")]
    assert len(selects) == 1
    assert "LIMIT 50" in selects[0]
    if connection.vendor == "postgresql":
        assert "SET LOCAL jit = off" in [q["sql"] for q in captured.captured_queries]
    assert len(found) == suggestions.LIMIT
    # The four operators with reasons rank first; the never-inspected shops with
    # nothing else follow by name.
    assert [s.operator for s in found[:2]] == [area["reported"], area["failed"]]
    assert found[2].operator == area["never"]
    assert found[3].operator.name == "Cửa hàng số 00000"
    assert all(s.score == 12 for s in found[3:])


def test_an_operator_with_no_reason_is_not_suggested(bob, alice, plan, area):
    """Inspected this year and nothing reported since: a score of 0 suggests nothing."""
    quiet = OperatorFactory(name="F Cửa hàng mới kiểm tra", province=unit("01").province)
    inspect(bob, alice, quiet, day=timezone.localdate() - timedelta(days=30), number="3/QĐ")
    found = [s.operator for s in suggestions.plan_suggestions(plan=plan)]
    assert quiet not in found and len(found) == 4
    # Nor may it be accepted or skipped as a suggestion, by page or API.
    page = logged_in(bob).post(f"/plans/{plan.pk}/suggestions/{quiet.pk}/accept/")
    assert page.status_code == 400
    assert "không có trong danh sách gợi ý" in page.content.decode()
    api = api_client(bob).post(
        f"/api/v1/plans/{plan.pk}/suggestions/{quiet.pk}/skip", content_type="application/json"
    )
    assert api.status_code == 400 and api.json()["code"] == "not_suggested"
    assert not PlanTarget.objects.filter(operator=quiet).exists()
    assert not PlanSuggestionSkip.objects.filter(operator=quiet).exists()


@pytest.mark.parametrize(
    "days_ago, points, reason",
    [
        (364, 0, None),
        (365, 3, "chưa kiểm tra từ"),
        (729, 3, "chưa kiểm tra từ"),
        (730, 6, "chưa kiểm tra từ"),
        (1459, 9, "chưa kiểm tra từ"),
        (1460, 12, "chưa kiểm tra từ"),
        (4000, 12, "chưa kiểm tra từ"),
        (None, 12, "chưa từng được kiểm tra"),
    ],
)
def test_points_for_the_time_since_the_last_inspection(bob, alice, days_ago, points, reason):
    """3 points a full year (365 days) since the last inspection, at most 12; 12 if
    never inspected; a cancelled inspection does not count."""
    today = timezone.localdate()
    operator = OperatorFactory(name="G Cửa hàng", province=unit("01").province)
    if days_ago is not None:
        inspect(bob, alice, operator, day=today - timedelta(days=days_ago), number="9/QĐ")
    later = services.inspection_create(
        by=bob, operator=operator, legal_ground="warning", scopes=[Scope.LABEL],
        scheduled_date=today, repeat_reason="warning", repeat_note="Cảnh báo mới",
    )  # fmt: skip
    services.inspection_transition(
        by=bob, inspection=later, to=Inspection.Status.CANCELLED, note="Trùng lịch"
    )
    found = suggestions.score(EconomicOperator.objects.filter(pk=operator.pk), today=today)
    if not points:
        assert found == []
        return
    assert found[0].score == points
    assert found[0].reasons[0].startswith(reason)


def test_accept_adds_a_target_with_the_reasons_as_its_note(bob, plan, area):
    client = logged_in(bob)
    page = client.get(f"/plans/{plan.pk}/suggestions/")
    assert page.status_code == 200
    assert "3 phản ánh trong 12 tháng" in page.content.decode()
    operator = area["reported"]
    response = client.post(f"/plans/{plan.pk}/suggestions/{operator.pk}/accept/")
    assert response.status_code == 302
    target = PlanTarget.objects.get(plan=plan, operator=operator)
    assert "3 phản ánh trong 12 tháng" in target.note
    followed = client.get(response.url).content.decode()
    assert "Đã thêm" in followed
    assert operator.name not in followed.split("Đối tượng được gợi ý")[1]
    assert "3 phản ánh trong 12 tháng" in client.get(f"/plans/{plan.pk}/").content.decode()


def test_skip_hides_the_suggestion_for_that_plan_only(bob, plan, area):
    operator = area["never"]
    response = logged_in(bob).post(f"/plans/{plan.pk}/suggestions/{operator.pk}/skip/")
    assert response.status_code == 302
    assert PlanSuggestionSkip.objects.filter(plan=plan, operator=operator).exists()
    assert operator not in [s.operator for s in suggestions.plan_suggestions(plan=plan)]
    other = services.plan_create(
        by=bob,
        title="Kế hoạch chuyên đề",
        period_start=plan.period_start,
        period_end=plan.period_end,
        scopes=[Scope.LABEL],
    )
    assert operator in [s.operator for s in suggestions.plan_suggestions(plan=other)]


def test_a_submitted_plan_takes_no_more_suggestions(bob, plan, area):
    services.plan_submit(by=bob, plan=plan)
    response = logged_in(bob).post(f"/plans/{plan.pk}/suggestions/{area['never'].pk}/accept/")
    assert response.status_code == 409
    assert not PlanTarget.objects.filter(plan=plan).exists()


def test_an_operator_of_another_province_cannot_be_accepted(bob, plan, area):
    with pytest.raises(InvalidInput) as refused:
        services.plan_suggestion_accept(by=bob, plan=plan, operator=area["elsewhere"])
    assert refused.value.code == "not_suggested"


def test_another_unit_cannot_open_the_plans_suggestions(charlie, plan):
    assert logged_in(charlie).get(f"/plans/{plan.pk}/suggestions/").status_code in (403, 404)


def test_the_api_lists_accepts_and_skips(bob, plan, area):
    client = api_client(bob)
    listed = client.get(f"/api/v1/plans/{plan.pk}/suggestions")
    assert listed.status_code == 200
    first = listed.json()[0]
    assert first["operator_id"] == area["reported"].pk and first["score"] == 21
    accepted = client.post(
        f"/api/v1/plans/{plan.pk}/suggestions/{area['reported'].pk}/accept",
        {},
        content_type="application/json",
    )
    assert accepted.status_code == 201, accepted.json()
    assert "3 phản ánh" in accepted.json()["note"]
    skipped = client.post(f"/api/v1/plans/{plan.pk}/suggestions/{area['failed'].pk}/skip")
    assert skipped.status_code == 201
    ids = [s["operator_id"] for s in client.get(f"/api/v1/plans/{plan.pk}/suggestions").json()]
    assert area["reported"].pk not in ids and area["failed"].pk not in ids


def test_a_refused_accept_or_skip_shows_nothing_of_the_suggestions(ivan, plan, area):
    """An inspector of the unit who may not draft plans is refused with a bare 403, as on
    the page itself: the refusal must not list the operators, scores and reasons."""
    client = logged_in(ivan)
    operator = area["failed"]
    for action in ("accept", "skip"):
        response = client.post(f"/plans/{plan.pk}/suggestions/{operator.pk}/{action}/")
        assert response.status_code == 403
        assert operator.name not in response.content.decode()
    assert not PlanTarget.objects.filter(plan=plan, operator=operator).exists()
    assert not PlanSuggestionSkip.objects.filter(plan=plan).exists()
