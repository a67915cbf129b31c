from celery import shared_task


@shared_task
def clocks_sweep() -> dict:
    """Every ten minutes: reminders before a legal deadline, escalation after it (the
    24-hour report after a failed test is reminded an hour ahead)."""
    from review.clocks import clocks_sweep as sweep

    result = sweep()
    return {"reminded": result.reminded, "escalated": result.escalated, "ended": result.completed}
