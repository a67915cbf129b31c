"""The retention sweep (Celery beat hourly, or `manage.py retention_sweep`): it warns
before what a citizen gave reaches the end of its period (complaints/retention.py has
the rules), and removes it once warned long enough. It does four steps, each claimed row
by row so that a sweep run twice, or two at once, does each thing once:

1. files: the files of earlier removals that could not be deleted yet are deleted again.
2. re-arm: a notice BLOCKED by a legal hold, an open inspection or violation, or nobody
   to warn, is warned again, with a fresh RETENTION_WARNING_HOURS, once the block is gone.
3. purge: a WARNED notice whose `purge_after` has come removes its item's rows and
   appends one audit entry, in one transaction; its files go after commit
   (complaints/retention_removals.py).
4. warn: a RetentionNotice in state WARNED, RETENTION_WARNING_HOURS before the expiry,
   and a notification to the handler (or the unit's complaint officers, or its
   supervisors), in one transaction: no notice is armed without its warning. An expiry
   already past (the sweep was down) gets its warning now and its removal
   RETENTION_WARNING_HOURS later.

What is removed never reaches a log or the audit log: entries say what kind of thing
went and how many, not what it said.
"""

import logging
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from complaints.models import Complaint, RetentionNotice
from complaints.retention import (
    AUDIT_ACTIONS,
    KINDS,
    Block,
    State,
    blocked_reason,
    due_for_files,
    due_for_purge,
    due_for_recheck,
    due_for_warning,
    period,
    recipients,
    retention_start,
    warning,
)
from complaints.retention_removals import REMOVALS, delete_pending_files
from registry.audit import audit_record
from registry.models import Role, User
from registry.services import notification_send

logger = logging.getLogger(__name__)


def local_text(moment: datetime) -> str:
    """dd/mm/yyyy HH:MM on Asia/Ho_Chi_Minh time, as staff read dates."""
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def _tell(notice: RetentionNotice, complaint: Complaint, people: set) -> None:
    """Inside the transaction that arms the notice: if a warning cannot be recorded, the
    notice is not armed either, and the next sweep tries again."""
    subject = gettext(
        "Sắp xóa theo thời hạn lưu trữ: %(what)s, phản ánh %(number)s, từ %(when)s"
    ) % {
        "what": notice.get_what_display().lower(),
        "number": complaint.tracking_number,
        "when": local_text(notice.purge_after),
    }
    body = "\n".join(
        [
            subject,
            gettext("Hết thời hạn lưu trữ ngày %(expires)s (tính từ ngày kết thúc phản ánh).")
            % {"expires": local_text(notice.expires_at)},
            gettext(
                "Nếu hồ sơ còn cần (đang khiếu nại, khởi kiện, theo yêu cầu của cơ quan có "
                "thẩm quyền), hãy đề nghị lãnh đạo đơn vị giữ hồ sơ trước thời điểm trên."
            ),
        ]
    )
    link = reverse("complaint-detail", kwargs={"complaint_id": complaint.pk})
    stamp = int(notice.warned_at.timestamp())
    for person in people:
        notification_send(
            recipient=person,
            subject=subject,
            body=body,
            link=link,
            dedup_key=f"retention:{notice.pk}:{stamp}:{person.pk}",
        )


def _lock_case(complaint_id: int | None) -> Complaint | None:
    """Lock the case a merged report joined, then the report: the order
    complaint_retention_hold locks in (a hold there covers this report), so that a hold
    being set now is seen, and no sweep and hold wait on each other in a circle."""
    main_id = (
        Complaint.objects.filter(pk=complaint_id).values_list("merged_into_id", flat=True).first()
    )
    main = Complaint.objects.select_for_update().filter(pk=main_id).first() if main_id else None
    complaint = Complaint.objects.select_for_update().filter(pk=complaint_id).first()
    if complaint is None or complaint.merged_into_id != main_id:
        return None  # gone, or merged since: the next sweep looks again
    if main is not None:
        complaint.merged_into = main  # the locked row, not a fresh read
    return complaint


