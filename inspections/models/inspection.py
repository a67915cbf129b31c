from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from inspections.models.plan import InspectionPlan, RepeatReason
from registry.models import EconomicOperator, ProductCategory, ScopedQuerySet, Unit
from registry.text import fold_words


class Scope(models.TextChoices):
    GOODS_QUALITY = "goods_quality", _("Chất lượng hàng hóa")
    LABEL = "label", _("Nhãn hàng hóa")
    METROLOGY = "metrology", _("Đo lường")
    PREPACKAGED_QUANTITY = "prepackaged_quantity", _("Lượng của hàng đóng gói sẵn")


class Inspection(models.Model):
    """Cuộc kiểm tra, carried out under an inspection decision (quyết định kiểm tra).

    Team members see and edit their inspections through object permissions; a
    supervisor sees the whole unit's through the role."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Dự kiến")
        DECIDED = "decided", _("Đã có quyết định")
        ON_SITE = "on_site", _("Đang kiểm tra tại chỗ")
        SAMPLED = "sampled", _("Đã lấy mẫu")
        AWAITING_LAB = "awaiting_lab", _("Chờ kết quả thử nghiệm")
        CONCLUDED = "concluded", _("Đã kết luận")
        CLOSED = "closed", _("Đã đóng")
        # Drafted or decided but not carried out (a duplicate, a withdrawn request): it
        # does not count as an inspection of the operator (inspections/overlap.py).
        CANCELLED = "cancelled", _("Đã hủy")

    class Kind(models.TextChoices):
        PLANNED = "planned", _("Theo kế hoạch")
        AD_HOC = "ad_hoc", _("Đột xuất")

    class LegalGround(models.TextChoices):
        ANNUAL_PLAN = "annual_plan", _("Kế hoạch kiểm tra hằng năm")
        WARNING = "warning", _("Cảnh báo về chất lượng")
        COMPLAINT = "complaint", _("Phản ánh, khiếu nại, tố cáo")
        SURVEY = "survey", _("Kết quả khảo sát chất lượng")
        AUTHORITY_REQUEST = "authority_request", _("Yêu cầu của cơ quan có thẩm quyền")

    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+"
    )
    plan = models.ForeignKey(
        InspectionPlan,
        verbose_name=_("kế hoạch"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
    )
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices, default=Kind.PLANNED)
    legal_ground = models.CharField(
        _("căn cứ kiểm tra"), max_length=20, choices=LegalGround.choices
    )
    legal_ground_note = models.CharField(_("ghi chú căn cứ"), max_length=500, blank=True)
    scopes = models.JSONField(_("phạm vi kiểm tra"), default=list)
    operator = models.ForeignKey(
        EconomicOperator,
        verbose_name=_("đối tượng kiểm tra"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    place = models.CharField(_("địa điểm kiểm tra"), max_length=400, blank=True)
    # The goods the decision names: product categories and, in words, the goods
    # themselves (brands, batches, listings) as the decision states them.
    categories = models.ManyToManyField(
        ProductCategory, verbose_name=_("nhóm sản phẩm kiểm tra"), blank=True, related_name="+"
    )
    goods = models.TextField(_("hàng hóa thuộc phạm vi kiểm tra"), blank=True)
    scheduled_date = models.DateField(_("ngày kiểm tra dự kiến"), null=True, blank=True)
    decision_number = models.CharField(_("số quyết định"), max_length=50, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=15,
        choices=Status.choices,
        default=Status.PLANNED,
        db_index=True,
    )
    complaints = models.ManyToManyField(
        "complaints.Complaint",
        verbose_name=_("phản ánh liên quan"),
        blank=True,
        related_name="inspections",
    )
    # A second inspection of the operator within 12 months needs a recorded reason
    # (Directive 20/CT-TTg; inspections/overlap.py): shown to whoever signs the decision.
    repeat_reason = models.CharField(
        _("lý do kiểm tra lại trong 12 tháng"),
        max_length=20,
        choices=RepeatReason.choices,
        blank=True,
    )
    repeat_note = models.CharField(_("giải trình lý do kiểm tra lại"), max_length=500, blank=True)
    repeat_complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("phản ánh làm căn cứ kiểm tra lại"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="InspectionMember", related_name="inspections"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    outcome_text = models.TextField(
        _("kết quả đã thông báo cho người phản ánh"), blank=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Folded text (no accents, lower case) of what staff search by (registry.search).
    search_text = models.TextField(editable=False, default="")
    # The legal clocks of its samples, failed tests and violation records, kept by the
    # foundation (inspections/clocks.py, violations/clocks.py).
    clocks = GenericRelation(
        "registry.LegalClock",
        content_type_field="case_type",
        object_id_field="case_id",
        related_query_name="inspection",
    )

    scope_unit_field = "unit"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-scheduled_date", "-pk"]
        verbose_name = _("cuộc kiểm tra")
        verbose_name_plural = _("cuộc kiểm tra")
        permissions = [("decide_inspection", "Ban hành quyết định kiểm tra")]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "decision_number"],
                condition=~models.Q(decision_number=""),
                name="decision_number_unique_in_unit",
            )
        ]

    def __str__(self):
        return self.decision_number or f"#{self.pk}"

    def save(self, *args, **kwargs):
        operator = self.operator
        self.search_text = fold_words(
            " ".join(
                [
                    self.decision_number,
                    operator.name,
                    operator.tax_code or "",
                    operator.shop_url or "",
                    self.place,
                    self.legal_ground_note,
                ]
            )
        )
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)


class InspectionMember(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("Trưởng đoàn")
        MEMBER = "member", _("Thành viên")

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)

    scope_unit_field = "inspection__unit"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["inspection", "user"], name="one_membership"),
            models.UniqueConstraint(
                fields=["inspection"],
                condition=models.Q(role="lead"),
                name="one_lead_per_inspection",
            ),
        ]

    def __str__(self):
        return f"{self.inspection_id}: {self.user_id} ({self.role})"


class InspectionUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Inspection, on_delete=models.CASCADE)


class InspectionGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Inspection, on_delete=models.CASCADE)


class InspectionEvent(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    status_from = models.CharField(max_length=15, choices=Inspection.Status.choices, blank=True)
    status_to = models.CharField(max_length=15, choices=Inspection.Status.choices)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    scope_unit_field = "inspection__unit"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.inspection_id}: {self.status_from} → {self.status_to}"
