import json
from datetime import date

import pytest

from inspections import services
from inspections.models import Inspection, InspectionPlan, Scope
from registry.errors import Conflict, InvalidInput, InvalidTransition, PermissionDenied
from registry.models import AuditEntry
from tests.factories import OperatorFactory, api_client, unit
from tests.inspections.helpers import decided_inspection


def test_plan_is_drafted_submitted_and_approved(alice, bob):
    plan = services.plan_create(
        by=alice,
        title="Kế hoạch kiểm tra năm 2027",
        period_start=date(2027, 1, 1),
        period_end=date(2027, 12, 31),
        scopes=[Scope.LABEL, Scope.METROLOGY],
    )
    assert plan.unit == unit("01") and plan.status == InspectionPlan.Status.DRAFT
    with pytest.raises(PermissionDenied):
        services.plan_decide(by=alice, plan=plan, approve=True)  # only a supervisor approves
    with pytest.raises(InvalidTransition):
        services.plan_decide(by=bob, plan=plan, approve=True)  # not submitted yet
    plan = services.plan_submit(by=alice, plan=plan)
    with pytest.raises(InvalidInput):
        services.plan_decide(by=bob, plan=plan, approve=False)  # returning needs a reason
    plan = services.plan_decide(by=bob, plan=plan, approve=False, note="Bổ sung phạm vi đo lường")
    plan = services.plan_submit(by=alice, plan=plan)
    plan = services.plan_decide(by=bob, plan=plan, approve=True)
    assert plan.status == InspectionPlan.Status.APPROVED
    actions = list(
        AuditEntry.objects.filter(target_id=str(plan.pk)).values_list("action", flat=True)
    )
    assert sorted(actions) == sorted(
        ["plan.create", "plan.submit", "plan.return", "plan.submit", "plan.approve"]
    )


def test_a_planned_inspection_needs_an_approved_plan_and_stays_within_it(bob, alice):
    plan = services.plan_create(
        by=bob,
        title="KH 2026",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        scopes=[Scope.LABEL],
    )
    operator = OperatorFactory()
    with pytest.raises(InvalidInput) as info:
        services.inspection_create(
            by=bob, operator=operator, legal_ground="annual_plan", scopes=["label"], plan=plan
        )
    assert info.value.code == "plan_required"
    services.plan_submit(by=bob, plan=plan)
    plan = services.plan_decide(by=bob, plan=plan, approve=True)
    with pytest.raises(InvalidInput) as info:
        services.inspection_create(
            by=bob, operator=operator, legal_ground="annual_plan", scopes=["metrology"], plan=plan
        )
    assert info.value.code == "scope_outside_plan"
    inspection = services.inspection_create(
        by=bob, operator=operator, legal_ground="annual_plan", scopes=["label"], plan=plan
    )
    assert inspection.kind == Inspection.Kind.PLANNED
    with pytest.raises(InvalidInput) as info:
        services.inspection_create(
            by=bob, operator=operator, legal_ground="complaint", scopes=["label"]
        )
    assert info.value.code == "complaints_required"
    with pytest.raises(PermissionDenied):
        services.inspection_create(
            by=alice, operator=operator, legal_ground="warning", scopes=["label"]
        )


def test_the_team_sees_its_inspection_and_nobody_else_does(bob, alice, ivan, charlie):
    inspection = decided_inspection(supervisor=bob, lead=alice)
    assert api_client(alice).get(f"/api/v1/inspections/{inspection.pk}").status_code == 200
    assert (
        api_client(bob).get(f"/api/v1/inspections/{inspection.pk}").status_code == 200
    )  # the unit's supervisor
    assert (
        api_client(ivan).get(f"/api/v1/inspections/{inspection.pk}").status_code == 404
    )  # same unit, not on the team
    assert api_client(charlie).get(f"/api/v1/inspections/{inspection.pk}").status_code == 404

    other = decided_inspection(supervisor=bob, lead=alice, members=[ivan], number="02/QĐ-KT")
    assert api_client(ivan).get(f"/api/v1/inspections/{other.pk}").status_code == 200
    assert api_client(ivan).get(f"/api/v1/inspections/{inspection.pk}").status_code == 404
    # Taken off the team: the rights go too.
    services.inspection_set_team(by=bob, inspection=other, lead=alice, members=[])
    assert api_client(ivan).get(f"/api/v1/inspections/{other.pk}").status_code == 404


