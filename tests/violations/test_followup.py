"""After a failed test: the team's report, suspension, seals, re-test and resumption."""

import uuid
from datetime import date, datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from inspections import samples
from inspections.models import Sample
from registry.clocks import clock_for, clocks_sweep
from registry.errors import Conflict, InvalidInput, InvalidTransition, PermissionDenied
from registry.models import Notification
from violations import followup
from violations.models import FailedTestFollowUp

pytestmark = pytest.mark.django_db
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
CRITERIA = [
    {"criterion": "Hàm lượng histamin", "unit": "mg/kg", "limit_max": 200, "measured": 410},
    {"criterion": "Độ đạm toàn phần", "unit": "g/l", "limit_min": 10, "measured": 12},
]


def failed_sample(inspection, by, *, received_at=None) -> Sample:
    sample, _ = samples.sample_create(
        by=by,
        inspection=inspection,
        client_uuid=uuid.uuid4(),
        product_name="Nước mắm cá cơm 40 độ đạm",
        batch="L2027-01",
        test_unit_seal="NP-01",
        retained_unit_seal="NP-02",
        sampling_record_number="01/BB-LM",
        sampled_at=timezone.now(),
    )
    samples.sample_send(by=by, sample=sample, lab_name="Trung tâm Kỹ thuật 1", sent_on=date.today())
    with mock.patch("django.utils.timezone.now", return_value=received_at or timezone.now()):
        return samples.lab_result_record(
            by=by,
            sample=sample,
            test_report_number="KQ-2027-15",
            result_on=date.today(),
            criteria=CRITERIA,
        )


def test_a_failed_test_starts_the_24_hour_and_2_working_day_clocks_across_tet(alice, on_site):
    # The report arrives on Wed 03/02/2027 at 16:00, the day before Tết (04/02-10/02/2027).
    received = datetime(2027, 2, 3, 16, 0, tzinfo=HANOI)
    sample = failed_sample(on_site, alice, received_at=received)
    follow_up = sample.follow_up
    assert follow_up.status == FailedTestFollowUp.Status.OPEN
    assert follow_up.report_due == datetime(2027, 2, 4, 16, 0, tzinfo=HANOI)
    # Working days after 03/02: Thu 11/02, Fri 12/02.
    assert follow_up.suspension_due == date(2027, 2, 12)


def test_a_passing_sample_opens_no_follow_up(alice, on_site):
    sample, _ = samples.sample_create(
        by=alice,
        inspection=on_site,
        client_uuid=uuid.uuid4(),
        product_name="Nước mắm",
        test_unit_seal="A",
        retained_unit_seal="B",
        sampling_record_number="02/BB-LM",
        sampled_at=timezone.now(),
    )
    samples.lab_result_record(
        by=alice,
        sample=sample,
        test_report_number="KQ-1",
        result_on=date.today(),
        criteria=[{"criterion": "Độ đạm", "limit_min": 10, "measured": 12}],
    )
    assert not FailedTestFollowUp.objects.exists()


