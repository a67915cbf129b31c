"""Reads of retention notices: a report's open notices, the supervisors' list, and what a
sweep would do now (complaints/retention.py does it)."""

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from complaints.models import Complaint, RetentionNotice
from complaints.retention import (
    KINDS,
    OPEN_NOTICE,
    due_for_files,
    due_for_purge,
    due_for_recheck,
    due_for_warning,
)

State = RetentionNotice.State
NOTICE_LISTS = ("open", "warned", "blocked", "purged")


def notices_for_complaint(*, complaint: Complaint) -> QuerySet:
    """The open notices of a report, for its page (the page already checked who sees it)."""
    return RetentionNotice.objects.filter(complaint=complaint, state__in=OPEN_NOTICE).order_by(
        "purge_after", "what"
    )


def notice_list(*, user, state: str = "open") -> QuerySet:
    """The notices of the reports of the user's unit (every unit for national staff),
    for the supervisors: what goes soon, what waits and why, what went. Empty for anyone
    without complaints.view_retentionnotice."""
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


def retention_plan(*, now: datetime | None = None) -> dict:
    """What a sweep would do now, in counts (manage.py retention_sweep --dry-run)."""
    now = now or timezone.now()
    purge = dict.fromkeys(KINDS, 0)
    for what in due_for_purge(now).values_list("what", flat=True):
        purge[what] += 1
    return {
        "warn": {what: due_for_warning(what, now).count() for what in KINDS},
        "purge": purge,
        "recheck": due_for_recheck(now).count(),
        "blocked": RetentionNotice.objects.filter(state=State.BLOCKED).count(),
        "files": due_for_files().count(),
    }
