"""After a sample fails its test: the team's report, the suspension of circulation, the
seals on the goods, the re-test of the failed criteria and the notice to resume.

Circular 26/2012/TT-BKHCN as amended by Circular 12/2017/TT-BKHCN (state inspection of
the quality of goods in circulation): the team reports a failed test to the agency within
24 hours; the agency notifies the operator to suspend circulation of the goods within 2
working days of the test report; the goods are sealed; once the operator has remedied
them, the failed criteria are tested again and circulation may resume.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from inspections.models import Sample
from registry.models import ScopedQuerySet


class FailedTestFollowUp(models.Model):
    """Opened when a test report says a sample failed; the clocks run from that moment."""

    class Status(models.TextChoices):
        OPEN = "open", _("Chờ đoàn báo cáo")
        REPORTED = "reported", _("Đã báo cáo, chờ thông báo tạm dừng lưu thông")
        SUSPENDED = "suspended", _("Đang tạm dừng lưu thông")
        RESUMED = "resumed", _("Đã cho lưu thông trở lại")

    sample = models.OneToOneField(Sample, on_delete=models.PROTECT, related_name="follow_up")
    result_received_at = models.DateTimeField(_("thời điểm nhận kết quả thử nghiệm"))
    report_due = models.DateTimeField(_("hạn báo cáo của đoàn"))
    reported_at = models.DateTimeField(_("thời điểm báo cáo"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    report_text = models.TextField(_("nội dung báo cáo"), blank=True)
    suspension_due = models.DateField(_("hạn thông báo tạm dừng lưu thông"))
    suspension_number = models.CharField(_("số thông báo tạm dừng"), max_length=50, blank=True)
    suspension_issued_on = models.DateField(_("ngày thông báo tạm dừng"), null=True, blank=True)
    suspension_goods = models.TextField(_("hàng hóa phải tạm dừng lưu thông"), blank=True)
    suspended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resume_number = models.CharField(_("số thông báo lưu thông trở lại"), max_length=50, blank=True)
    resumed_on = models.DateField(_("ngày cho lưu thông trở lại"), null=True, blank=True)
    resume_reason = models.TextField(_("căn cứ cho lưu thông trở lại"), blank=True)
    resumed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.OPEN
    )

    scope_unit_field = "sample__inspection__unit"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        db_table = "inspections_failedtestfollowup"  # the table it had in inspections/
        ordering = ["result_received_at", "pk"]
        verbose_name = _("xử lý mẫu không đạt")
        verbose_name_plural = _("xử lý mẫu không đạt")

    def __str__(self):
        return f"{self.sample} ({self.get_status_display()})"


class GoodsSeal(models.Model):
    """Biên bản niêm phong hàng hóa, and later its unsealing (biên bản mở niêm phong)."""

    follow_up = models.ForeignKey(
        FailedTestFollowUp, on_delete=models.PROTECT, related_name="seals"
    )
    seal_number = models.CharField(_("số niêm phong"), max_length=50)
    goods = models.TextField(_("hàng hóa niêm phong (tên, lô, số lượng)"))
    place = models.CharField(_("nơi niêm phong"), max_length=300)
    record_number = models.CharField(_("số biên bản niêm phong"), max_length=50)
    sealed_at = models.DateTimeField(_("thời điểm niêm phong"))
    sealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    unseal_record_number = models.CharField(
        _("số biên bản mở niêm phong"), max_length=50, blank=True
    )
    unsealed_at = models.DateTimeField(_("thời điểm mở niêm phong"), null=True, blank=True)
    unseal_reason = models.TextField(_("lý do mở niêm phong"), blank=True)
    unsealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    scope_unit_field = "follow_up__sample__inspection__unit"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        db_table = "inspections_goodsseal"  # the table it had in inspections/
        ordering = ["sealed_at", "pk"]
        verbose_name = _("niêm phong hàng hóa")
        verbose_name_plural = _("niêm phong hàng hóa")
        constraints = [
            models.UniqueConstraint(
                fields=["follow_up", "seal_number"], name="one_seal_number_per_follow_up"
            )
        ]

    def __str__(self):
        return self.seal_number
