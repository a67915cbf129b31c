from celery import shared_task
from django.db import OperationalError


@shared_task
def clocks_sweep() -> dict:
    """Every ten minutes: reminders before a legal deadline, escalation after it (the
    24-hour report after a failed test is reminded an hour ahead)."""
    from review.clocks import clocks_sweep as sweep

    result = sweep()
    return {"reminded": result.reminded, "escalated": result.escalated, "ended": result.completed}


@shared_task(
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
    from review.duplicates import duplicates_detect as detect

    return len(detect(complaint_id))
