"""Cảnh báo sản phẩm không đạt chất lượng: published by a supervisor from a concluded
case, read by anyone on the public site."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from inspections.models import Inspection
from registry.models import ScopedQuerySet
from registry.risk_assessment import RiskAssessed
from registry.text import fold


class ProductAlertQuerySet(ScopedQuerySet):
    def published(self):
        return self.filter(status=ProductAlert.Status.PUBLISHED)

    def search(self, q: str):
        """Every word of `q` must appear, accents and case ignored."""
        qs = self
        for word in fold(q).split()[:10]:
            qs = qs.filter(search_text__contains=word)
        return qs


class ProductAlert(RiskAssessed, models.Model):
    class Status(models.TextChoices):
        PUBLISHED = "published", _("Đang công bố")
        WITHDRAWN = "withdrawn", _("Đã gỡ")

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="alerts")
    product_name = models.CharField(_("sản phẩm"), max_length=300)
    brand = models.CharField(_("nhãn hiệu"), max_length=200, blank=True)
    barcode = models.CharField(_("mã vạch"), max_length=14, blank=True)
    batch = models.CharField(_("số lô"), max_length=100, blank=True)
    operator_name = models.CharField(_("tổ chức, cá nhân"), max_length=300)
    operator_address = models.CharField(_("địa chỉ"), max_length=500, blank=True)
    defect = models.TextField(_("nội dung không đạt"))
    measures = models.TextField(_("biện pháp xử lý"), blank=True)
    published_on = models.DateField(_("ngày cảnh báo"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.PUBLISHED
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.TextField(_("lý do gỡ"), blank=True)
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    scope_unit_field = "inspection__unit"
    objects = ProductAlertQuerySet.as_manager()

    class Meta:
        db_table = "inspections_productalert"  # the table it had in inspections/
        ordering = ["-published_on", "-pk"]
        verbose_name = _("cảnh báo sản phẩm")
        verbose_name_plural = _("cảnh báo sản phẩm")
        permissions = [("publish_productalert", _("Công bố cảnh báo sản phẩm"))]
        indexes = [models.Index(fields=["status", "-published_on"], name="alert_public_list")]

    def __str__(self):
        return self.product_name

    def save(self, *args, **kwargs):
        self.search_text = fold(
            " ".join(
                [
                    self.product_name,
                    self.brand,
                    self.barcode,
                    self.batch,
                    self.operator_name,
                    self.operator_address,
                    self.defect,
                ]
            )
        )
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)
