"""Proposing a reward from the case page (violations/rewards.py, docs/rewards.md): only
for a report the case was opened on (or merged into one), only once a penalty decision
was issued or a product alert published; the supervisors are told and the case page
shows what became of it."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import timezone

from complaints.models import Reward
from complaints.rewards import reward_decide
from complaints.services import complaint_merge, complaint_transition
from inspections.models import Inspection
from registry.errors import Conflict, InvalidInput
from registry.models import Notification
from tests.complaints.helpers import file_complaint
from tests.inspections.helpers import decided_inspection
from violations import rewards
from violations.models import PenaltyDecision, ProductAlert, ViolationRecord

pytestmark = pytest.mark.django_db
BASIS = "Khen thưởng người tố cáo: phản ánh chính xác, dẫn đến xử phạt."


def concluded_case(alice, bob, number="01/QĐ-KT"):
    """A concluded inspection opened on one report, with nothing decided yet."""
    inspection = decided_inspection(supervisor=bob, lead=alice, number=number)
    Inspection.objects.filter(pk=inspection.pk).update(status=Inspection.Status.CONCLUDED)
    report = file_complaint().complaint
    inspection.complaints.add(report)
    return inspection, report


def decision(inspection, by, status=PenaltyDecision.Status.APPROVED) -> PenaltyDecision:
    """A penalty decision on the case, made directly (no PDF rendering)."""
    record = ViolationRecord.objects.create(
        inspection=inspection,
        violator=inspection.operator,
        place="Hà Nội",
        number="7/BB-VPHC",
        status=ViolationRecord.Status.DECIDED,
        created_by=by,
    )
    return PenaltyDecision.objects.create(
        record=record,
        number="7/QĐ-XPHC",
        decided_on=timezone.localdate(),
        total_fine_vnd=15_000_000,
        status=status,
        created_by=by,
    )


def alert(inspection, by, status=ProductAlert.Status.PUBLISHED) -> ProductAlert:
    return ProductAlert.objects.create(
        inspection=inspection,
        product_name="Nước mắm cá cơm",
        operator_name="Cơ sở A",
        defect="Histamin vượt giới hạn",
        published_on=timezone.localdate(),
        published_by=by,
        status=status,
    )


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client, inspection, **data):
    fields = {"kind": "money", "amount_vnd": "3000000", "basis": BASIS, **data}
    return client.post(f"/cases/{inspection.pk}/rewards/", fields)


def test_without_a_decision_issued_or_an_alert_published_nothing_is_proposed(alice, bob):
    inspection, report = concluded_case(alice, bob)
    submitted = decision(inspection, alice, status=PenaltyDecision.Status.SUBMITTED)
    alert(inspection, bob, status=ProductAlert.Status.WITHDRAWN)
    client = logged_in(alice)
    page = client.get(f"/cases/{inspection.pk}/").content.decode()
    assert 'id="rewards"' in page and "Gửi đề xuất" not in page
    refused = post(
        client, inspection, complaint=report.pk, ground=f"penalty_decision:{submitted.pk}"
    )
    assert refused.status_code == 409
    assert "chưa có quyết định xử phạt đã ban hành" in refused.content.decode()
    with pytest.raises(Conflict) as error:
        rewards.case_reward_propose(
            by=alice,
            inspection=inspection,
            complaint_id=report.pk,
            ground_key=f"penalty_decision:{submitted.pk}",
            kind="thanks",
            amount_vnd=None,
            basis=BASIS,
        )
    assert error.value.code == "no_reward_ground"
    assert not Reward.objects.exists()


def test_an_issued_decision_is_a_ground_and_the_supervisors_are_told(alice, bob, ivan):
    inspection, report = concluded_case(alice, bob)
    issued = decision(inspection, alice)
    client = logged_in(alice)
    page = client.get(f"/cases/{inspection.pk}/").content.decode()
    assert "Gửi đề xuất" in page and report.tracking_number in page and "7/QĐ-XPHC" in page
    response = post(client, inspection, complaint=report.pk, ground=f"penalty_decision:{issued.pk}")
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{inspection.pk}/#rewards"
    assert "lãnh đạo đơn vị được thông báo" in " ".join(
        str(m) for m in get_messages(response.wsgi_request)
    )
    reward = Reward.objects.get(complaint=report)
    assert (reward.kind, reward.amount_vnd, reward.status) == ("money", 3_000_000, "proposed")
    assert (reward.ground_kind, reward.ground_ref) == ("penalty_decision", issued.pk)
    assert reward.ground_number == "7/QĐ-XPHC" and reward.proposed_by == alice
    told = Notification.objects.get(recipient=bob)
    assert told.link == f"/rewards/{reward.pk}/"
    page = client.get(f"/cases/{inspection.pk}/").content.decode()
    assert "Chờ lãnh đạo duyệt" in page and "3.000.000" in page
    assert "Gửi đề xuất" not in page  # its only report has a reward: no stale form
    # Approval tells the proposer, linking back to the case.
    reward_decide(by=bob, reward=reward, approve=True)
    back = Notification.objects.get(recipient=alice)
    assert back.link == f"/cases/{inspection.pk}/#rewards"
    # Someone off the case sees nothing of it.
    assert post(logged_in(ivan), inspection, complaint=report.pk).status_code == 404


def test_the_case_page_does_not_tell_how_the_reporter_chose_to_receive_it(alice, bob):
    inspection, report = concluded_case(alice, bob)
    issued = decision(inspection, alice)
    post(logged_in(alice), inspection, complaint=report.pk, ground=f"penalty_decision:{issued.pk}")
    reward = reward_decide(by=bob, reward=Reward.objects.get(complaint=report), approve=True)
    choices = {
        Reward.Status.APPROVED: None,
        Reward.Status.COUNTER: Reward.Choice.COUNTER,
        Reward.Status.DISCLOSED: Reward.Choice.DISCLOSE,
        Reward.Status.DECLINED: Reward.Choice.DECLINE,
    }
    told = [str(label) for value, label in Reward.Status.choices if value != "proposed"]
    told += [str(label) for _value, label in Reward.Choice.choices]
    for status, choice in choices.items():
        Reward.objects.filter(pk=reward.pk).update(status=status, choice=choice or "")
        page = logged_in(alice).get(f"/cases/{inspection.pk}/").content.decode()
        assert "Đã duyệt" in page, status
        assert not [label for label in told if label in page], status
    Reward.objects.filter(pk=reward.pk).update(status=Reward.Status.PAID)
    page = logged_in(alice).get(f"/cases/{inspection.pk}/").content.decode()
    assert "Đã chi trả" in page


def test_a_published_alert_is_a_ground_for_a_letter_of_thanks(alice, bob):
    inspection, report = concluded_case(alice, bob)
    published = alert(inspection, bob)
    response = post(
        logged_in(bob),
        inspection,
        complaint=report.pk,
        ground=f"product_alert:{published.pk}",
        kind="thanks",
        amount_vnd="",
    )
    assert response.status_code == 302
    reward = Reward.objects.get(complaint=report)
    assert reward.kind == "thanks" and reward.amount_vnd is None
    assert reward.ground_kind == "product_alert" and "Nước mắm" in reward.ground_number


def test_only_the_cases_reports_and_grounds_are_accepted(alice, bob):
    inspection, report = concluded_case(alice, bob)
    issued = decision(inspection, alice)
    elsewhere = file_complaint().complaint
    other_case, _ = concluded_case(alice, bob, number="02/QĐ-KT")
    foreign = decision(other_case, alice)
    client = logged_in(alice)
    unlinked = post(
        client, inspection, complaint=elsewhere.pk, ground=f"penalty_decision:{issued.pk}"
    )
    assert unlinked.status_code == 400
    assert "Chọn một phản ánh mà cuộc kiểm tra này" in unlinked.content.decode()
    wrong_ground = post(
        client, inspection, complaint=report.pk, ground=f"penalty_decision:{foreign.pk}"
    )
    assert wrong_ground.status_code == 400
    money_without_amount = post(
        client,
        inspection,
        complaint=report.pk,
        ground=f"penalty_decision:{issued.pk}",
        amount_vnd="",
    )
    assert money_without_amount.status_code == 400
    assert "Nhập số tiền thưởng" in money_without_amount.content.decode()
    assert not Reward.objects.exists()


def test_a_report_merged_into_the_cases_report_may_be_rewarded_a_refused_one_not(alice, bob, olga):
    inspection, report = concluded_case(alice, bob)
    issued = decision(inspection, alice)
    merged = file_complaint().complaint
    complaint_merge(by=olga, complaints=[merged], into=report)
    refused = file_complaint().complaint
    inspection.complaints.add(refused)
    complaint_transition(by=olga, complaint=refused, to="rejected", public_note="Không rõ")
    assert set(rewards.reports_to_reward(inspection)) == {report, merged}
    with pytest.raises(InvalidInput):
        rewards.case_reward_propose(
            by=alice,
            inspection=inspection,
            complaint_id=refused.pk,
            ground_key=f"penalty_decision:{issued.pk}",
            kind="thanks",
            amount_vnd=None,
            basis=BASIS,
        )
    made = rewards.case_reward_propose(
        by=alice,
        inspection=inspection,
        complaint_id=merged.pk,
        ground_key=f"penalty_decision:{issued.pk}",
        kind="thanks",
        amount_vnd=None,
        basis=BASIS,
    )
    assert made.complaint == merged
    assert list(rewards.reports_to_reward(inspection)) == [report]
