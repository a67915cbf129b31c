"""The one pattern for background work.

1. A service writes the work as a row in a pending state and enqueues a task with the
   row's id *after commit* (`task.delay_on_commit(id)`): a rolled-back transaction
   enqueues nothing, and the worker never looks for a row that is not there yet.
2. The task claims the row with a conditional UPDATE (`claim`). Only one worker wins,
   so a redelivered task (acks_late, worker lost) or a duplicate does nothing twice.
   A claim older than `stale_after` is taken over: its worker died mid-way.
3. The task does the work, then marks the row done; on a transient error it releases
   the claim and retries with backoff.
4. A beat sweep re-enqueues rows left pending (e.g. the broker was down at commit).
"""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone


def claim(
    queryset,
    pk,
    *,
    state_field: str,
    claimed_at_field: str,
    pending: str,
    running: str,
    stale_after: timedelta,
) -> bool:
    """Atomically move one row from `pending` (or a stale `running`) to `running`."""
    now = timezone.now()
    stale = Q(**{state_field: running, f"{claimed_at_field}__lt": now - stale_after})
    updated = (
        queryset.filter(pk=pk)
        .filter(Q(**{state_field: pending}) | stale)
        .update(**{state_field: running, claimed_at_field: now})
    )
    return updated == 1
