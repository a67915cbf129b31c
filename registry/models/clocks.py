from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.clock_rules import declared, kind_choices
from registry.models.org import Unit
from registry.models.scoping import ScopedQuerySet


class LegalClock(models.Model):
    """One deadline the law sets on a case (docs/legal-clocks.md), counted on the
    working-day calendar by `registry.clocks`.

    A clock belongs to one subject of one case: a report (the subject is the report
    itself), or a failed-test follow-up, a violation record or a sample of an inspection,
    named by `kind` (declared by the workflow, `registry.clock_rules`) and `subject_id`.
    It runs until the act it waits for is done (met or late), or stops applying
    (cancelled). The sweep reminds the person responsible before `due_at` and escalates
    to the unit's supervisors after it.
    """

    class State(models.TextChoices):
        RUNNING = "running", _("Đang chạy")
        MET = "met", _("Đúng hạn")
        LATE = "late", _("Trễ hạn")
        CANCELLED = "cancelled", _("Không còn áp dụng")

    kind = models.CharField(_("thời hạn"), max_length=24, choices=kind_choices)
    subject_id = models.PositiveBigIntegerField()
    state = models.CharField(
        _("tình trạng"), max_length=10, choices=State.choices, default=State.RUNNING
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+"
    )
    # The case: a report or an inspection. The workflows reach their clocks through a
    # GenericRelation named `clocks` on the case's model.
    case_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    case_id = models.PositiveBigIntegerField()
    case = GenericForeignKey("case_type", "case_id")
    started_at = models.DateTimeField(_("bắt đầu"))
    # The last day of the period, and the moment after which the clock is overdue (the
    # end of that day, or an exact time for a period in hours).
    due_on = models.DateField(_("hạn"))
    due_at = models.DateTimeField(_("hết hạn lúc"))
    remind_at = models.DateTimeField(_("nhắc lúc"))
    stopped_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    variant = models.CharField(_("trường hợp"), max_length=20, blank=True)
    extensions = models.PositiveSmallIntegerField(_("số lần gia hạn"), default=0)
    # The due_at a reminder / an escalation was sent for: a sweep sends each once, and an
    # extension (a new due_at) arms them again.
    reminded_for = models.DateTimeField(null=True, blank=True)
    escalated_for = models.DateTimeField(null=True, blank=True)

    scope_unit_field = "unit"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        db_table = "review_legalclock"  # the table it had in review/
        ordering = ["due_at", "pk"]
        verbose_name = _("thời hạn pháp định")
        verbose_name_plural = _("thời hạn pháp định")
        permissions = [("view_dashboard", _("Xem số liệu tổng hợp và tải báo cáo"))]
        constraints = [
            models.UniqueConstraint(fields=["kind", "subject_id"], name="one_clock_per_subject"),
        ]
        indexes = [
            models.Index(fields=["state", "remind_at"], name="clock_remind_idx"),
            models.Index(fields=["state", "due_at"], name="clock_due_idx"),
            models.Index(fields=["unit", "kind", "state"], name="clock_unit_kind_idx"),
            models.Index(fields=["case_type", "case_id"], name="clock_case_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.due_on:%d/%m/%Y})"

    @property
    def is_running(self) -> bool:
        return self.state == self.State.RUNNING

    @property
    def basis(self) -> str:
        """The law (or rule) the period comes from."""
        return str(declared(self.kind).rule.basis)


class ClockExtension(models.Model):
    """An extension of a clock, with its reason (each one also told to the reporter for
    a denunciation's settlement)."""

    clock = models.ForeignKey(LegalClock, on_delete=models.CASCADE, related_name="extension_log")
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("lý do gia hạn"))
    previous_due_on = models.DateField()
    new_due_on = models.DateField()

    scope_unit_field = "clock__unit"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        db_table = "review_clockextension"  # the table it had in review/
        ordering = ["at", "pk"]
        verbose_name = _("gia hạn")
        verbose_name_plural = _("gia hạn")

    def __str__(self):
        return f"{self.clock_id}: {self.previous_due_on} → {self.new_due_on}"
