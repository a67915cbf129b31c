from datetime import timedelta

from celery import shared_task
from django.conf import settings

from inspections.models import EvidencePhoto
from registry.background import claim, save_copy, sweep
from registry.images import PhotoRejected, make_clean_copies

STALE_AFTER = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT * 2)


@shared_task(autoretry_for=(OSError,), retry_backoff=10, retry_backoff_max=600, max_retries=6)
def evidence_process(photo_id: int) -> str:
    """Display copy and thumbnail of an evidence photo, upright; the original stays as it is."""
    if not claim(
        EvidencePhoto.objects,
        photo_id,
        state_field="state",
        claimed_at_field="claimed_at",
        pending=EvidencePhoto.State.PENDING,
        running=EvidencePhoto.State.PROCESSING,
        stale_after=STALE_AFTER,
    ):
        return "skipped"
    photo = EvidencePhoto.objects.get(pk=photo_id)
    try:
        with photo.original.open("rb") as handle:
            copies = make_clean_copies(handle.read())
    except (PhotoRejected, ValueError, SyntaxError, FileNotFoundError):
        EvidencePhoto.objects.filter(pk=photo_id).update(state=EvidencePhoto.State.FAILED)
        return "failed"
    save_copy(photo.display, f"{photo.sha256}-display.jpg", copies.display)
    save_copy(photo.thumb, f"{photo.sha256}-thumb.jpg", copies.thumb)
    EvidencePhoto.objects.filter(pk=photo_id).update(
        display=photo.display.name,
        thumb=photo.thumb.name,
        width=copies.width,
        height=copies.height,
        state=EvidencePhoto.State.READY,
    )
    return "ready"


@shared_task
def evidence_sweep() -> int:
    """Re-enqueue evidence photos whose task was lost."""
    return sweep(
        evidence_process,
        EvidencePhoto.objects,
        state_field="state",
        claimed_at_field="claimed_at",
        created_field="uploaded_at",
        pending=EvidencePhoto.State.PENDING,
        running=EvidencePhoto.State.PROCESSING,
        stale_after=STALE_AFTER,
    )


@shared_task
def violations_escalate() -> int:
    """Daily: remedial measures past their deadline are escalated to the team lead and
    the unit's supervisors (each measure once a day)."""
    from inspections.violations import escalate_overdue

    return escalate_overdue()


@shared_task
def photo_uploads_expire() -> int:
    """Daily: photo uploads left unfinished for a week are dropped with their pieces."""
    from inspections.sync import photo_uploads_expire as expire

    return expire()
