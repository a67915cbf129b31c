"""An administrator's request to reset a staff member's lost second factor, and a second
administrator's decision (registry/factor_reset.py holds the rules)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.models.scoping import ScopedQuerySet


class FactorReset(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ phê duyệt")
        APPROVED = "approved", _("Đã đặt lại")
        REFUSED = "refused", _("Bị từ chối")

    target = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ cần đặt lại"),
        on_delete=models.CASCADE,
        related_name="factor_resets",
    )
    # The target's unit when asked: the unit's administrators (and national ones) decide.
    unit = models.ForeignKey(
        "registry.Unit",
        verbose_name=_("đơn vị"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("lý do"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người đề nghị"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("thời điểm đề nghị"), default=timezone.now)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người quyết định"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("thời điểm quyết định"), null=True, blank=True)
    refusal_reason = models.TextField(_("lý do từ chối"), blank=True)

    # Read through the accounts the reader may change (registry/factor_reset.py), which
    # only administrators may: their unit's, or every unit's for the national body.
    scope_unit_field = "unit"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("đề nghị đặt lại yếu tố xác thực")
        verbose_name_plural = _("đề nghị đặt lại yếu tố xác thực")
        constraints = [
            # One open request per account: a second would be decided twice.
            models.UniqueConstraint(
                fields=["target"],
                condition=models.Q(status="pending"),
                name="factor_reset_one_pending_per_target",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.target}"
