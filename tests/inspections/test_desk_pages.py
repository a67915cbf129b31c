"""The desk pages of the inspection lifecycle (inspections/desk_views.py): plans, the
inspection decision, the team, and the inspection page that gathers the case. Driven
through Django's test client with the suite's personas (tests/conftest.py): alice is a
team lead, bob her supervisor, ivan an inspector of the same unit, charlie an inspector
elsewhere, olga a complaint officer."""

import re
import uuid
from datetime import date
from io import BytesIO

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import timezone
from PIL import Image

from complaints.models import Complaint
from complaints.services import complaint_assign
from inspections import findings, minutes, samples, services
from inspections.models import ChecklistItem, Inspection, InspectionPlan, Scope
from registry.models import Notification, ProductCategory, Role, User
from tests.complaints.helpers import file_complaint
from tests.factories import OperatorFactory, UserFactory, api_client, unit
from tests.inspections.helpers import decided_inspection

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def fresh(user) -> User:
    """The user again, without the permission cache of the object in hand."""
    return User.objects.get(pk=user.pk)


def plan_form(**changes) -> dict:
    return {
        "title": "Kế hoạch kiểm tra chất lượng mũ bảo hiểm năm 2026",
        "period_start": "2026-03-01",
        "period_end": "2026-11-30",
        "scopes": [Scope.GOODS_QUALITY, Scope.LABEL],
        "operators": "",
        "note": "Kiểm tra tại các chợ đầu mối.",
        **changes,
    }


def a_plan(by, status=InspectionPlan.Status.DRAFT, title="Kế hoạch quý IV") -> InspectionPlan:
    plan = services.plan_create(
        by=by,
        title=title,
        period_start=date(2026, 10, 1),
        period_end=date(2026, 12, 31),
        scopes=[Scope.GOODS_QUALITY, Scope.LABEL],
    )
    if status != InspectionPlan.Status.DRAFT:
        plan = services.plan_submit(by=by, plan=plan)
    if status in (InspectionPlan.Status.APPROVED, InspectionPlan.Status.RETURNED):
        supervisor = User.objects.get(username="bob")
        plan = services.plan_decide(
            by=supervisor,
            plan=plan,
            approve=status == InspectionPlan.Status.APPROVED,
            note="" if status == InspectionPlan.Status.APPROVED else "Thiếu địa bàn",
        )
    return plan


def a_planned_inspection(by, **kwargs) -> Inspection:
    return services.inspection_create(
        by=by,
        operator=kwargs.pop("operator", None) or OperatorFactory(),
        legal_ground=kwargs.pop("legal_ground", "warning"),
        scopes=kwargs.pop("scopes", [Scope.LABEL]),
        place="Chợ Đồng Xuân, Hà Nội",
        scheduled_date=date(2026, 11, 24),
        **kwargs,
    )


# --- Who sees what ------------------------------------------------------------------------------


def test_the_desk_lists_open_to_the_inspection_roles_and_refuse_the_others(
    alice, bob, ivan, olga, cora, client
):
    for user in (alice, bob, ivan):
        assert logged_in(user).get("/plans/").status_code == 200
        assert logged_in(user).get("/inspections/").status_code == 200
    for user in (olga, cora):
        assert logged_in(user).get("/plans/").status_code == 403
        assert logged_in(user).get("/inspections/").status_code == 403
    # Drafting a plan: team leads and supervisors; creating an inspection: supervisors.
    assert logged_in(alice).get("/plans/new/").status_code == 200
    assert logged_in(bob).get("/plans/new/").status_code == 200
    assert logged_in(ivan).get("/plans/new/").status_code == 403
    assert logged_in(bob).get("/inspections/new/").status_code == 200
    assert logged_in(alice).get("/inspections/new/").status_code == 403
    # Signed out: to the sign-in page.
    assert client.get("/plans/").status_code == 302
    assert client.get("/inspections/").status_code == 302


def test_the_navigation_links_the_desk_lists_for_team_leads_and_supervisors(alice, bob, ivan):
    for user in (alice, bob):
        html = logged_in(user).get("/plans/").content.decode()
        assert 'href="/plans/" aria-current="page"' in html
        assert 'href="/inspections/"' in html
    assert 'href="/plans/"' not in logged_in(ivan).get("/field/").content.decode()


