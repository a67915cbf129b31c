"""System checks run at start-up and by ``manage.py check``: receipts that no configured
key opens any more (complaints/receipts.py, "Rotating the key").

A receipt's digest needs every key of its chain: its outer version, stored with it, and
the versions receipts_rotate wrapped it through, recorded in the audit log when the run
began (``CHAIN_ACTION``). Dropping one of them from RECEIPT_OLD_KEYS makes those
receipts open nothing, silently: the reporter is only told the code is wrong.

The check ids keep the "whistleblower." prefix they had when this lived there: operators
name them in SILENCED_SYSTEM_CHECKS and the README tells them so.
"""

from django.conf import settings
from django.core import checks
from django.db import DatabaseError, connections

from complaints.models import Complaint
from registry.models import AuditEntry

CHAIN_ACTION = "receipts.rotation_started"
# What retention stores instead of a purged receipt's digest (complaints/retention.py):
# it opens nothing under any key, so its version does not matter.
PURGED_PREFIX = "purged:"


@checks.register()
def receipt_keys_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    configured = set(settings.RECEIPT_KEYS)
    connection = connections[Complaint.objects.db]
    try:
        tables = set(connection.introspection.table_names())
        if Complaint._meta.db_table not in tables:
            return []  # before the first migrate: nothing stored yet
        # One aggregate over the table (receipt_key_version has no index; a scan, once).
        in_use = set(
            Complaint.objects.order_by()
            .exclude(receipt_digest__startswith=PURGED_PREFIX)
            .values_list("receipt_key_version", flat=True)
            .distinct()
        )
        chains = []
        if in_use and AuditEntry._meta.db_table in tables:
            # One entry per receipts_rotate run, on the indexed action column.
            chains = list(
                AuditEntry.objects.filter(action=CHAIN_ACTION).values_list("changes", flat=True)
            )
    except DatabaseError:
        # No database to read (a build step, a database not reachable yet): nothing to say
        # about what it stores.
        return []

    errors = []
    unknown = sorted(in_use - configured)
    if unknown:
        errors.append(
            checks.Error(
                f"Receipts are stored under receipt key version(s) {unknown}, which "
                "RECEIPT_KEY and RECEIPT_OLD_KEYS do not configure: those receipts open "
                "nothing.",
                hint=_HINT,
                id="whistleblower.E001",
            )
        )
    newest = max(in_use, default=0)
    chained = {
        version
        for changes in chains
        if newest >= changes.get("to_version", 0)
        for version in changes.get("chain", [])
    }
    dropped = sorted(chained - configured - set(unknown))
    if dropped:
        errors.append(
            checks.Error(
                f"receipts_rotate wrapped receipts through receipt key version(s) {dropped}, "
                "which RECEIPT_OLD_KEYS no longer configures: those receipts open nothing.",
                hint=_HINT,
                id="whistleblower.E002",
            )
        )
    return errors


_HINT = (
    'Put the old key back in RECEIPT_OLD_KEYS ("version:key,..."). Drop an old key only '
    "when no receipt made under it must open any more, and then silence this check in "
    "SILENCED_SYSTEM_CHECKS."
)
