"""Email delivery of staff notifications, the worker's half of registry/background.py's
pattern: `services.notification_send` writes the row and enqueues `notification_deliver`
after commit; the beat's `tasks.notifications_sweep` re-enqueues what was lost.

It lives apart from tasks.py, whose jobs call services, so that services can import it
without an import cycle.
"""

from datetime import timedelta
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db.models import F
from django.utils import timezone

from registry.background import claim
from registry.models import Notification

# Longer than the task's hard time limit, so a live worker's claim is never taken over.
EMAIL_CLAIM_STALE_AFTER = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT * 2)


@shared_task(
    # The name it had in registry/tasks.py: queued messages keep running.
    name="registry.tasks.notification_deliver",
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
