import logging

from celery import shared_task
from django.utils.translation import gettext as _

from registry import clocks
from registry.audit import audit_verify
from registry.background import sweep
from registry.models import Notification, Role, User
from registry.notifications import EMAIL_CLAIM_STALE_AFTER, notification_deliver
from registry.services import notification_send

logger = logging.getLogger(__name__)


@shared_task
def notifications_sweep() -> int:
    """Re-enqueue emails whose task was lost (broker down at commit, worker killed)."""
    return sweep(
        notification_deliver,
        Notification.objects,
        state_field="email_state",
        claimed_at_field="email_claimed_at",
        created_field="created_at",
        pending=Notification.State.PENDING,
        running=Notification.State.SENDING,
        stale_after=EMAIL_CLAIM_STALE_AFTER,
    )


@shared_task
def audit_chain_verify() -> bool:
    """Nightly check of the audit chain; a break is reported to every auditor once."""
    report = audit_verify()
    if report.ok:
        return True
    logger.error("Audit chain broken at row %s: %s", report.broken_id, report.reason)
    for auditor in User.objects.filter(groups__name=Role.AUDITOR, is_active=True):
        notification_send(
            recipient=auditor,
            subject=_("Nhật ký thao tác bị sửa đổi hoặc xóa"),
            body=_("Kiểm tra chuỗi nhật ký phát hiện lỗi tại dòng %(id)s: %(reason)s")
            % {"id": report.broken_id, "reason": report.reason},
            dedup_key=f"audit-broken-{report.broken_id}",
        )
    return False


# Registered under its name from before the clocks moved here, so that a sweep queued
# by a beat of the previous release still runs.
@shared_task(name="review.tasks.clocks_sweep")
def clocks_sweep() -> dict:
    """Every ten minutes: reminders before a legal deadline, escalation after it (the
    24-hour report after a failed test is reminded an hour ahead)."""
    result = clocks.clocks_sweep()
    return {"reminded": result.reminded, "escalated": result.escalated, "ended": result.completed}
