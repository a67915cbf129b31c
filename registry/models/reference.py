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

    def class_on(self, day):
        """The class (CategoryClass) in force on `day`, or None: from the prefetched
        classes when there are any (registry.risk.with_classes), else one query."""
        return next((row for row in self.classes.all() if row.in_force_on(day)), None)


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
        return self.category.class_on(day) if self.category is not None else None