def test_report_suspend_seal_retest_unseal_resume(alice, bob, ivan, on_site):
    sample = failed_sample(on_site, alice)
    follow_up = sample.follow_up
    # Out of order: the agency cannot suspend before the team's report, nor resume.
    with pytest.raises(InvalidTransition):
        followup.follow_up_suspend(by=bob, follow_up=follow_up, goods="500 chai")
    with pytest.raises(InvalidTransition):
        followup.follow_up_resume(by=bob, follow_up=follow_up, reason="x")
    with pytest.raises(InvalidInput) as error:
        followup.follow_up_report(by=alice, follow_up=follow_up, text=" ")
    assert error.value.code == "required"
    follow_up = followup.follow_up_report(
        by=alice, follow_up=follow_up, text="Mẫu nước mắm không đạt chỉ tiêu histamin."
    )
    with pytest.raises(InvalidTransition):
        followup.follow_up_report(by=alice, follow_up=follow_up, text="lần hai")
    # Only the agency (a supervisor) suspends.
    with pytest.raises(PermissionDenied):
        followup.follow_up_suspend(by=alice, follow_up=follow_up, goods="500 chai")
    follow_up = followup.follow_up_suspend(
        by=bob, follow_up=follow_up, goods="Nước mắm cá cơm lô L2027-01: 500 chai"
    )
    assert follow_up.status == FailedTestFollowUp.Status.SUSPENDED
    year = timezone.localdate().year
    assert follow_up.suspension_number == "1/TB-TDLT"
    assert follow_up.suspension_issued_on.year == year
    goods_seal = followup.seal(
        by=alice,
        follow_up=follow_up,
        seal_number="NP-KHO-01",
        goods="500 chai nước mắm lô L2027-01",
        place="Kho hàng số 3, Long Biên",
    )
    assert goods_seal.record_number == "1/BB-NP"
    with pytest.raises(Conflict) as error:
        followup.seal(by=alice, follow_up=follow_up, seal_number="NP-KHO-01", goods="x", place="y")
    assert error.value.code == "seal_number_taken"
    # No re-test yet: circulation may not resume.
    with pytest.raises(Conflict) as error:
        followup.follow_up_resume(by=bob, follow_up=follow_up, reason="Đã khắc phục")
    assert error.value.code == "retest_not_passed"
    retest_uuid = uuid.uuid4()
    retest, created = followup.retest_take(
        by=alice,
        follow_up=follow_up,
        client_uuid=retest_uuid,
        test_unit_seal="NP-11",
        retained_unit_seal="NP-12",
        sampling_record_number="05/BB-LM",
    )
    again, created_again = followup.retest_take(
        by=alice,
        follow_up=follow_up,
        client_uuid=retest_uuid,
        test_unit_seal="NP-11",
        retained_unit_seal="NP-12",
        sampling_record_number="05/BB-LM",
    )
    assert created and not created_again and again.pk == retest.pk
    assert retest.retest_of == sample and retest.batch == "L2027-01"
    with pytest.raises(Conflict) as error:
        followup.retest_take(
            by=alice,
            follow_up=follow_up,
            client_uuid=uuid.uuid4(),
            test_unit_seal="NP-21",
            retained_unit_seal="NP-22",
            sampling_record_number="06/BB-LM",
        )
    assert error.value.code == "retest_pending"
    # The re-test tests exactly the failed criteria, no more and no fewer.
    with pytest.raises(InvalidInput) as error:
        samples.lab_result_record(
            by=alice,
            sample=retest,
            test_report_number="KQ-2027-40",
            result_on=date.today(),
            criteria=CRITERIA,
        )
    assert error.value.code == "retest_criteria"
    assert "Hàm lượng histamin" in str(error.value.message % error.value.params)
    retest = samples.lab_result_record(
        by=alice,
        sample=retest,
        test_report_number="KQ-2027-40",
        result_on=date.today(),
        criteria=[{"criterion": "hàm lượng HISTAMIN", "limit_max": 200, "measured": 150}],
    )
    assert retest.conforming is True
    assert not FailedTestFollowUp.objects.filter(sample=retest).exists()
    with pytest.raises(Conflict) as error:
        followup.follow_up_resume(by=bob, follow_up=follow_up, reason="Đã khắc phục")
    assert error.value.code == "seals_in_place"
    goods_seal = followup.unseal(by=alice, goods_seal=goods_seal, reason="Thử nghiệm lại đạt")
    assert goods_seal.unseal_record_number == "1/BB-MNP"
    with pytest.raises(Conflict):
        followup.unseal(by=alice, goods_seal=goods_seal, reason="lần hai")
    with pytest.raises(PermissionDenied):
        followup.follow_up_resume(by=alice, follow_up=follow_up, reason="Đã khắc phục")
    # A supervisor of another unit does not see the case.
    with pytest.raises(Exception):  # noqa: B017 - not found or denied, either way refused
        followup.follow_up_resume(by=ivan, follow_up=follow_up, reason="x")
    follow_up = followup.follow_up_resume(
        by=bob, follow_up=follow_up, reason="Phiếu KQ-2027-40: histamin 150 mg/kg, đạt."
    )
    assert follow_up.status == FailedTestFollowUp.Status.RESUMED
    assert follow_up.resume_number == "1/TB-LTTL"


