from celery import shared_task

from violations.decisions import escalate_overdue


# Registered under its name from before violation handling had its own app, so that a
# run queued by a beat of the previous release still runs.
@shared_task(name="inspections.tasks.violations_escalate")
def violations_escalate() -> int:
    """Daily: remedial measures past their deadline are escalated to the team lead and
    the unit's supervisors (each measure once a day)."""
    return escalate_overdue()
