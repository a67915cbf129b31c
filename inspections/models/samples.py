import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from inspections.models.inspection import Inspection
from registry.models import Product, ScopedQuerySet
from registry.risk_assessment import RiskAssessed


class Sample(RiskAssessed, models.Model):
    """Mẫu thử nghiệm: two units, sealed; one goes to the lab, one is kept at least 90
    days after the test result (`retain_until`). A failed sample carries the risk
    assessment of its hazard (`RiskAssessed`, inspections/risk_assessment.py)."""

    class Status(models.TextChoices):
        TAKEN = "taken", _("Đã lấy mẫu")
        SENT = "sent", _("Đã gửi thử nghiệm")
        TESTED = "tested", _("Đã có kết quả")

    client_uuid = models.UUIDField(unique=True, default=uuid.uuid4)
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="samples")
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    product_name = models.CharField(_("tên mẫu"), max_length=300)
    batch = models.CharField(_("số lô"), max_length=100, blank=True)
    quantity_per_unit = models.CharField(_("lượng mỗi đơn vị mẫu"), max_length=100, blank=True)
    test_unit_seal = models.CharField(_("số niêm phong mẫu thử"), max_length=50)
    retained_unit_seal = models.CharField(_("số niêm phong mẫu lưu"), max_length=50)
    sampling_record_number = models.CharField(_("số biên bản lấy mẫu"), max_length=50)
    sampled_at = models.DateTimeField(_("thời điểm lấy mẫu"))
    sampled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    lab_name = models.CharField(_("tổ chức thử nghiệm"), max_length=300, blank=True)
    sent_on = models.DateField(_("ngày gửi mẫu"), null=True, blank=True)
    received_on = models.DateField(_("ngày phòng thử nghiệm nhận"), null=True, blank=True)
    test_report_number = models.CharField(
        _("số phiếu kết quả thử nghiệm"), max_length=50, blank=True
    )
    result_on = models.DateField(_("ngày có kết quả"), null=True, blank=True)
    # The lab's test report as received (PDF), kept byte for byte under its SHA-256.
    test_report_pdf = models.FileField(
        _("phiếu kết quả thử nghiệm (PDF)"), upload_to="lab-reports/%Y/", blank=True
    )
    test_report_sha256 = models.CharField(max_length=64, blank=True)
    conforming = models.BooleanField(_("đạt"), null=True)
    retain_until = models.DateField(_("lưu mẫu đến ngày"), null=True, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.TAKEN
    )
    retest_of = models.ForeignKey(
        "self",
        verbose_name=_("thử nghiệm lại cho mẫu"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="retests",
    )

    scope_unit_field = "inspection__unit"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["sampled_at", "pk"]
        verbose_name = _("mẫu thử nghiệm")
        verbose_name_plural = _("mẫu thử nghiệm")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(test_unit_seal=models.F("retained_unit_seal")),
                name="two_distinct_seals",
            )
        ]

    def __str__(self):
        return f"{self.sampling_record_number} {self.product_name}"


class SampleResult(models.Model):
    """One criterion of the test report against its QCVN limit; `passed` is computed."""

    sample = models.ForeignKey(Sample, on_delete=models.CASCADE, related_name="results")
    criterion = models.CharField(_("chỉ tiêu"), max_length=200)
    unit = models.CharField(_("đơn vị đo"), max_length=30, blank=True)
    limit_min = models.DecimalField(
        _("giới hạn dưới"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    limit_max = models.DecimalField(
        _("giới hạn trên"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    reference = models.CharField(_("quy chuẩn, tiêu chuẩn"), max_length=100, blank=True)
    method = models.CharField(_("phương pháp thử"), max_length=200, blank=True)
    measured = models.DecimalField(_("kết quả đo"), max_digits=14, decimal_places=4)
    passed = models.BooleanField(_("đạt"))

    scope_unit_field = "sample__inspection__unit"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.criterion}: {self.measured}"
