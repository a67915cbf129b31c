from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.models.org import Unit
from registry.models.scoping import ScopedQuerySet


class AuditEntry(models.Model):
    """One append-only, hash-chained record of who did what to which object and when.

    Written only by `registry.audit.audit_record`, inside the service's transaction.
    `entry_hash` is an HMAC over this row's content and the previous row's hash, so an
    edited, inserted or deleted row breaks the chain (`manage.py audit_verify`). The
    database also refuses UPDATE and DELETE on this table (see the migration).
    """

    at = models.DateTimeField(_("thời điểm"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    # A snapshot, so that the entry reads the same after a user is renamed.
    actor_username = models.CharField(_("tên đăng nhập"), max_length=150, blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("đơn vị"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    action = models.CharField(_("hành động"), max_length=80, db_index=True)
    target_type = models.ForeignKey(
        ContentType,
        verbose_name=_("loại đối tượng"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    target_id = models.CharField(_("mã đối tượng"), max_length=64, blank=True)
    target_repr = models.CharField(_("đối tượng"), max_length=200, blank=True)
    changes = models.JSONField(_("nội dung thay đổi"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    scope_unit_field = "unit"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("nhật ký thao tác")
        verbose_name_plural = _("nhật ký thao tác")
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self):
        return f"#{self.pk} {self.action} {self.target_repr}"


class AuditChainHead(models.Model):
    """The chain's tip: one row, locked while an entry is appended.

    It also makes a deleted *last* entry detectable, which the chain alone cannot show.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_entry_id = models.BigIntegerField(null=True)
    last_hash = models.CharField(max_length=64)
    length = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("đầu chuỗi nhật ký")

    def __str__(self):
        return f"{self.length} / {self.last_hash[:12]}"
