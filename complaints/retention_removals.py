"""What each retention removal does to a report (complaints/retention.py runs them).

Each removal runs inside the sweep's transaction, with the report locked, and returns
what the audit entry records (kinds and counts, never content) and the storage names of
the files to delete. Files are deleted only after that transaction commits
(`delete_pending_files`): a removal that rolls back leaves both the rows and their files,
and one that commits but whose files could not all be deleted keeps their names on the
notice, for the next sweep to retry.
"""

import logging
import secrets
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext

from complaints import quarantine
from complaints.models import (
    Complaint,
    ComplaintEvent,
    ComplaintMessage,
    ComplaintPhoto,
    RetentionNotice,
    RewardPayee,
)
from whistleblower.models import (
    DisclosureRequest,
    ProtectionFollowUp,
    ProtectionRequest,
    SealedIdentity,
)

logger = logging.getLogger(__name__)

What = RetentionNotice.What
State = RetentionNotice.State
OPEN_NOTICE = (State.WARNED, State.BLOCKED)


def _unusable_digest() -> str:
    # Not hexadecimal, so no receipt's HMAC can ever equal it: the receipt opens nothing.
    return "purged:" + secrets.token_hex(28)


# What anonymising a report clears on it, and to what, besides every message's body and
# every status note: the free text a reporter wrote, what pins down their own purchase,
# and the receipt's digest. This one list drives both the clearing and the audit entry.
# Kept, so that figures, exports and the operator's history stay right: tracking
# number, unit, kind, nature, channel, status, dates, outcome, product (name, brand,
# barcode, category) and seller (name, address, shop, tax code, province).
REPORT_CLEARED = {
    "description": lambda: "",
    "purchase_date": lambda: None,
    "product_batch": lambda: "",
    "receipt_digest": _unusable_digest,
}


# What anonymising a report clears of its protection requests: what the reporter feared,
# and what they were told of the measures, which can name their situation or where they
# live (docs/protection.md). Kept: the kinds, the statuses and their dates.
PROTECTION_CLEARED = ("fear", "measures", "authority", "refusal_reason", "closing_note")


def _clear_protection(complaint: Complaint) -> None:
    """Not counted in the audit entry: the unit's administrators read it, and a count
    would tell them that the reporter asked to be protected."""
    ProtectionRequest.objects.filter(complaint=complaint).update(
        **dict.fromkeys(PROTECTION_CLEARED, "")
    )
    ProtectionFollowUp.objects.filter(request__complaint=complaint).update(text="")


def purge_identity(complaint: Complaint, now: datetime) -> tuple[dict, list[str]]:
    """The sealed identity goes with its wrapped keys and object permissions (cascade);
    open grants end and pending requests are closed, for every report alike."""
    requests = DisclosureRequest.objects.filter(complaint=complaint)
    # The requests first, then the identity: the order disclosure_decide locks in
    # (whistleblower/services.py), so a decision being taken now and this removal wait
    # for each other instead of deadlocking.
    list(requests.select_for_update().order_by("pk").values_list("pk", flat=True))
    SealedIdentity.objects.filter(complaint=complaint).delete()
    # A reward's payee details are the reporter's identity too (docs/rewards.md).
    RewardPayee.objects.filter(reward__complaint=complaint).delete()
    ended = requests.filter(status=DisclosureRequest.Status.APPROVED, expires_at__gt=now).update(
        expires_at=now
    )
    closed = requests.filter(status=DisclosureRequest.Status.PENDING).update(
        status=DisclosureRequest.Status.DENIED,
        decided_at=now,
        decision_reason=gettext("Hết thời hạn lưu trữ thông tin nhân thân."),
    )
    return {"grants_ended": ended, "requests_closed": closed}, []


def purge_photos(complaint: Complaint, now: datetime) -> tuple[dict, list[str]]:
    """The rows go now; their files (copies and any quarantined original) after commit."""
    photos = list(ComplaintPhoto.objects.filter(complaint=complaint))
    files = []
    for photo in photos:
        files += [name for name in (photo.display.name, photo.thumb.name) if name]
        if photo.quarantine_name:
            files.append(photo.quarantine_name)
    ComplaintPhoto.objects.filter(pk__in=[photo.pk for photo in photos]).delete()
    return {"photos": len(photos)}, files


def anonymise_report(complaint: Complaint, now: datetime) -> tuple[dict, list[str]]:
    identity, _ = purge_identity(complaint, now)
    photos, files = purge_photos(complaint, now)
    messages = ComplaintMessage.objects.filter(complaint=complaint).exclude(body="").update(body="")
    notes = (
        ComplaintEvent.objects.filter(complaint=complaint)
        .exclude(public_note="")
        .update(public_note="")
    )
    _clear_protection(complaint)
    for field, blank in REPORT_CLEARED.items():
        setattr(complaint, field, blank())
    complaint.anonymised_at = now
    complaint.save(update_fields=[*REPORT_CLEARED, "anonymised_at"])  # search_text too
    # What was left of it went with it, under this warning.
    RetentionNotice.objects.filter(complaint=complaint, state__in=OPEN_NOTICE).exclude(
        what=What.REPORT
    ).update(state=State.PURGED, purged_at=now, blocked_reason="")
    changes = {
        "cleared": list(REPORT_CLEARED),
        "messages": messages,
        "event_notes": notes,
        **photos,
        **identity,
    }
    return changes, files


REMOVALS = {
    What.IDENTITY: purge_identity,
    What.PHOTOS: purge_photos,
    What.REPORT: anonymise_report,
}


def _delete_file(name: str) -> None:
    if name.startswith(quarantine.PREFIX):
        quarantine.delete(name)
    else:
        # Through the field's own storage: the media may be on S3.
        ComplaintPhoto._meta.get_field("display").storage.delete(name)


def delete_pending_files(notice_id: int) -> int:
    """Delete the files a committed removal left to delete; how many are still left.

    Run after commit, and again by each sweep while any is left. Deleting is idempotent,
    so two sweeps at once, or a retry after a crash, do no harm."""
    names = (
        RetentionNotice.objects.filter(pk=notice_id).values_list("pending_files", flat=True).first()
    )
    deleted = set()
    for name in names or []:
        try:
            _delete_file(name)
        except Exception:
            logger.exception(
                "Retention: a file of notice %s could not be deleted; the next sweep retries",
                notice_id,
            )
        else:
            deleted.add(name)
    if not deleted:
        return len(names or [])
    with transaction.atomic():
        notice = RetentionNotice.objects.select_for_update().filter(pk=notice_id).first()
        if notice is None:
            return 0
        left = [name for name in notice.pending_files or [] if name not in deleted]
        notice.pending_files = left or None
        notice.save(update_fields=["pending_files"])
    return len(left)
