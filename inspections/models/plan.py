from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.models import EconomicOperator, ProductCategory, ScopedQuerySet, Unit


class RepeatReason(models.TextChoices):
    """Why an operator inspected in the last 12 months is inspected again (Directive
    20/CT-TTg: an enterprise is not inspected twice in a year without grounds)."""

    COMPLAINT = "complaint", _("Có phản ánh, tố giác về đối tượng")
    WARNING = "warning", _("Có cảnh báo về chất lượng sản phẩm, hàng hóa")
    AUTHORITY_REQUEST = "authority_request", _("Yêu cầu của cơ quan có thẩm quyền")
    VIOLATION_FOLLOW_UP = "violation_follow_up", _("Kiểm tra việc khắc phục vi phạm")
    OTHER = "other", _("Lý do khác")


class InspectionPlan(models.Model):
    """Kế hoạch kiểm tra: a unit's plan for a period; draft → submitted → approved
    (or returned to the drafter with a reason)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        SUBMITTED = "submitted", _("Đã trình")
        APPROVED = "approved", _("Đã phê duyệt")
        RETURNED = "returned", _("Trả lại để sửa")

    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("tên kế hoạch"), max_length=300)
    period_start = models.DateField(_("từ ngày"))
    period_end = models.DateField(_("đến ngày"))
    scopes = models.JSONField(_("phạm vi kiểm tra"), default=list)
    target_operators = models.ManyToManyField(
        EconomicOperator,
        verbose_name=_("đối tượng kiểm tra"),
        blank=True,
        related_name="+",
        through="PlanTarget",
    )
    target_categories = models.ManyToManyField(
        ProductCategory, verbose_name=_("nhóm sản phẩm"), blank=True, related_name="+"
    )
    note = models.TextField(_("nội dung"), blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("ý kiến phê duyệt"), blank=True)

    scope_unit_field = "unit"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "-pk"]
        verbose_name = _("kế hoạch kiểm tra")
        verbose_name_plural = _("kế hoạch kiểm tra")
        permissions = [("approve_inspectionplan", "Phê duyệt kế hoạch kiểm tra")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_start__lte=models.F("period_end")),
                name="plan_period_in_order",
            )
        ]

    def __str__(self):
        return self.title


class PlanTarget(models.Model):
    """One operator the plan targets, with the planner's note (a risk suggestion's
    reasons when accepted from inspections/suggestions.py) and, for an operator already
    inspected within 12 months, the reason to inspect it again (inspections/overlap.py).

    The table is the one Django made for the plain many-to-many before the note and the
    reason were needed (migration 0016 keeps it and adds the columns)."""

    plan = models.ForeignKey(
        InspectionPlan, on_delete=models.CASCADE, db_column="inspectionplan_id", related_name="+"
    )
    operator = models.ForeignKey(
        EconomicOperator,
        on_delete=models.CASCADE,
        db_column="economicoperator_id",
        related_name="+",
    )
    note = models.TextField(_("ghi chú"), blank=True)
    repeat_reason = models.CharField(
        _("lý do kiểm tra lại trong 12 tháng"),
        max_length=20,
        choices=RepeatReason.choices,
        blank=True,
    )
    repeat_note = models.CharField(_("giải trình lý do kiểm tra lại"), max_length=500, blank=True)

    scope_unit_field = "plan__unit"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        db_table = "inspections_inspectionplan_target_operators"
        unique_together = [("plan", "operator")]

    def __str__(self):
        return f"{self.plan_id}: {self.operator_id}"


class PlanSuggestionSkip(models.Model):
    """A risk suggestion the planner skipped: not suggested again for this plan
    (inspections/suggestions.py)."""

    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="+")
    operator = models.ForeignKey(EconomicOperator, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveIntegerField(_("điểm rủi ro"), default=0)
    reasons = models.TextField(_("lý do gợi ý"), blank=True)
    skipped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    skipped_at = models.DateTimeField(auto_now_add=True)

    scope_unit_field = "plan__unit"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "operator"], name="one_skip_per_plan_operator")
        ]

    def __str__(self):
        return f"{self.plan_id}: {self.operator_id}"