def test_the_status_flow_is_enforced(bob, alice, ivan):
    inspection = decided_inspection(supervisor=bob, lead=alice, members=[ivan])
    with pytest.raises(InvalidTransition):
        services.inspection_transition(by=alice, inspection=inspection, to=Inspection.Status.CLOSED)
    inspection = services.inspection_transition(
        by=ivan, inspection=inspection, to=Inspection.Status.ON_SITE
    )
    with pytest.raises(PermissionDenied):
        services.inspection_transition(
            by=ivan, inspection=inspection, to=Inspection.Status.CONCLUDED
        )
    inspection = services.inspection_transition(
        by=alice, inspection=inspection, to=Inspection.Status.CONCLUDED
    )
    with pytest.raises(PermissionDenied):
        services.inspection_transition(by=alice, inspection=inspection, to=Inspection.Status.CLOSED)
    inspection = services.inspection_transition(
        by=bob, inspection=inspection, to=Inspection.Status.CLOSED
    )
    history = [e.status_to for e in inspection.events.all()]
    assert history == ["planned", "decided", "on_site", "concluded", "closed"]


def test_an_illegal_transition_is_a_409_with_a_clear_message(bob, alice):
    inspection = decided_inspection(supervisor=bob, lead=alice)
    response = api_client(alice).post(
        f"/api/v1/inspections/{inspection.pk}/transition",
        data=json.dumps({"to": "closed"}),
        content_type="application/json",
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "invalid_transition"
    assert "Đã có quyết định" in body["messages"]["vi"]


def test_a_decision_needs_a_team_lead_and_a_unique_number(bob, alice):
    inspection = services.inspection_create(
        by=bob, operator=OperatorFactory(), legal_ground="warning", scopes=["label"]
    )
    with pytest.raises(Conflict) as info:
        services.inspection_decide(
            by=bob, inspection=inspection, decision_number="05/QĐ", decision_date=date.today()
        )
    assert info.value.code == "team_lead_required"
    decided_inspection(supervisor=bob, lead=alice, number="05/QĐ")
    services.inspection_set_team(by=bob, inspection=inspection, lead=alice)
    with pytest.raises(Conflict) as info:
        services.inspection_decide(
            by=bob, inspection=inspection, decision_number="05/QĐ", decision_date=date.today()
        )
    assert info.value.code == "decision_number_taken"


def test_only_team_leads_lead_and_only_inspectors_join(bob, alice, audrey):
    inspection = services.inspection_create(
        by=bob, operator=OperatorFactory(), legal_ground="warning", scopes=["label"]
    )
    with pytest.raises(InvalidInput):
        services.inspection_set_team(by=bob, inspection=inspection, lead=audrey)
    with pytest.raises(InvalidInput):
        services.inspection_set_team(by=bob, inspection=inspection, lead=alice, members=[audrey])


def test_my_inspections_lists_only_mine_with_flat_queries(
    bob, alice, ivan, django_assert_max_num_queries
):
    for n in range(6):
        decided_inspection(
            supervisor=bob, lead=alice, members=[ivan] if n % 2 else [], number=f"{n}/QĐ"
        )
    client = api_client(ivan)
    client.get("/api/v1/inspections/mine")
    with django_assert_max_num_queries(10):
        response = client.get("/api/v1/inspections/mine")
    assert response.json()["count"] == 3
    assert all(item["team"] for item in response.json()["items"])
    on_day = api_client(alice).get("/api/v1/inspections/mine?day=2026-11-24").json()
    assert on_day["count"] == 6
    assert api_client(alice).get("/api/v1/inspections/mine?day=2026-11-25").json()["count"] == 0


def test_operation_id_is_stable():
    from api.main import api as ninja_api

    ids = {
        op["operationId"]
        for path in ninja_api.get_openapi_schema()["paths"].values()
        for op in path.values()
    }
    assert "list_my_inspections" in ids


def test_plan_and_inspection_lists_stay_flat(bob, alice, django_assert_max_num_queries):
    for n in range(5):
        services.plan_create(
            by=bob,
            title=f"KH {n}",
            period_start=date(2027, 1, 1),
            period_end=date(2027, 6, 30),
            scopes=["label"],
        )
        decided_inspection(supervisor=bob, lead=alice, number=f"L{n}/QĐ")
    client = api_client(bob)
    for url, count in (("/api/v1/plans", 5), ("/api/v1/inspections", 5)):
        client.get(url)
        with django_assert_max_num_queries(10):
            response = client.get(f"{url}?page_size=50")
        assert response.json()["count"] == count


def test_an_operator_without_a_tax_code_can_be_inspected(bob):
    # An individual trader or a stall often has none: the inspection is still made and found.
    operator = OperatorFactory(tax_code=None, name="Hộ kinh doanh Nguyễn Văn Tư")
    inspection = services.inspection_create(
        by=bob, operator=operator, legal_ground="warning", scopes=[Scope.LABEL]
    )
    assert "nguyen van tu" in inspection.search_text