def _block_or_recipients(complaint: Complaint) -> tuple[str, set]:
    reason = blocked_reason(complaint)
    if reason:
        return reason, set()
    people = recipients(complaint)
    return ("" if people else Block.NO_RECIPIENT), people


def _warn(complaint_id: int, what: str, now: datetime) -> RetentionNotice | None:
    with transaction.atomic():
        complaint = _lock_case(complaint_id)
        start = retention_start(complaint) if complaint else None
        if start is None or complaint.anonymised_at is not None:
            return None
        expires_at = start + period(what)
        if expires_at > now + warning():
            return None
        reason, people = _block_or_recipients(complaint)
        try:
            with transaction.atomic():
                notice = RetentionNotice.objects.create(
                    complaint=complaint,
                    what=what,
                    state=State.BLOCKED if reason else State.WARNED,
                    blocked_reason=reason,
                    expires_at=expires_at,
                    purge_after=max(expires_at, now + warning()),
                    warned_at=now,
                    checked_at=now,
                )
        except IntegrityError:
            return None  # another sweep warned of it first
        if not reason:
            _tell(notice, complaint, people)
    return notice


def _complaint_of(notice_id: int) -> int | None:
    return (
        RetentionNotice.objects.filter(pk=notice_id).values_list("complaint_id", flat=True).first()
    )


def _purge(notice_id: int, now: datetime) -> str:
    complaint_id = _complaint_of(notice_id)
    with transaction.atomic():
        # The case, then the report, then the notice: the order complaint_retention_hold
        # locks in.
        complaint = _lock_case(complaint_id)
        notice = (
            RetentionNotice.objects.select_for_update(skip_locked=True)
            .filter(pk=notice_id, state=State.WARNED, purge_after__lte=now)
            .first()
        )
        if complaint is None or notice is None:
            return "skipped"  # done, or being done, by another sweep
        if notice.warned_at > now - warning():
            return "skipped"  # never removed sooner than the warning period
        start = retention_start(complaint)
        expires_at = start + period(notice.what) if start is not None else None
        if expires_at is None or expires_at > now + warning():
            # The period was lengthened since the warning: warn again when it is due.
            notice.state = State.CANCELLED
            notice.save(update_fields=["state"])
            return "cancelled"
        if expires_at > now:
            notice.expires_at = expires_at
            notice.purge_after = max(expires_at, notice.warned_at + warning())
            notice.save(update_fields=["expires_at", "purge_after"])
            return "waiting"
        reason = blocked_reason(complaint)
        if reason:
            notice.state, notice.blocked_reason, notice.checked_at = State.BLOCKED, reason, now
            notice.save(update_fields=["state", "blocked_reason", "checked_at"])
            return "blocked"
        changes, files = REMOVALS[notice.what](complaint, now)
        notice.state, notice.purged_at = State.PURGED, now
        notice.pending_files = files or None
        notice.save(update_fields=["state", "purged_at", "pending_files"])
        audit_record(
            actor=None,
            action=AUDIT_ACTIONS[notice.what],
            target=complaint,
            unit=complaint.unit,
            changes={
                "notice": notice.pk,
                "expired_at": notice.expires_at,
                "warned_at": notice.warned_at,
                **changes,
            },
        )
        if files:
            # Only once the rows are gone for good; if this does not run or fails, the
            # names stay on the notice and the next sweep deletes them.
            transaction.on_commit(partial(delete_pending_files, notice.pk), robust=True)
    return "purged"


def _recheck(notice_id: int, now: datetime) -> str:
    complaint_id = _complaint_of(notice_id)
    with transaction.atomic():
        complaint = _lock_case(complaint_id)
        notice = (
            RetentionNotice.objects.select_for_update(skip_locked=True)
            .filter(pk=notice_id, state=State.BLOCKED)
            .first()
        )
        if complaint is None or notice is None:
            return "skipped"
        reason, people = _block_or_recipients(complaint)
        if reason:
            notice.blocked_reason, notice.checked_at = reason, now
            notice.save(update_fields=["blocked_reason", "checked_at"])
            return "blocked"
        # Warned again from now: the first warning may be long past.
        notice.state, notice.blocked_reason = State.WARNED, ""
        notice.warned_at, notice.checked_at = now, now
        notice.purge_after = max(notice.expires_at, now + warning())
        notice.save(
            update_fields=["state", "blocked_reason", "warned_at", "checked_at", "purge_after"]
        )
        _tell(notice, complaint, people)
    return "rearmed"