def test_another_units_plan_and_inspection_are_404(alice, bob, charlie):
    plan = a_plan(alice)
    inspection = decided_inspection(supervisor=bob, lead=alice)
    stranger = logged_in(charlie)
    assert stranger.get(f"/plans/{plan.pk}/").status_code == 404
    assert stranger.post(f"/plans/{plan.pk}/submit/").status_code == 404
    for path in ("", "decide/", "team/"):
        assert stranger.get(f"/inspections/{inspection.pk}/{path}").status_code == 404
    assert (
        stranger.post(f"/inspections/{inspection.pk}/transition/", {"to": "on_site"}).status_code
        == 404
    )


# --- Plans ------------------------------------------------------------------------------------


def test_a_team_lead_drafts_submits_and_the_supervisor_approves(alice, bob):
    lead = logged_in(alice)
    response = lead.post("/plans/new/", plan_form(operators=""))
    plan = InspectionPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/plans/{plan.pk}/"
    assert plan.status == InspectionPlan.Status.DRAFT and plan.created_by == alice
    page = lead.get(response["Location"])
    assert "Đã lập kế hoạch" in page.content.decode()
    assert "Trình phê duyệt" in page.content.decode()

    response = lead.post(f"/plans/{plan.pk}/submit/")
    assert response.status_code == 302
    assert "lãnh đạo đơn vị đã được thông báo" in said(response)[0]
    plan.refresh_from_db()
    assert plan.status == InspectionPlan.Status.SUBMITTED
    told = Notification.objects.get(recipient=bob)
    assert plan.title in told.subject and told.link == f"/plans/{plan.pk}/"
    # Submitted: no edit, no second submit, and the team lead may not decide.
    html = lead.get(f"/plans/{plan.pk}/").content.decode()
    assert "Trình phê duyệt" not in html and "Sửa kế hoạch" not in html
    assert lead.post(f"/plans/{plan.pk}/decide/", {"decision": "approve"}).status_code == 403

    supervisor = logged_in(bob)
    assert "Ghi ý kiến" in supervisor.get(f"/plans/{plan.pk}/").content.decode()
    response = supervisor.post(f"/plans/{plan.pk}/decide/", {"decision": "approve", "note": ""})
    assert response.status_code == 302 and response["Location"] == f"/plans/{plan.pk}/"
    plan.refresh_from_db()
    assert (plan.status, plan.decided_by) == (InspectionPlan.Status.APPROVED, bob)
    told = Notification.objects.get(recipient=alice)
    assert "đã được phê duyệt" in told.subject
    html = supervisor.get(f"/plans/{plan.pk}/").content.decode()
    assert "Đã phê duyệt kế hoạch; người lập đã được thông báo." in html
    assert "Ghi ý kiến" not in html
    assert f"/inspections/new/?plan={plan.pk}" in html
    # The plan's history, from the audit log.
    for step in ("Lập kế hoạch", "Trình kế hoạch", "Phê duyệt kế hoạch"):
        assert step in html


