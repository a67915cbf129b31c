"""The complaint officer's home page counts the triage queues, each count equal to the
list its link opens."""

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
