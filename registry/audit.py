"""The audit log: services append to it, `audit_verify` checks it.

Each entry's hash is an HMAC-SHA256 (key: settings.AUDIT_CHAIN_KEY) over its own
content and the previous entry's hash. Entries get consecutive ids while the chain head
is locked, so a deleted row shows as a gap, an edited row as a wrong hash, and a deleted
last row as a head that points past the end.
"""

import hashlib
import hmac
import json
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from registry.models import AuditChainHead, AuditEntry

GENESIS_HASH = "0" * 64


def _canonical(value) -> str:
    return json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), cls=DjangoJSONEncoder
    )


def _entry_hash(entry: AuditEntry, target_label: str) -> str:
    payload = _canonical(
        {
            "id": entry.pk,
            "at": entry.at.isoformat(),
            "actor": entry.actor_id,
            "actor_username": entry.actor_username,
            "unit": entry.unit_id,
            "action": entry.action,
            "target_type": target_label,
            "target_id": entry.target_id,
            "target_repr": entry.target_repr,
            "changes": entry.changes,
            "prev": entry.prev_hash,
        }
    )
    return hmac.new(settings.AUDIT_CHAIN_KEY.encode(), payload.encode(), hashlib.sha256).hexdigest()


def _type_label(content_type: ContentType | None) -> str:
    return f"{content_type.app_label}.{content_type.model}" if content_type else ""


def audit_record(
    *, actor, action: str, target=None, unit=None, changes: dict | None = None
) -> AuditEntry:
    """Append one entry. Must be called inside the service's transaction, so the entry
    commits or rolls back with the change it describes.

    `changes` must never carry a reporter's identity or a receipt: describe the change
    (field names, new states), not the secret.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record() must run inside the service's transaction.atomic().")
    if unit is None:
        unit = getattr(target, "unit", None) if target is not None else None
        if unit is None and actor is not None:
            unit = actor.unit
    content_type = ContentType.objects.get_for_model(target) if target is not None else None

    head = AuditChainHead.objects.select_for_update().get(pk=1)
    entry = AuditEntry(
        id=(head.last_entry_id or 0) + 1,
        at=timezone.now(),
        actor=actor,
        actor_username=actor.get_username() if actor is not None else "",
        unit=unit,
        action=action,
        target_type=content_type,
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:200] if target is not None else "",
        # Stored exactly as hashed: round-trip through JSON first (dates become strings).
        changes=json.loads(_canonical(changes or {})),
        prev_hash=head.last_hash,
    )
    entry.entry_hash = _entry_hash(entry, _type_label(content_type))
    entry.save(force_insert=True)
    AuditChainHead.objects.filter(pk=1).update(
        last_entry_id=entry.pk, last_hash=entry.entry_hash, length=head.length + 1
    )
    return entry


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    broken_id: int | None = None
    reason: str = ""


def audit_verify(*, chunk_size: int = 2000) -> ChainReport:
    """Walk the chain from the start; report the first row that breaks it."""
    head = AuditChainHead.objects.get(pk=1)
    labels = {ct.pk: _type_label(ct) for ct in ContentType.objects.all()}
    expected_id, expected_prev, checked = 1, GENESIS_HASH, 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=chunk_size):
        if entry.pk != expected_id:
            return ChainReport(
                False, checked, expected_id, f"row {expected_id} is missing (deleted)"
            )
        if entry.prev_hash != expected_prev:
            return ChainReport(
                False, checked, entry.pk, "its link to the previous row does not match"
            )
        if entry.entry_hash != _entry_hash(entry, labels.get(entry.target_type_id, "")):
            return ChainReport(
                False, checked, entry.pk, "its content was changed after it was written"
            )
        expected_id, expected_prev, checked = expected_id + 1, entry.entry_hash, checked + 1
    if (
        (head.last_entry_id or 0) != checked
        or head.length != checked
        or head.last_hash != expected_prev
    ):
        return ChainReport(
            False,
            checked,
            checked + 1,
            f"the chain head records {head.length} rows: the last rows were deleted",
        )
    return ChainReport(True, checked)
