from celery import shared_task

from inspections import sync
from inspections.evidence import CLAIM_STALE_AFTER, evidence_process
from inspections.models import EvidencePhoto
from registry.background import sweep


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
        stale_after=CLAIM_STALE_AFTER,
    )


@shared_task
def photo_uploads_expire() -> int:
    """Daily: photo uploads left unfinished for a week are dropped with their pieces."""
    return sync.photo_uploads_expire()
