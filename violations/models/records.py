"""Violation handling: the violation record, the penalty decision, remedial measures.

Law on Handling Administrative Violations 2012 (as amended by Law 67/2020) and Decree
119/2017/NĐ-CP as amended by Decree 126/2021/NĐ-CP. Deadlines are computed by
`violations.records` on the working-day calendar (`registry.workdays`).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from inspections.models import EvidencePhoto, Finding, Inspection, Sample
from registry.models import EconomicOperator, LegalProvision, ScopedQuerySet
from registry.risk_assessment import RiskAssessed


class ViolationRecord(RiskAssessed, models.Model):
    """Biên bản vi phạm hành chính: the acts found, their evidence, the violator's right
    to explain. Signed (or refused before a witness), it is locked; the penalty decision
    is due 7 days after it (30 for a case needing explanation or verification, extendable
    once by 30 with a reason)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        SIGNED = "signed", _("Đã lập, chờ quyết định xử phạt")
        DECIDED = "decided", _("Đã có quyết định xử phạt")
        DISMISSED = "dismissed", _("Không ra quyết định xử phạt")
        CLOSED = "closed", _("Đã kết thúc")

    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="violation_records"
    )
    number = models.CharField(_("số biên bản"), max_length=50, blank=True)
    violator = models.ForeignKey(
        EconomicOperator, verbose_name=_("đối tượng vi phạm"), on_delete=models.PROTECT
    )
    violator_is_organisation = models.BooleanField(_("đối tượng là tổ chức"), default=True)
    place = models.CharField(_("địa điểm lập biên bản"), max_length=300)
    representative_name = models.CharField(_("người đại diện"), max_length=150, blank=True)
    representative_position = models.CharField(_("chức vụ"), max_length=150, blank=True)
    representative_statement = models.TextField(_("ý kiến của người vi phạm"), blank=True)
    representative_refused = models.BooleanField(_("từ chối ký"), default=False)
    witness_name = models.CharField(_("người chứng kiến"), max_length=150, blank=True)
    witness_address = models.CharField(_("địa chỉ người chứng kiến"), max_length=300, blank=True)
    refusal_reason = models.CharField(_("lý do từ chối ký"), max_length=300, blank=True)
    signed_at = models.DateTimeField(_("thời điểm lập"), null=True, blank=True)
    explanation_due = models.DateField(_("hạn gửi văn bản giải trình"), null=True, blank=True)
    needs_verification = models.BooleanField(
        _("vụ việc phải giải trình hoặc xác minh"),
        default=False,
        help_text=_("Thời hạn ra quyết định là 30 ngày thay vì 7 ngày."),
    )
    decision_due = models.DateField(_("hạn ra quyết định xử phạt"), null=True, blank=True)
    extended_to = models.DateField(_("gia hạn đến"), null=True, blank=True)
    extension_reason = models.TextField(_("lý do gia hạn"), blank=True)
    dismissal_reason = models.TextField(_("lý do không ra quyết định"), blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    content = models.JSONField(_("nội dung khi lập"), default=dict, blank=True)
    pdf = models.FileField(upload_to="violations/%Y/", blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    scope_unit_field = "inspection__unit"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        db_table = "inspections_violationrecord"  # the table it had in inspections/
        ordering = ["-created_at", "pk"]
        verbose_name = _("biên bản vi phạm hành chính")
        verbose_name_plural = _("biên bản vi phạm hành chính")

    def __str__(self):
        return self.number or f"#{self.pk}"

    @property
    def decision_deadline(self):
        return self.extended_to or self.decision_due


class Violation(models.Model):
    """One act in a record: the provision breached, what was seen, and its evidence."""

    record = models.ForeignKey(ViolationRecord, on_delete=models.PROTECT, related_name="violations")
    provision = models.ForeignKey(
        LegalProvision, verbose_name=_("điều khoản"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField(_("mô tả hành vi"))
    # The day decides which version of the provision applies (the text in force then).
    committed_on = models.DateField(
        _("ngày thực hiện hành vi vi phạm"),
        help_text=_("Với hành vi đang diễn ra: ngày phát hiện."),
    )
    findings = models.ManyToManyField(Finding, blank=True, related_name="violations")
    photos = models.ManyToManyField(EvidencePhoto, blank=True, related_name="violations")
    samples = models.ManyToManyField(Sample, blank=True, related_name="violations")
    order = models.PositiveSmallIntegerField(default=0)

    scope_unit_field = "record__inspection__unit"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        db_table = "inspections_violation"  # the table it had in inspections/
        ordering = ["record", "order", "pk"]
        verbose_name = _("hành vi vi phạm")
        verbose_name_plural = _("hành vi vi phạm")

    def __str__(self):
        return f"{self.record} / {self.provision.code}"


class PenaltyDecision(models.Model):
    """Quyết định xử phạt vi phạm hành chính for one record: each act fined within its
    range, the fines summed, additional penalties and remedial measures with deadlines.
    Drafted by the team, approved by a supervisor; then executed and closed."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        SUBMITTED = "submitted", _("Chờ lãnh đạo duyệt")
        APPROVED = "approved", _("Đã ban hành, đang thi hành")
        CLOSED = "closed", _("Đã thi hành xong")

    record = models.OneToOneField(
        ViolationRecord, on_delete=models.PROTECT, related_name="decision"
    )
    number = models.CharField(_("số quyết định"), max_length=50, blank=True)
    decided_on = models.DateField(_("ngày ra quyết định"), null=True, blank=True)
    total_fine_vnd = models.PositiveBigIntegerField(_("tổng số tiền phạt (đồng)"), default=0)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    return_note = models.TextField(_("ý kiến khi trả lại"), blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    fine_paid_on = models.DateField(_("ngày nộp phạt"), null=True, blank=True)
    fine_receipt_number = models.CharField(_("số biên lai nộp phạt"), max_length=50, blank=True)
    closed_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    content = models.JSONField(_("nội dung khi ban hành"), default=dict, blank=True)
    pdf = models.FileField(upload_to="decisions/%Y/", blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    scope_unit_field = "record__inspection__unit"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        db_table = "inspections_penaltydecision"  # the table it had in inspections/
        ordering = ["-created_at", "pk"]
        verbose_name = _("quyết định xử phạt")
        verbose_name_plural = _("quyết định xử phạt")
        permissions = [("approve_penaltydecision", _("Duyệt quyết định xử phạt"))]

    def __str__(self):
        return self.number or f"#{self.pk}"


class AdditionalPenalty(models.TextChoices):
    """Hình thức xử phạt bổ sung (Decree 119/2017, Art. 4(2) as amended)."""

    LICENCE_SUSPENSION = (
        "licence_suspension",
        _("Tước quyền sử dụng giấy phép, chứng chỉ có thời hạn"),
    )
    ACTIVITY_SUSPENSION = "activity_suspension", _("Đình chỉ hoạt động có thời hạn")
    CONFISCATION = "confiscation", _("Tịch thu tang vật vi phạm hành chính")


class PenaltyLine(models.Model):
    """The fine (and additional penalties) for one act."""

    decision = models.ForeignKey(PenaltyDecision, on_delete=models.CASCADE, related_name="lines")
    violation = models.OneToOneField(Violation, on_delete=models.PROTECT, related_name="penalty")
    fine_vnd = models.PositiveBigIntegerField(_("mức phạt (đồng)"))
    additional_penalties = models.JSONField(_("hình thức xử phạt bổ sung"), default=list)

    scope_unit_field = "decision__record__inspection__unit"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        db_table = "inspections_penaltyline"  # the table it had in inspections/
        ordering = ["decision", "violation__order", "pk"]

    def __str__(self):
        return f"{self.violation}: {self.fine_vnd}"


class RemedialMeasure(models.Model):
    """Biện pháp khắc phục hậu quả, each with its deadline; done with evidence photos."""

    class Kind(models.TextChoices):
        RECALL = "recall", _("Buộc thu hồi sản phẩm, hàng hóa")
        DESTRUCTION = "destruction", _("Buộc tiêu hủy")
        RELABEL = "relabel", _("Buộc ghi nhãn, sửa đổi nhãn hàng hóa")
        RE_EXPORT = "re_export", _("Buộc tái xuất")
        CHANGE_PURPOSE = "change_purpose", _("Buộc thay đổi mục đích sử dụng hoặc tái chế")
        CORRECT_INFORMATION = "correct_information", _("Buộc cải chính thông tin sai sự thật")
        SURRENDER_GAINS = "surrender_gains", _("Buộc nộp lại số lợi bất hợp pháp")
        REVERIFY_INSTRUMENT = (
            "reverify_instrument",
            _("Buộc kiểm định, hiệu chuẩn lại phương tiện đo"),
        )
        OTHER = "other", _("Biện pháp khác theo điều khoản")

    class Status(models.TextChoices):
        PENDING = "pending", _("Đang chờ thực hiện")
        DONE = "done", _("Đã thực hiện")

    decision = models.ForeignKey(PenaltyDecision, on_delete=models.CASCADE, related_name="measures")
    violation = models.ForeignKey(
        Violation, on_delete=models.PROTECT, null=True, blank=True, related_name="measures"
    )
    kind = models.CharField(_("biện pháp"), max_length=30, choices=Kind.choices)
    description = models.TextField(_("nội dung"), blank=True)
    deadline = models.DateField(_("thời hạn thực hiện"))
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    done_on = models.DateField(_("ngày thực hiện xong"), null=True, blank=True)
    done_note = models.TextField(_("kết quả thực hiện"), blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    escalated_on = models.DateField(null=True, blank=True)

    scope_unit_field = "decision__record__inspection__unit"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        db_table = "inspections_remedialmeasure"  # the table it had in inspections/
        ordering = ["decision", "deadline", "pk"]
        verbose_name = _("biện pháp khắc phục hậu quả")
        verbose_name_plural = _("biện pháp khắc phục hậu quả")

    def __str__(self):
        return f"{self.get_kind_display()} ({self.deadline:%d/%m/%Y})"
