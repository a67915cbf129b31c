from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.models.scoping import ScopedQuerySet


class ApiToken(models.Model):
    """A bearer token for a tablet. Only its SHA-256 is stored; the token itself is
    shown once. Tokens carry 256 random bits, so a fast hash is enough."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("tên thiết bị"), max_length=100)
    prefix = models.CharField(
        _("tiền tố"), max_length=12, help_text=_("Để nhận ra token, không đủ để dùng.")
    )
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    expires_at = models.DateTimeField(_("hết hạn"))
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)

    # Private to their owner, whatever the role or unit.
    scope_owner_field = "user"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("token truy cập API")
        verbose_name_plural = _("token truy cập API")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class Notification(models.Model):
    """A message to a staff member: shown in the app and, when the user has an email
    address, delivered by email from a background task (an outbox row per message)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Chờ gửi")
        SENDING = "sending", _("Đang gửi")
        SENT = "sent", _("Đã gửi")
        SKIPPED = "skipped", _("Không gửi thư (không có địa chỉ)")
        FAILED = "failed", _("Gửi lỗi")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhận"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    subject = models.CharField(_("tiêu đề"), max_length=200)
    body = models.TextField(_("nội dung"))
    link = models.CharField(_("liên kết"), max_length=300, blank=True)
    # Who asked for it, so the same reminder is never created twice (e.g. clock sweeps).
    dedup_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)
    email_state = models.CharField(
        _("trạng thái thư"),
        max_length=10,
        choices=State.choices,
        default=State.PENDING,
        db_index=True,
    )
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(_("gửi thư lúc"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)

    scope_owner_field = "recipient"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")

    def __str__(self):
        return self.subject
