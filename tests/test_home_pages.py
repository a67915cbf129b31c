"""Home pages count the work waiting for each role (registry/home.py), each count equal
to the list its link opens: the complaint officer's triage queues, the custodian's
disclosure requests, the field roles' inspections of the day."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from complaints.models import Complaint
from registry.management.commands.seed_demo import DEMO_USERS
from registry.models import Role
from tests.complaints.helpers import file_complaint

pytestmark = pytest.mark.django_db
QUEUE = re.compile(r'href="(/complaints/\?queue=\w+)">[^<]*<span class="queue__count">(\d+)</span>')


def queues_on_home(client) -> dict[str, int]:
    html = client.get("/home/complaint_officer/").content.decode()
    return {url: int(count) for url, count in QUEUE.findall(html)}


def listed(client, url) -> int:
    return client.get(url).context["page"].paginator.count


def test_every_count_is_the_length_of_its_list(olga, client_for):
    reports = [file_complaint().complaint for _ in range(5)]
    file_complaint(province_code="79")  # another unit's: counted nowhere here
    now = timezone.now()
    Complaint.objects.filter(pk=reports[0].pk).update(due_at=now - timedelta(hours=1))
    Complaint.objects.filter(pk=reports[1].pk).update(due_at=now + timedelta(hours=2))
    Complaint.objects.filter(pk=reports[2].pk).update(status=Complaint.Status.ACKNOWLEDGED)
    client = client_for(olga)
    shown = queues_on_home(client)
    assert set(shown) == {
        "/complaints/?queue=new",
        "/complaints/?queue=due_soon",
        "/complaints/?queue=overdue",
        "/complaints/?queue=open",
    }
    for url, count in shown.items():
        assert count == listed(client, url), url
    assert shown["/complaints/?queue=new"] == 4
    assert shown["/complaints/?queue=overdue"] == 1


def test_an_empty_unit_counts_zero_everywhere(olga, client_for):
    client = client_for(olga)
    shown = queues_on_home(client)
    assert shown and set(shown.values()) == {0}
    for url in shown:
        assert listed(client, url) == 0


def test_the_custodians_count_is_the_list_of_requests_waiting(cora, olga, client_for):
    from whistleblower import services as vault

    reports = [
        file_complaint(identity={"full_name": f"Người {n}", "phone": "0912345678"}).complaint
        for n in range(3)
    ]
    for report in reports:
        vault.disclosure_request(by=olga, complaint=report, reason="Cần liên hệ để xác minh")
    client = client_for(cora)
    html = client.get("/home/identity_custodian/").content.decode()
    found = re.search(
        r'href="(/disclosures/\?status=pending)">[^<]*<span class="queue__count">(\d+)</span>',
        html,
    )
    assert found and int(found.group(2)) == 3
    assert client.get(found.group(1)).context["page"].paginator.count == 3
    assert client.get("/disclosures/?status=approved").context["page"].paginator.count == 0


def test_the_field_roles_count_todays_inspections(alice, bob, client_for):
    from tests.inspections.helpers import decided_inspection

    today = timezone.localdate()
    decided_inspection(supervisor=bob, lead=alice, day=today)
    decided_inspection(supervisor=bob, lead=alice, number="02/QĐ-KT", day=today)
    decided_inspection(supervisor=bob, lead=alice, number="03/QĐ-KT")  # another day
    client = client_for(alice)
    html = client.get("/home/team_lead/").content.decode()
    found = re.search(r'href="/field/">[^<]*<span class="queue__count">(\d+)</span>', html)
    page = client.get("/field/")
    assert found and int(found.group(1)) == len(page.context["today"]) == 2
    assert all(i.scheduled_date == today for i in page.context["today"])


# --- Every role, on the demo data and on an empty database ----------------------------------

ANY_QUEUE = re.compile(
    r'<a class="queue[^"]*" href="([^"]+)">[^<]*<span class="queue__count">(\d+)</span>'
)


def all_queues(client, role: str) -> list[tuple[str, int]]:
    response = client.get(f"/home/{role}/")
    assert response.status_code == 200
    html = response.content.decode().replace("&amp;", "&")
    assert "Chưa có" not in html  # no fixed placeholder claims there is nothing
    return [(url, int(count)) for url, count in ANY_QUEUE.findall(html)]


def list_length(client, url: str) -> int:
    """How many rows the list at `url` holds, as the page itself counts them."""
    response = client.get(url)
    assert response.status_code == 200, url
    context = response.context
    if url.startswith("/field/"):
        return len(context["today"])
    if "cl" in context:  # an admin change list
        return context["cl"].result_count
    return context["page"].paginator.count


def check_counts(user, role: str) -> dict[str, int]:
    client = Client()
    client.force_login(user)
    shown = all_queues(client, role)
    for url, count in shown:
        assert count == list_length(client, url), (user.username, role, url)
    return dict(shown)


@pytest.fixture
def demo(settings):
    from io import StringIO

    from django.core.management import call_command

    for command in (
        "seed_demo",
        "seed_demo_provisions",
        "seed_demo_inspections",
        "seed_demo_cases",
        "seed_demo_reports",
    ):
        call_command(command, stdout=StringIO())


def test_every_demo_users_counts_are_the_lists_they_link_to(demo):
    from registry.models import User

    seen = {}
    for user in User.objects.filter(username__in=[u for u, *_ in DEMO_USERS]):
        for role in user.role_names:
            seen[(user.username, role)] = check_counts(user, role)
    # Each role has work on its page, and the demo puts something in some of it.
    assert {role for _, role in seen} == set(Role.values)
    assert all(seen[key] for key in seen), [key for key in seen if not seen[key]]
    officer = seen[("tiepnhan.hn", Role.COMPLAINT_OFFICER)]
    assert officer["/complaints/?queue=new"] > 0
    lead = seen[("truongdoan.hn", Role.TEAM_LEAD)]
    assert lead["/field/"] > 0  # the demo's inspections of today
    assert ("lanhdao.hn", Role.SUPERVISOR) in seen


def test_an_empty_database_counts_zero_for_every_role(roles):
    from tests.factories import UserFactory

    for role in Role.values:
        user = UserFactory(username=f"empty-{role}", roles=[role], is_staff=role == Role.ADMIN)
        shown = check_counts(user, role)
        if role != Role.LEGAL_OFFICER:  # the catalogue's migrations bring rows to verify
            assert set(shown.values()) <= {0}, (role, shown)
        assert shown, role


def test_the_supervisors_queues_and_their_first_items(alice, bob, client_for):
    """Plans submitted, inspections waiting for a decision, decisions submitted and the
    clocks: each counted as its list, its first items linking to them."""
    from inspections.models import Inspection, InspectionPlan
    from tests.inspections.helpers import decided_inspection

    today = timezone.localdate()
    plan = InspectionPlan.objects.create(
        unit=bob.unit,
        title="Kế hoạch kiểm tra mũ bảo hiểm quý III",
        period_start=today,
        period_end=today + timedelta(days=90),
        status=InspectionPlan.Status.SUBMITTED,
        created_by=alice,
    )
    InspectionPlan.objects.create(
        unit=bob.unit, title="Bản nháp", period_start=today, period_end=today, created_by=alice
    )
    inspection = decided_inspection(supervisor=bob, lead=alice)
    Inspection.objects.filter(pk=inspection.pk).update(status=Inspection.Status.PLANNED)
    client = client_for(bob)
    html = client.get("/home/supervisor/").content.decode()
    shown = dict(check_counts(bob, Role.SUPERVISOR))
    assert shown["/plans/?status=submitted"] == 1
    assert shown["/inspections/?status=planned"] == 1
    assert shown["/cases/decisions/?status=submitted"] == 0
    assert set(shown) >= {"/clocks/?due=soon", "/clocks/?due=overdue"}
    assert plan.title in html and f'href="/plans/{plan.pk}/"' in html
    assert f'href="/inspections/{inspection.pk}/"' in html


def test_the_team_leads_minutes_to_sign_and_returned_decisions(alice, bob, ivan, client_for):
    """On site without minutes, or with draft minutes: to sign; a penalty decision the
    supervisor returned: back with the team. Each counted as /work/<key>/ lists it, and
    gone once done; a colleague off the team sees none of it."""
    from inspections import services
    from inspections.models import Inspection, Minutes
    from tests.inspections.helpers import decided_inspection
    from tests.violations.test_case_pages_decisions import drafted
    from tests.violations.test_violations import signed_record
    from violations import decisions

    inspection = decided_inspection(supervisor=bob, lead=alice)
    inspection = services.inspection_transition(
        by=alice, inspection=inspection, to=Inspection.Status.ON_SITE
    )
    decision = drafted(signed_record(inspection, alice), alice)
    decisions.decision_submit(by=alice, decision=decision)
    decisions.decision_decide(by=bob, decision=decision, approve=False, note="Thiếu căn cứ")

    lead = dict(check_counts(alice, Role.TEAM_LEAD))
    assert lead["/work/minutes-to-sign/"] == 1
    assert lead["/work/decisions-returned/"] == 1
    html = client_for(alice).get("/home/team_lead/").content.decode()
    assert f'href="/field/inspections/{inspection.pk}/minutes/"' in html
    record = decision.record
    assert f'href="/cases/records/{record.pk}/decision/"' in html and "Thiếu căn cứ" in html
    assert dict(check_counts(ivan, Role.INSPECTOR))  # shown, and equal to its lists

    minutes = Minutes.objects.create(inspection=inspection, created_by=alice)
    assert dict(check_counts(alice, Role.TEAM_LEAD))["/work/minutes-to-sign/"] == 1
    Minutes.objects.filter(pk=minutes.pk).update(status=Minutes.Status.SIGNED)
    decisions.decision_submit(by=alice, decision=decision)
    lead = dict(check_counts(alice, Role.TEAM_LEAD))
    assert lead["/work/minutes-to-sign/"] == 0
    assert lead["/work/decisions-returned/"] == 0
    assert "Không có việc nào" in client_for(alice).get("/work/minutes-to-sign/").content.decode()
    assert client_for(alice).get("/work/nothing-here/").status_code == 404


def test_the_auditors_counts_are_the_filtered_audit_log(audrey, olga, client_for):
    from django.db import transaction

    from registry.audit import audit_record
    from registry.models import AuditEntry

    report = file_complaint().complaint
    with transaction.atomic():
        for _ in range(2):
            audit_record(actor=olga, action="identity.view", target=report)
        audit_record(actor=olga, action="identity.request", target=report)
    old = AuditEntry.objects.filter(action="identity.view").order_by("pk").first()
    AuditEntry.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=40))

    shown = check_counts(audrey, Role.AUDITOR)
    today = timezone.localdate()
    assert shown[f"/audit/?day={today:%Y-%m-%d}"] >= 3  # the filing's entries and these
    views = [url for url in shown if "identity.view" in url]
    assert len(views) == 1 and shown[views[0]] == 1
    client = client_for(audrey)
    assert client.get("/audit/?action=identity.").context["page"].paginator.count == 3
    filtered = client.get("/audit/?action=identity.view").content.decode()
    assert "Đang lọc" in filtered and "identity.view" in filtered
    assert client.get("/audit/?day=not-a-date").status_code == 200


def test_the_protection_requests_waiting_are_counted_for_custodians_and_supervisors(
    bob, cora, olga, client_for
):
    """The custodian's and the supervisor's "Đề nghị bảo vệ chờ quyết định" is the list
    /protection/?status=pending; a supervisor who handles the report counts none of its."""
    from complaints.services import complaint_assign
    from tests.factories import UserFactory
    from whistleblower import protection

    reports = [file_complaint().complaint for _ in range(3)]
    for report in reports:
        protection.protection_request_file(
            complaint=report, kinds=["job"], fear="Tôi lo bị trù dập.", network_key="n"
        )
    decided = protection.protection_request_file(
        complaint=file_complaint().complaint, kinds=["life"], fear="Bị đe dọa.", network_key="n"
    )
    protection.protection_decide(by=cora, request_id=decided.pk, grant=False, reason="Chưa rõ")
    sam = UserFactory(username="sam", roles=[Role.SUPERVISOR])
    complaint_assign(by=bob, complaint=reports[0], officer=sam)
    url = "/protection/?status=pending"
    for user, role, expected in (
        (cora, Role.IDENTITY_CUSTODIAN, 3),
        (bob, Role.SUPERVISOR, 3),
        (sam, Role.SUPERVISOR, 2),
    ):
        shown = check_counts(user, role)
        assert shown[url] == expected, (user.username, shown)
    html = client_for(cora).get("/home/identity_custodian/").content.decode()
    assert "Đề nghị bảo vệ chờ quyết định" in html
    assert f"Đề nghị bảo vệ số {decided.pk}, phản ánh" not in html  # decided: not waiting
    assert f"Đề nghị bảo vệ số {decided.pk - 1}, phản ánh {reports[2].tracking_number}" in html
    assert url not in dict(check_counts(olga, Role.COMPLAINT_OFFICER))


def test_the_rewards_waiting_are_counted_as_their_lists(alice, bob, olga, cora):
    """Proposals for the supervisor to approve, rewards for the officer to pay at the
    counter, payee details given to the custodian: each counted as the /rewards/ list it
    links to, and gone from it once done."""
    from complaints.rewards import reward_choose, reward_decide
    from tests.complaints.test_rewards import PAYEE, propose

    proposals = [propose(file_complaint().complaint, alice) for _ in range(4)]
    for reward in proposals[1:]:
        reward_decide(by=bob, reward=reward, approve=True)
    reward_choose(complaint=proposals[1].complaint, choice="counter")
    payee = {key.removeprefix("payee_"): value for key, value in PAYEE.items()}
    reward_choose(complaint=proposals[2].complaint, choice="disclose", payee=payee)
    assert check_counts(bob, Role.SUPERVISOR)["/rewards/?status=proposed"] == 1
    assert check_counts(olga, Role.COMPLAINT_OFFICER)["/rewards/?status=counter"] == 1
    assert check_counts(cora, Role.IDENTITY_CUSTODIAN)["/rewards/?status=disclosed"] == 1
    html = Client()
    html.force_login(bob)
    page = html.get("/home/supervisor/").content.decode()
    assert "Khen thưởng chờ duyệt" in page and f'href="/rewards/{proposals[0].pk}/"' in page
    reward_decide(by=bob, reward=proposals[0], approve=False, reason="Chưa đủ căn cứ")
    assert check_counts(bob, Role.SUPERVISOR)["/rewards/?status=proposed"] == 0
