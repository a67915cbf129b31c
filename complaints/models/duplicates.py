from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.models import ScopedQuerySet


class DuplicateLink(models.Model):
    """Two reports found to be about the same product or the same seller, and why.
    Reports joined by links form a group (`Complaint.duplicate_group`, the smallest id
    among them) that officers review and may merge."""

    class Reason(models.TextChoices):
        SAME_BARCODE = "same_barcode", _("Cùng mã vạch")
        SAME_TAX_CODE = "same_tax_code", _("Cùng mã số thuế người bán")
        SAME_SHOP_URL = "same_shop_url", _("Cùng gian hàng trực tuyến")
        SIMILAR_PRODUCT = "similar_product", _("Tên sản phẩm giống nhau")
        SIMILAR_SELLER = "similar_seller", _("Tên và địa chỉ người bán giống nhau")
        SIMILAR_PHOTO = "similar_photo", _("Ảnh giống nhau")

    first = models.ForeignKey("complaints.Complaint", on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey("complaints.Complaint", on_delete=models.CASCADE, related_name="+")
    reasons = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_unit_field = "first__unit"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        # Created by the review app, which found duplicates before complaints did; the
        # table kept its name when the model moved (complaints/migrations/0006).
        db_table = "review_duplicatelink"
        verbose_name = _("phản ánh có thể trùng")
        verbose_name_plural = _("phản ánh có thể trùng")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="one_link_per_pair"),
            models.CheckConstraint(
                condition=models.Q(first__lt=models.F("second")), name="link_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.first_id} ~ {self.second_id}"
