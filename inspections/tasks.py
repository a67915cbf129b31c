from celery import shared_task

from inspections import sync, violations
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
def violations_escalate() -> int:
    """Daily: remedial measures past their deadline are escalated to the team lead and
    the unit's supervisors (each measure once a day)."""
    return violations.escalate_overdue()


@shared_task
def photo_uploads_expire() -> int:
    """Daily: photo uploads left unfinished for a week are dropped with their pieces."""
    return sync.photo_uploads_expire()
