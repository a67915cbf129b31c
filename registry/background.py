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

import logging
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

logger = logging.getLogger(__name__)


def enqueue_on_commit(task, *args) -> None:
    """Send `task(*args)` to the broker once the transaction commits.

    A broker that is down must not turn a committed change into an error for the
    user: the failure is logged and the row stays pending for the beat sweep.
    """

    def send():
        try:
            task.delay(*args)
        except Exception:
            logger.exception("Could not enqueue %s%s; the sweep will retry it", task.name, args)
            raise

    transaction.on_commit(send, robust=True)


def sweep(
    task,
    queryset,
    *,
    state_field: str,
    claimed_at_field: str,
    created_field: str,
    pending: str,
    running: str,
    stale_after: timedelta,
    grace: timedelta = timedelta(minutes=2),
    limit: int = 1000,
) -> int:
    """Step 4 of the pattern: re-enqueue rows left pending longer than `grace` (their
    task never reached the broker) or claimed longer than `stale_after` (their worker
    died). Claiming stays with the task, so a row enqueued twice is done once."""
    now = timezone.now()
    ids = list(
        queryset.filter(
            Q(**{state_field: pending, f"{created_field}__lt": now - grace})
            | Q(**{state_field: running, f"{claimed_at_field}__lt": now - stale_after})
        ).values_list("pk", flat=True)[:limit]
    )
    for pk in ids:
        task.delay(pk)
    return len(ids)


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


def save_copy(field_file, name: str, data: bytes) -> None:
    """Store `data` as `name` in a derived-file field (the model is not saved).

    A run killed after storing a copy but before recording it left that file behind
    under the same name; the run that takes its claim over replaces it, where the
    storage would otherwise keep both (the new one under a suffixed name). The claim
    makes this run the only one for the row, so the file cannot be a live run's.
    """
    target = field_file.field.generate_filename(field_file.instance, name)
    if field_file.storage.exists(target):
        field_file.storage.delete(target)
    field_file.save(name, ContentFile(data), save=False)
