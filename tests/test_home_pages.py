"""Home pages count the work waiting for each role (registry/home.py), each count equal
to the list its link opens: the complaint officer's triage queues, the custodian's
disclosure requests, the field roles' inspections of the day."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.models import Complaint
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
