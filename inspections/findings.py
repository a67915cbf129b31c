"""Findings and evidence photos: what an inspector records on site, often from a tablet.

Every write is checked, audited and atomic; creation is idempotent by the tablet's UUID."""

import hashlib

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspections import evidence, measurements, products
from inspections.minutes import require_open_minutes
from inspections.models import ChecklistItem, EvidencePhoto, Finding, Inspection
from registry import images
from registry.audit import audit_record
from registry.background import enqueue_on_commit
from registry.errors import Conflict, InvalidInput
from registry.permissions import require_object_perm

OPEN_FOR_FINDINGS = (
    Inspection.Status.DECIDED,
    Inspection.Status.ON_SITE,
    Inspection.Status.SAMPLED,
    Inspection.Status.AWAITING_LAB,
)


def finding_create(
    *,
    by,
    inspection: Inspection,
    client_uuid,
    item,
    result: str | None,
    note: str = "",
    data: dict | None = None,
    latitude=None,
    longitude=None,
    gps_accuracy_m=None,
    captured_at=None,
    product_gtin: str = "",
) -> tuple[Finding, bool]:
    """Record one finding. The tablet's UUID makes it idempotent: a repeated request
    returns the first finding (and False), never a second one.

    Items that carry measured data (an instrument's readings, a lot's quantities) get
    their result from the system; `result` may then be None (see `measurements`).
    `product_gtin`, the goods' barcode typed or scanned on site, is checked (check digit)
    and kept on the finding, linked to the product recorded under it if there is one."""
    existing = Finding.objects.filter(client_uuid=client_uuid).first()
    if existing is not None:
        if existing.inspection_id != inspection.pk:
            raise Conflict(_("Mã định danh này đã dùng cho một kết quả khác."), code="uuid_taken")
        return existing, False
    require_object_perm(by, "change", inspection)
    require_open_minutes(inspection)
    if inspection.status not in OPEN_FOR_FINDINGS:
        raise Conflict(
            _("Cuộc kiểm tra đã kết luận: không ghi thêm kết quả."), code="inspection_locked"
        )
    if not isinstance(item, ChecklistItem) or item.template.scope not in inspection.scopes:
        raise InvalidInput.field(
            "item_id",
            "item_outside_scope",
            _("Nội dung kiểm tra không thuộc phạm vi của cuộc kiểm tra."),
        )
    data, result = measurements.clean(item.kind, data, result)
    gtin, product = products.typed_gtin(product_gtin)
    if (latitude is None) != (longitude is None) or (
        latitude is not None and not (-90 <= latitude <= 90 and -180 <= longitude <= 180)
    ):
        raise InvalidInput.field("latitude", "invalid_position", _("Tọa độ GPS không hợp lệ."))
    if captured_at is not None and captured_at > timezone.now() + timezone.timedelta(hours=1):
        raise InvalidInput.field(
            "captured_at", "captured_in_future", _("Thời điểm ghi trên thiết bị ở tương lai.")
        )
    try:
        with transaction.atomic():
            finding = Finding.objects.create(
                client_uuid=client_uuid,
                inspection=inspection,
                item=item,
                result=result,
                note=(note or "")[:5000],
                data=data,
                latitude=latitude,
                longitude=longitude,
                gps_accuracy_m=gps_accuracy_m,
                captured_at=captured_at,
                author=by,
                product=product,
                product_gtin=gtin,
            )
            changes = {"finding": finding.pk, "item": item.code, "result": result}
            if gtin:
                changes.update(gtin=gtin, product=product.pk if product else None)
            audit_record(actor=by, action="finding.create", target=inspection, changes=changes)
    except IntegrityError:
        # The same UUID arrived twice at once: the other request won.
        return Finding.objects.get(client_uuid=client_uuid), False
    return finding, True


def evidence_upload(
    *, by, finding=None, measure=None, sample=None, data: bytes, filename: str = ""
) -> tuple[EvidencePhoto, bool]:
    """Keep an inspector's photo as evidence, of a finding, of the seals of a sample, or
    of a remedial measure done. The same bytes again in the same inspection are the same
    photo."""
    if sum(x is not None for x in (finding, measure, sample)) != 1:
        raise ValueError("evidence_upload needs a finding, a sample or a measure")
    if finding is not None or sample is not None:
        inspection = (finding or sample).inspection
        require_object_perm(by, "change", inspection)
        require_open_minutes(inspection)
    else:
        inspection = measure.decision.record.inspection
        require_object_perm(by, "change", inspection)
    try:
        info = images.inspect_upload(data, filename=filename)
    except images.PhotoRejected as exc:
        raise InvalidInput.field("photo", exc.code, exc.message, exc.params) from exc
    digest = hashlib.sha256(data).hexdigest()
    existing = EvidencePhoto.objects.filter(inspection=inspection, sha256=digest).first()
    if existing is not None:
        return existing, False
    photo = EvidencePhoto(
        inspection=inspection,
        finding=finding,
        measure=measure,
        sample=sample,
        sha256=digest,
        extension=evidence.EXTENSIONS.get(info.format, ".bin"),
        byte_size=len(data),
        image_format=info.format,
        metadata=evidence.metadata_summary(data),
        uploaded_by=by,
    )
    committing = False
    try:
        with transaction.atomic():
            photo.original.save(f"{digest}{photo.extension}", ContentFile(data), save=False)
            photo.save()
            audit_record(
                actor=by,
                action="evidence.upload",
                target=inspection,
                changes={
                    "finding": finding.pk if finding else None,
                    "measure": measure.pk if measure else None,
                    "sample": sample.pk if sample else None,
                    "sha256": digest,
                    "bytes": len(data),
                },
            )
            enqueue_on_commit(evidence.evidence_process, photo.pk)
            committing = True
    except IntegrityError:
        photo.original.delete(save=False)
        return EvidencePhoto.objects.get(inspection=inspection, sha256=digest), False
    except Exception:
        # Rolled back before COMMIT (e.g. the connection dropped): no row owns the file,
        # and a retry would store a second copy beside it. A failure at COMMIT itself may
        # still have committed, so the file is kept then.
        if not committing:
            photo.original.delete(save=False)
        raise
    return photo, True
