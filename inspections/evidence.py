"""Inspectors' photos are evidence: kept byte for byte, with a readable summary of the
metadata they carry (device, time, position) for the case file, and a display copy and
thumbnail made in a worker (`evidence_process`, enqueued by findings.evidence_upload;
here rather than in tasks.py, whose jobs call the services that enqueue it)."""

from datetime import timedelta
from io import BytesIO

from celery import shared_task
from django.conf import settings
from PIL import ExifTags, Image

from inspections.models import EvidencePhoto
from registry.background import claim, save_copy
from registry.barcodes import barcode_proposal_fields
from registry.images import PhotoRejected, make_clean_copies  # also registers HEIF with Pillow

EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "HEIF": ".heic"}
_GPS_IFD = 0x8825
_EXIF_IFD = 0x8769
# Longer than the task's hard time limit, so a live worker's claim is never taken over.
CLAIM_STALE_AFTER = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT * 2)


def _degrees(value) -> float | None:
    try:
        d, m, s = (float(part) for part in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return round(d + m / 60 + s / 3600, 6)


def metadata_summary(data: bytes) -> dict:
    """Make, model, capture time and GPS position as the photo states them (or {})."""
    try:
        exif = Image.open(BytesIO(data)).getexif()
    except Exception:  # evidence is kept whatever its metadata; a broken block just reads empty
        return {}
    summary = {}
    for tag in ("Make", "Model", "DateTime"):
        value = exif.get(getattr(ExifTags.Base, tag))
        if value:
            summary[tag.lower()] = str(value).strip("\x00 ")
    original = exif.get_ifd(_EXIF_IFD).get(ExifTags.Base.DateTimeOriginal)
    if original:
        summary["taken_at"] = str(original).strip("\x00 ")
    gps = exif.get_ifd(_GPS_IFD)
    lat, lon = (
        _degrees(gps.get(ExifTags.GPS.GPSLatitude)),
        _degrees(gps.get(ExifTags.GPS.GPSLongitude)),
    )
    if lat is not None and lon is not None:
        if gps.get(ExifTags.GPS.GPSLatitudeRef) == "S":
            lat = -lat
        if gps.get(ExifTags.GPS.GPSLongitudeRef) == "W":
            lon = -lon
        summary["gps"] = {"latitude": lat, "longitude": lon}
    return summary


@shared_task(
    # The name it had in inspections/tasks.py: queued messages (and the photos queue's
    # route in CELERY_TASK_ROUTES) keep working.
    name="inspections.tasks.evidence_process",
    autoretry_for=(OSError,),
    retry_backoff=10,
    retry_backoff_max=600,
    max_retries=6,
)
def evidence_process(photo_id: int) -> str:
    """Display copy and thumbnail of an evidence photo, upright; the original stays as it is."""
    if not claim(
        EvidencePhoto.objects,
        photo_id,
        state_field="state",
        claimed_at_field="claimed_at",
        pending=EvidencePhoto.State.PENDING,
        running=EvidencePhoto.State.PROCESSING,
        stale_after=CLAIM_STALE_AFTER,
    ):
        return "skipped"
    photo = EvidencePhoto.objects.get(pk=photo_id)
    try:
        with photo.original.open("rb") as handle:
            # A finding's photo may show the goods' barcode: read from these pixels.
            copies = make_clean_copies(handle.read(), read_barcode=photo.finding_id is not None)
    except (PhotoRejected, ValueError, SyntaxError, FileNotFoundError):
        EvidencePhoto.objects.filter(pk=photo_id).update(state=EvidencePhoto.State.FAILED)
        return "failed"
    save_copy(photo.display, f"{photo.sha256}-display.jpg", copies.display)
    save_copy(photo.thumb, f"{photo.sha256}-thumb.jpg", copies.thumb)
    EvidencePhoto.objects.filter(pk=photo_id).update(
        display=photo.display.name,
        thumb=photo.thumb.name,
        width=copies.width,
        height=copies.height,
        state=EvidencePhoto.State.READY,
        **barcode_proposal_fields(copies.barcodes),
    )
    return "ready"
