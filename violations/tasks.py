from celery import shared_task

from violations.services import escalate_overdue


@shared_task
def violations_escalate() -> int:
    """Daily: remedial measures past their deadline are escalated to the team lead and
    the unit's supervisors (each measure once a day)."""
    return escalate_overdue()
