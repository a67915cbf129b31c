"""No overlapping inspections (inspections/overlap.py, Directive 20/CT-TTg): a second
inspection of an operator within 12 months, by any unit, needs a recorded reason; the
page and the API refuse it without one, and whoever signs the decision or approves the
plan sees the earlier inspections and the reason.

Personas (tests/conftest.py): bob supervises unit 01, alice leads teams there; sam
supervises unit 79 (another province), charlie inspects there."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from inspections import services
from inspections.models import Inspection, InspectionPlan, PlanTarget, RepeatReason, Scope
from registry.errors import InvalidInput
from registry.models import Role
from tests.factories import OperatorFactory, UserFactory, api_client, unit

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 24)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)


@pytest.fixture
def sam(roles):
    return UserFactory(username="sam", unit=unit("79"), roles=[Role.SUPERVISOR])


@pytest.fixture
def operator(db):
    return OperatorFactory(name="Công ty TNHH Mũ Bảo Hiểm An Toàn")


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def drafted(by, operator, *, day=TODAY, **kwargs) -> Inspection:
    return services.inspection_create(
        by=by,
        operator=operator,
        legal_ground=kwargs.pop("legal_ground", "warning"),
        scopes=[Scope.LABEL],
        scheduled_date=day,
        **kwargs,
    )


def decided(by, lead, operator, *, day, number) -> Inspection:
    inspection = drafted(by, operator, day=day)
    services.inspection_set_team(by=by, inspection=inspection, lead=lead)
    return services.inspection_decide(
        by=by, inspection=inspection, decision_number=number, decision_date=day
    )


@pytest.fixture
def earlier_elsewhere(sam, charlie, operator, roles):
    """Unit 79 inspected the operator four months ago (decision 12/QĐ-CCHCM)."""
    lead = UserFactory(username="lena", unit=unit("79"), roles=[Role.TEAM_LEAD])
    return decided(sam, lead, operator, day=TODAY - timedelta(days=120), number="12/QĐ-CCHCM")


def inspection_form(operator, **changes) -> dict:
    return {
        "legal_ground": "warning",
        "legal_ground_note": "Công văn cảnh báo 45/TĐC",
        "scopes": [Scope.LABEL],
        "tax_code": operator.tax_code,
        "scheduled_date": TODAY.isoformat(),
        **changes,
    }


# --- The rule, in the service ---------------------------------------------------------------


def test_another_units_inspection_counts_and_a_reason_is_required(bob, earlier_elsewhere, operator):
    with pytest.raises(InvalidInput) as refused:
        drafted(bob, operator)
    assert refused.value.code == "repeat_inspection_reason_required"
    assert "12/QĐ-CCHCM" in refused.value.render()
    assert Inspection.objects.filter(unit=bob.unit).count() == 0


def test_a_reason_without_its_note_is_refused(bob, earlier_elsewhere, operator):
    with pytest.raises(InvalidInput) as refused:
        drafted(bob, operator, repeat_reason=RepeatReason.WARNING)
    assert refused.value.code == "repeat_note_required"


def test_with_a_reason_the_second_inspection_is_accepted_and_recorded(
    bob, earlier_elsewhere, operator
):
    inspection = drafted(
        bob,
        operator,
        repeat_reason=RepeatReason.AUTHORITY_REQUEST,
        repeat_note="Công văn 123/UBND-KT ngày 20/11/2026 yêu cầu kiểm tra",
    )
    assert inspection.repeat_reason == RepeatReason.AUTHORITY_REQUEST
    assert inspection.repeat_note.startswith("Công văn 123")


def test_a_cancelled_inspection_does_not_count(bob, alice, operator):
    first = drafted(bob, operator, day=TODAY - timedelta(days=30))
    services.inspection_transition(
        by=bob, inspection=first, to=Inspection.Status.CANCELLED, note="Trùng lịch"
    )
    second = drafted(bob, operator)
    assert second.repeat_reason == ""


def test_cancelling_needs_a_supervisor_and_a_reason(bob, alice, operator):
    first = drafted(bob, operator)
    with pytest.raises(InvalidInput) as refused:
        services.inspection_transition(by=bob, inspection=first, to=Inspection.Status.CANCELLED)
    assert refused.value.code == "note_required"


def test_an_inspection_older_than_12_months_does_not_count(bob, alice, operator):
    decided(bob, alice, operator, day=TODAY - timedelta(days=370), number="01/QĐ-2025")
    assert drafted(bob, operator).repeat_reason == ""


def test_an_inspection_already_planned_within_12_months_counts(bob, alice, operator):
    drafted(bob, operator, day=TODAY + timedelta(days=60))
    with pytest.raises(InvalidInput):
        drafted(bob, operator)


def test_another_operator_does_not_count(bob, earlier_elsewhere):
    assert drafted(bob, OperatorFactory()).repeat_reason == ""


def test_the_decision_date_is_checked_too(bob, alice, operator):
    """Drafted for a day more than a year after the last inspection, then decided
    within the year: the decision needs the reason."""
    decided(bob, alice, operator, day=TODAY - timedelta(days=200), number="02/QĐ-KT")
    later = drafted(bob, operator, day=TODAY + timedelta(days=200))
    services.inspection_set_team(by=bob, inspection=later, lead=alice)
    with pytest.raises(InvalidInput) as refused:
        services.inspection_decide(
            by=bob, inspection=later, decision_number="03/QĐ-KT", decision_date=TODAY
        )
    assert refused.value.code == "repeat_inspection_reason_required"
    done = services.inspection_decide(
        by=bob,
        inspection=later,
        decision_number="03/QĐ-KT",
        decision_date=TODAY,
        repeat_reason=RepeatReason.VIOLATION_FOLLOW_UP,
        repeat_note="Kiểm tra việc khắc phục theo quyết định xử phạt 7/QĐ-XPHC",
    )
    assert done.repeat_reason == RepeatReason.VIOLATION_FOLLOW_UP


# --- The page -------------------------------------------------------------------------------


def test_the_page_refuses_without_a_reason_and_lists_the_earlier_inspection(
    bob, earlier_elsewhere, operator
):
    response = logged_in(bob).post("/inspections/new/", inspection_form(operator))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Chỉ thị 20/CT-TTg, hãy ghi lý do kiểm tra lại" in page
    # The earlier inspection's facts, by the other unit; no link, bob may not open it.
    assert "12/QĐ-CCHCM" in page
    assert earlier_elsewhere.unit.name in page
    assert f"/inspections/{earlier_elsewhere.pk}/" not in page
    assert not Inspection.objects.filter(unit=bob.unit).exists()


def test_the_check_button_shows_the_earlier_inspections_without_creating(
    bob, earlier_elsewhere, operator
):
    response = logged_in(bob).post("/inspections/new/", {**inspection_form(operator), "check": "1"})
    assert response.status_code == 200
    assert "12/QĐ-CCHCM" in response.content.decode()
    assert not Inspection.objects.filter(unit=bob.unit).exists()


def test_the_page_accepts_with_a_reason_and_the_approver_sees_it(bob, earlier_elsewhere, operator):
    client = logged_in(bob)
    response = client.post(
        "/inspections/new/",
        inspection_form(
            operator,
            repeat_reason=RepeatReason.WARNING,
            repeat_note="Cảnh báo 45/TĐC về lô mũ bảo hiểm không đạt",
        ),
    )
    assert response.status_code == 302
    inspection = Inspection.objects.get(unit=bob.unit)
    assert inspection.repeat_reason == RepeatReason.WARNING
    decide_page = client.get(f"/inspections/{inspection.pk}/decide/").content.decode()
    assert "Cảnh báo 45/TĐC về lô mũ bảo hiểm không đạt" in decide_page
    assert str(RepeatReason.WARNING.label) in decide_page
    assert "12/QĐ-CCHCM" in decide_page


def test_the_other_units_findings_are_not_shown(bob, earlier_elsewhere, operator):
    """Only the facts: the other unit's place and goods never reach bob's page."""
    Inspection.objects.filter(pk=earlier_elsewhere.pk).update(goods="Lô mũ số 77 bí mật")
    response = logged_in(bob).post("/inspections/new/", inspection_form(operator))
    assert "Lô mũ số 77 bí mật" not in response.content.decode()


# --- The API --------------------------------------------------------------------------------


def api_body(operator, **changes) -> dict:
    return {
        "operator_id": operator.pk,
        "legal_ground": "warning",
        "scopes": [Scope.LABEL],
        "scheduled_date": TODAY.isoformat(),
        **changes,
    }


def test_the_api_refuses_without_a_reason(bob, earlier_elsewhere, operator):
    response = api_client(bob).post(
        "/api/v1/inspections", api_body(operator), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "repeat_inspection_reason_required"


def test_the_api_accepts_with_a_reason_and_the_detail_shows_it(bob, earlier_elsewhere, operator):
    client = api_client(bob)
    response = client.post(
        "/api/v1/inspections",
        api_body(operator, repeat_reason="complaint", repeat_note="Phản ánh PA-2026-0042"),
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    detail = client.get(f"/api/v1/inspections/{response.json()['id']}").json()
    assert detail["repeat_reason"] == "complaint"
    assert detail["repeat_note"] == "Phản ánh PA-2026-0042"
    (earlier,) = detail["earlier_inspections"]
    assert earlier["decision_number"] == "12/QĐ-CCHCM"
    assert earlier["unit_id"] == earlier_elsewhere.unit_id
    assert earlier["id"] is None  # bob may not open unit 79's inspection


def test_the_api_lists_an_operators_recent_inspections(bob, earlier_elsewhere, operator):
    response = api_client(bob).get(f"/api/v1/operators/{operator.pk}/recent-inspections")
    assert response.status_code == 200
    assert [e["decision_number"] for e in response.json()] == ["12/QĐ-CCHCM"]
    older = api_client(bob).get(f"/api/v1/operators/{operator.pk}/recent-inspections?on=2028-01-01")
    assert older.json() == []


# --- Plans ----------------------------------------------------------------------------------


def plan_form(operator, **changes) -> dict:
    return {
        "title": "Kế hoạch kiểm tra năm 2027",
        "period_start": "2027-01-01",
        "period_end": "2027-12-31",
        "scopes": [Scope.LABEL],
        "operators": operator.tax_code,
        "note": "",
        **changes,
    }


@pytest.fixture
def inspected_in_december(bob, alice, operator):
    return decided(bob, alice, operator, day=date(2026, 12, 1), number="40/QĐ-KT")


def test_a_plan_target_inspected_within_12_months_needs_a_reason(
    bob, inspected_in_december, operator
):
    client = logged_in(bob)
    response = client.post("/plans/new/", plan_form(operator))
    assert response.status_code == 400
    page = response.content.decode()
    assert "40/QĐ-KT" in page
    assert f'name="repeat_reason_{operator.pk}"' in page
    assert not InspectionPlan.objects.exists()

    response = client.post(
        "/plans/new/",
        plan_form(
            operator,
            **{
                f"repeat_reason_{operator.pk}": "complaint",
                f"repeat_note_{operator.pk}": "3 phản ánh mới về mũ không đạt",
            },
        ),
    )
    assert response.status_code == 302
    target = PlanTarget.objects.get(operator=operator)
    assert (target.repeat_reason, target.repeat_note) == (
        "complaint",
        "3 phản ánh mới về mũ không đạt",
    )


def test_the_supervisor_approving_the_plan_sees_the_earlier_inspection_and_reason(
    bob, alice, inspected_in_december, operator
):
    plan = services.plan_create(
        by=alice,
        title="Kế hoạch 2027",
        period_start=date(2027, 1, 1),
        period_end=date(2027, 12, 31),
        scopes=[Scope.LABEL],
        operators=[operator],
        target_reasons={operator.pk: ("warning", "Cảnh báo 9/TĐC")},
    )
    services.plan_submit(by=alice, plan=plan)
    page = logged_in(bob).get(f"/plans/{plan.pk}/").content.decode()
    assert "Ghi ý kiến" in page  # bob decides here
    assert "40/QĐ-KT" in page and "Cảnh báo 9/TĐC" in page
    detail = api_client(bob).get(f"/api/v1/plans/{plan.pk}").json()
    (target,) = detail["targets"]
    assert target["repeat_reason"] == "warning"
    assert [e["decision_number"] for e in target["earlier_inspections"]] == ["40/QĐ-KT"]


def test_the_plan_api_refuses_a_target_without_a_reason(bob, inspected_in_december, operator):
    body = {
        "title": "Kế hoạch 2027",
        "period_start": "2027-01-01",
        "period_end": "2027-12-31",
        "scopes": ["label"],
        "operator_ids": [operator.pk],
    }
    client = api_client(bob)
    refused = client.post("/api/v1/plans", body, content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["code"] == "repeat_inspection_reason_required"
    body["target_reasons"] = [
        {"operator_id": operator.pk, "reason": "other", "note": "Đề nghị của Sở Công Thương"}
    ]
    assert client.post("/api/v1/plans", body, content_type="application/json").status_code == 201
