from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.models.org import Province
from registry.models.scoping import ScopedQuerySet
from registry.text import fold
from registry.validators import validate_gtin, validate_tax_code


class ProductCategory(models.Model):
    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=200, blank=True)
    qcvn = models.CharField(_("quy chuẩn kỹ thuật (QCVN)"), max_length=100, blank=True)
    tcvn = models.CharField(_("tiêu chuẩn (TCVN)"), max_length=100, blank=True)
    managing_ministry = models.CharField(_("bộ quản lý"), max_length=20, blank=True)
    source = models.TextField(_("căn cứ"), blank=True)

    scope_unit_field = None
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("nhóm sản phẩm")
        verbose_name_plural = _("nhóm sản phẩm")

    def __str__(self):
        return self.name


class EconomicOperator(models.Model):
    """Tổ chức, cá nhân sản xuất kinh doanh: one record shared by every province."""

    class Role(models.TextChoices):
        PRODUCER = "producer", _("Sản xuất")
        IMPORTER = "importer", _("Nhập khẩu")
        DISTRIBUTOR = "distributor", _("Phân phối")
        RETAILER = "retailer", _("Bán lẻ")
        ECOMMERCE = "ecommerce", _("Bán hàng trên sàn thương mại điện tử")

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", _("Tổ chức")
        INDIVIDUAL = "individual", _("Cá nhân")

    name = models.CharField(_("tên"), max_length=300)
    kind = models.CharField(
        _("loại chủ thể"), max_length=12, choices=Kind.choices, default=Kind.ORGANISATION
    )
    tax_code = models.CharField(
        _("mã số thuế"),
        max_length=14,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_tax_code],
    )
    role = models.CharField(_("vai trò"), max_length=12, choices=Role.choices)
    address = models.CharField(_("địa chỉ"), max_length=400, blank=True)
    province = models.ForeignKey(
        Province, verbose_name=_("tỉnh, thành phố"), on_delete=models.PROTECT, null=True, blank=True
    )
    shop_url = models.URLField(_("địa chỉ gian hàng trực tuyến"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    name_folded = models.CharField(max_length=300, editable=False, db_index=True)

    scope_unit_field = None
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("tổ chức, cá nhân sản xuất kinh doanh")
        verbose_name_plural = _("tổ chức, cá nhân sản xuất kinh doanh")

    def __str__(self):
        return f"{self.name} ({self.tax_code})" if self.tax_code else self.name

    def save(self, *args, **kwargs):
        # A derived search column, kept in step wherever the row is written (admin too).
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)


class Product(models.Model):
    """One product record shared across provinces: findings and reports attach to it."""

    name = models.CharField(_("tên sản phẩm, hàng hóa"), max_length=300)
    brand = models.CharField(_("nhãn hiệu"), max_length=200, blank=True)
    model = models.CharField(_("kiểu, mẫu"), max_length=200, blank=True)
    gtin = models.CharField(
        _("mã vạch (GTIN)"),
        max_length=14,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_gtin],
    )
    origin = models.CharField(_("xuất xứ"), max_length=100, blank=True)
    category = models.ForeignKey(
        ProductCategory,
        verbose_name=_("nhóm sản phẩm"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    declared_standard = models.CharField(
        _("tiêu chuẩn công bố áp dụng"), max_length=200, blank=True
    )
    conformity_number = models.CharField(
        _("số công bố, chứng nhận hợp quy"), max_length=100, blank=True
    )
    manufacturer = models.ForeignKey(
        EconomicOperator,
        verbose_name=_("nhà sản xuất, nhập khẩu"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    name_folded = models.CharField(max_length=500, editable=False, db_index=True)

    scope_unit_field = None
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("sản phẩm, hàng hóa")
        verbose_name_plural = _("sản phẩm, hàng hóa")

    def __str__(self):
        return f"{self.name} ({self.brand})" if self.brand else self.name

    def save(self, *args, **kwargs):
        # A derived search column, kept in step wherever the row is written (admin too).
        self.name_folded = fold(f"{self.name} {self.brand}")
        super().save(*args, **kwargs)

    def class_on(self, day):
        """The category's class (CategoryClass) in force on `day`, or None. Prefetch
        "category__classes" for a list (registry.risk.with_classes)."""
        from registry.risk import class_on

        return class_on(self.category, day)


class LegalProvision(models.Model):
    """A sanctionable act in Decree 119/2017/NĐ-CP as amended, with its fine range.

    The fine range is the one the decree states for an individual; an organisation's
    fine is twice that (Decree 119/2017, Art. 4 as amended).
    """

    class Field(models.TextChoices):
        STANDARDS = "standards", _("Tiêu chuẩn")
        GOODS_QUALITY = "goods_quality", _("Chất lượng sản phẩm, hàng hóa")
        LABEL = "label", _("Nhãn hàng hóa")
        METROLOGY = "metrology", _("Đo lường")
        PREPACKAGED_QUANTITY = "prepackaged_quantity", _("Lượng của hàng đóng gói sẵn")
        INSPECTION_OBSTRUCTION = "inspection_obstruction", _("Cản trở kiểm tra")

    code = models.CharField(_("mã"), max_length=40, unique=True)
    decree = models.CharField(_("nghị định"), max_length=30, default="119/2017/NĐ-CP")
    amended_by = models.CharField(_("sửa đổi bởi"), max_length=30, blank=True)
    article = models.PositiveSmallIntegerField(_("điều"))
    clause = models.PositiveSmallIntegerField(_("khoản"))
    point = models.CharField(_("điểm"), max_length=2, blank=True)
    field = models.CharField(_("lĩnh vực"), max_length=30, choices=Field.choices)
    title = models.CharField(_("tên điều"), max_length=400)
    title_en = models.CharField(_("tên điều (tiếng Anh)"), max_length=400, blank=True)
    act = models.TextField(_("hành vi vi phạm"))
    act_en = models.TextField(_("hành vi vi phạm (tiếng Anh)"), blank=True)
    fine_min_vnd = models.PositiveBigIntegerField(_("mức phạt tối thiểu (đồng)"))
    fine_max_vnd = models.PositiveBigIntegerField(
        _("mức phạt tối đa (đồng)"), validators=[MinValueValidator(1)]
    )
    fine_note = models.TextField(_("ghi chú về mức phạt"), blank=True)
    additional_penalties = models.JSONField(
        _("hình thức xử phạt bổ sung"), default=list, blank=True
    )
    remedial_measures = models.JSONField(_("biện pháp khắc phục hậu quả"), default=list, blank=True)
    is_active = models.BooleanField(_("đang áp dụng"), default=True)
    # Unverified rows were seeded from secondary sources; a decision may cite a provision
    # only after someone checked it against the official text and ticked this.
    verified = models.BooleanField(_("đã đối chiếu văn bản gốc"), default=False)
    source = models.TextField(_("nguồn"), blank=True)

    scope_unit_field = None
    objects = ScopedQuerySet.as_manager()

    # An organisation's fine is twice an individual's (Decree 119/2017, Art. 4).
    ORGANISATION_MULTIPLIER = 2

    class Meta:
        ordering = ["article", "clause", "point"]
        verbose_name = _("hành vi vi phạm (điều khoản xử phạt)")
        verbose_name_plural = _("hành vi vi phạm (điều khoản xử phạt)")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fine_min_vnd__lte=models.F("fine_max_vnd")),
                name="provision_fine_min_le_max",
            ),
        ]

    def __str__(self):
        return f"{self.citation} — {self.act[:80]}"

    @property
    def citation(self) -> str:
        """As cited in decisions: 'điểm a khoản 1 Điều 18 Nghị định 119/2017/NĐ-CP'.

        Always Vietnamese, whatever the interface language: it is the legal citation."""
        parts = [f"điểm {self.point}"] if self.point else []
        parts += [f"khoản {self.clause}", f"Điều {self.article}", f"Nghị định {self.decree}"]
        text = " ".join(parts)
        if self.amended_by:
            text += f" (sửa đổi, bổ sung bởi Nghị định {self.amended_by})"
        return text

    def fine_range(self, *, organisation: bool) -> tuple[int, int]:
        factor = self.ORGANISATION_MULTIPLIER if organisation else 1
        return self.fine_min_vnd * factor, self.fine_max_vnd * factor
