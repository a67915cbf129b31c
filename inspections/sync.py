"""What a tablet coming back online needs: which of its findings and photos the server
already has, and photo uploads that survive a dropped connection.

A photo is named by its SHA-256 before any byte is sent. When the inspection already
holds those bytes nothing is sent; otherwise the tablet sends pieces in order and, after
a drop, asks where to go on. Pieces are kept in the database with the byte count, in
one transaction, so a piece is either wholly received or not at all."""

import hashlib
import re
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspections import findings, selectors
from inspections.minutes import require_open_minutes
from inspections.models import EvidencePhoto, Finding, Inspection, PhotoUpload, PhotoUploadChunk
from registry.errors import Conflict, DomainError, InvalidInput, NotFound
from registry.images import MAX_UPLOAD_BYTES
from registry.permissions import require_object_perm

CHUNK_MAX_BYTES = 1024 * 1024
# The size the tablet sends: small enough to finish between two drops on a weak signal.
CHUNK_BYTES = 512 * 1024
# An upload left unfinished this long is given up (the tablet starts again if it still can).
UPLOAD_EXPIRES_AFTER = timedelta(days=7)
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def sync_status(*, inspection: Inspection, finding_uuids, photo_sha256) -> dict:
    """Of the given finding UUIDs and photo hashes, those this inspection already holds."""
    have_findings = dict(
        Finding.objects.filter(inspection=inspection, client_uuid__in=list(finding_uuids))
        .values_list("client_uuid", "pk")
        .iterator()
    )
    hashes = [h for h in photo_sha256 if _SHA256.match(h)]
    have_photos = {
        sha: {"id": pk, "finding_id": finding_id}
        for sha, pk, finding_id in EvidencePhoto.objects.filter(
            inspection=inspection, sha256__in=hashes
        ).values_list("sha256", "pk", "finding_id")
    }
    return {
        "findings": {str(uuid): pk for uuid, pk in have_findings.items()},
        "photos": have_photos,
    }


