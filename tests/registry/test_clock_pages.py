"""/clocks/: the running legal clocks of the cases a user may see (registry/clock_views.py),
filtered to those due within 2 working days or overdue, and to the user's own cases; the
home pages count these same lists."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.models import Complaint
from inspections.clocks import InspectionClock
from inspections.models import Sample
from registry import clocks, workdays
from registry.models import LegalClock
from tests.complaints.helpers import file_complaint
from tests.inspections.helpers import decided_inspection

pytestmark = pytest.mark.django_db


def _due(clock: LegalClock, days: int) -> LegalClock:
    """Move the clock's last day `days` calendar days from today (negative: past)."""
    due_on = timezone.localdate() + timedelta(days=days)
    LegalClock.objects.filter(pk=clock.pk).update(due_on=due_on, due_at=clocks.end_of_day(due_on))
    clock.refresh_from_db()
    return clock


def _retention_clock(inspection) -> LegalClock:
    sample = Sample.objects.create(
        inspection=inspection,
        product_name="Mũ bảo hiểm nửa đầu",
        test_unit_seal="NT-001",
        retained_unit_seal="NL-001",
        sampling_record_number="01/BB-LM",
        sampled_at=timezone.now(),
        sampled_by=inspection.decided_by,
    )
    return clocks.clock_start(
        kind=InspectionClock.SAMPLE_RETENTION,
        subject_id=sample.pk,
        unit=inspection.unit,
        case=inspection,
    )


def _listed(client, url) -> list[LegalClock]:
    response = client.get(url)
    assert response.status_code == 200
    return [row.clock for row in response.context["rows"]]


@pytest.fixture
def cases(alice, bob):
    """A Hà Nội report with its clocks, another unit's report, and alice's inspection
    with a sample kept: one clock overdue, one due within 2 working days, one later."""
    report = file_complaint().complaint
    file_complaint(province_code="79")
    inspection = decided_inspection(supervisor=bob, lead=alice)
    retention = _retention_clock(inspection)
    report_clocks = list(
        LegalClock.objects.filter(case_id=report.pk, state=LegalClock.State.RUNNING).exclude(
            case_type__model="inspection"
        )
    )
    overdue = _due(report_clocks[0], -3)
    soon_day = workdays.add_working_days(timezone.localdate(), 1)
    soon = _due(retention, (soon_day - timezone.localdate()).days)
    later = [_due(c, 40) for c in report_clocks[1:]]
    return {
        "report": report,
        "inspection": inspection,
        "overdue": overdue,
        "soon": soon,
        "later": later,
    }


def test_a_supervisor_sees_the_units_clocks_nearest_first(bob, client_for, cases):
    client = client_for(bob)
    shown = _listed(client, "/clocks/")
    assert shown[0] == cases["overdue"] and shown[1] == cases["soon"]
    hanoi = LegalClock.objects.filter(state=LegalClock.State.RUNNING, unit=bob.unit)
    assert {c.pk for c in shown} == set(hanoi.values_list("pk", flat=True))
    assert not LegalClock.objects.filter(pk__in=[c.pk for c in shown], unit__code="79").exists()
    assert _listed(client, "/clocks/?due=overdue") == [cases["overdue"]]
    assert _listed(client, "/clocks/?due=soon") == [cases["soon"]]


def test_the_page_shows_the_case_the_deadline_and_the_working_days_left(bob, client_for, cases):
    html = client_for(bob).get("/clocks/").content.decode()
    report = cases["report"]
    assert f'href="/complaints/{report.pk}/"' in html and report.tracking_number in html
    assert f'href="/cases/{cases["inspection"].pk}/"' in html
    assert cases["soon"].due_on.strftime("%d/%m/%Y") in html
    assert "còn 1 ngày làm việc" in html
    assert "quá hạn" in html
    assert not re.search(r"\d{4}-\d{2}-\d{2}</time>", html)


def test_a_team_member_sees_only_the_clocks_of_their_inspections(alice, ivan, client_for, cases):
    assert _listed(client_for(alice), "/clocks/") == [cases["soon"]]
    assert _listed(client_for(alice), "/clocks/?due=soon&mine=1") == [cases["soon"]]
    assert _listed(client_for(ivan), "/clocks/") == []
    assert _listed(client_for(alice), "/clocks/?due=overdue") == []


def test_mine_narrows_a_supervisor_to_the_inspections_they_are_on(bob, client_for, cases):
    assert _listed(client_for(bob), "/clocks/?mine=1") == []


def test_another_units_officer_sees_none_of_hanois_clocks(oscar, client_for, cases):
    shown = _listed(client_for(oscar), "/clocks/")
    assert shown and all(c.unit.code == "79" for c in shown)


def test_stopped_clocks_are_not_listed(bob, client_for, cases):
    LegalClock.objects.filter(pk=cases["overdue"].pk).update(state=LegalClock.State.MET)
    assert cases["overdue"] not in _listed(client_for(bob), "/clocks/")


def test_the_home_pages_count_the_same_lists(alice, bob, client_for, cases):
    pattern = r'href="(/clocks/\?[^"]+)">[^<]*<span class="queue__count">(\d+)</span>'
    for user, role in ((bob, "supervisor"), (alice, "team_lead"), (alice, "inspector")):
        client = client_for(user)
        html = client.get(f"/home/{role}/").content.decode().replace("&amp;", "&")
        found = re.findall(pattern, html)
        assert found, role
        for url, count in found:
            assert int(count) == client.get(url).context["page"].paginator.count, (role, url)
    html = client_for(bob).get("/home/supervisor/").content.decode()
    assert cases["report"].tracking_number in html  # the first items, with their links


def test_an_empty_list_says_so(bob, client_for):
    response = client_for(bob).get("/clocks/?due=overdue")
    assert response.status_code == 200
    assert "Không có thời hạn nào đã quá." in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/clocks/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert Complaint.objects.count() == 0
