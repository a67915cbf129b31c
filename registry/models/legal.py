"""The legal catalogue: the documents that define sanctionable acts, and each act as a
version of law in force for a period.

A violation is judged under the text in force on the day it was committed, so a
provision is never edited once verified: an amendment is a new version that replaces
it (`replaces`), and a violation cites the version (registry.provisions keeps the rules).
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from registry.models.scoping import ScopedQuerySet

# The words a citation uses, always Vietnamese whatever the interface language.
_KIND_WORDS = {
    "law": "Luật",
    "decree": "Nghị định",
    "circular": "Thông tư",
    "decision": "Quyết định",
    "consolidated": "Văn bản hợp nhất",
}


class LegalDocument(models.Model):
    """A legal document (văn bản quy phạm pháp luật): a decree that defines sanctionable
    acts, or one that amends it."""

    class Kind(models.TextChoices):
        LAW = "law", _("Luật")
        DECREE = "decree", _("Nghị định")
        CIRCULAR = "circular", _("Thông tư")
        DECISION = "decision", _("Quyết định")
        CONSOLIDATED = "consolidated", _("Văn bản hợp nhất")

    kind = models.CharField(_("loại văn bản"), max_length=12, choices=Kind.choices)
    number = models.CharField(_("số, ký hiệu"), max_length=40, unique=True)
    issued_on = models.DateField(_("ngày ban hành"))
    title = models.CharField(_("trích yếu"), max_length=500)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=150)
    url = models.URLField(_("địa chỉ văn bản"), max_length=500, blank=True)

    scope_unit_field = None
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "number"]
        verbose_name = _("văn bản pháp luật")
        verbose_name_plural = _("văn bản pháp luật")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        """'Nghị định 119/2017/NĐ-CP', as a citation names it."""
        return f"{_KIND_WORDS[self.kind]} {self.number}"


class ProvisionQuerySet(ScopedQuerySet):
    def in_force(self, day):
        """Versions in force on `day` (both ends of the period included)."""
        return self.filter(
            Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        )


class LegalProvision(models.Model):
    """One version of a sanctionable act (điều khoản xử phạt), in force from `valid_from`
    to `valid_to` (inclusive; empty while in force).

    The fine range is the one the document states for an individual; an organisation's
    fine is twice that (Decree 119/2017, Art. 4 as amended) unless the provision records
    an exception with its own organisation range and the basis for it.
    """

    class Field(models.TextChoices):
        STANDARDS = "standards", _("Tiêu chuẩn")
        GOODS_QUALITY = "goods_quality", _("Chất lượng sản phẩm, hàng hóa")
        LABEL = "label", _("Nhãn hàng hóa")
        METROLOGY = "metrology", _("Đo lường")
        PREPACKAGED_QUANTITY = "prepackaged_quantity", _("Lượng của hàng đóng gói sẵn")
        INSPECTION_OBSTRUCTION = "inspection_obstruction", _("Cản trở kiểm tra")

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ xác minh")
        VERIFIED = "verified", _("Đã xác minh")
        RETURNED = "returned", _("Bị trả lại")

    code = models.CharField(
        _("mã điều khoản"),
        max_length=40,
        help_text=_("Giữ nguyên qua các phiên bản của cùng một hành vi."),
    )
    document = models.ForeignKey(
        LegalDocument,
        verbose_name=_("văn bản quy định"),
        on_delete=models.PROTECT,
        related_name="provisions",
    )
    amending_document = models.ForeignKey(
        LegalDocument,
        verbose_name=_("văn bản sửa đổi, bổ sung"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amended_provisions",
    )
    article = models.PositiveSmallIntegerField(_("điều"))
    clause = models.PositiveSmallIntegerField(_("khoản"))
    point = models.CharField(_("điểm"), max_length=2, blank=True)
    field = models.CharField(_("lĩnh vực"), max_length=30, choices=Field.choices)
    title = models.CharField(_("tên điều"), max_length=400)
    title_en = models.CharField(_("tên điều (tiếng Anh)"), max_length=400, blank=True)
    act = models.TextField(_("hành vi vi phạm"))
    act_en = models.TextField(_("hành vi vi phạm (tiếng Anh)"), blank=True)
    fine_min_vnd = models.PositiveBigIntegerField(_("mức phạt tối thiểu với cá nhân (đồng)"))
    fine_max_vnd = models.PositiveBigIntegerField(
        _("mức phạt tối đa với cá nhân (đồng)"), validators=[MinValueValidator(1)]
    )
    organisation_fine_min_vnd = models.PositiveBigIntegerField(
        _("mức phạt tối thiểu với tổ chức (ngoại lệ, đồng)"), null=True, blank=True
    )
    organisation_fine_max_vnd = models.PositiveBigIntegerField(
        _("mức phạt tối đa với tổ chức (ngoại lệ, đồng)"), null=True, blank=True
    )
    organisation_fine_basis = models.TextField(
        _("căn cứ của ngoại lệ mức phạt với tổ chức"), blank=True
    )
    fine_note = models.TextField(_("ghi chú về mức phạt"), blank=True)
    additional_penalties = models.JSONField(
        _("hình thức xử phạt bổ sung"), default=list, blank=True
    )
    remedial_measures = models.JSONField(_("biện pháp khắc phục hậu quả"), default=list, blank=True)
    valid_from = models.DateField(_("có hiệu lực từ ngày"))
    valid_to = models.DateField(_("hết hiệu lực sau ngày"), null=True, blank=True)
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("thay thế phiên bản"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    # Where the entry was checked: the document and its page, and a URL of the text.
    source = models.TextField(_("nguồn đối chiếu"))
    source_url = models.URLField(_("địa chỉ nguồn"), max_length=500, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhập"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("thời điểm nhập"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xác minh"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("thời điểm xác minh"), null=True, blank=True)
    verification_note = models.TextField(_("ghi chú xác minh"), blank=True)
    return_reason = models.TextField(_("lý do trả lại"), blank=True)
    is_demo = models.BooleanField(_("dữ liệu mẫu"), default=False)
    # Folded words of the act, title, citation and documents (registry.text.fold_words).
    search_text = models.TextField(editable=False, default="")

    scope_unit_field = None
    objects = ProvisionQuerySet.as_manager()

    # An organisation's fine is twice an individual's (Decree 119/2017, Art. 4).
    ORGANISATION_MULTIPLIER = 2

    class Meta:
        ordering = ["article", "clause", "point", "valid_from"]
        verbose_name = _("điều khoản xử phạt")
        verbose_name_plural = _("điều khoản xử phạt")
        permissions = [("verify_legalprovision", _("Xác minh điều khoản xử phạt"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(fine_min_vnd__lte=F("fine_max_vnd")),
                name="provision_fine_min_le_max",
            ),
            models.CheckConstraint(
                condition=Q(
                    organisation_fine_min_vnd__isnull=True, organisation_fine_max_vnd__isnull=True
                )
                | Q(organisation_fine_min_vnd__lte=F("organisation_fine_max_vnd")),
                name="provision_org_fine_both_or_none",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="provision_valid_to_after_from",
            ),
            # Four eyes, down to the database: whoever entered a version never verifies it.
            models.CheckConstraint(
                condition=Q(verified_by__isnull=True)
                | Q(entered_by__isnull=True)
                | ~Q(verified_by=F("entered_by")),
                name="provision_verifier_not_enterer",
            ),
            models.CheckConstraint(
                condition=~Q(status="verified") | Q(verified_by__isnull=False),
                name="provision_verified_has_verifier",
            ),
            models.UniqueConstraint(fields=["code", "valid_from"], name="provision_version_unique"),
        ]
        indexes = [models.Index(fields=["status", "valid_from"])]

    def __str__(self):
        return f"{self.citation} — {self.act[:80]}"

    @property
    def verified(self) -> bool:
        return self.status == self.Status.VERIFIED

    @property
    def citation(self) -> str:
        """As cited in decisions: 'điểm a khoản 1 Điều 18 Nghị định 119/2017/NĐ-CP'.

        Always Vietnamese, whatever the interface language: it is the legal citation."""
        parts = [f"điểm {self.point}"] if self.point else []
        parts += [f"khoản {self.clause}", f"Điều {self.article}", self.document.name]
        text = " ".join(parts)
        if self.amending_document_id:
            text += f" (được sửa đổi, bổ sung bởi {self.amending_document.name})"
        return text

    def in_force_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @property
    def has_organisation_exception(self) -> bool:
        return self.organisation_fine_max_vnd is not None

    def fine_range(self, *, organisation: bool) -> tuple[int, int]:
        if not organisation:
            return self.fine_min_vnd, self.fine_max_vnd
        if self.has_organisation_exception:
            return self.organisation_fine_min_vnd, self.organisation_fine_max_vnd
        factor = self.ORGANISATION_MULTIPLIER
        return self.fine_min_vnd * factor, self.fine_max_vnd * factor