def photo_upload_start(
    *, by, finding: Finding, sha256: str, size: int, filename: str = ""
) -> tuple[PhotoUpload | None, EvidencePhoto | None, bool]:
    """Begin or resume the upload of a photo of `finding`.

    Returns (None, photo, False) when the inspection already holds these bytes (nothing
    to send), or (upload, None, created) with `upload.received` the bytes to skip."""
    inspection = finding.inspection
    require_object_perm(by, "change", inspection)
    sha256 = (sha256 or "").lower()
    if not _SHA256.match(sha256):
        raise InvalidInput.field("sha256", "invalid_sha256", _("Mã SHA-256 của ảnh không hợp lệ."))
    if size <= 0:
        raise InvalidInput.field("size", "empty_photo", _("Ảnh rỗng."))
    if size > MAX_UPLOAD_BYTES:
        raise InvalidInput.field(
            "size",
            "photo_too_large",
            _("Ảnh lớn hơn %(max)s MB."),
            {"max": MAX_UPLOAD_BYTES // (1024 * 1024)},
        )
    existing = EvidencePhoto.objects.filter(inspection=inspection, sha256=sha256).first()
    if existing is not None:
        return None, existing, False
    require_open_minutes(inspection)
    open_upload = _open_upload(finding, sha256)
    if open_upload is not None:
        if open_upload.size != size:
            raise InvalidInput.field(
                "size", "size_mismatch", _("Cỡ ảnh khác với lần gửi trước của cùng ảnh.")
            )
        return open_upload, None, False
    try:
        with transaction.atomic():
            upload = PhotoUpload.objects.create(
                finding=finding,
                sha256=sha256,
                size=size,
                filename=(filename or "")[:200],
                created_by=by,
            )
    except IntegrityError:
        # The same start arrived twice at once: the other request made it (and may even
        # have finished it since).
        upload = _open_upload(finding, sha256)
        if upload is not None:
            return upload, None, False
        existing = EvidencePhoto.objects.filter(inspection=inspection, sha256=sha256).first()
        if existing is not None:
            return None, existing, False
        raise Conflict(
            _("Ảnh đang được nhận từ một kết nối khác: hãy thử lại."), code="upload_busy"
        ) from None
    return upload, None, True


def _open_upload(finding: Finding, sha256: str) -> PhotoUpload | None:
    return PhotoUpload.objects.filter(
        finding=finding, sha256=sha256, state=PhotoUpload.State.RECEIVING
    ).first()


def photo_upload_chunk(
    *, by, upload_id, offset: int, data: bytes, declared_length: int | None, chunk_sha256=None
) -> PhotoUpload:
    """Add the piece of an upload that starts at `offset`. The last piece makes the photo.

    A piece must start where the received bytes end (`upload_offset_mismatch` otherwise:
    the tablet asks again where to go on), arrive whole (the length its request declared,
    and its own hash when given) and not run past the photo's size."""
    deferred: DomainError | None = None
    with transaction.atomic():
        upload = (
            # Only the upload's row: the inspection stays free for its other work.
            PhotoUpload.objects.select_for_update(of=("self",))
            .select_related("finding__inspection")
            .filter(pk=upload_id)
            .first()
        )
        if upload is None:
            raise NotFound()
        # Only a member of the inspection's team (or its supervisors) learns it exists.
        selectors.finding_get(user=by, finding_id=upload.finding_id)
        require_object_perm(by, "change", upload.finding.inspection)
        if upload.state == PhotoUpload.State.STORED:
            return upload  # the last piece again, after its answer was lost
        _check_chunk(upload, offset, data, declared_length, chunk_sha256)
        PhotoUploadChunk.objects.create(upload=upload, offset=offset, data=data)
        upload.received = offset + len(data)
        if upload.received < upload.size:
            upload.save(update_fields=["received", "updated_at"])
            return upload
        deferred = _finish(by, upload)
    if deferred is not None:
        raise deferred
    return upload


def _check_chunk(upload, offset, data, declared_length, chunk_sha256) -> None:
    if offset != upload.received:
        raise Conflict(
            _("Phần ảnh không nối tiếp phần đã nhận (%(received)s byte): hãy hỏi lại vị trí."),
            code="upload_offset_mismatch",
            params={"received": upload.received},
        )
    if declared_length is not None and len(data) != declared_length:
        raise InvalidInput.field(
            "chunk", "chunk_incomplete", _("Phần ảnh đến không đủ: kết nối bị ngắt giữa chừng.")
        )
    if not data or len(data) > CHUNK_MAX_BYTES:
        raise InvalidInput.field(
            "chunk",
            "chunk_size",
            _("Mỗi phần ảnh từ 1 byte đến %(max)s KB."),
            {"max": CHUNK_MAX_BYTES // 1024},
        )
    if offset + len(data) > upload.size:
        raise InvalidInput.field("chunk", "chunk_past_end", _("Phần ảnh vượt quá cỡ ảnh đã báo."))
    if chunk_sha256 and hashlib.sha256(data).hexdigest() != chunk_sha256.lower():
        raise InvalidInput.field("chunk", "chunk_corrupt", _("Phần ảnh bị hỏng trên đường truyền."))


def _finish(by, upload: PhotoUpload) -> DomainError | None:
    """Make the photo from the pieces. A refusal is returned, not raised, so that the
    upload's removal commits: the tablet is told why, and a new start begins afresh."""
    pieces = upload.chunks.order_by("offset").values_list("data", flat=True)
    data = b"".join(bytes(piece) for piece in pieces)
    if hashlib.sha256(data).hexdigest() != upload.sha256:
        upload.delete()
        return InvalidInput.field(
            "sha256",
            "photo_hash_mismatch",
            _("Ảnh ghép lại không khớp mã SHA-256 đã báo: hãy gửi lại ảnh."),
        )
    try:
        with transaction.atomic():
            photo, _created = findings.evidence_upload(
                by=by, finding=upload.finding, data=data, filename=upload.filename
            )
    except DomainError as exc:
        upload.delete()
        return exc
    upload.chunks.all().delete()
    upload.photo = photo
    upload.state = PhotoUpload.State.STORED
    upload.save(update_fields=["received", "photo", "state", "updated_at"])
    return None


def photo_uploads_expire(now=None) -> int:
    """Drop uploads left unfinished for a week, with their pieces; and the records of
    finished ones, which only served a repeated last piece."""
    cutoff = (now or timezone.now()) - UPLOAD_EXPIRES_AFTER
    _total, by_model = PhotoUpload.objects.filter(updated_at__lt=cutoff).delete()
    return by_model.get(PhotoUpload._meta.label, 0)
