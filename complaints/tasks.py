import logging
from datetime import timedelta

from celery import shared_task
from cryptography.exceptions import InvalidTag
from django.conf import settings
from django.db import OperationalError
from django.utils import timezone

from complaints import duplicates, products, quarantine
from complaints.models import ComplaintPhoto
from registry.background import claim, save_copy, sweep
from registry.barcodes import barcode_proposal_fields
from registry.images import PhotoRejected, check_pixel_stream, make_clean_copies

logger = logging.getLogger(__name__)

PHOTO_CLAIM_STALE_AFTER = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT * 2)


@shared_task(
    autoretry_for=(OSError,),
    retry_backoff=10,
    retry_backoff_max=600,
    max_retries=6,
)
def photo_process(photo_id: int) -> str:
    """Make the staff-visible copies of one citizen's photo, once, and drop the original."""
    if not claim(
        ComplaintPhoto.objects,
        photo_id,
        state_field="state",
        claimed_at_field="claimed_at",
        pending=ComplaintPhoto.State.PENDING,
        running=ComplaintPhoto.State.PROCESSING,
        stale_after=PHOTO_CLAIM_STALE_AFTER,
    ):
        _drop_leftover_original(photo_id)
        return "skipped"
    photo = ComplaintPhoto.objects.get(pk=photo_id)
    try:
        original = quarantine.get(photo.quarantine_name)
        # The request checked the structure only (inspect_upload(decode=False)): here the
        # pixels are decoded, and what does not decode is rejected.
        check_pixel_stream(original)
        # The barcode is read from the pixels decoded here, not from a second decoding.
        copies = make_clean_copies(original, read_barcode=True)
    except (FileNotFoundError, InvalidTag) as exc:
        # The original is gone or cannot be opened (another QUARANTINE_KEY): retrying
        # cannot help. Staff see the photo as failed.
        return _fail(
            photo,
            "original_missing" if isinstance(exc, FileNotFoundError) else "original_unreadable",
        )
    except OSError:
        ComplaintPhoto.objects.filter(pk=photo_id, state=ComplaintPhoto.State.PROCESSING).update(
            state=ComplaintPhoto.State.PENDING
        )
        raise
    except (PhotoRejected, ValueError, SyntaxError) as exc:
        # The pixels do not decode (the request checked the structure only): keep nothing
        # of it; staff see the photo as failed, the reporter on the status page.
        return _fail(photo, getattr(exc, "code", "decode_failed"))
    # Saved under neutral names: nothing of the citizen's file name is kept.
    save_copy(photo.display, f"{photo.pk}-display.jpg", copies.display)
    save_copy(photo.thumb, f"{photo.pk}-thumb.jpg", copies.thumb)
    ComplaintPhoto.objects.filter(pk=photo_id).update(
        display=photo.display.name,
        thumb=photo.thumb.name,
        width=copies.width,
        height=copies.height,
        dhash=copies.dhash,
        state=ComplaintPhoto.State.READY,
        processed_at=timezone.now(),
        **barcode_proposal_fields(copies.barcodes),
    )
    # The original goes only after the row is ready, and the row forgets it only after it
    # is gone: a worker killed in between leaves a ready row that still names it, and the
    # task delivered again drops it (_drop_leftover_original).
    _drop_original(photo_id, photo.quarantine_name)
    if copies.barcodes:
        products.notify_proposal(photo_id=photo_id)
    # Now that the photo can be compared, look again for reports of the same goods.
    duplicates_detect.delay(photo.complaint_id)
    return "ready"


def _drop_original(photo_id: int, name: str) -> None:
    quarantine.delete(name)
    ComplaintPhoto.objects.filter(pk=photo_id, quarantine_name=name).update(
        quarantine_name="", quarantine_bytes=0
    )


def _drop_leftover_original(photo_id: int) -> None:
    """A photo already done whose original is still named: its worker died between the
    two steps; the original goes now."""
    done = (
        ComplaintPhoto.objects.filter(
            pk=photo_id, state__in=(ComplaintPhoto.State.READY, ComplaintPhoto.State.FAILED)
        )
        .exclude(quarantine_name="")
        .values_list("quarantine_name", flat=True)
        .first()
    )
    if done:
        _drop_original(photo_id, done)


def _fail(photo: ComplaintPhoto, code: str) -> str:
    logger.warning("Citizen photo %s could not be processed: %s", photo.pk, code)
    quarantine.delete(photo.quarantine_name)
    ComplaintPhoto.objects.filter(pk=photo.pk).update(
        state=ComplaintPhoto.State.FAILED,
        error_code=code,
        quarantine_name="",
        quarantine_bytes=0,
        processed_at=timezone.now(),
    )
    return "failed"


@shared_task
def photos_sweep() -> int:
    """Re-enqueue photos whose task was lost (broker down at commit, worker killed), and
    drop the originals that a worker killed after finishing a photo left behind."""
    leftovers = (
        ComplaintPhoto.objects.filter(
            state__in=(ComplaintPhoto.State.READY, ComplaintPhoto.State.FAILED),
            processed_at__lt=timezone.now() - PHOTO_CLAIM_STALE_AFTER,
        )
        .exclude(quarantine_name="")
        .values_list("pk", flat=True)
    )
    for photo_id in list(leftovers):
        _drop_leftover_original(photo_id)
    return sweep(
        photo_process,
        ComplaintPhoto.objects,
        state_field="state",
        claimed_at_field="claimed_at",
        created_field="created_at",
        pending=ComplaintPhoto.State.PENDING,
        running=ComplaintPhoto.State.PROCESSING,
        stale_after=PHOTO_CLAIM_STALE_AFTER,
    )


@shared_task(
    # The name it had in review/tasks.py: queued messages keep running.
    name="review.tasks.duplicates_detect",
    # A deadlock or serialization failure that PostgreSQL broke: the detection is
    # idempotent, so it simply runs again.
    autoretry_for=(OperationalError,),
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=5,
)
def duplicates_detect(complaint_id: int) -> int:
    """Look for reports about the same product or seller (idempotent: links are unique)."""
    return len(duplicates.duplicates_detect(complaint_id))


@shared_task
def retention_sweep() -> dict:
    """Hourly: warn before citizens' data reaches the end of its retention period, remove
    it once warned long enough, and warn again when a hold is lifted (each step claimed
    once: a sweep run twice, or two at once, does nothing twice)."""
    from complaints.retention_sweep import retention_sweep as sweep

    # Stop taking new items well before the soft time limit; the rest waits an hour.
    return sweep(budget_seconds=settings.CELERY_TASK_SOFT_TIME_LIMIT * 0.75).as_dict()