def test_a_plan_is_returned_with_a_reason_then_corrected_and_submitted_again(alice, bob):
    plan = a_plan(alice, InspectionPlan.Status.SUBMITTED)
    supervisor = logged_in(bob)
    refused = supervisor.post(f"/plans/{plan.pk}/decide/", {"decision": "return", "note": " "})
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "Nhập lý do trả lại kế hoạch" in html and "<title>Lỗi:" in html
    plan.refresh_from_db()
    assert plan.status == InspectionPlan.Status.SUBMITTED

    response = supervisor.post(
        f"/plans/{plan.pk}/decide/", {"decision": "return", "note": "Bổ sung địa bàn kiểm tra"}
    )
    assert response.status_code == 302
    assert "Đã trả lại kế hoạch kèm lý do" in said(response)[0]
    plan.refresh_from_db()
    assert plan.status == InspectionPlan.Status.RETURNED
    told = Notification.objects.get(recipient=alice)
    assert "bị trả lại" in told.subject and told.body == "Bổ sung địa bàn kiểm tra"

    lead = logged_in(alice)
    page = lead.get(f"/plans/{plan.pk}/edit/")
    assert page.status_code == 200 and "Bổ sung địa bàn kiểm tra" in page.content.decode()
    operator = OperatorFactory()
    response = lead.post(
        f"/plans/{plan.pk}/edit/",
        plan_form(title="Kế hoạch quý IV (sửa)", operators=operator.tax_code),
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.title == "Kế hoạch quý IV (sửa)"
    assert list(plan.target_operators.all()) == [operator]
    assert lead.post(f"/plans/{plan.pk}/submit/").status_code == 302
    plan.refresh_from_db()
    assert plan.status == InspectionPlan.Status.SUBMITTED
    # Once submitted, the edit page sends back to the plan.
    response = lead.get(f"/plans/{plan.pk}/edit/")
    assert response.status_code == 302 and response["Location"] == f"/plans/{plan.pk}/"


def test_plan_form_errors_come_back_on_their_fields_with_400(alice):
    response = logged_in(alice).post(
        "/plans/new/",
        plan_form(title="", scopes=[], period_end="2026-01-01", operators="0100109106 123"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "<title>Lỗi:" in html
    assert "Nhập tên kế hoạch" in html
    assert "Chọn ít nhất một phạm vi kiểm tra" in html
    assert "Nhập ngày kết thúc không trước ngày bắt đầu" in html
    assert "123" in html  # the tax code that is wrong is named
    assert not InspectionPlan.objects.exists()


def test_the_plan_list_filters_by_status_and_counts_what_waits_for_approval(alice, bob, nadia):
    a_plan(alice, title="Dự thảo A")
    for n in range(2):
        a_plan(alice, InspectionPlan.Status.SUBMITTED, title=f"Chờ duyệt {n}")
    a_plan(alice, InspectionPlan.Status.APPROVED, title="Đã duyệt")
    a_plan(alice, InspectionPlan.Status.RETURNED, title="Trả lại")
    supervisor = logged_in(bob)
    page = supervisor.get("/plans/?status=submitted")
    assert page.status_code == 200
    waiting = page.context["page"].paginator.count
    assert waiting == 2 == InspectionPlan.objects.filter(status="submitted").count()
    html = page.content.decode()
    assert "Chờ duyệt 0" in html and "Chờ duyệt 1" in html and "Dự thảo A" not in html
    assert "2 kế hoạch" in html
    for status, expected in (("draft", 1), ("approved", 1), ("returned", 1), ("", 5)):
        got = supervisor.get(f"/plans/?status={status}").context["page"].paginator.count
        assert got == expected
    # An unknown status is the whole list, not an error.
    assert supervisor.get("/plans/?status=bogus").context["page"].paginator.count == 5


# --- Inspections ------------------------------------------------------------------------------


def test_a_supervisor_creates_an_inspection_under_an_approved_plan(alice, bob):
    plan = a_plan(alice, InspectionPlan.Status.APPROVED)
    supervisor = logged_in(bob)
    page = supervisor.get(f"/inspections/new/?plan={plan.pk}")
    assert page.status_code == 200
    assert page.context["form"].initial["plan"] == plan
    operator = OperatorFactory()
    response = supervisor.post(
        "/inspections/new/",
        {
            "plan": plan.pk,
            "legal_ground": "annual_plan",
            "scopes": [Scope.LABEL],
            "tax_code": operator.tax_code,
            "place": "Chợ Long Biên",
            "scheduled_date": "2026-11-20",
        },
    )
    inspection = Inspection.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/inspections/{inspection.pk}/"
    assert (inspection.plan, inspection.kind, inspection.status, inspection.operator) == (
        plan,
        Inspection.Kind.PLANNED,
        Inspection.Status.PLANNED,
        operator,
    )
    html = supervisor.get(response["Location"]).content.decode()
    assert "Đã tạo cuộc kiểm tra" in html
    assert "Ban hành quyết định kiểm tra" in html and "Cử đoàn kiểm tra" in html
    # The plan's page lists it.
    assert f"/inspections/{inspection.pk}/" in supervisor.get(f"/plans/{plan.pk}/").content.decode()


def test_the_decision_names_the_goods_in_scope_and_the_minutes_repeat_them(alice, bob):
    """Goods in scope: product categories and, in words, the goods the decision names;
    the inspection page shows them, and the minutes drafted from it state them."""
    category = ProductCategory.objects.create(name="Đồ chơi trẻ em")
    operator = OperatorFactory()
    supervisor = logged_in(bob)
    response = supervisor.post(
        "/inspections/new/",
        {
            "legal_ground": "warning",
            "legal_ground_note": "Cảnh báo số 12/CB",
            "scopes": [Scope.GOODS_QUALITY],
            "tax_code": operator.tax_code,
            "categories": [category.pk],
            "goods": "Xe đồ chơi nhãn hiệu Bé Vui, lô 2026-07",
        },
    )
    assert response.status_code == 302
    inspection = Inspection.objects.get()
    assert list(inspection.categories.all()) == [category]
    assert inspection.goods == "Xe đồ chơi nhãn hiệu Bé Vui, lô 2026-07"
    html = supervisor.get(response["Location"]).content.decode()
    assert "Đồ chơi trẻ em" in html and "Xe đồ chơi nhãn hiệu Bé Vui, lô 2026-07" in html
    content = minutes.snapshot(inspection, number=0, reason="")
    assert content["categories"] == ["Đồ chơi trẻ em"]
    assert content["goods"] == "Xe đồ chơi nhãn hiệu Bé Vui, lô 2026-07"


def test_inspection_form_errors_come_back_with_400(bob, alice):
    supervisor = logged_in(bob)
    response = supervisor.post("/inspections/new/", {"legal_ground": "", "tax_code": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "<title>Lỗi:" in html
    assert "Chọn căn cứ kiểm tra" in html and "Nhập mã số thuế" in html
    # The service's rule (a plan is needed for the annual-plan ground) on its field.
    operator = OperatorFactory()
    response = supervisor.post(
        "/inspections/new/",
        {"legal_ground": "annual_plan", "scopes": ["label"], "tax_code": operator.tax_code},
    )
    assert response.status_code == 400
    assert "cần một kế hoạch đã phê duyệt" in response.content.decode()
    assert not Inspection.objects.exists()


def test_an_inspection_on_reports_links_them_and_moves_them_under_inspection(bob, olga):
    complaint = file_complaint().complaint
    complaint.status = Complaint.Status.TRIAGED
    complaint.save(update_fields=["status"])
    supervisor = logged_in(bob)
    page = supervisor.get("/inspections/new/")
    assert complaint.tracking_number in page.content.decode()
    operator = OperatorFactory()
    response = supervisor.post(
        "/inspections/new/",
        {
            "legal_ground": "complaint",
            "scopes": ["label"],
            "tax_code": operator.tax_code,
            "complaints": [complaint.pk],
        },
    )
    assert response.status_code == 302
    inspection = Inspection.objects.get()
    assert list(inspection.complaints.all()) == [complaint]
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.UNDER_INSPECTION
    html = supervisor.get(f"/inspections/{inspection.pk}/").content.decode()
    assert f'href="/complaints/{complaint.pk}/"' in html


def report_under_inspection(bob, *, handler=None):
    """A triaged report (given to `handler`, if any) and the inspection bob opened on it."""
    complaint = file_complaint().complaint
    Complaint.objects.filter(pk=complaint.pk).update(status=Complaint.Status.TRIAGED)
    complaint.refresh_from_db()
    if handler is not None:
        complaint_assign(by=bob, complaint=complaint, officer=handler)
    inspection = services.inspection_from_complaints(
        by=bob, complaints=[complaint], operator=OperatorFactory(), scopes=[Scope.LABEL]
    )
    return complaint, inspection


def test_cancelling_an_inspection_gives_its_reports_back_to_their_handlers(bob, olga):
    """A cancelled inspection does not leave its reports "under inspection" with nobody
    told: each goes back to "triaged", its handler is notified and the reporter reads
    that the inspection will not take place (never the internal reason). A report that
    another live inspection still covers stays under inspection."""
    alone, shared = (file_complaint().complaint for _ in range(2))
    Complaint.objects.filter(pk__in=[alone.pk, shared.pk]).update(status=Complaint.Status.TRIAGED)
    alone.refresh_from_db()
    shared.refresh_from_db()
    complaint_assign(by=bob, complaint=alone, officer=olga)
    operator = OperatorFactory()
    cancelled = services.inspection_from_complaints(
        by=bob, complaints=[alone, shared], operator=operator, scopes=[Scope.LABEL]
    )
    shared.refresh_from_db()
    services.inspection_from_complaints(
        by=bob,
        complaints=[shared],
        operator=OperatorFactory(),
        scopes=[Scope.LABEL],
    )
    supervisor = logged_in(bob)
    response = supervisor.post(
        f"/inspections/{cancelled.pk}/transition/",
        {"to": Inspection.Status.CANCELLED, "note": "Trùng lịch với đoàn liên ngành"},
    )
    assert response.status_code == 302
    assert said(response)[1] == (
        f"Phản ánh {alone.tracking_number} trở lại trạng thái “Đã phân loại”; người xử lý "
        "đã được thông báo."
    )
    alone.refresh_from_db()
    shared.refresh_from_db()
    assert alone.status == Complaint.Status.TRIAGED
    assert shared.status == Complaint.Status.UNDER_INSPECTION
    event = alone.events.order_by("-at", "-pk").first()
    assert event.status_to == Complaint.Status.TRIAGED
    assert "không tiến hành" in event.public_note
    assert "Trùng lịch" not in event.public_note
    told = Notification.objects.get(recipient=olga)
    assert alone.tracking_number in told.subject and "hủy" in told.subject
    assert told.link == f"/complaints/{alone.pk}/"
    assert not Notification.objects.filter(recipient=bob, subject__contains="hủy").exists()
    # The handler acts next: the report is back in the list of triaged reports, and may
    # be inspected again.
    page = logged_in(olga).get(f"/complaints/{alone.pk}/").content.decode()
    assert "Đã phân loại" in page


def test_a_cancelled_inspections_unhandled_report_goes_to_the_units_supervisors(bob):
    complaint, inspection = report_under_inspection(bob)
    other = UserFactory(username="sue", unit=unit("01"), roles=[Role.SUPERVISOR])
    response = logged_in(bob).post(
        f"/inspections/{inspection.pk}/transition/",
        {"to": Inspection.Status.CANCELLED, "note": "Trùng lịch"},
    )
    assert said(response)[1] == (
        f"Phản ánh {complaint.tracking_number} trở lại trạng thái “Đã phân loại” và chưa có "
        "người xử lý: hãy giao cho cán bộ tiếp nhận."
    )
    page = logged_in(bob).get(response.url).content.decode()
    assert "Cuộc kiểm tra dự kiến, đã hủy trước khi có quyết định" in page
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.TRIAGED
    assert Notification.objects.filter(recipient=other, subject__contains="hủy").count() == 1
    assert not Notification.objects.filter(recipient=bob, subject__contains="hủy").exists()


def test_a_report_whose_handler_left_goes_to_the_supervisors_and_the_page_says_so(bob, olga):
    """A deactivated handler is told nothing; the unit's other supervisors are, and the
    page says the report has nobody to handle it. Cancelled through the API."""
    complaint, inspection = report_under_inspection(bob, handler=olga)
    User.objects.filter(pk=olga.pk).update(is_active=False)
    sue = UserFactory(username="sue", unit=unit("01"), roles=[Role.SUPERVISOR])
    response = api_client(bob).post(
        f"/api/v1/inspections/{inspection.pk}/transition",
        {"to": "cancelled", "note": "Trùng lịch"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.TRIAGED
    assert not Notification.objects.filter(recipient=olga).exists()
    assert Notification.objects.filter(recipient=sue, subject__contains="hủy").count() == 1


def test_the_supervisor_handling_the_report_is_not_told_what_they_did(bob):
    complaint, inspection = report_under_inspection(bob, handler=bob)
    response = logged_in(bob).post(
        f"/inspections/{inspection.pk}/transition/", {"to": "cancelled", "note": "Trùng lịch"}
    )
    assert said(response)[1] == (
        f"Phản ánh {complaint.tracking_number} trở lại trạng thái “Đã phân loại”."
    )
    assert not Notification.objects.filter(subject__contains="hủy").exists()


def test_the_team_gives_and_takes_the_members_access(alice, bob, ivan):
    inspection = a_planned_inspection(bob)
    supervisor = logged_in(bob)
    assert logged_in(ivan).get(f"/inspections/{inspection.pk}/").status_code == 404
    page = supervisor.get(f"/inspections/{inspection.pk}/team/")
    assert page.status_code == 200
    assert ivan.full_name in page.content.decode()

    response = supervisor.post(
        f"/inspections/{inspection.pk}/team/", {"lead": alice.pk, "members": [ivan.pk]}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/inspections/{inspection.pk}/"
    assert "Đã cử đoàn kiểm tra" in said(response)[0]
    assert fresh(ivan).has_perm("inspections.view_inspection", inspection)
    assert logged_in(ivan).get(f"/inspections/{inspection.pk}/").status_code == 200
    assert logged_in(alice).get(f"/inspections/{inspection.pk}/").status_code == 200

    # Taken off the team: the permission and the page are gone.
    response = supervisor.post(f"/inspections/{inspection.pk}/team/", {"lead": alice.pk})
    assert response.status_code == 302
    assert not fresh(ivan).has_perm("inspections.view_inspection", inspection)
    assert not fresh(ivan).has_perm("inspections.change_inspection", inspection)
    assert logged_in(ivan).get(f"/inspections/{inspection.pk}/").status_code == 404
    assert list(inspection.team.values_list("user__username", "role")) == [("alice", "lead")]


def test_the_team_form_refuses_a_lead_without_the_role_and_team_leads_may_not_set_it(
    alice, bob, ivan
):
    inspection = a_planned_inspection(bob)
    services.inspection_set_team(by=bob, inspection=inspection, lead=alice)
    response = logged_in(bob).post(f"/inspections/{inspection.pk}/team/", {"lead": ivan.pk})
    assert response.status_code == 400  # ivan is no team lead: not among the choices
    assert "<title>Lỗi:" in response.content.decode()
    assert logged_in(alice).get(f"/inspections/{inspection.pk}/team/").status_code == 403
    assert (
        logged_in(alice).post(f"/inspections/{inspection.pk}/team/", {"lead": alice.pk})
    ).status_code == 403


def test_the_decision_is_issued_from_its_page_and_the_team_is_told(alice, bob, ivan):
    inspection = a_planned_inspection(bob)
    supervisor = logged_in(bob)
    # Without a team lead the service refuses: the page says why (409).
    response = supervisor.post(
        f"/inspections/{inspection.pk}/decide/",
        {"decision_number": "15/QĐ-CCTĐC", "decision_date": "2026-11-20"},
    )
    assert response.status_code == 409
    assert "Hãy cử trưởng đoàn trước khi ban hành quyết định" in response.content.decode()

    services.inspection_set_team(by=bob, inspection=inspection, lead=alice, members=[ivan])
    assert logged_in(alice).get(f"/inspections/{inspection.pk}/decide/").status_code == 403
    missing = supervisor.post(f"/inspections/{inspection.pk}/decide/", {"decision_number": ""})
    assert missing.status_code == 400
    assert "Nhập số quyết định kiểm tra" in missing.content.decode()

    response = supervisor.post(
        f"/inspections/{inspection.pk}/decide/",
        {"decision_number": "15/QĐ-CCTĐC", "decision_date": "2026-11-20"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/inspections/{inspection.pk}/"
    inspection.refresh_from_db()
    assert (inspection.status, inspection.decision_number, inspection.decision_date) == (
        Inspection.Status.DECIDED,
        "15/QĐ-CCTĐC",
        date(2026, 11, 20),
    )
    for member in (alice, ivan):
        told = Notification.objects.get(recipient=member)
        assert "15/QĐ-CCTĐC" in told.subject
        assert told.link == f"/field/inspections/{inspection.pk}/"
    html = supervisor.get(response["Location"]).content.decode()
    assert "Đã ban hành quyết định kiểm tra số 15/QĐ-CCTĐC" in html
    assert f"/inspections/{inspection.pk}/decide/" not in html  # no stale button
    # The same number again in the unit: refused on its field.
    other = a_planned_inspection(bob)
    services.inspection_set_team(by=bob, inspection=other, lead=alice)
    again = supervisor.post(
        f"/inspections/{other.pk}/decide/",
        {"decision_number": "15/QĐ-CCTĐC", "decision_date": "2026-11-21"},
    )
    assert again.status_code == 409 and "đã được dùng" in again.content.decode()


def test_a_member_added_after_the_decision_is_told(alice, bob, ivan):
    inspection = decided_inspection(supervisor=bob, lead=alice)
    Notification.objects.all().delete()
    logged_in(bob).post(
        f"/inspections/{inspection.pk}/team/", {"lead": alice.pk, "members": [ivan.pk]}
    )
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["ivan"]


def test_the_inspection_list_filters_by_status_and_counts_what_waits_for_a_decision(
    alice, bob, charlie
):
    for _n in range(3):
        a_planned_inspection(bob)
    decided_inspection(supervisor=bob, lead=alice, number="02/QĐ")
    supervisor = logged_in(bob)
    page = supervisor.get("/inspections/?status=planned")
    assert page.context["page"].paginator.count == 3
    assert Inspection.objects.filter(status="planned").count() == 3
    assert "3 cuộc kiểm tra" in page.content.decode()
    assert supervisor.get("/inspections/?status=decided").context["page"].paginator.count == 1
    assert supervisor.get("/inspections/").context["page"].paginator.count == 4
    # A team lead sees only the inspections she is on.
    assert logged_in(alice).get("/inspections/").context["page"].paginator.count == 1
    assert logged_in(charlie).get("/inspections/").context["page"].paginator.count == 0


def jpeg() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (80, 60), (10, 120, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_the_inspection_page_gathers_the_case(alice, bob, ivan, django_capture_on_commit_callbacks):
    inspection = decided_inspection(
        supervisor=bob, lead=alice, members=[ivan], day=timezone.localdate()
    )
    services.inspection_transition(by=alice, inspection=inspection, to=Inspection.Status.ON_SITE)
    item = ChecklistItem.objects.get(template__version=1, code="vietnamese_label")
    finding, _created = findings.finding_create(
        by=alice,
        inspection=inspection,
        client_uuid=uuid.uuid4(),
        item=item,
        result="non_conforming",
        note="Không có nhãn phụ tiếng Việt",
    )
    with django_capture_on_commit_callbacks(execute=True):
        photo, _created = findings.evidence_upload(
            by=alice, finding=finding, data=jpeg(), filename="a.jpg"
        )
    sample, _created = samples.sample_create(
        by=alice,
        inspection=inspection,
        client_uuid=uuid.uuid4(),
        product_name="Mũ bảo hiểm X",
        batch="L01",
        test_unit_seal="NP-1",
        retained_unit_seal="NP-2",
        sampling_record_number="BB-LM-1",
        sampled_at="2026-11-24T10:00:00+07:00",
    )
    samples.sample_send(by=alice, sample=sample, lab_name="Quatest 1", sent_on=date(2026, 11, 24))
    samples.lab_result_record(
        by=alice,
        sample=sample,
        test_report_number="KQ-77",
        result_on=date(2026, 11, 28),
        criteria=[{"criterion": "Độ bền va đập", "limit_max": 10, "measured": 12}],
    )

    for user in (bob, alice, ivan):
        page = logged_in(user).get(f"/inspections/{inspection.pk}/")
        assert page.status_code == 200
    html = logged_in(bob).get(f"/inspections/{inspection.pk}/").content.decode()
    # Status and its history, the team, the finding with its thumbnail.
    assert "Đang kiểm tra tại chỗ" in html and "Đã lấy mẫu" in html
    assert "Không có nhãn phụ tiếng Việt" in html
    assert f"/api/v1/findings/{finding.pk}/photos/{photo.pk}/thumb" in html
    # The sample, its lab result, the failed sample's follow-up and its clocks.
    assert "KQ-77" in html and "Độ bền va đập" in html and "Không đạt" in html
    assert "Chờ đoàn báo cáo" in html
    assert inspection.clocks.exists()
    for clock in inspection.clocks.all():
        assert clock.get_kind_display() in html
    # Violation handling is acted on at the case page; the audit trail is the inspection's.
    assert f'href="/cases/{inspection.pk}/"' in html
    for step in ("Tạo cuộc kiểm tra", "Cử đoàn kiểm tra", "Ban hành quyết định kiểm tra"):
        assert step in html
    assert "Ghi kết quả thử nghiệm" in html
    assert f'href="/field/inspections/{inspection.pk}/"' in html
    # Actions for those who may take them: the supervisor closes nothing yet, the
    # inspector concludes nothing.
    ivan_html = logged_in(ivan).get(f"/inspections/{inspection.pk}/").content.decode()
    assert "/team/" not in ivan_html and "/decide/" not in ivan_html
    assert 'value="concluded"' not in ivan_html
    alice_html = logged_in(alice).get(f"/inspections/{inspection.pk}/").content.decode()
    assert 'value="concluded"' in alice_html


def test_transitions_from_the_desk_page(alice, bob, ivan):
    inspection = decided_inspection(supervisor=bob, lead=alice, members=[ivan])
    member = logged_in(ivan)
    response = member.post(f"/inspections/{inspection.pk}/transition/", {"to": "on_site"})
    assert response.status_code == 302
    assert "Đang kiểm tra tại chỗ" in said(response)[0]
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.ON_SITE
    # Concluding needs the team lead: refused with 403 and the reason on the page.
    refused = member.post(f"/inspections/{inspection.pk}/transition/", {"to": "concluded"})
    assert refused.status_code == 403
    assert "Chỉ trưởng đoàn kết luận cuộc kiểm tra" in refused.content.decode()
    # A status the flow does not allow from here: 409.
    wrong = member.post(f"/inspections/{inspection.pk}/transition/", {"to": "decided"})
    assert wrong.status_code == 409
    empty = member.post(f"/inspections/{inspection.pk}/transition/", {"to": ""})
    assert empty.status_code == 400 and "Chọn trạng thái mới" in empty.content.decode()
    lead = logged_in(alice)
    # Not before the minutes are signed (the tablet's rule too).
    early = lead.post(f"/inspections/{inspection.pk}/transition/", {"to": "concluded"})
    assert early.status_code == 409 and "Hãy ký biên bản" in early.content.decode()
    drafted = minutes.minutes_draft(by=alice, inspection=inspection)
    minutes.minutes_sign(
        by=alice, minutes=drafted, team_signers=[alice], representative_name="Lê Văn Bình"
    )
    assert lead.post(
        f"/inspections/{inspection.pk}/transition/", {"to": "concluded", "note": "Xong"}
    ).status_code == (302)
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.CONCLUDED
    assert inspection.events.last().note == "Xong"


def test_the_audit_trail_links_entries_for_auditors_only(alice, bob):
    inspection = decided_inspection(supervisor=bob, lead=alice)
    html = logged_in(bob).get(f"/inspections/{inspection.pk}/").content.decode()
    assert "/audit/" not in html
    # A supervisor who is also an auditor gets a link to each entry.
    both = UserFactory(username="both", unit=unit("01"), roles=["supervisor", "auditor"])
    html = logged_in(both).get(f"/inspections/{inspection.pk}/").content.decode()
    assert re.search(r'href="/audit/\d+/"', html)


def test_the_desk_lists_take_a_fixed_number_of_queries(alice, bob, django_assert_max_num_queries):
    for n in range(3):
        a_plan(alice, InspectionPlan.Status.SUBMITTED, title=f"Kế hoạch {n}")
        decided_inspection(supervisor=bob, lead=alice, number=f"{n}/QĐ")
    supervisor = logged_in(bob)
    supervisor.get("/plans/")
    with django_assert_max_num_queries(12):
        assert supervisor.get("/plans/").status_code == 200
    with django_assert_max_num_queries(12):
        assert supervisor.get("/inspections/").status_code == 200
    for n in range(3, 9):
        a_plan(alice, InspectionPlan.Status.SUBMITTED, title=f"Kế hoạch {n}")
        decided_inspection(supervisor=bob, lead=alice, number=f"{n}/QĐ")
    with django_assert_max_num_queries(12):
        assert supervisor.get("/plans/").status_code == 200
    with django_assert_max_num_queries(12):
        assert supervisor.get("/inspections/").status_code == 200
