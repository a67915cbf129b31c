import logging
from datetime import timedelta
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.audit import audit_verify
from registry.background import claim, sweep
from registry.models import Notification, Role, User

logger = logging.getLogger(__name__)

# Longer than the task's hard time limit, so a live worker's claim is never taken over.
EMAIL_CLAIM_STALE_AFTER = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT * 2)


@shared_task(
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=8,
)
def notification_deliver(notification_id: int) -> str:
    """Email one notification, once."""
    if not claim(
        Notification.objects,
        notification_id,
        state_field="email_state",
        claimed_at_field="email_claimed_at",
        pending=Notification.State.PENDING,
        running=Notification.State.SENDING,
        stale_after=EMAIL_CLAIM_STALE_AFTER,
    ):
        return "skipped"
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    Notification.objects.filter(pk=notification_id).update(email_attempts=F("email_attempts") + 1)
    try:
        send_mail(
            notification.subject,
            notification.body,
            settings.DEFAULT_FROM_EMAIL,
            [notification.recipient.email],
        )
    except (SMTPException, OSError):
        # Release the claim so the retry (or the sweep) can take it again.
        Notification.objects.filter(
            pk=notification_id, email_state=Notification.State.SENDING
        ).update(email_state=Notification.State.PENDING)
        raise
    Notification.objects.filter(pk=notification_id).update(
        email_state=Notification.State.SENT, email_sent_at=timezone.now()
    )
    return "sent"


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
    from registry.services import notification_send

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
