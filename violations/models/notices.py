"""Thông báo giữa các đơn vị: when a product of serious or high risk is alerted (or a
national supervisor decides so), every other unit is told and answers within a set
number of working days whether the product is on its market and what it did
(violations/notices.py). The answer's deadline runs as a legal clock (`province_notice`,
violations/clocks.py), so a late answer is escalated by the clocks' sweep."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.models import ScopedQuerySet, Unit
from violations.models.alerts import ProductAlert


class Notice(models.Model):
    class Origin(models.TextChoices):
        RISK = "risk", _("Cảnh báo có mức rủi ro nghiêm trọng hoặc cao")
        DECISION = "decision", _("Quyết định của cơ quan trung ương")

    class Reaction(models.TextChoices):
        FOUND = "found", _("Có phát hiện sản phẩm trên địa bàn")
        NOT_FOUND = "not_found", _("Không phát hiện sản phẩm trên địa bàn")
        MEASURES = "measures", _("Đã áp dụng biện pháp xử lý")

    alert = models.ForeignKey(ProductAlert, on_delete=models.PROTECT, related_name="notices")
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị nhận"), on_delete=models.PROTECT, related_name="+"
    )
    origin = models.CharField(_("căn cứ gửi"), max_length=10, choices=Origin.choices)
    reason = models.TextField(_("lý do gửi"), blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(_("gửi lúc"), default=timezone.now)
    due_on = models.DateField(_("hạn trả lời"))
    reaction = models.CharField(_("kết quả"), max_length=10, choices=Reaction.choices, blank=True)
    reaction_text = models.TextField(_("nội dung, biện pháp đã áp dụng"), blank=True)
    evidence = models.FileField(_("tài liệu chứng minh"), upload_to="notices/%Y/", blank=True)
    evidence_type = models.CharField(max_length=40, blank=True)
    evidence_sha256 = models.CharField(max_length=64, blank=True)
    reacted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reacted_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)
    # Set when the alert is withdrawn before the unit answered: the notice is closed, its
    # clock cancelled, and no answer is expected any more (violations/alerts.py).
    withdrawn_at = models.DateTimeField(_("đóng do gỡ cảnh báo lúc"), null=True, blank=True)

    # The receiving unit's staff see their unit's notices; national staff see all.
    scope_unit_field = "unit"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "pk"]
        verbose_name = _("thông báo giữa các đơn vị")
        verbose_name_plural = _("thông báo giữa các đơn vị")
        permissions = [
            ("react_notice", _("Trả lời thông báo giữa các đơn vị")),
            ("send_notice", _("Gửi thông báo giữa các đơn vị theo quyết định")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["alert", "unit"], name="one_notice_per_unit")
        ]
        indexes = [models.Index(fields=["unit", "reacted_at"], name="notice_unit_waiting")]

    def __str__(self):
        return f"{self.alert} → {self.unit}"

    @property
    def answered(self) -> bool:
        return self.reacted_at is not None

    @property
    def withdrawn(self) -> bool:
        """Closed unanswered because its alert was withdrawn."""
        return self.withdrawn_at is not None

    @property
    def late(self) -> bool:
        """Unanswered past its last day, or answered after it; never once withdrawn."""
        if self.reacted_at is not None:
            return timezone.localdate(self.reacted_at) > self.due_on
        if self.withdrawn_at is not None:
            return False
        return timezone.localdate() > self.due_on
