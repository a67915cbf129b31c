"""Retention of what citizens give: the reporter's identity, their photos and the
report's content are removed when their periods after closing run out, each one warned
before (see README, "Retention").

Periods (settings.RETENTION_*_DAYS) count from the report's closed_at; a merged report
counts from when the case it joined was closed, and waits while that case is open. The
sweep (Celery beat, or `manage.py retention_sweep`) does three steps, each claimed row
by row so that a sweep run twice, or two at once, does each thing once:

1. warn: a RetentionNotice in state WARNED, RETENTION_WARNING_HOURS before the expiry,
   and a notification to the handler. An expiry already past (the sweep was down) gets
   its warning now and its removal RETENTION_WARNING_HOURS later.
2. purge: a WARNED notice whose `purge_after` has come removes its item and appends
   one audit entry, in one transaction.
3. re-arm: a notice BLOCKED by a legal hold or an open inspection or violation is
   warned again, with a fresh RETENTION_WARNING_HOURS, once the block is gone.

What is removed never reaches a log or the audit log: entries say what kind of thing
went and how many, not what it said.
"""

import logging
import secrets
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from complaints import quarantine
from complaints.models import (
    Complaint,
    ComplaintEvent,
    ComplaintMessage,
    ComplaintPhoto,
    RetentionNotice,
)
from registry.audit import audit_record
from registry.errors import Conflict, InvalidInput
from registry.permissions import require_object_perm, require_perm

logger = logging.getLogger(__name__)

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
# What anonymising a report clears on it, besides every message's body and every
# status note: the free text a reporter wrote and what pins down their own purchase.
# Kept, so that figures, exports and the operator's history stay right: tracking
# number, unit, kind, nature, channel, status, dates, outcome, product (name, brand,
# barcode, category) and seller (name, address, shop, tax code, province).
REPORT_CLEARED_FIELDS = ("description", "purchase_date", "product_batch", "receipt")
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


def blocked_reason(complaint: Complaint) -> str:
    """Why nothing of this report may be removed now, or "": a legal hold (on it, or on
    the case it was merged into), or an inspection or violation record on either of
    them that is not finished."""
    from inspections.models import Inspection, ViolationRecord

    main = complaint.merged_into if complaint.status == Complaint.Status.MERGED else None
    if complaint.retention_hold or (main is not None and main.retention_hold):
        return Block.HOLD
    cases = [complaint.pk] + ([main.pk] if main is not None else [])
    inspections = Inspection.objects.filter(complaints__in=cases)
    if inspections.exclude(status=Inspection.Status.CLOSED).exists():
        return Block.INSPECTION_OPEN
    unfinished = (
        ViolationRecord.Status.DRAFT,
        ViolationRecord.Status.SIGNED,
        ViolationRecord.Status.DECIDED,
    )
    if ViolationRecord.objects.filter(inspection__in=inspections, status__in=unfinished).exists():
        return Block.VIOLATION_OPEN
    return ""


# --- Reads ---------------------------------------------------------------------------------


def notices_for_complaint(*, complaint: Complaint) -> QuerySet:
    """The open notices of a report, for its page (the page already checked who sees it)."""
    return RetentionNotice.objects.filter(complaint=complaint, state__in=OPEN_NOTICE).order_by(
        "purge_after", "what"
    )


NOTICE_LISTS = ("open", "warned", "blocked", "purged")


def notice_list(*, user, state: str = "open") -> QuerySet:
    """The notices of the reports of the user's unit (every unit for national staff),
    for the supervisors: what goes soon, what waits and why, what went."""
    qs = RetentionNotice.objects.visible_to(user).select_related(
        "complaint", "complaint__assigned_to", "complaint__unit"
    )
    if state == "purged":
        return qs.filter(state=State.PURGED).order_by("-purged_at", "-pk")
    if state in (State.WARNED, State.BLOCKED):
        qs = qs.filter(state=state)
    else:
        qs = qs.filter(state__in=OPEN_NOTICE)
    return qs.order_by("purge_after", "pk")


