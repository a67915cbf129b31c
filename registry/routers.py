"""Reads of the heavy read-only views on a PostgreSQL read replica.

With DATABASE_REPLICA_URL set, the settings add a "replica" database and this router.
Everything goes to the primary ("default") except the queries of the views decorated
with @replica_reads (the dashboard, the exports, search): statistics over months of
reports, which a replica a few seconds behind answers as well, and which then take no
capacity from filing and field work. Writes always go to the primary, even inside such a
view; the replica connection itself is read-only as well (default_transaction_read_only).
"""

from contextvars import ContextVar
from functools import wraps

from django.conf import settings

REPLICA = "replica"
_reads_on_replica: ContextVar[bool] = ContextVar("reads_on_replica", default=False)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _reads_on_replica.get() and REPLICA in settings.DATABASES:
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two ways in

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


def _within_replica(iterator):
    """Iterate `iterator` (a streaming response's content) with reads on the replica."""
    iterator = iter(iterator)
    while True:
        token = _reads_on_replica.set(True)
        try:
            item = next(iterator)
        except StopIteration:
            return
        finally:
            _reads_on_replica.reset(token)
        yield item


def replica_reads(view):
    """The view's reads (and a streamed body's, as it streams) go to the replica."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        token = _reads_on_replica.set(True)
        try:
            response = view(*args, **kwargs)
        finally:
            _reads_on_replica.reset(token)
        if getattr(response, "streaming", False):
            response.streaming_content = _within_replica(response.streaming_content)
        return response

    return wrapped
