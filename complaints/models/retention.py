from django.db import models
from django.utils.translation import gettext_lazy as _

from complaints.models.complaint import Complaint
from registry.models import ScopedQuerySet


class RetentionNotice(models.Model):
    """One thing of a closed report that its retention period removes: the warning given
    before (at least RETENTION_WARNING_HOURS ahead), then the removal, or why it waits.

    Nothing is removed without a notice in state WARNED whose warning is old enough
    (complaints/retention.py)."""

    class What(models.TextChoices):
        # Said the same way for every report: whether the reporter gave an identity is
        # never shown by the notice (the vault's rule, whistleblower/services.py).
        IDENTITY = "identity", _("Thông tin nhân thân người phản ánh (nếu có)")
        PHOTOS = "photos", _("Ảnh của người phản ánh")
        # Anonymising the report also removes whatever photos and identity are left.
        REPORT = "report", _("Nội dung phản ánh, tin nhắn, ảnh và thông tin nhân thân (nếu có)")

    class State(models.TextChoices):
        WARNED = "warned", _("Đã cảnh báo, chờ xóa")
        BLOCKED = "blocked", _("Chưa xóa (đang giữ hồ sơ)")
        PURGED = "purged", _("Đã xóa")
        CANCELLED = "cancelled", _("Đã hủy (thời hạn thay đổi)")

    class Block(models.TextChoices):
        HOLD = "hold", _("Lãnh đạo đang giữ hồ sơ")
        INSPECTION_OPEN = "inspection_open", _("Cuộc kiểm tra liên quan chưa đóng")
        VIOLATION_OPEN = "violation_open", _("Vụ việc vi phạm liên quan chưa kết thúc")
        # Nobody to warn (no active handler, complaint officer or supervisor in the
        # unit): nothing is removed without a warning reaching someone.
        NO_RECIPIENT = "no_recipient", _("Không có cán bộ nào của đơn vị để nhận cảnh báo")

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="retention_notices"
    )
    what = models.CharField(_("nội dung bị xóa"), max_length=10, choices=What.choices)
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=State.choices, default=State.WARNED
    )
    blocked_reason = models.CharField(
        _("lý do chưa xóa"), max_length=20, choices=Block.choices, blank=True
    )
    # When the period ends (closed_at + period) and when the removal may run: never
    # before the end, nor before RETENTION_WARNING_HOURS after the warning.
    expires_at = models.DateTimeField(_("hết thời hạn lưu trữ"))
    purge_after = models.DateTimeField(_("xóa từ"))
    warned_at = models.DateTimeField(_("cảnh báo lúc"))
    checked_at = models.DateTimeField(null=True, blank=True)
    purged_at = models.DateTimeField(_("đã xóa lúc"), null=True, blank=True)
    # Storage names of the files a removal still has to delete (photos' copies and
    # quarantined originals): the rows go in the removal's transaction, the files only
    # after it commits, and whatever fails or is interrupted is retried by the next
    # sweep. None once every file is gone. Names are neutral (ids, random), never the
    # citizen's own.
    pending_files = models.JSONField(null=True, blank=True, editable=False)

    scope_unit_field = "complaint__unit"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["purge_after", "pk"]
        verbose_name = _("cảnh báo hết thời hạn lưu trữ")
        verbose_name_plural = _("cảnh báo hết thời hạn lưu trữ")
        constraints = [
            # One open notice per report and kind, so a sweep run twice (or two at once)
            # warns once.
            models.UniqueConstraint(
                fields=["complaint", "what"],
                condition=models.Q(state__in=["warned", "blocked"]),
                name="one_open_retention_notice",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "purge_after"], name="retention_due_idx"),
            models.Index(
                fields=["purged_at"],
                condition=models.Q(pending_files__isnull=False),
                name="retention_files_pending_idx",
            ),
        ]

    def __str__(self):
        return f"{self.complaint_id} {self.what} {self.state}"

    @property
    def is_open(self) -> bool:
        return self.state in (self.State.WARNED, self.State.BLOCKED)
