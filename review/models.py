from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.models import ScopedQuerySet, Unit


class LegalClock(models.Model):
    """One deadline the law sets on a case (see DESIGN.md, "Legal clocks"), counted on
    the working-day calendar by `review.clocks`.

    A clock belongs to one subject: a complaint, a failed-test follow-up, a violation
    record or a sample, named by `kind` and `subject_id`. It runs until the act it waits
    for is done (met or late), or stops applying (cancelled). The sweep reminds the
    person responsible before `due_at` and escalates to the unit's supervisors after it.
    """

    class Kind(models.TextChoices):
        ACKNOWLEDGE = "acknowledge", _("Xác nhận đã nhận phản ánh")
        ACCEPT_REPORT = "accept_report", _("Thụ lý hoặc từ chối phản ánh")
        ACCEPT_DENUNCIATION = "accept_denunciation", _("Thụ lý hoặc từ chối tố cáo")
        ACCEPTANCE_NOTICE = "acceptance_notice", _("Thông báo thụ lý cho người phản ánh")
        SETTLE = "settle", _("Giải quyết phản ánh, tố cáo")
        FAILED_TEST_REPORT = "failed_test_report", _("Báo cáo mẫu không đạt")
        SUSPENSION_NOTICE = "suspension_notice", _("Thông báo tạm dừng lưu thông")
        PENALTY_DECISION = "penalty_decision", _("Ra quyết định xử phạt")
        SAMPLE_RETENTION = "sample_retention", _("Lưu mẫu")

    class State(models.TextChoices):
        RUNNING = "running", _("Đang chạy")
        MET = "met", _("Đúng hạn")
        LATE = "late", _("Trễ hạn")
        CANCELLED = "cancelled", _("Không còn áp dụng")

    kind = models.CharField(_("thời hạn"), max_length=24, choices=Kind.choices)
    subject_id = models.PositiveBigIntegerField()
    state = models.CharField(
        _("tình trạng"), max_length=10, choices=State.choices, default=State.RUNNING
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+"
    )
    complaint = models.ForeignKey(
        "complaints.Complaint",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="clocks",
    )
    inspection = models.ForeignKey(
        "inspections.Inspection",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="clocks",
    )
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
        ordering = ["due_at", "pk"]
        verbose_name = _("thời hạn pháp định")
        verbose_name_plural = _("thời hạn pháp định")
        permissions = [("view_dashboard", _("Xem số liệu tổng hợp và tải báo cáo"))]
        constraints = [
            models.UniqueConstraint(fields=["kind", "subject_id"], name="one_clock_per_subject"),
            models.CheckConstraint(
                condition=models.Q(complaint__isnull=False) | models.Q(inspection__isnull=False),
                name="clock_has_a_case",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "remind_at"], name="clock_remind_idx"),
            models.Index(fields=["state", "due_at"], name="clock_due_idx"),
            models.Index(fields=["unit", "kind", "state"], name="clock_unit_kind_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.due_on:%d/%m/%Y})"

    @property
    def is_running(self) -> bool:
        return self.state == self.State.RUNNING

    @property
    def basis(self) -> str:
        """The law (or rule) the period comes from."""
        from review.clocks import RULES

        return str(RULES[self.kind].basis)


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
        ordering = ["at", "pk"]
        verbose_name = _("gia hạn")
        verbose_name_plural = _("gia hạn")

    def __str__(self):
        return f"{self.clock_id}: {self.previous_due_on} → {self.new_due_on}"
