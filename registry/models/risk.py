"""The dated class of a product category: group 1/group 2 under the 2007 law until
30/06/2026, risk classes (low/medium/high) under Law 78/2025/QH15 from 01/07/2026.

A product is judged under the class in force on the relevant day (an inspection's
date, a sample's, an alert's), never under today's: a helmet inspected in June 2026
was "hàng hóa nhóm 2", one inspected in July is "rủi ro trung bình".
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.models.reference import ProductCategory
from registry.models.scoping import ScopedQuerySet


class CategoryClass(models.Model):
    class Scheme(models.TextChoices):
        GROUP = "group", _("Nhóm hàng hóa (Luật 05/2007/QH12)")
        RISK = "risk", _("Mức độ rủi ro (Luật 78/2025/QH15)")

    class Level(models.TextChoices):
        GROUP1 = "group1", _("Hàng hóa nhóm 1")
        GROUP2 = "group2", _("Hàng hóa nhóm 2")
        LOW = "low", _("Rủi ro thấp")
        MEDIUM = "medium", _("Rủi ro trung bình")
        HIGH = "high", _("Rủi ro cao")

    LEVELS_BY_SCHEME = {
        Scheme.GROUP: (Level.GROUP1, Level.GROUP2),
        Scheme.RISK: (Level.LOW, Level.MEDIUM, Level.HIGH),
    }
    # The levels that need a declaration of conformity and the CR mark: group 2 under the
    # old law, medium and high risk under the new one.
    DECLARED_LEVELS = (Level.GROUP2, Level.MEDIUM, Level.HIGH)

    category = models.ForeignKey(
        ProductCategory,
        verbose_name=_("nhóm sản phẩm"),
        on_delete=models.CASCADE,
        related_name="classes",
    )
    scheme = models.CharField(_("cách phân loại"), max_length=8, choices=Scheme.choices)
    level = models.CharField(_("phân loại"), max_length=8, choices=Level.choices)
    valid_from = models.DateField(_("hiệu lực từ ngày"))
    valid_to = models.DateField(
        _("hiệu lực đến hết ngày"),
        null=True,
        blank=True,
        help_text=_("Để trống nếu còn hiệu lực."),
    )
    basis = models.CharField(_("căn cứ phân loại"), max_length=500)
    # Like the categories: a class read in the official text is verified; one recalled
    # from general knowledge is not, and the pages say so.
    verified = models.BooleanField(_("đã đối chiếu văn bản gốc"), default=False)
    source = models.TextField(_("nguồn"), blank=True)

    scope_unit_field = None
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["category", "valid_from"]
        verbose_name = _("phân loại nhóm sản phẩm theo thời gian")
        verbose_name_plural = _("phân loại nhóm sản phẩm theo thời gian")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="category_class_valid_to_gte_from",
            ),
            models.CheckConstraint(
                condition=models.Q(scheme="group", level__in=["group1", "group2"])
                | models.Q(scheme="risk", level__in=["low", "medium", "high"]),
                name="category_class_level_in_scheme",
            ),
            # Overlap in time is refused by the loading service (registry/risk.py); a
            # PostgreSQL exclusion constraint would not run on SQLite. These two catch
            # the commonest overlaps on both.
            models.UniqueConstraint(
                fields=["category", "valid_from"], name="category_class_one_start_per_day"
            ),
            models.UniqueConstraint(
                fields=["category"],
                condition=models.Q(valid_to__isnull=True),
                name="category_class_one_open_ended",
            ),
        ]

    def __str__(self):
        return f"{self.get_level_display()} ({self.period})"

    @property
    def label(self) -> str:
        return str(self.get_level_display())

    @property
    def needs_declaration(self) -> bool:
        """Conformity declaration and the CR mark: group 2, or medium or high risk."""
        return self.level in self.DECLARED_LEVELS

    @property
    def period(self) -> str:
        start = self.valid_from.strftime("%d/%m/%Y")
        if self.valid_to is None:
            return str(_("từ %(start)s") % {"start": start})
        return str(
            _("từ %(start)s đến %(end)s")
            % {"start": start, "end": self.valid_to.strftime("%d/%m/%Y")}
        )

    def in_force_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)
