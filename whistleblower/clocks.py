"""The legal clock of a protection request (docs/legal-clocks.md, docs/protection.md): the
unit decides on it within 7 working days of receiving it. The foundation counts and
sweeps it (`registry.clocks`).

Its case is the request itself, not the report: the report's handler sees the report's
clocks, and must not learn from them that a protection request exists.
"""

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from registry import clocks
from registry.clock_rules import WORKING_DAYS, ClockKind, Rule, declare
from registry.models import LegalClock, Role, User
from whistleblower.models import ProtectionRequest

# Custodians and supervisors of the report's unit: they receive, decide and follow up.
PROTECTION_ROLES = (Role.IDENTITY_CUSTODIAN, Role.SUPERVISOR)


class ProtectionClock(models.TextChoices):
    DECISION = "protection_decision", _("Quyết định về đề nghị bảo vệ")


# The chapter is sure; the article (and the implementing decree's) is for the legal
# officer to confirm (docs/protection.md).
RULE = Rule(7, WORKING_DAYS, _("Luật Tố cáo 2018, Chương VI (bảo vệ người tố cáo)"), 2)


def protection_staff(*, unit_id: int, handler_id: int | None) -> set:
    """The active custodians and supervisors of a unit, but the report's handler."""
    staff = User.objects.filter(
        unit_id=unit_id, is_active=True, groups__name__in=PROTECTION_ROLES
    ).distinct()
    if handler_id is not None:
        staff = staff.exclude(pk=handler_id)
    return set(staff)


def responsible(clock: LegalClock) -> set:
    request = clock.case
    return protection_staff(unit_id=clock.unit_id, handler_id=request.complaint.assigned_to_id)


def case_label(clock: LegalClock) -> str:
    # Not the report's number: an escalation also reaches every supervisor of the unit.
    return gettext("đề nghị bảo vệ số %(number)s") % {"number": clock.case_id}


def link(clock: LegalClock) -> str:
    return f"/protection/{clock.case_id}/"


declare(
    ClockKind(
        kind=ProtectionClock.DECISION,
        label=ProtectionClock.DECISION.label,
        rule=RULE,
        position=10,
        responsible=responsible,
        case_label=case_label,
        link=link,
    )
)


def decision_clock_start(request: ProtectionRequest) -> LegalClock:
    return clocks.clock_start(
        kind=ProtectionClock.DECISION,
        subject_id=request.pk,
        unit=request.complaint.unit,
        case=request,
        started_at=request.created_at,
    )


def decision_clock_stop(request: ProtectionRequest) -> LegalClock | None:
    return clocks.clock_stop(kind=ProtectionClock.DECISION, subject_id=request.pk)