def test_a_failing_retest_keeps_the_goods_suspended(alice, bob, on_site):
    follow_up = failed_sample(on_site, alice).follow_up
    followup.follow_up_report(by=alice, follow_up=follow_up, text="Báo cáo")
    followup.follow_up_suspend(by=bob, follow_up=follow_up, goods="500 chai")
    retest, _ = followup.retest_take(
        by=alice,
        follow_up=follow_up,
        client_uuid=uuid.uuid4(),
        test_unit_seal="R1",
        retained_unit_seal="R2",
        sampling_record_number="07/BB-LM",
    )
    samples.lab_result_record(
        by=alice,
        sample=retest,
        test_report_number="KQ-2",
        result_on=date.today(),
        criteria=[{"criterion": "Hàm lượng histamin", "limit_max": 200, "measured": 260}],
    )
    with pytest.raises(Conflict) as error:
        followup.follow_up_resume(by=bob, follow_up=follow_up, reason="Đã khắc phục")
    assert error.value.code == "retest_not_passed"
    # A second re-test may follow.
    second, created = followup.retest_take(
        by=alice,
        follow_up=follow_up,
        client_uuid=uuid.uuid4(),
        test_unit_seal="R3",
        retained_unit_seal="R4",
        sampling_record_number="08/BB-LM",
    )
    assert created and second.retest_of_id == follow_up.sample_id


def test_a_late_report_and_a_due_suspension_are_reminded_then_escalated(alice, bob, on_site):
    received = datetime(2027, 2, 3, 16, 0, tzinfo=HANOI)
    follow_up = failed_sample(on_site, alice, received_at=received).follow_up

    def sweep(*when):
        return clocks_sweep(now=datetime(*when, tzinfo=HANOI)).notified

    # At 14:00 the next day the report is not yet due within the hour: nothing.
    assert sweep(2027, 2, 4, 14, 0) == 0
    assert sweep(2027, 2, 4, 15, 30) == 1  # the reminder, to the team lead
    reminder = Notification.objects.get()
    assert reminder.recipient == alice
    assert reminder.subject == (
        "Sắp đến hạn báo cáo mẫu không đạt: mẫu Nước mắm cá cơm 40 độ đạm, "
        "cuộc kiểm tra 01/QĐ-KT, hạn 04/02/2027 16:00"
    )
    assert reminder.link == f"/cases/{on_site.pk}/"
    assert sweep(2027, 2, 4, 16, 30) == 2  # late: the lead and the unit's supervisor
    assert sweep(2027, 2, 4, 16, 40) == 0  # a rerun sends nothing
    late = datetime(2027, 2, 4, 17, 0, tzinfo=HANOI)
    with mock.patch("django.utils.timezone.now", return_value=late):
        followup.follow_up_report(by=alice, follow_up=follow_up, text="Báo cáo")
    assert clock_for(kind="failed_test_report", subject_id=follow_up.pk).state == "late"
    # The suspension notice falls due on Fri 12/02, after Tết: reminded from Thu 11/02, to
    # the agency's head who issues it.
    assert sweep(2027, 2, 10, 9, 0) == 0
    assert sweep(2027, 2, 11, 9, 0) == 1
    assert Notification.objects.filter(subject__contains="12/02/2027").get().recipient == bob
    assert sweep(2027, 2, 13, 0, 5) == 1  # overdue: bob again, as the escalation