def _due_for_warning(what: str, now: datetime) -> QuerySet:
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


def _due_for_purge(now: datetime) -> QuerySet:
    return RetentionNotice.objects.filter(state=State.WARNED, purge_after__lte=now)


def _due_for_recheck(now: datetime) -> QuerySet:
    return RetentionNotice.objects.filter(state=State.BLOCKED).filter(
        Q(checked_at__isnull=True) | Q(checked_at__lte=now - RECHECK_EVERY)
    )


def retention_plan(*, now: datetime | None = None) -> dict:
    """What a sweep would do now, in counts (manage.py retention_sweep --dry-run)."""
    now = now or timezone.now()
    purge = dict.fromkeys(KINDS, 0)
    for what in _due_for_purge(now).values_list("what", flat=True):
        purge[what] += 1
    return {
        "warn": {what: _due_for_warning(what, now).count() for what in KINDS},
        "purge": purge,
        "recheck": _due_for_recheck(now).count(),
        "blocked": RetentionNotice.objects.filter(state=State.BLOCKED).count(),
    }


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


def _handlers(complaint: Complaint) -> set:
    """Who is told: the report's handler, or the unit's complaint officers if none."""
    from registry.models import Role, User

    handler = complaint.assigned_to
    if handler is not None and handler.is_active:
        return {handler}
    return set(
        User.objects.filter(
            unit_id=complaint.unit_id, groups__name=Role.COMPLAINT_OFFICER, is_active=True
        )
    )


def local_text(moment: datetime) -> str:
    """dd/mm/yyyy HH:MM on Asia/Ho_Chi_Minh time, as staff read dates."""
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def _tell(notice: RetentionNotice, complaint: Complaint) -> int:
    from registry.services import notification_send

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
    people = _handlers(complaint)
    stamp = int(notice.warned_at.timestamp())
    for person in people:
        notification_send(
            recipient=person,
            subject=subject,
            body=body,
            link=f"/complaints/{complaint.pk}/",
            dedup_key=f"retention:{notice.pk}:{stamp}:{person.pk}",
        )
    return len(people)


def _warn(complaint_id: int, what: str, now: datetime) -> RetentionNotice | None:
    with transaction.atomic():
        # Locked, so that a hold being set now is seen (complaint_retention_hold).
        complaint = Complaint.objects.select_for_update().filter(pk=complaint_id).first()
        start = retention_start(complaint) if complaint else None
        if start is None or complaint.anonymised_at is not None:
            return None
        expires_at = start + period(what)
        if expires_at > now + warning():
            return None
        reason = blocked_reason(complaint)
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
            _tell(notice, complaint)
    return notice


def _purge_identity(complaint: Complaint, now: datetime) -> dict:
    """The sealed identity goes with its wrapped keys and object permissions (cascade);
    open grants end and pending requests are closed, for every report alike."""
    from whistleblower.models import DisclosureRequest, SealedIdentity

    SealedIdentity.objects.filter(complaint=complaint).delete()
    requests = DisclosureRequest.objects.filter(complaint=complaint)
    ended = requests.filter(status=DisclosureRequest.Status.APPROVED, expires_at__gt=now).update(
        expires_at=now
    )
    closed = requests.filter(status=DisclosureRequest.Status.PENDING).update(
        status=DisclosureRequest.Status.DENIED,
        decided_at=now,
        decision_reason=gettext("Hết thời hạn lưu trữ thông tin nhân thân."),
    )
    return {"grants_ended": ended, "requests_closed": closed}


def _purge_photos(complaint: Complaint, now: datetime) -> dict:
    """Files first, through their own storage (the media may be on S3), then the rows:
    a failure leaves the rows, and the next sweep deletes again (deleting is idempotent),
    never a file that no row points to."""
    photos = list(ComplaintPhoto.objects.filter(complaint=complaint))
    for photo in photos:
        for copy in (photo.display, photo.thumb):
            if copy.name:
                copy.storage.delete(copy.name)
        quarantine.delete(photo.quarantine_name)
    ComplaintPhoto.objects.filter(pk__in=[photo.pk for photo in photos]).delete()
    return {"photos": len(photos)}


