from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from inspections.models.inspection import Inspection
from registry.models import ScopedQuerySet


class Minutes(models.Model):
    """Biên bản kiểm tra, generated from the findings and samples.

    Number 0 is the minutes; 1, 2, ... are amendments. A signed one is locked for good:
    a later change is a new, numbered amendment."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        SIGNED = "signed", _("Đã ký")

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="minutes")
    number = models.PositiveSmallIntegerField(_("số sửa đổi"), default=0)
    amendment_reason = models.TextField(_("lý do sửa đổi, bổ sung"), blank=True)
    content = models.JSONField(_("nội dung"), default=dict)
    pdf = models.FileField(upload_to="minutes/%Y/", blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    team_signers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    representative_name = models.CharField(_("người đại diện"), max_length=150, blank=True)
    representative_position = models.CharField(_("chức vụ"), max_length=150, blank=True)
    representative_refused = models.BooleanField(_("người đại diện từ chối ký"), default=False)
    witness_name = models.CharField(_("người làm chứng"), max_length=150, blank=True)
    witness_address = models.CharField(_("địa chỉ người làm chứng"), max_length=300, blank=True)
    signed_at = models.DateTimeField(_("thời điểm ký"), null=True, blank=True)

    scope_unit_field = "inspection__unit"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["inspection", "number"]
        verbose_name = _("biên bản kiểm tra")
        verbose_name_plural = _("biên bản kiểm tra")
        constraints = [
            models.UniqueConstraint(fields=["inspection", "number"], name="one_minutes_number")
        ]

    def __str__(self):
        return f"{self.inspection} / {self.number}"
