from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from complaints import matching
from registry.barcodes import BarcodeProposal
from registry.models import (
    EconomicOperator,
    Product,
    ProductCategory,
    Province,
    ScopedQuerySet,
    Unit,
)
from registry.text import fold_words


class Complaint(models.Model):
    """Phản ánh: a citizen's report about goods, filed without an account.

    It holds nothing that identifies the reporter: the receipt only as a keyed hash,
    the identity (if given) sealed in whistleblower/, no IP address, no user agent.
    """

    class Kind(models.TextChoices):
        QUALITY = "quality", _("Chất lượng không đạt")
        MEASUREMENT = "measurement", _("Cân, đong, đo thiếu")
        LABEL = "label", _("Nhãn hàng hóa sai, thiếu")
        FAKE_MARK = "fake_mark", _("Dấu hợp quy (CR), chứng nhận giả")
        COUNTERFEIT = "counterfeit", _("Hàng giả, hàng nhái")
        EXPIRED = "expired", _("Hàng hết hạn sử dụng")
        OTHER = "other", _("Khác")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Đã tiếp nhận")
        ACKNOWLEDGED = "acknowledged", _("Đã xác nhận")
        TRIAGED = "triaged", _("Đã phân loại")
        UNDER_INSPECTION = "under_inspection", _("Đang kiểm tra")
        RESOLVED = "resolved", _("Đã giải quyết")
        REJECTED = "rejected", _("Không thụ lý")
        MERGED = "merged", _("Đã gộp vào phản ánh khác")

    class Nature(models.TextChoices):
        # Which law's clocks apply: a report or recommendation (phản ánh, kiến nghị) is
        # accepted or refused within 10 days; a denunciation (tố cáo) within 7 working
        # days, and its settlement may be extended twice (Law on Denunciation 2018).
        REPORT = "report", _("Phản ánh, kiến nghị")
        DENUNCIATION = "denunciation", _("Tố cáo")

    class Channel(models.TextChoices):
        WEB = "web", _("Trang web")
        API = "api", _("Ứng dụng (API)")
        HOTLINE = "hotline", _("Đường dây nóng")
        # Given in person at the unit's reception desk (tiếp công dân), entered by an officer.
        COUNTER = "counter", _("Trực tiếp tại cơ quan")

    tracking_number = models.CharField(_("số theo dõi"), max_length=20, unique=True)
    receipt_digest = models.CharField(max_length=64, unique=True)
    receipt_key_version = models.PositiveSmallIntegerField(default=1)
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị xử lý"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("loại phản ánh"), max_length=20, choices=Kind.choices)
    channel = models.CharField(
        _("kênh"), max_length=10, choices=Channel.choices, default=Channel.WEB
    )
    nature = models.CharField(
        _("tính chất"), max_length=15, choices=Nature.choices, default=Nature.REPORT
    )

    product_category = models.ForeignKey(
        ProductCategory,
        verbose_name=_("nhóm sản phẩm"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    product_name = models.CharField(_("tên sản phẩm"), max_length=300)
    product_brand = models.CharField(_("nhãn hiệu"), max_length=200, blank=True)
    product_gtin = models.CharField(_("mã vạch"), max_length=14, blank=True, db_index=True)
    product_batch = models.CharField(_("số lô"), max_length=100, blank=True)
    product = models.ForeignKey(
        Product,
        verbose_name=_("sản phẩm trong danh mục"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    seller_name = models.CharField(_("tên người bán"), max_length=300)
    seller_address = models.CharField(_("địa chỉ người bán"), max_length=400, blank=True)
    seller_url = models.URLField(_("địa chỉ gian hàng trực tuyến"), max_length=500, blank=True)
    seller_tax_code = models.CharField(
        _("mã số thuế người bán"), max_length=14, blank=True, db_index=True
    )
    seller_province = models.ForeignKey(
        Province,
        verbose_name=_("tỉnh, thành phố của người bán"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    operator = models.ForeignKey(
        EconomicOperator,
        verbose_name=_("người bán trong danh mục"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    purchase_date = models.DateField(_("ngày mua"), null=True, blank=True)
    description = models.TextField(_("nội dung phản ánh"))

    status = models.CharField(
        _("trạng thái"),
        max_length=20,
        choices=Status.choices,
        default=Status.RECEIVED,
        db_index=True,
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("gộp vào"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged",
    )
    # When an officer proposed an inspection of the goods to the supervisors (once).
    inspection_proposed_at = models.DateTimeField(
        _("đã đề xuất kiểm tra lúc"), null=True, blank=True
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ xử lý"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_complaints",
    )
    received_at = models.DateTimeField(_("ngày tiếp nhận"), auto_now_add=True, db_index=True)
    acknowledged_at = models.DateTimeField(_("ngày xác nhận"), null=True, blank=True)
    closed_at = models.DateTimeField(_("ngày kết thúc"), null=True, blank=True)
    # The nearest deadline of its running legal clocks (complaints.clocks keeps it), so
    # that the queues filter and sort on one indexed column.
    due_at = models.DateTimeField(_("hạn gần nhất"), null=True, blank=True, editable=False)
    outcome = models.TextField(_("kết quả xử lý"), blank=True)
    # Folded text (no accents, lower case) of what staff search by (registry.search).
    search_text = models.TextField(editable=False, default="")
    # Normalised keys for finding reports about the same product or seller
    # (complaints.matching, complaints.duplicates), and the group of reports found so.
    product_key = models.CharField(max_length=300, blank=True, editable=False, db_index=True)
    seller_key = models.CharField(max_length=300, blank=True, editable=False, db_index=True)
    seller_url_key = models.CharField(max_length=300, blank=True, editable=False, db_index=True)
    duplicate_group = models.PositiveBigIntegerField(
        _("nhóm phản ánh trùng"), null=True, blank=True, editable=False, db_index=True
    )
    # Retention (complaints/retention.py): a supervisor's legal hold keeps everything of
    # the report past its periods; anonymised_at is when its content was removed.
    retention_hold = models.BooleanField(_("giữ hồ sơ, không xóa theo thời hạn"), default=False)
    retention_hold_reason = models.TextField(_("lý do giữ hồ sơ"), blank=True)
    retention_hold_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    retention_hold_at = models.DateTimeField(_("giữ hồ sơ từ"), null=True, blank=True)
    anonymised_at = models.DateTimeField(
        _("đã xóa nội dung lúc"), null=True, blank=True, editable=False
    )
    # Its legal clocks (complaints/clocks.py), kept by the foundation.
    clocks = GenericRelation(
        "registry.LegalClock",
        content_type_field="case_type",
        object_id_field="case_id",
        related_query_name="complaint",
    )

    scope_unit_field = "unit"
    # On PostgreSQL, the stored tsvector of search_text the search matches and ranks on
    # (a generated column, not a field: complaints 0011, registry/search.py).
    search_vector_column = "search_vector"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("phản ánh")
        verbose_name_plural = _("phản ánh")
        permissions = [
            ("hold_complaint", _("Giữ hồ sơ phản ánh, không xóa theo thời hạn lưu trữ")),
        ]
        indexes = [
            models.Index(fields=["unit", "status", "received_at"]),
            # The triage queues' pages (complaints.selectors): each queue's order over an
            # index holding the id too, so that the page's ids are read from the index
            # alone however deep the page (docs/case-list.md).
            models.Index(fields=["unit", "due_at", "id"], name="complaint_unit_due_id_idx"),
            models.Index(
                fields=["due_at", "id"],
                condition=models.Q(due_at__isnull=False),
                name="complaint_due_idx",
            ),
            models.Index(
                fields=["unit", "-received_at", "-id"],
                condition=~models.Q(status__in=["resolved", "rejected", "merged"]),
                name="complaint_unit_open_idx",
            ),
            models.Index(
                fields=["-received_at", "-id"],
                condition=~models.Q(status__in=["resolved", "rejected", "merged"]),
                name="complaint_open_idx",
            ),
            # The retention sweep's look for closed reports past a period.
            models.Index(
                fields=["closed_at"],
                condition=models.Q(closed_at__isnull=False, anonymised_at__isnull=True),
                name="complaint_retention_idx",
            ),
        ]

    def __str__(self):
        return self.tracking_number

    def save(self, *args, **kwargs):
        self.search_text = fold_words(
            " ".join(
                [
                    self.tracking_number,
                    self.product_name,
                    self.product_brand,
                    self.product_gtin,
                    self.product_batch,
                    self.seller_name,
                    self.seller_address,
                    self.seller_url,
                    self.seller_tax_code,
                    self.description,
                ]
            )
        )
        self.product_key = matching.product_key(self.product_name)
        self.seller_key = matching.seller_key(self.seller_name)
        self.seller_url_key = matching.shop_url_key(self.seller_url)
        if kwargs.get("update_fields") is not None:
            derived = {"search_text", "product_key", "seller_key", "seller_url_key"}
            kwargs["update_fields"] = {*kwargs["update_fields"], *derived}
        super().save(*args, **kwargs)

    @property
    def due_on(self):
        """The last day of the nearest running clock (its due_at is the end of that day)."""
        if self.due_at is None:
            return None
        return (timezone.localtime(self.due_at) - timedelta(seconds=1)).date()

    @property
    def is_closed(self) -> bool:
        return self.status in (self.Status.RESOLVED, self.Status.REJECTED, self.Status.MERGED)


class ComplaintUserObjectPermission(UserObjectPermissionBase):
    """An officer assigned to a complaint of another unit (e.g. the national body's)."""

    content_object = models.ForeignKey(Complaint, on_delete=models.CASCADE)


class ComplaintGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Complaint, on_delete=models.CASCADE)


class ComplaintEvent(models.Model):
    """The status history the reporter and staff both see (with the public note)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    status_from = models.CharField(max_length=20, choices=Complaint.Status.choices, blank=True)
    status_to = models.CharField(max_length=20, choices=Complaint.Status.choices)
    public_note = models.TextField(_("ghi chú cho người phản ánh"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    scope_unit_field = "complaint__unit"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("diễn biến phản ánh")
        verbose_name_plural = _("diễn biến phản ánh")

    def __str__(self):
        return f"{self.complaint_id}: {self.status_from} → {self.status_to}"


class ComplaintMessage(models.Model):
    """A message on the thread. Internal notes never reach the reporter."""

    class Author(models.TextChoices):
        REPORTER = "reporter", _("Người phản ánh")
        OFFICER = "officer", _("Cán bộ")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="messages")
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    author_kind = models.CharField(max_length=10, choices=Author.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    body = models.TextField(_("nội dung"))
    internal = models.BooleanField(_("ghi chú nội bộ"), default=False)

    scope_unit_field = "complaint__unit"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("tin nhắn phản ánh")
        verbose_name_plural = _("tin nhắn phản ánh")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(author_kind="reporter", internal=True),
                name="reporter_messages_are_public",
            ),
        ]

    def __str__(self):
        return f"{self.complaint_id} {self.author_kind} {self.at:%d/%m/%Y}"


def _photo_path(instance, filename):
    return f"complaints/{instance.complaint_id}/{filename}"


class ComplaintPhoto(models.Model):
    """A citizen's photo. The original is held encrypted in quarantine only until the
    background task has made the clean copies, then deleted: staff see only copies
    without any metadata (see README, "Citizens' photos")."""

    class State(models.TextChoices):
        PENDING = "pending", _("Đang chờ xử lý")
        PROCESSING = "processing", _("Đang xử lý")
        READY = "ready", _("Sẵn sàng")
        FAILED = "failed", _("Không xử lý được")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="photos")
    message = models.ForeignKey(
        ComplaintMessage, on_delete=models.SET_NULL, null=True, blank=True, related_name="photos"
    )
    state = models.CharField(
        max_length=12, choices=State.choices, default=State.PENDING, db_index=True
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    quarantine_name = models.CharField(max_length=200, blank=True)
    quarantine_bytes = models.PositiveIntegerField(default=0)
    display = models.FileField(upload_to=_photo_path, blank=True)
    thumb = models.FileField(upload_to=_photo_path, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    # A 64-bit difference hash of the clean copy (signed, as the database stores it):
    # photos of the same goods differ in a few bits (complaints.duplicates).
    dhash = models.BigIntegerField(null=True, blank=True)
    error_code = models.CharField(max_length=40, blank=True)
    # A barcode read from the photo by its worker (registry.barcodes), proposed to staff:
    # they confirm it onto the report or skip it. Check digit verified; never applied unasked.
    proposed_gtin = models.CharField(_("mã vạch đọc được"), max_length=14, blank=True)
    proposed_batch = models.CharField(_("số lô đọc được"), max_length=20, blank=True)
    proposed_expiry = models.DateField(_("hạn dùng đọc được"), null=True, blank=True)
    proposed_symbology = models.CharField(_("loại mã vạch"), max_length=40, blank=True)
    proposal_state = models.CharField(
        _("đề xuất mã vạch"),
        max_length=10,
        choices=BarcodeProposal.choices,
        blank=True,
        default="",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    scope_unit_field = "complaint__unit"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ảnh phản ánh")
        verbose_name_plural = _("ảnh phản ánh")

    def __str__(self):
        return f"{self.complaint_id}/{self.pk}"
