from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
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


# --- Protection of reporters (docs/protection.md) -------------------------------------------


class ProtectionQuerySet(ScopedQuerySet):
    def visible_to(self, user, action: str = "view") -> "ProtectionQuerySet":
        """The unit's custodians and supervisors (national ones: every unit), but never
        the report's handler, even one who also holds one of those roles: the handler
        learns only what a supervisor decides to tell (`handler_informed`)."""
        rows = super().visible_to(user, action)
        if user is None or not user.is_authenticated:
            return rows
        return rows.exclude(complaint__assigned_to=user)


class ProtectionRequest(models.Model):
    """A reporter asks, through their receipt, to be protected (Luật Tố cáo 2018, the
    chapter on protecting denouncers). It holds what they fear, never who they are: a
    reporter who chooses to disclose does it through the sealed identity."""

    class Kind(models.TextChoices):
        CONFIDENTIALITY = "confidentiality", _("Bí mật thông tin cá nhân")
        JOB = "job", _("Vị trí công tác, việc làm")
        LIFE = "life", _("Tính mạng")
        HEALTH = "health", _("Sức khỏe")
        PROPERTY = "property", _("Tài sản")
        HONOUR = "honour", _("Danh dự, nhân phẩm")

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ quyết định")
        GRANTED = "granted", _("Đã quyết định áp dụng biện pháp bảo vệ")
        REFUSED = "refused", _("Đã từ chối")
        CLOSED = "closed", _("Đã kết thúc bảo vệ")

    class Identity(models.TextChoices):
        ANONYMOUS = "anonymous", _("Tôi không cung cấp danh tính")
        GIVEN = "given", _("Tôi đã cung cấp danh tính (được bảo mật) khi gửi phản ánh hoặc trả lời")
        NOW = "now", _("Tôi cung cấp danh tính bây giờ (được mã hóa, bảo mật)")

    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="+"
    )
    kinds = models.JSONField(_("cần bảo vệ"), default=list)
    fear = models.TextField(_("điều người phản ánh lo ngại"))
    # Whether the reporter agrees that the custodian may use their sealed identity for
    # the protection; the identity itself stays in SealedIdentity.
    identity = models.CharField(
        _("danh tính"), max_length=10, choices=Identity.choices, default=Identity.ANONYMOUS
    )
    created_at = models.DateTimeField(_("ngày đề nghị"), auto_now_add=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("ngày quyết định"), null=True, blank=True)
    measures = models.TextField(_("biện pháp bảo vệ"), blank=True)
    authority = models.CharField(_("cơ quan thực hiện"), max_length=300, blank=True)
    refusal_reason = models.TextField(_("lý do từ chối"), blank=True)
    # A supervisor decides whether the report's handler sees that a protection matter
    # exists (and nothing more).
    handler_informed = models.BooleanField(_("cho cán bộ xử lý biết"), default=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("ngày kết thúc"), null=True, blank=True)
    closing_note = models.TextField(_("lý do kết thúc"), blank=True)
    clocks = GenericRelation(
        "registry.LegalClock",
        content_type_field="case_type",
        object_id_field="case_id",
        related_query_name="protection_request",
    )

    scope_unit_field = "complaint__unit"
    objects = ProtectionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("đề nghị bảo vệ người tố cáo")
        verbose_name_plural = _("đề nghị bảo vệ người tố cáo")
        default_permissions = ("view", "change")
        constraints = [
            # One request of a report waits for a decision at a time.
            models.UniqueConstraint(
                fields=["complaint"],
                condition=models.Q(status="pending"),
                name="one_pending_protection_request",
            )
        ]
        permissions = [
            (
                "inform_handler_protectionrequest",
                _("Quyết định cho cán bộ xử lý biết có vấn đề bảo vệ người phản ánh"),
            )
        ]

    def __str__(self):
        # Never what they fear.
        return f"#{self.pk} {self.get_status_display()}"

    @property
    def kind_labels(self) -> list[str]:
        labels = dict(self.Kind.choices)
        return [str(labels.get(kind, kind)) for kind in self.kinds]


class ProtectionFollowUp(models.Model):
    """What was checked of the measures, on a day; told to the reporter if so chosen."""

    request = models.ForeignKey(
        ProtectionRequest, on_delete=models.CASCADE, related_name="follow_ups"
    )
    on = models.DateField(_("ngày"))
    text = models.TextField(_("nội dung theo dõi"))
    tell_reporter = models.BooleanField(_("báo cho người phản ánh"), default=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    scope_unit_field = "request__complaint__unit"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["on", "pk"]
        verbose_name = _("theo dõi biện pháp bảo vệ")
        verbose_name_plural = _("theo dõi biện pháp bảo vệ")
        default_permissions = ()

    def __str__(self):
        return f"{self.request_id}: {self.on:%d/%m/%Y}"
