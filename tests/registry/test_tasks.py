from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from registry.models import Notification
from registry.notifications import EMAIL_CLAIM_STALE_AFTER, notification_deliver
from registry.services import notification_send
from registry.tasks import notifications_sweep


def test_a_notification_is_emailed_after_commit(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification = notification_send(
            recipient=alice, subject="Hạn xử lý", body="Còn 2 ngày làm việc"
        )
    assert len(callbacks) == 1  # enqueued on commit, not before
    assert len(mail.outbox) == 0
    callbacks[0]()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [alice.email]
    notification.refresh_from_db()
    assert notification.email_state == Notification.State.SENT


def test_a_rolled_back_transaction_enqueues_nothing(alice, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notification_send(recipient=alice, subject="Sẽ bị hủy", body="...")
        raise RuntimeError("the service fails after the notification")
    assert callbacks == []
    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_a_redelivered_task_sends_once(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = notification_send(recipient=alice, subject="Một lần", body="...")
    assert notification_deliver(notification.pk) == "skipped"
    assert notification_deliver(notification.pk) == "skipped"
    assert len(mail.outbox) == 1


def test_the_same_dedup_key_notifies_once(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = notification_send(
            recipient=alice, subject="Nhắc", body="...", dedup_key="clock-7-reminder"
        )
        second = notification_send(
            recipient=alice, subject="Nhắc", body="...", dedup_key="clock-7-reminder"
        )
    assert first.pk == second.pk
    assert len(mail.outbox) == 1


def test_a_stale_claim_is_taken_over(alice, django_capture_on_commit_callbacks):
    """The worker died after claiming: after the stale period another one sends it."""
    with django_capture_on_commit_callbacks(execute=False):
        notification = notification_send(recipient=alice, subject="Treo", body="...")
    Notification.objects.filter(pk=notification.pk).update(
        email_state=Notification.State.SENDING, email_claimed_at=timezone.now()
    )
    assert notification_deliver(notification.pk) == "skipped"  # a live claim is respected
    Notification.objects.filter(pk=notification.pk).update(
        email_claimed_at=timezone.now() - EMAIL_CLAIM_STALE_AFTER - timedelta(seconds=1)
    )
    assert notification_deliver(notification.pk) == "sent"
    assert len(mail.outbox) == 1


def test_the_sweep_resends_what_was_never_enqueued(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):  # the broker was down
        notification = notification_send(recipient=alice, subject="Bị sót", body="...")
    Notification.objects.filter(pk=notification.pk).update(
        created_at=timezone.now() - timedelta(minutes=5)
    )
    assert notifications_sweep() == 1
    assert len(mail.outbox) == 1
    assert notifications_sweep() == 0


def test_no_email_address_means_in_app_only(roles, django_capture_on_commit_callbacks):
    from tests.factories import UserFactory

    user = UserFactory(username="khongmail", email="")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification = notification_send(recipient=user, subject="Chỉ trong ứng dụng", body="...")
    assert callbacks == []
    assert notification.email_state == Notification.State.SKIPPED


def test_a_failing_mail_server_releases_the_claim_for_a_retry(
    alice, django_capture_on_commit_callbacks, settings
):
    from unittest import mock

    with django_capture_on_commit_callbacks(execute=False):
        notification = notification_send(recipient=alice, subject="Lỗi SMTP", body="...")
    with (
        mock.patch("registry.notifications.send_mail", side_effect=OSError("connection refused")),
        pytest.raises(OSError),
    ):
        notification_deliver.run(notification.pk)
    notification.refresh_from_db()
    assert notification.email_state == Notification.State.PENDING
    assert notification.email_attempts == 1


def test_audit_chain_task_alerts_auditors_once(audrey, alice, django_capture_on_commit_callbacks):
    from django.db import connection

    from registry.audit import audit_record
    from registry.tasks import audit_chain_verify
    from tests.factories import unit

    with transaction.atomic():
        audit_record(actor=alice, action="a", target=unit("01"))
        audit_record(actor=alice, action="b", target=unit("01"))
    assert audit_chain_verify() is True
    with connection.cursor() as cursor:
        cursor.execute("UPDATE registry_auditentry SET action = 'x' WHERE id = 1")
    with django_capture_on_commit_callbacks(execute=True):
        assert audit_chain_verify() is False
        assert audit_chain_verify() is False
    assert Notification.objects.filter(recipient=audrey).count() == 1


@pytest.mark.parametrize(
    "link", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]
)
def test_notification_links_stay_inside_the_site(alice, link):
    from registry.errors import InvalidInput

    with pytest.raises(InvalidInput):
        notification_send(recipient=alice, subject="X", body="...", link=link)
    assert Notification.objects.count() == 0
