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


class MinutesSignature(models.Model):
    """One signature drawn on the tablet: the signer's name, role and time, the drawn
    image (PNG) and the SHA-256 of the PDF the signer was shown. A signed PDF shows them.

    `client_uuid` makes a signature sent twice from the offline queue one signature."""

    class Kind(models.TextChoices):
        TEAM = "team", _("Thành viên đoàn kiểm tra")
        REPRESENTATIVE = "representative", _("Người đại diện cơ sở")
        WITNESS = "witness", _("Người làm chứng")

    client_uuid = models.UUIDField(unique=True)
    minutes = models.ForeignKey(Minutes, on_delete=models.PROTECT, related_name="signatures")
    kind = models.CharField(_("tư cách ký"), max_length=16, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("họ và tên"), max_length=150)
    position = models.CharField(_("chức vụ, vai trò"), max_length=150, blank=True)
    # A witness signs when the representative refuses: why, in the witness's words.
    reason = models.TextField(_("lý do người đại diện không ký"), blank=True)
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    image = models.FileField(upload_to="minutes/signatures/%Y/")
    image_sha256 = models.CharField(max_length=64)
    pdf_sha256 = models.CharField(_("SHA-256 của bản PDF được ký"), max_length=64)
    signed_at = models.DateTimeField(_("thời điểm ký"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    scope_unit_field = "minutes__inspection__unit"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["signed_at", "pk"]
        verbose_name = _("chữ ký biên bản")
        verbose_name_plural = _("chữ ký biên bản")
        constraints = [
            models.UniqueConstraint(
                fields=["minutes", "user"],
                condition=models.Q(user__isnull=False),
                name="one_signature_per_member",
            )
        ]

    def __str__(self):
        return f"{self.minutes} / {self.name}"


class MinutesScan(models.Model):
    """A page of minutes printed and signed on paper, photographed or scanned; kept with
    its SHA-256 beside the generated PDF it was printed from."""

    minutes = models.ForeignKey(Minutes, on_delete=models.PROTECT, related_name="scans")
    page = models.PositiveSmallIntegerField(_("trang"))
    file = models.FileField(upload_to="minutes/scans/%Y/")
    content_type = models.CharField(max_length=50)
    sha256 = models.CharField(max_length=64)
    byte_size = models.PositiveIntegerField()
    pdf_sha256 = models.CharField(_("SHA-256 của bản PDF đã in"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    scope_unit_field = "minutes__inspection__unit"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["minutes", "page", "pk"]
        verbose_name = _("bản chụp biên bản giấy")
        verbose_name_plural = _("bản chụp biên bản giấy")
        constraints = [
            models.UniqueConstraint(fields=["minutes", "sha256"], name="one_scan_per_content")
        ]

    def __str__(self):
        return f"{self.minutes} / {self.page}"
