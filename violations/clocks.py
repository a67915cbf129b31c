"""The legal clocks of violation handling (docs/legal-clocks.md): the team reports a
failed test within 24 hours, the agency notifies the suspension within 2 working days,
and the penalty decision follows the violation record within 7 days (30 for a complex
case, extendable once by 30). The foundation counts and sweeps them (`registry.clocks`)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from inspections.clocks import case_link, inspection_label, sample_label, team_leads
from registry import clocks
from registry.clock_rules import (
    DAYS,
    HOURS,
    WORKING_DAYS,
    ClockKind,
    Rule,
    declare,
    declare_backfill,
)
from registry.models import LegalClock, Role, Unit, User
from violations.models import FailedTestFollowUp, Notice, ViolationRecord


class ViolationClock(models.TextChoices):
    FAILED_TEST_REPORT = "failed_test_report", _("Báo cáo mẫu không đạt")
    SUSPENSION_NOTICE = "suspension_notice", _("Thông báo tạm dừng lưu thông")
    PENALTY_DECISION = "penalty_decision", _("Ra quyết định xử phạt")
    PROVINCE_NOTICE = "province_notice", _("Trả lời thông báo về sản phẩm rủi ro")


_CIRCULAR = _("Thông tư 26/2012/TT-BKHCN, sửa đổi bởi Thông tư 12/2017/TT-BKHCN")


def agency(clock: LegalClock) -> set:
    """The agency's head: the unit's supervisors."""
    return clocks.unit_supervisors(clock.unit_id)


def _follow_up_label(clock: LegalClock) -> str:
    follow_up = (
        FailedTestFollowUp.objects.select_related("sample").filter(pk=clock.subject_id).first()
    )
    return inspection_label(clock, sample_label(follow_up.sample if follow_up else None))


def _record_label(clock: LegalClock) -> str:
    record = ViolationRecord.objects.filter(pk=clock.subject_id).first()
    subject = gettext("biên bản %(number)s") % {"number": record.number} if record else ""
    return inspection_label(clock, subject)


def notice_handlers(unit_id: int) -> set:
    """Who handles alerts and violations in a unit: its supervisors and team leads, who
    read and answer the notices it receives (violations/notices.py)."""
    return set(
        User.objects.filter(
            unit_id=unit_id,
            is_active=True,
            groups__name__in=[Role.SUPERVISOR, Role.TEAM_LEAD],
        ).distinct()
    )


def national_supervisors() -> set:
    return set(
        User.objects.filter(
            unit__kind=Unit.Kind.NATIONAL,
            unit__is_active=True,
            is_active=True,
            groups__name=Role.SUPERVISOR,
        ).distinct()
    )


def _notice_responsible(clock: LegalClock) -> set:
    """The receiving unit's handlers; when the sweep escalates, the national unit's
    supervisors too. The sweep asks this both for the reminder and for the escalation;
    it claims an escalation (`escalated_for` set to the deadline) before asking, which is
    how the two are told apart: the national unit hears of a late answer, never of a
    reminder."""
    people = notice_handlers(clock.unit_id)
    if clock.escalated_for is not None and clock.escalated_for == clock.due_at:
        people |= national_supervisors()
    return people


def _notice_label(clock: LegalClock) -> str:
    notice = Notice.objects.select_related("alert", "unit").filter(pk=clock.subject_id).first()
    if notice is None:
        return ""
    return gettext("thông báo về sản phẩm %(product)s gửi %(unit)s") % {
        "product": notice.alert.product_name,
        "unit": notice.unit.name,
    }


def notice_link(clock: LegalClock) -> str:
    return f"/notices/{clock.subject_id}/"


declare(
    ClockKind(
        kind=ViolationClock.PROVINCE_NOTICE,
        label=ViolationClock.PROVINCE_NOTICE.label,
        rule=Rule(
            settings.NOTICE_WORKING_DAYS,
            WORKING_DAYS,
            _(
                "Quy định của hệ thống: trả lời thông báo về sản phẩm rủi ro nghiêm trọng, "
                "cao giữa các đơn vị (phối hợp, trao đổi thông tin theo Quyết định "
                "1703/QĐ-TTg)"
            ),
            2,
        ),
        position=9,
        responsible=_notice_responsible,
        case_label=_notice_label,
        link=notice_link,
    )
)


for kind, rule, position, responsible, label in (
    (
        ViolationClock.FAILED_TEST_REPORT,
        Rule(24, HOURS, _CIRCULAR, 1),
        6,
        team_leads,
        _follow_up_label,
    ),
    (
        ViolationClock.SUSPENSION_NOTICE,
        Rule(2, WORKING_DAYS, _CIRCULAR, 1),
        7,
        agency,
        _follow_up_label,
    ),
    (
        ViolationClock.PENALTY_DECISION,
        Rule(
            7,
            DAYS,
            _("Luật Xử lý vi phạm hành chính, Điều 66"),
            1,
            variants={"complex": 30},
            extensions=(30,),
        ),
        8,
        team_leads,
        _record_label,
    ),
):
    declare(
        ClockKind(
            kind=kind,
            label=kind.label,
            rule=rule,
            position=position,
            responsible=responsible,
            case_label=label,
            link=case_link,
        )
    )


def backfill(start) -> None:
    """The clocks of records and failed tests open before clocks were kept as records."""
    for record in ViolationRecord.objects.filter(
        status=ViolationRecord.Status.SIGNED
    ).select_related("inspection__unit"):
        start(
            ViolationClock.PENALTY_DECISION,
            record.pk,
            unit=record.inspection.unit,
            case=record.inspection,
            started_at=record.signed_at,
            variant="complex" if record.needs_verification else "",
        )
    follow_ups = FailedTestFollowUp.objects.exclude(
        status__in=[FailedTestFollowUp.Status.SUSPENDED, FailedTestFollowUp.Status.RESUMED]
    ).select_related("sample__inspection__unit")
    for f in follow_ups:
        inspection = f.sample.inspection
        case = {"unit": inspection.unit, "case": inspection, "started_at": f.result_received_at}
        if f.status == FailedTestFollowUp.Status.OPEN:
            start(ViolationClock.FAILED_TEST_REPORT, f.pk, **case)
        start(ViolationClock.SUSPENSION_NOTICE, f.pk, **case)


declare_backfill(backfill)
