"""Inspectors' photos are evidence: kept byte for byte, with a readable summary of the
metadata they carry (device, time, position) for the case file."""

from io import BytesIO

from PIL import ExifTags, Image

from registry import images  # noqa: F401 (registers the HEIF opener with Pillow)

EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "HEIF": ".heic"}
_GPS_IFD = 0x8825
_EXIF_IFD = 0x8769


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