def _unusable_digest() -> str:
    # Not hexadecimal, so no receipt's HMAC can ever equal it: the receipt opens nothing.
    return "purged:" + secrets.token_hex(28)


def _anonymise_report(complaint: Complaint, now: datetime) -> dict:
    identity = _purge_identity(complaint, now)
    photos = _purge_photos(complaint, now)
    messages = ComplaintMessage.objects.filter(complaint=complaint).exclude(body="").update(body="")
    notes = (
        ComplaintEvent.objects.filter(complaint=complaint)
        .exclude(public_note="")
        .update(public_note="")
    )
    complaint.description = ""
    complaint.purchase_date = None
    complaint.product_batch = ""
    complaint.receipt_digest = _unusable_digest()
    complaint.anonymised_at = now
    complaint.save(
        update_fields=[
            "description",
            "purchase_date",
            "product_batch",
            "receipt_digest",
            "anonymised_at",
        ]
    )
    # What is left of the report went with it, under this warning.
    RetentionNotice.objects.filter(complaint=complaint, state__in=OPEN_NOTICE).exclude(
        what=What.REPORT
    ).update(state=State.PURGED, purged_at=now, blocked_reason="")
    return {
        "cleared": list(REPORT_CLEARED_FIELDS),
        "messages": messages,
        "event_notes": notes,
        **photos,
        **identity,
    }


PURGES = {
    What.IDENTITY: _purge_identity,
    What.PHOTOS: _purge_photos,
    What.REPORT: _anonymise_report,
}


def _complaint_of(notice_id: int) -> int | None:
    return (
        RetentionNotice.objects.filter(pk=notice_id).values_list("complaint_id", flat=True).first()
    )


def _purge(notice_id: int, now: datetime) -> str:
    complaint_id = _complaint_of(notice_id)
    with transaction.atomic():
        # The report first, then the notice: the order complaint_retention_hold locks in.
        complaint = Complaint.objects.select_for_update().filter(pk=complaint_id).first()
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
        changes = PURGES[notice.what](complaint, now)
        notice.state, notice.purged_at = State.PURGED, now
        notice.save(update_fields=["state", "purged_at"])
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
    return "purged"


def _recheck(notice_id: int, now: datetime) -> str:
    complaint_id = _complaint_of(notice_id)
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().filter(pk=complaint_id).first()
        notice = (
            RetentionNotice.objects.select_for_update(skip_locked=True)
            .filter(pk=notice_id, state=State.BLOCKED)
            .first()
        )
        if complaint is None or notice is None:
            return "skipped"
        reason = blocked_reason(complaint)
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
        _tell(notice, complaint)
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
    """One pass: re-arm, purge, warn; at most `limit` items per step and kind, and no new
    item once `budget_seconds` have gone (the task's time limit). An item that fails is
    logged by its id and left for the next sweep; the others go on."""
    now = now or timezone.now()
    limit = limit or settings.RETENTION_BATCH_SIZE
    deadline = time.monotonic() + budget_seconds if budget_seconds else None
    result = SweepResult()

    def run(step, *args) -> str | None:
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

    rechecks = _due_for_recheck(now).order_by("checked_at", "pk").values_list("pk", flat=True)
    for pk in list(rechecks[:limit]):
        if run(_recheck, pk, now) == "rearmed":
            result.rearmed += 1

    for what in KINDS:
        due = _due_for_purge(now).filter(what=what).order_by("purge_after", "pk")
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
        for pk in list(_due_for_warning(what, now).values_list("pk", flat=True)[:limit]):
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
    so that they can hold what must stay; the list shows which."""
    from registry.models import Role, User
    from registry.services import notification_send

    day = timezone.localdate(now).isoformat()
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
                        link="/complaints/retention/",
                        dedup_key=f"retention:digest:{unit_id}:{day}:{person.pk}",
                    )
            except Exception:
                logger.exception("Retention digest for unit %s could not be sent", unit_id)