@dataclass
class SweepResult:
    warned: int = 0
    blocked: int = 0
    rearmed: int = 0
    purged: int = 0
    cancelled: int = 0
    failed: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def retention_sweep(
    *, now: datetime | None = None, limit: int | None = None, budget_seconds: float | None = None
) -> SweepResult:
    """One pass: files, re-arm, purge, warn; at most `limit` items per step and kind, and
    no new item once `budget_seconds` have gone (the task's time limit). An item that
    fails is logged by its id and left for the next sweep; the others go on."""
    now = now or timezone.now()
    limit = limit or settings.RETENTION_BATCH_SIZE
    deadline = time.monotonic() + budget_seconds if budget_seconds else None
    result = SweepResult()

    def run(step, *args):
        if deadline is not None and time.monotonic() > deadline:
            return None
        try:
            return step(*args)
        except Exception:
            logger.exception(
                "Retention %s failed for %s; the next sweep retries", step.__name__, args[:2]
            )
            result.failed += 1
            return "failed"

    # Files that an earlier removal could not delete: each one left counts as failed,
    # so that the command and the task's result say so until they are gone.
    for pk in list(
        due_for_files().order_by("purged_at", "pk").values_list("pk", flat=True)[:limit]
    ):
        if run(delete_pending_files, pk) not in (0, None, "failed"):
            result.failed += 1

    rechecks = due_for_recheck(now).order_by("checked_at", "pk").values_list("pk", flat=True)
    for pk in list(rechecks[:limit]):
        if run(_recheck, pk, now) == "rearmed":
            result.rearmed += 1

    for what in KINDS:
        due = due_for_purge(now).filter(what=what).order_by("purge_after", "pk")
        for pk in list(due.values_list("pk", flat=True)[:limit]):
            outcome = run(_purge, pk, now)
            if outcome == "purged":
                result.purged += 1
            elif outcome == "blocked":
                result.blocked += 1
            elif outcome == "cancelled":
                result.cancelled += 1

    warned_units: dict[int, int] = {}
    for what in KINDS:
        for pk in list(due_for_warning(what, now).values_list("pk", flat=True)[:limit]):
            notice = run(_warn, pk, what, now)
            if not isinstance(notice, RetentionNotice):
                continue
            if notice.state == State.BLOCKED:
                result.blocked += 1
            else:
                result.warned += 1
                unit_id = notice.complaint.unit_id
                warned_units[unit_id] = warned_units.get(unit_id, 0) + 1
    _tell_supervisors(warned_units, now)
    return result


def _tell_supervisors(warned_units: dict[int, int], now: datetime) -> None:
    """Once a day per unit, the supervisors hear that reports are about to lose content,
    so that they can hold what must stay; the list shows which. Best effort: each item's
    own warning has already reached someone (_warn)."""
    day = timezone.localdate(now).isoformat()
    link = reverse("complaint-retention")
    for unit_id, count in warned_units.items():
        supervisors = User.objects.filter(
            unit_id=unit_id, groups__name=Role.SUPERVISOR, is_active=True
        )
        for person in supervisors:
            try:
                with transaction.atomic():
                    notification_send(
                        recipient=person,
                        subject=gettext(
                            "Hồ sơ phản ánh sắp đến thời hạn xóa theo quy định lưu trữ"
                        ),
                        body=gettext(
                            "%(count)d mục sẽ bị xóa sau ít nhất %(hours)d giờ. Xem danh sách "
                            "và giữ lại hồ sơ còn cần trước thời điểm xóa."
                        )
                        % {"count": count, "hours": settings.RETENTION_WARNING_HOURS},
                        link=link,
                        dedup_key=f"retention:digest:{unit_id}:{day}:{person.pk}",
                    )
            except Exception:
                logger.exception("Retention digest for unit %s could not be sent", unit_id)
