"""Khen thưởng người tố giác: a reward for a report that led to a penalty decision or a
published product alert (docs/rewards.md).

The handler of the case proposes it from the case page (violations/rewards.py), the
unit's supervisor approves or returns it, the reporter chooses through the receipt how
to receive it, and the counter officer or the identity custodian records the payment.

A reward holds no identity, no receipt, no proof of filing and no address. When the
reporter chooses to give payee details to the custodian, they are sealed like the
identity (RewardPayee, its data key sealed to each custodian and the recovery key in
RewardPayeeKey) and deleted once the payment is recorded.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.models import ScopedQuerySet, Unit
from whistleblower.models import WrappedKey


class Reward(models.Model):
    class Kind(models.TextChoices):
        THANKS = "thanks", _("Thư cảm ơn")
        MONEY = "money", _("Tiền thưởng")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Chờ lãnh đạo duyệt")
        RETURNED = "returned", _("Bị trả lại")
        APPROVED = "approved", _("Đã duyệt, chờ người phản ánh chọn cách nhận")
        COUNTER = "counter", _("Nhận ẩn danh tại quầy")
        DISCLOSED = "disclosed", _("Nhận qua người quản lý thông tin nhân thân")
        PAID = "paid", _("Đã chi trả")
        DECLINED = "declined", _("Người phản ánh không nhận")

    class Choice(models.TextChoices):
        COUNTER = "counter", _("Nhận ẩn danh tại quầy")
        DISCLOSE = "disclose", _("Nhận qua người quản lý thông tin nhân thân")
        DECLINE = "decline", _("Không nhận")

    class Ground(models.TextChoices):
        # What the report led to. Set by the violations floor as plain references: the
        # complaints app never imports violations (docs/layout.md).
        PENALTY_DECISION = "penalty_decision", _("Quyết định xử phạt")
        PRODUCT_ALERT = "product_alert", _("Cảnh báo sản phẩm")

    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.PROTECT, related_name="rewards"
    )
    # The unit that handled the report: it approves and pays (its counter).
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("hình thức"), max_length=10, choices=Kind.choices)
    amount_vnd = models.PositiveBigIntegerField(_("số tiền (đồng)"), null=True, blank=True)
    basis = models.TextField(_("căn cứ và lý do khen thưởng"))
    ground_kind = models.CharField(_("căn cứ"), max_length=20, choices=Ground.choices)
    ground_ref = models.PositiveBigIntegerField()
    ground_number = models.CharField(_("số văn bản"), max_length=100, blank=True)
    # The page the reward was proposed from (the case page), for the proposer's notices.
    origin_link = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=Status.choices,
        default=Status.PROPOSED,
        db_index=True,
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("ngày đề xuất"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("ngày duyệt"), null=True, blank=True)
    return_reason = models.TextField(_("lý do trả lại"), blank=True)
    choice = models.CharField(
        _("người phản ánh chọn"), max_length=10, choices=Choice.choices, blank=True
    )
    chosen_at = models.DateTimeField(_("ngày người phản ánh chọn"), null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    paid_at = models.DateTimeField(_("ngày chi trả"), null=True, blank=True)
    # Where it was paid: the unit of the officer at the counter, or of the custodian.
    paid_unit = models.ForeignKey(
        Unit,
        verbose_name=_("đơn vị chi trả"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    voucher_number = models.CharField(_("số chứng từ chi"), max_length=50, blank=True)

    scope_unit_field = "unit"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        verbose_name = _("khen thưởng người tố giác")
        verbose_name_plural = _("khen thưởng người tố giác")
        default_permissions = ("view", "add")
        permissions = [
            ("approve_reward", _("Duyệt khen thưởng người tố giác")),
            ("pay_reward", _("Chi trả khen thưởng tại quầy")),
            ("settle_reward", _("Chi trả khen thưởng qua người quản lý thông tin nhân thân")),
        ]
        constraints = [
            # One reward per report at a time; a returned proposal may be made again.
            models.UniqueConstraint(
                fields=["complaint"],
                condition=~models.Q(status="returned"),
                name="one_live_reward_per_report",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="thanks", amount_vnd__isnull=True)
                | models.Q(kind="money", amount_vnd__isnull=False, amount_vnd__gt=0),
                name="reward_money_has_amount",
            ),
        ]
        indexes = [models.Index(fields=["unit", "status", "proposed_at"])]

    def __str__(self):
        # Nothing of the report or the reporter: it is the audit entries' target label.
        return f"#{self.pk}"


class RewardPayee(models.Model):
    """The payee details a reporter gave for the custodian only (name, ID number, bank
    account or address), encrypted under their own data key (whistleblower/sealing.py)."""

    reward = models.OneToOneField(Reward, on_delete=models.CASCADE, related_name="payee")
    ciphertext = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    scope_unit_field = "reward__unit"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"sealed payee #{self.pk}"


class RewardPayeeKey(models.Model):
    """The payee details' data key sealed to one custodian or to the recovery key."""

    payee = models.ForeignKey(RewardPayee, on_delete=models.CASCADE, related_name="keys")
    recipient_kind = models.CharField(max_length=10, choices=WrappedKey.Recipient.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    recipient_fingerprint = models.CharField(max_length=40)
    sealed_key = models.BinaryField()

    scope_owner_field = "recipient"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"{self.payee_id} → {self.recipient_kind} {self.recipient_fingerprint}"
