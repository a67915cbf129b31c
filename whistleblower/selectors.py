"""Reads of protection requests (docs/protection.md): the staff's, each starting from
`ProtectionRequest.objects.visible_to` (the unit's custodians and supervisors, never the
report's handler); the reporter's, through the receipt; and the one flag the handler may
see."""

from django.db.models import Prefetch, QuerySet

from registry.errors import NotFound
from registry.models import LegalClock
from whistleblower.models import ProtectionFollowUp, ProtectionRequest


def protection_list(*, user, status: str | None = None) -> QuerySet[ProtectionRequest]:
    """The requests `user` may see, newest first; with `status`, only those in it."""
    qs = (
        ProtectionRequest.objects.visible_to(user)
        .select_related("complaint")
        .prefetch_related("clocks")
    )
    return qs.filter(status=status) if status else qs


def protection_get(*, user, protection_id: int) -> ProtectionRequest:
    found = (
        ProtectionRequest.objects.visible_to(user)
        .select_related("complaint", "complaint__unit", "decided_by", "closed_by")
        .prefetch_related(
            "clocks",
            Prefetch("follow_ups", queryset=ProtectionFollowUp.objects.select_related("by")),
        )
        .filter(pk=protection_id)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def decision_clock(request: ProtectionRequest) -> LegalClock | None:
    """The request's one clock (prefetched by the selectors above)."""
    return next(iter(request.clocks.all()), None)


def protection_public(complaint) -> list[dict]:
    """What the holder of the receipt reads of their requests, newest first: the state,
    the decision, the follow-up notes told to them. Not what they feared (a receipt may be
    seen by someone else), nor who decided."""
    requests = (
        ProtectionRequest.objects.filter(complaint=complaint)
        .prefetch_related(
            "clocks",
            Prefetch(
                "follow_ups",
                queryset=ProtectionFollowUp.objects.filter(tell_reporter=True),
                to_attr="told",
            ),
        )
        .order_by("-created_at", "-pk")
    )
    rows = []
    for r in requests:
        clock = decision_clock(r)
        rows.append(
            {
                "created_at": r.created_at,
                "status": r.status,
                "status_label": str(r.get_status_display()),
                "kinds": list(r.kinds),
                "kind_labels": r.kind_labels,
                "due_on": clock.due_on if clock and r.status == r.Status.PENDING else None,
                "decided_at": r.decided_at,
                "measures": r.measures,
                "authority": r.authority,
                "refusal_reason": r.refusal_reason,
                "follow_ups": [{"on": f.on, "text": f.text} for f in r.told],
                "closed_at": r.closed_at,
                "closing_note": r.closing_note,
            }
        )
    return rows


def protection_flagged(*, complaint) -> bool:
    """Whether a supervisor decided that the report's handler sees that a protection
    matter exists: all the report's page shows of it."""
    return ProtectionRequest.objects.filter(complaint=complaint, handler_informed=True).exists()
