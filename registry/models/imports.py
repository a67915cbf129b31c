"""A file of the legal catalogue on its way in: read, checked row by row and shown to
the person who uploaded it, then applied all at once or discarded
(registry.catalogue_import holds the rules)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.models.scoping import ScopedQuerySet


class ProvisionImport(models.Model):
    class Format(models.TextChoices):
        JSON = "json", "JSON"
        XLSX = "xlsx", "XLSX"

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Đang xem trước")
        APPLIED = "applied", _("Đã nhập")
        DISCARDED = "discarded", _("Đã hủy")

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("thời điểm tải lên"), default=timezone.now)
    file_name = models.CharField(_("tên tệp"), max_length=255)
    format = models.CharField(_("định dạng"), max_length=4, choices=Format.choices)
    sha256 = models.CharField(_("mã băm SHA-256 của tệp"), max_length=64)
    # {"documents": [{"row": n, "values": {...}, "parse_errors": [...]}], "provisions": [...]}
    rows = models.JSONField(_("các dòng đã đọc"), default=dict)
    # [{"sheet", "row", "field", "code", "messages": {"vi", "en"}}], in the file's order.
    errors = models.JSONField(_("lỗi theo dòng"), default=list)
    # {"documents": [{"row", "number", "action"}], "provisions": [{"row", "code", ...}]}
    plan = models.JSONField(_("việc sẽ làm với từng dòng"), default=dict)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.PREVIEWED
    )
    applied_at = models.DateTimeField(_("thời điểm nhập vào danh mục"), null=True, blank=True)

    # A staged file is its uploader's alone: nobody else previews or applies it.
    scope_owner_field = "uploaded_by"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("lần nhập danh mục điều khoản")
        verbose_name_plural = _("lần nhập danh mục điều khoản")

    def __str__(self):
        return f"{self.file_name} ({self.uploaded_at:%d/%m/%Y %H:%M})"
