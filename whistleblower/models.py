from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from registry.models import ScopedQuerySet


class StaffKey(models.Model):
    """A staff member's X25519 key pair; the private half locked with their own
    password (see whistleblower/crypto.py). The server cannot use it unless that
    person is logged in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="vault_key"
    )
    public_key = models.BinaryField()
    locked_private_key = models.BinaryField()
    fingerprint = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_owner_field = "user"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("khóa mã hóa của cán bộ")
        verbose_name_plural = _("khóa mã hóa của cán bộ")

    def __str__(self):
        return f"{self.user} {self.fingerprint}"


class SealedIdentity(models.Model):
    """A reporter's identity, encrypted under its own data key. The data key is stored
    only sealed to custodians, the recovery key and approved handlers (WrappedKey)."""

    complaint = models.OneToOneField(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="+", db_index=True
    )
    ciphertext = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
    # When the data key was last replaced (whistleblower/rotation.py); None: at filing.
    data_key_rotated_at = models.DateTimeField(null=True, blank=True)

    scope_unit_field = "complaint__unit"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("thông tin nhân thân (đã mã hóa)")
        verbose_name_plural = _("thông tin nhân thân (đã mã hóa)")
        # No role holds view_sealedidentity: only an approved disclosure's object
        # permission opens one.
        default_permissions = ("view",)

    def __str__(self):
        # Never the content; not even whose it is.
        return f"sealed #{self.pk}"


class SealedIdentityUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(SealedIdentity, on_delete=models.CASCADE)


class SealedIdentityGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(SealedIdentity, on_delete=models.CASCADE)


class WrappedKey(models.Model):
    """The data key of one identity, sealed to one recipient's public key."""

    class Recipient(models.TextChoices):
        CUSTODIAN = "custodian", _("Người quản lý thông tin nhân thân")
        HANDLER = "handler", _("Cán bộ được phép xem")
        RECOVERY = "recovery", _("Khóa khôi phục ngoại tuyến")

    identity = models.ForeignKey(
        SealedIdentity, on_delete=models.CASCADE, related_name="wrapped_keys"
    )
    recipient_kind = models.CharField(max_length=10, choices=Recipient.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    recipient_fingerprint = models.CharField(max_length=40)
    sealed_key = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    scope_owner_field = "recipient"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["identity", "recipient_kind", "recipient", "recipient_fingerprint"],
                name="one_wrap_per_key",
            )
        ]

    def __str__(self):
        return f"{self.identity_id} → {self.recipient_kind} {self.recipient_fingerprint}"


class DisclosureRequest(models.Model):
    """A handler asks to see a reporter's identity; a custodian decides.

    Asked of a complaint, not of an identity: asking reveals nothing about whether the
    reporter gave one."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ quyết định")
        APPROVED = "approved", _("Đã chấp thuận")
        DENIED = "denied", _("Đã từ chối")

    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("lý do"))
    created_at = models.DateTimeField(_("ngày đề nghị"), auto_now_add=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("ngày quyết định"), null=True, blank=True)
    decision_reason = models.TextField(_("lý do quyết định"), blank=True)
    expires_at = models.DateTimeField(_("hết hạn"), null=True, blank=True)

    scope_unit_field = "complaint__unit"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("đề nghị xem thông tin nhân thân")
        verbose_name_plural = _("đề nghị xem thông tin nhân thân")

    def __str__(self):
        return f"#{self.pk} {self.get_status_display()}"

    @property
    def is_open_grant(self) -> bool:
        return (
            self.status == self.Status.APPROVED
            and self.expires_at is not None
            and self.expires_at > timezone.now()
        )
