import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from inspections.models.findings import EvidencePhoto, Finding
from registry.models import ScopedQuerySet


class PhotoUpload(models.Model):
    """An evidence photo arriving in pieces from a tablet on a weak signal.

    The tablet names the photo by its SHA-256 and size before sending a byte; each piece
    is stored with the count of bytes received in one transaction, so after a dropped
    connection the tablet asks where to go on and sends only the rest. The photo is made
    from the pieces once the last one is in and the whole matches its hash."""

    class State(models.TextChoices):
        RECEIVING = "receiving", _("Đang nhận")
        STORED = "stored", _("Đã lưu")
        REJECTED = "rejected", _("Bị từ chối")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="+")
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    filename = models.CharField(max_length=200, blank=True)
    received = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=12, choices=State.choices, default=State.RECEIVING)
    photo = models.ForeignKey(
        EvidencePhoto, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    error_code = models.CharField(max_length=50, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_unit_field = "finding__inspection__unit"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            # One upload of given bytes per finding at a time: a second start resumes it.
            models.UniqueConstraint(
                fields=["finding", "sha256"],
                condition=models.Q(state="receiving"),
                name="one_open_upload_per_photo",
            )
        ]

    def __str__(self):
        return f"{self.sha256[:12]} {self.received}/{self.size}"


class PhotoUploadChunk(models.Model):
    """One received piece, kept in the database so that it and the byte count are
    written together; deleted once the photo is made."""

    upload = models.ForeignKey(PhotoUpload, on_delete=models.CASCADE, related_name="chunks")
    offset = models.PositiveIntegerField()
    data = models.BinaryField()

    scope_unit_field = "upload__finding__inspection__unit"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["upload", "offset"]
        constraints = [
            models.UniqueConstraint(fields=["upload", "offset"], name="one_chunk_per_offset")
        ]

    def __str__(self):
        return f"{self.upload_id}@{self.offset}"
