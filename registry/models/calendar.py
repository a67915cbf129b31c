from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.models.scoping import ScopedQuerySet


class CalendarDay(models.Model):
    """A decision that changes the working-day calendar for one date: an extra day off
    (e.g. a bridge day around Tết decided by the Prime Minister) or a make-up working
    day (a Saturday worked to pay for it). Public holidays themselves come from the
    `holidays` library and need no row."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Ngày nghỉ thêm")
        WORKING_DAY = "working_day", _("Ngày làm việc bù")

    date = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices)
    reason = models.CharField(_("căn cứ, lý do"), max_length=300)

    scope_unit_field = None
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["date"]
        verbose_name = _("ngày điều chỉnh lịch làm việc")
        verbose_name_plural = _("ngày điều chỉnh lịch làm việc")

    def __str__(self):
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()}"
