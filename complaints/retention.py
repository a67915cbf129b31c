"""Retention of what citizens give: the reporter's identity, their photos and the
report's content are removed when their periods after closing run out, each one warned
before (see README, "Retention").

This module holds the rules: how long each kind is kept and from when
(settings.RETENTION_*_DAYS from the report's closed_at; a merged report from when the
case it joined was closed, and not while that case is open), what keeps a report (a
supervisor's hold, an open inspection or violation), who is warned, what is due, and
the supervisor's hold itself. The hourly sweep that warns and removes is
complaints/retention_sweep.py, what each removal does complaints/retention_removals.py,
the lists complaints/retention_selectors.py.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint, ComplaintPhoto, RetentionNotice
from registry.audit import audit_record
from registry.errors import Conflict, InvalidInput
from registry.models import Role, User
from registry.permissions import require_object_perm, require_perm

What = RetentionNotice.What
State = RetentionNotice.State
Block = RetentionNotice.Block
CLOSED = (Complaint.Status.RESOLVED, Complaint.Status.REJECTED, Complaint.Status.MERGED)
OPEN_NOTICE = (State.WARNED, State.BLOCKED)
# In this order: a report's anonymisation removes whatever is left of it.
KINDS = (What.IDENTITY, What.PHOTOS, What.REPORT)
AUDIT_ACTIONS = {
    What.IDENTITY: "retention.purge_identity",
    What.PHOTOS: "retention.purge_photos",
    What.REPORT: "retention.anonymise_report",
}
# A blocked notice is looked at again at most this often (at once after a hold is lifted).
RECHECK_EVERY = timedelta(hours=24)


def period(what: str) -> timedelta:
    days = {
        What.IDENTITY: settings.RETENTION_IDENTITY_DAYS,
        What.PHOTOS: settings.RETENTION_CITIZEN_PHOTOS_DAYS,
        What.REPORT: settings.RETENTION_CLOSED_REPORT_DAYS,
    }[what]
    return timedelta(days=days)


def warning() -> timedelta:
    return timedelta(hours=settings.RETENTION_WARNING_HOURS)


def retention_start(complaint: Complaint) -> datetime | None:
    """When the periods of a report start counting; None while they do not (open, or
    merged into a case that is still open)."""
    if not complaint.is_closed or complaint.closed_at is None:
        return None
    if complaint.status != Complaint.Status.MERGED:
        return complaint.closed_at
    main = complaint.merged_into
    if main is None or not main.is_closed or main.closed_at is None:
        return None
    return max(complaint.closed_at, main.closed_at)


# What else keeps a report: the workflows built on reports register a check (in their
# AppConfig.ready()) that takes the ids of the report and of the case it was merged into
# and returns a Block reason, or "". Inspections: an inspection not closed (position 1);
# violation handling: a violation record not finished (position 2). The first reason in
# position order is the one recorded.
_BLOCKS: dict = {}


def register_block(check, *, position: int) -> None:
    _BLOCKS[check] = position


def blocked_reason(complaint: Complaint) -> str:
    """Why nothing of this report may be removed now, or "": a legal hold (on it, or on
    the case it was merged into), or an inspection or violation record on either of
    them that is not finished."""
    main = complaint.merged_into if complaint.status == Complaint.Status.MERGED else None
    if complaint.retention_hold or (main is not None and main.retention_hold):
        return Block.HOLD
    cases = [complaint.pk] + ([main.pk] if main is not None else [])
    for check in sorted(_BLOCKS, key=_BLOCKS.get):
        reason = check(cases)
        if reason:
            return reason
    return ""


def recipients(complaint: Complaint) -> set:
    """Who is warned: the report's handler; if none is active, the unit's complaint
    officers; if there are none, its supervisors. Empty: nobody, and nothing is armed."""
    handler = complaint.assigned_to
    if handler is not None and handler.is_active:
        return {handler}
    for role in (Role.COMPLAINT_OFFICER, Role.SUPERVISOR):
        people = set(
            User.objects.filter(unit_id=complaint.unit_id, groups__name=role, is_active=True)
        )
        if people:
            return people
    return set()


# --- Due work (for the sweep, and for retention_selectors.retention_plan) ------------------------


def due_for_warning(what: str, now: datetime) -> QuerySet:
    """Reports whose `what` expires within RETENTION_WARNING_HOURS (or already has) and
    has no notice yet."""
    threshold = now + warning() - period(what)
    qs = Complaint.objects.filter(
        status__in=CLOSED, closed_at__isnull=False, closed_at__lte=threshold
    ).filter(anonymised_at__isnull=True)
    qs = qs.filter(
        ~Q(status=Complaint.Status.MERGED)
        | Q(merged_into__status__in=CLOSED, merged_into__closed_at__lte=threshold)
    )
    qs = qs.exclude(
        Exists(
            RetentionNotice.objects.filter(complaint=OuterRef("pk"), what=what).exclude(
                state=State.CANCELLED
            )
        )
    )
    if what == What.PHOTOS:
        qs = qs.filter(Exists(ComplaintPhoto.objects.filter(complaint=OuterRef("pk"))))
    # The identity is warned of for every report, whether or not one was given: the
    # notice must not tell the handler that the reporter gave one.
    return qs.order_by("closed_at", "pk")


def due_for_purge(now: datetime) -> QuerySet:
    return RetentionNotice.objects.filter(state=State.WARNED, purge_after__lte=now)


def due_for_recheck(now: datetime) -> QuerySet:
    return RetentionNotice.objects.filter(state=State.BLOCKED).filter(
        Q(checked_at__isnull=True) | Q(checked_at__lte=now - RECHECK_EVERY)
    )


def due_for_files() -> QuerySet:
    return RetentionNotice.objects.filter(pending_files__isnull=False)


# --- Writes --------------------------------------------------------------------------------
@transaction.atomic
def complaint_retention_hold(
    *, by, complaint: Complaint, hold: bool, reason: str = ""
) -> Complaint:
    """A supervisor keeps a report past its retention periods (a complaint or lawsuit
    pending, an authority's request), or lets it go again. A hold also keeps the reports
    merged into this one. Lifting it warns again before anything is removed."""
    require_perm(by, "complaints.hold_complaint")
    require_object_perm(by, "change", complaint)
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    reason = (reason or "").strip()
    now = timezone.now()
    if hold:
        if complaint.anonymised_at is not None:
            raise Conflict(
                _("Nội dung phản ánh đã được xóa theo thời hạn lưu trữ."), code="already_purged"
            )
        if len(reason) < 10:
            raise InvalidInput.field(
                "hold_reason",
                "reason_required",
                _("Hãy nêu căn cứ giữ hồ sơ (ít nhất 10 ký tự)."),
            )
        complaint.retention_hold, complaint.retention_hold_reason = True, reason
        complaint.retention_hold_by, complaint.retention_hold_at = by, now
    elif not complaint.retention_hold:
        return complaint
    else:
        complaint.retention_hold, complaint.retention_hold_reason = False, ""
        complaint.retention_hold_by, complaint.retention_hold_at = None, None
    complaint.save(
        update_fields=[
            "retention_hold",
            "retention_hold_reason",
            "retention_hold_by",
            "retention_hold_at",
        ]
    )
    covered = RetentionNotice.objects.filter(
        Q(complaint=complaint) | Q(complaint__merged_into=complaint)
    )
    if hold:
        covered.filter(state=State.WARNED).update(
            state=State.BLOCKED, blocked_reason=Block.HOLD, checked_at=now
        )
    else:
        # Looked at by the next sweep, which warns again (another full warning period).
        covered.filter(state=State.BLOCKED).update(checked_at=None)
    audit_record(
        actor=by,
        action="retention.hold" if hold else "retention.release",
        target=complaint,
        changes={"reason": reason} if hold else {},
    )
    return complaint
