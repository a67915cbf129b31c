"""Citizens' photos: what inspect_upload refuses, and what make_clean_copies lets staff see.

Real camera files (GPS, orientation, HEIF, XMP, broken EXIF) come from the shared
fixtures; hostile inputs are built here.
"""

import io
import json
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageCms, ImageOps, ImageStat

from registry.images import (
    DISPLAY_MAX_SIDE,
    MAX_UPLOAD_BYTES,
    THUMB_MAX_SIDE,
    PhotoRejected,
    UploadInfo,
    inspect_upload,
    make_clean_copies,
)

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "photos"
MISSING_FIXTURES = f"shared photo fixtures not found at {FIXTURES} (clone shared/ beside the repo)"
EXIFTOOL = shutil.which("exiftool")
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def fixture_photos() -> list:
    if not FIXTURES.is_dir():
        return [pytest.param(None, id="no-fixtures", marks=pytest.mark.skip(MISSING_FIXTURES))]
    suffixes = {".jpg", ".jpeg", ".png", ".webp", ".heif", ".heic"}
    return [
        pytest.param(path, id=path.name)
        for path in sorted(FIXTURES.iterdir())
        if path.suffix.lower() in suffixes
    ]


def fixture_bytes(name: str) -> bytes:
    path = FIXTURES / name
    if not path.is_file():
        pytest.skip(MISSING_FIXTURES)
    return path.read_bytes()


def picture(size=(64, 48), mode="RGB") -> Image.Image:
    """Something with detail, so that compressed files are not trivially small."""
    gradient = Image.linear_gradient("L").resize(size)
    noise = Image.effect_noise(size, 60)
    return Image.merge("RGB", (gradient, noise, gradient.rotate(180))).convert(mode)


def encode(im: Image.Image, fmt: str, **params) -> bytes:
    out = io.BytesIO()
    im.save(out, fmt, **params)
    return out.getvalue()


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    return (
        struct.pack(">I", len(payload))
        + kind
        + payload
        + struct.pack(">I", zlib.crc32(kind + payload))
    )


def png_with_size(width: int, height: int) -> bytes:
    """A well-formed 1x1 PNG whose IHDR claims width x height (CRC fixed)."""
    data = bytearray(encode(Image.new("RGB", (1, 1)), "PNG"))
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(data[12:29]))
    return bytes(data)


def jpeg_with_size(width: int, height: int) -> bytes:
    """A well-formed small JPEG whose SOF claims width x height."""
    data = bytearray(encode(Image.new("RGB", (8, 8)), "JPEG"))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def rejection(data: bytes, **hints) -> PhotoRejected:
    with pytest.raises(PhotoRejected) as caught:
        inspect_upload(data, **hints)
    return caught.value


# --- every real photo goes through, and comes out clean ---------------------------------

ALLOWED_GROUPS = {"ExifTool", "File", "JFIF", "Composite"}
FORBIDDEN_TAGS = re.compile(
    r"(GPS.*|Make|Model|.*SerialNumber|DateTimeOriginal|CreateDate|ModifyDate|Comment"
    r"|ThumbnailImage|ThumbnailOffset|Artist|Copyright|OwnerName|Software)"
)
FILESYSTEM_TAGS = {"File:FileModifyDate", "File:FileAccessDate", "File:FileInodeChangeDate"}


def exiftool(path: Path) -> dict:
    result = subprocess.run(
        [EXIFTOOL, "-j", "-G", "-a", "-u", "-n", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)[0]


def assert_no_metadata_seen_by_pillow(jpeg: bytes):
    with Image.open(io.BytesIO(jpeg)) as im:
        assert im.format == "JPEG"
        leaked = {"exif", "xmp", "icc_profile", "comment", "photoshop", "adobe", "mp"}
        assert not leaked & set(im.info), im.info.keys()
        assert len(im.getexif()) == 0
        assert [(marker, payload[:5]) for marker, payload in im.applist] == [("APP0", b"JFIF\x00")]
        assert not im.info.get("progressive")
        assert im.info.get("jfif_density") == (1, 1)
        assert im.info.get("jfif_unit") == 0


@pytest.mark.parametrize("path", fixture_photos())
def test_every_fixture_photo_is_accepted_and_cleaned(path):
    data = path.read_bytes()
    info = inspect_upload(data, filename=path.name)
    assert info.format in {"JPEG", "HEIF"}
    with Image.open(path) as original:
        assert (info.width, info.height) == original.size

    copies = make_clean_copies(data)

    assert_no_metadata_seen_by_pillow(copies.display)
    assert_no_metadata_seen_by_pillow(copies.thumb)


@pytest.mark.skipif(EXIFTOOL is None, reason="exiftool is not installed")
@pytest.mark.parametrize("path", fixture_photos())
def test_exiftool_finds_nothing_but_pixels_in_the_copies(path, tmp_path):
    copies = make_clean_copies(path.read_bytes())

    for name, jpeg in (("display", copies.display), ("thumb", copies.thumb)):
        target = tmp_path / f"{name}.jpg"
        target.write_bytes(jpeg)
        for key in exiftool(target):
            if key == "SourceFile" or key in FILESYSTEM_TAGS:
                continue
            group, tag = key.split(":", 1)
            assert group in ALLOWED_GROUPS, (name, key)
            assert not FORBIDDEN_TAGS.fullmatch(tag), (name, key)


@pytest.mark.skipif(EXIFTOOL is None, reason="exiftool is not installed")
@pytest.mark.parametrize(
    ("name", "prefix"),
    [
        ("gps_DSCN0010.jpg", "EXIF:GPSLatitude"),
        ("gps_DSCN0010.jpg", "EXIF:Model"),
        ("gps_DSCN0010.jpg", "MakerNotes:"),
        ("tests_45-gps_ifd.jpg", "EXIF:Make"),
        ("xmp_BlueSquare.jpg", "XMP:"),
        ("xmp_BlueSquare.jpg", "IPTC:"),
        ("Canon_40D.jpg", "EXIF:DateTimeOriginal"),
        ("Canon_40D.jpg", "EXIF:ThumbnailImage"),
        ("Canon_40D.jpg", "ICC_Profile:"),
        ("samplefilehub.heif", "XMP:"),
    ],
)
def test_the_originals_do_carry_what_the_copies_must_not(name, prefix, tmp_path):
    """Keeps the exiftool check above honest: it does see these when they are there."""
    target = tmp_path / name
    target.write_bytes(fixture_bytes(name))
    assert any(key.startswith(prefix) for key in exiftool(target))


# --- upright -----------------------------------------------------------------------------


def mean_difference(a: Image.Image, b: Image.Image) -> float:
    size = (max(1, a.width // 8), max(1, a.height // 8))
    a, b = a.convert("RGB").resize(size), b.convert("RGB").resize(size)
    return sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / 3


@pytest.mark.parametrize(
    ("name", "wrong_way"),
    [
        ("orientation_portrait_6.jpg", Image.Transpose.ROTATE_90),
        ("orientation_portrait_8.jpg", Image.Transpose.ROTATE_270),
        ("orientation_landscape_6.jpg", Image.Transpose.ROTATE_90),
    ],
)
def test_display_copy_is_upright(name, wrong_way):
    data = fixture_bytes(name)
    stored = inspect_upload(data)

    copies = make_clean_copies(data)

    assert (copies.width, copies.height) == (stored.height, stored.width)
    display = Image.open(io.BytesIO(copies.display))
    thumb = Image.open(io.BytesIO(copies.thumb))
    assert display.size == (copies.width, copies.height)
    assert (thumb.width > thumb.height) == (display.width > display.height)
    with Image.open(io.BytesIO(data)) as original:
        # These carry Apple's "Generic RGB" profile (gamma 1.8): compare in sRGB.
        source = ImageCms.ImageCmsProfile(io.BytesIO(original.info["icc_profile"]))
        upright = ImageCms.profileToProfile(
            ImageOps.exif_transpose(original), source, SRGB, outputMode="RGB"
        )
        rotated_wrong_way = ImageCms.profileToProfile(
            original.transpose(wrong_way), source, SRGB, outputMode="RGB"
        )
    right = mean_difference(display, upright)
    wrong = mean_difference(display, rotated_wrong_way)
    assert right < 6, right
    assert wrong > 4 * right, (right, wrong)


# --- sizes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", fixture_photos())
def test_copies_fit_their_box_and_are_never_upscaled(path):
    data = path.read_bytes()
    stored = inspect_upload(data)

    copies = make_clean_copies(data)

    display = Image.open(io.BytesIO(copies.display))
    thumb = Image.open(io.BytesIO(copies.thumb))
    assert display.size == (copies.width, copies.height)
    assert max(display.size) == min(DISPLAY_MAX_SIDE, max(stored.width, stored.height))
    assert max(thumb.size) == min(THUMB_MAX_SIDE, max(stored.width, stored.height))
    assert max(thumb.size) <= max(display.size)


def test_small_camera_photo_keeps_its_size():
    copies = make_clean_copies(fixture_bytes("Canon_40D.jpg"))
    assert (copies.width, copies.height) == (100, 68)
    assert Image.open(io.BytesIO(copies.thumb)).size == (100, 68)


def test_phone_photo_is_reduced():
    copies = make_clean_copies(fixture_bytes("mobile_jolla.jpg"))
    assert (copies.width, copies.height) == (2048, 1536)
    assert Image.open(io.BytesIO(copies.thumb)).size == (320, 240)


# --- other accepted inputs ----------------------------------------------------------------

PERSONAL = "Chụp bởi Nguyen Van A, 0912 345 678".encode()
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:creator>Nguyen Van A 0912</dc:creator></x:xmpmeta>'
_exif = Image.Exif()
_exif[0x010F], _exif[0x0110], _exif[0x013B] = "Nguyen phone", "0912 model", "Nguyen Van A"
EXIF = _exif.tobytes()


@pytest.mark.parametrize(
    ("data", "fmt"),
    [
        pytest.param(encode(picture(), "PNG"), "PNG", id="png"),
        pytest.param(encode(picture(), "PNG") + bytes(16), "PNG", id="png-zero-padded"),
        pytest.param(encode(picture(), "JPEG") + bytes(64), "JPEG", id="jpeg-zero-padded"),
        pytest.param(encode(picture(), "JPEG", progressive=True), "JPEG", id="progressive"),
        pytest.param(encode(picture(mode="CMYK"), "JPEG"), "JPEG", id="cmyk-jpeg"),
        pytest.param(encode(picture(mode="L"), "JPEG"), "JPEG", id="grey-jpeg"),
        pytest.param(encode(picture(), "WEBP"), "WEBP", id="webp"),
        pytest.param(encode(picture(mode="RGBA"), "WEBP", lossless=True), "WEBP", id="webp-a"),
        pytest.param(encode(picture(mode="P"), "PNG", transparency=0), "PNG", id="palette"),
        pytest.param(encode(picture(mode="LA"), "PNG"), "PNG", id="grey-alpha-png"),
        pytest.param(encode(picture(mode="I;16"), "PNG"), "PNG", id="16-bit-png"),
        pytest.param(encode(picture(), "HEIF"), "HEIF", id="heif"),
        pytest.param(encode(picture(), "JPEG", comment=PERSONAL), "JPEG", id="jpeg-comment"),
        pytest.param(encode(picture(), "PNG", exif=EXIF, xmp=XMP), "PNG", id="png-exif-xmp"),
        pytest.param(encode(picture(), "WEBP", exif=EXIF, xmp=XMP), "WEBP", id="webp-exif-xmp"),
        pytest.param(encode(picture(), "HEIF", exif=EXIF, xmp=XMP), "HEIF", id="heif-exif-xmp"),
        # Multi-Picture JPEG (Ultra HDR gain maps, depth maps): more JPEGs after the EOI.
        pytest.param(
            encode(picture(), "MPO", save_all=True, append_images=[picture()]), "JPEG", id="mpo"
        ),
    ],
)
def test_other_photo_encodings_are_accepted_and_cleaned(data, fmt):
    assert inspect_upload(data).format == fmt
    copies = make_clean_copies(data)
    assert (copies.width, copies.height) == (64, 48)
    assert_no_metadata_seen_by_pillow(copies.display)
    assert without_personal_data(copies.display)
    assert without_personal_data(copies.thumb)


def without_personal_data(jpeg: bytes) -> bool:
    return b"Nguyen" not in jpeg and b"0912" not in jpeg


def adam7_png(im: Image.Image, cut: int = 0) -> bytes:
    """An interlaced RGB PNG (Pillow reads Adam7 but does not write it)."""
    pixels, (width, height), raw = im.load(), im.size, b""
    passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4)]
    for x0, y0, dx, dy in [*passes, (1, 0, 2, 2), (0, 1, 1, 2)]:
        columns = range(x0, width, dx)
        for y in range(y0, height, dy) if columns else ():
            raw += b"\x00" + b"".join(bytes(pixels[x, y]) for x in columns)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 1)
    chunks = png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", zlib.compress(raw[: len(raw) - cut]))
    return b"\x89PNG\r\n\x1a\n" + chunks + png_chunk(b"IEND", b"")


@pytest.mark.parametrize("size", [(13, 7), (64, 48), (1, 1), (3, 9)], ids=str)
def test_interlaced_png_is_accepted(size):
    im = picture(size)
    data = adam7_png(im)
    with Image.open(io.BytesIO(data)) as decoded:
        assert decoded.info.get("interlace") == 1
        assert decoded.convert("RGB").tobytes() == im.tobytes()
    assert inspect_upload(data).format == "PNG"
    assert make_clean_copies(data).width == size[0]
    assert rejection(adam7_png(im, cut=1)).code == "photo_truncated"


def test_transparency_is_flattened_onto_white():
    clear = Image.new("RGBA", (40, 30), (255, 0, 0, 0))
    copies = make_clean_copies(encode(clear, "PNG"))
    r, g, b = Image.open(io.BytesIO(copies.display)).getpixel((20, 15))
    assert min(r, g, b) > 245


def test_embedded_colour_profile_is_applied_then_dropped():
    with Image.open(io.BytesIO(fixture_bytes("orientation_portrait_6.jpg"))) as im:
        generic_rgb = im.info["icc_profile"]  # Apple's "Generic RGB Profile", gamma 1.8
    grey = Image.new("RGB", (40, 30), (128, 128, 128))
    source = ImageCms.ImageCmsProfile(io.BytesIO(generic_rgb))
    expected = ImageCms.profileToProfile(grey, source, SRGB, outputMode="RGB").getpixel((0, 0))
    assert min(expected) > 140  # the conversion makes a visible difference

    copies = make_clean_copies(encode(grey, "PNG", icc_profile=generic_rgb))

    display = Image.open(io.BytesIO(copies.display))
    assert "icc_profile" not in display.info
    pixel = display.getpixel((20, 15))
    assert all(abs(a - b) <= 3 for a, b in zip(pixel, expected, strict=True)), (pixel, expected)


def test_heif_from_fixtures_is_reported_as_heif():
    info = inspect_upload(fixture_bytes("samplefilehub.heif"), filename="IMG_0001.HEIC")
    assert info == UploadInfo(format="HEIF", width=640, height=426)


# --- the decision rests on content, not on what the client claims ------------------------


def test_filename_and_content_type_are_ignored():
    png = encode(picture(), "PNG")
    assert inspect_upload(png, filename="x.jpg", content_type="image/jpeg") == UploadInfo(
        format="PNG", width=64, height=48
    )
    jpeg = encode(picture(), "JPEG")
    assert inspect_upload(jpeg, filename="x.png", content_type="image/png").format == "JPEG"
    gif = encode(picture(), "GIF")
    assert rejection(gif, filename="x.jpg", content_type="image/jpeg").code == "photo_format"


# --- rejections ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("width", "height"),
    [(20000, 20000), (9000, 6000), (8193, 6144), (65535, 65535)],
    ids=str,
)
def test_pixel_bombs_are_refused_from_the_header(width, height):
    # 400 megapixels decoded would need over 1 GB: refusing them quickly proves the
    # check reads the header only.
    assert rejection(png_with_size(width, height)).code == "photo_bomb"
    assert rejection(jpeg_with_size(width, height)).code == "photo_bomb"


def truncated_inputs() -> list:
    heif = encode(picture((256, 192)), "HEIF")
    inputs = [
        pytest.param(encode(picture((256, 192)), "JPEG"), id="jpeg"),
        pytest.param(encode(picture((256, 192)), "JPEG", progressive=True), id="progressive"),
        pytest.param(encode(picture((256, 192)), "PNG"), id="png"),
        pytest.param(encode(picture((256, 192)), "WEBP"), id="webp"),
        pytest.param(heif, id="heif"),
    ]
    return inputs


@pytest.mark.parametrize("data", truncated_inputs())
@pytest.mark.parametrize("kept", [0.6, 0.95])
def test_truncated_files_are_refused(data, kept):
    assert rejection(data[: int(len(data) * kept)]).code == "photo_truncated"


def test_truncated_fixture_photo_is_refused():
    data = fixture_bytes("gps_DSCN0010.jpg")
    assert rejection(data[: int(len(data) * 0.6)]).code == "photo_truncated"


def png_from_idat(idat: bytes, width=8, height=5) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunks = png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


def test_png_whose_pixel_stream_ends_early_is_refused():
    raw = b"".join(b"\x00" + bytes(range(24)) for _ in range(5))
    assert inspect_upload(png_from_idat(zlib.compress(raw))).format == "PNG"
    assert rejection(png_from_idat(zlib.compress(raw)[:-8])).code == "photo_truncated"
    assert rejection(png_from_idat(zlib.compress(raw[:-25]))).code == "photo_truncated"
    assert rejection(png_from_idat(zlib.compress(raw + raw))).code == "photo_not_image"
    assert rejection(png_from_idat(b"not zlib at all")).code == "photo_not_image"


def test_png_with_bad_checksum_is_refused():
    data = bytearray(encode(picture(), "PNG"))
    data[45] ^= 0xFF  # inside the first IDAT
    assert rejection(bytes(data)).code == "photo_not_image"


HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(HTML, id="html"),
        pytest.param(b"<HTML><img src=x onerror=alert(1)></HTML>", id="html-upper"),
        pytest.param(SVG, id="svg"),
        pytest.param(b'<?xml version="1.0"?>\n' + SVG, id="xml-prolog"),
        pytest.param(b"\xef\xbb\xbf \r\n\t" + SVG, id="bom-and-whitespace"),
        pytest.param(b"\n\n<!-- drawn by hand -->" + SVG, id="comment"),
        pytest.param("\ufeff".encode("utf-16-le") + SVG.decode().encode("utf-16-le"), id="utf16"),
    ],
)
def test_markup_pretending_to_be_an_image_is_refused(data):
    error = rejection(data, filename="photo.jpg", content_type="image/jpeg")
    assert error.code == "photo_svg"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"<p>not a photo</p><script>alert(1)</script>", id="html-fragment"),
        pytest.param(b"just some text", id="text"),
        pytest.param(random.Random(7).randbytes(4096), id="random"),
        pytest.param(b"\xff\xd8\xff\xd8" + bytes(64), id="jpeg-magic-only"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + png_chunk(b"tEXt", b"x"), id="png-without-ihdr"),
    ],
)
def test_things_that_are_not_images_are_refused(data):
    assert rejection(data, filename="photo.jpg").code == "photo_not_image"


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF", "ICO", "AVIF"])
def test_other_image_formats_are_refused(fmt):
    try:
        data = encode(picture(), fmt)
    except (KeyError, OSError) as exc:  # an encoder missing from this Pillow build
        pytest.skip(f"cannot write {fmt}: {exc}")
    error = rejection(data, filename="photo.jpg", content_type="image/jpeg")
    assert error.code == "photo_format"
    assert error.params == {"format": fmt}


def test_empty_and_oversized_uploads_are_refused():
    assert rejection(b"").code == "photo_too_large"
    oversized = encode(picture(), "JPEG")
    oversized += b"\x00" * (MAX_UPLOAD_BYTES + 1 - len(oversized))
    assert rejection(oversized).code == "photo_too_large"
    assert inspect_upload(oversized[:MAX_UPLOAD_BYTES]).format == "JPEG"


SCRIPT = b"<html><script>alert(1)</script></html>"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(encode(picture(), "PNG") + SCRIPT, id="html-after-png-iend"),
        pytest.param(encode(picture(), "PNG") + b"PK\x03\x04" + b"\x01" * 40, id="zip-after-png"),
        pytest.param(encode(picture(), "JPEG") + b"GIF89a; payload", id="after-jpeg-eoi"),
        pytest.param(encode(picture(), "JPEG") + b"\x00\x00\x01", id="after-zero-padding"),
        pytest.param(encode(picture(), "JPEG") + SCRIPT, id="html-after-jpeg-eoi"),
        pytest.param(encode(picture(), "JPEG", comment=b"<?php system($_GET[c]); ?>"), id="php"),
        pytest.param(
            encode(picture(), "JPEG", comment=b"x<ScRiPt src=//evil.example/x.js>"), id="script"
        ),
        pytest.param(encode(picture(), "PNG", pnginfo=None) + b"\x00" + SCRIPT, id="padded"),
        pytest.param(encode(picture(), "WEBP") + b"trailing", id="after-webp-riff"),
        pytest.param(encode(picture(), "HEIF") + b"\x01\x02\x03\x04\x05", id="after-heif-boxes"),
        pytest.param(
            encode(picture(), "MPO", save_all=True, append_images=[picture()]) + b"junk",
            id="after-mpo",
        ),
        pytest.param(encode(picture(), "JPEG") + b"<iframe src=x>", id="iframe"),
    ],
)
def test_images_with_something_else_inside_are_refused(data):
    assert rejection(data).code == "photo_polyglot"


def test_fixture_photo_with_html_appended_is_refused():
    data = fixture_bytes("mobile_jolla.jpg") + SCRIPT
    assert rejection(data).code == "photo_polyglot"


def test_rejections_carry_a_vietnamese_message_for_the_citizen():
    error = rejection(b"")
    assert error.render() == "Tệp ảnh trống."
    error = rejection(b"\xff\xd8\xff" + b"\x00" * MAX_UPLOAD_BYTES)
    assert error.render() == "Ảnh quá lớn: tối đa 15 MB."
    error = rejection(png_with_size(20000, 20000))
    assert "megapixel" in error.render()
    assert "GIF" in rejection(encode(picture(), "GIF")).render()


# --- memory ------------------------------------------------------------------------------

GENERATE_50_MP = """
import sys
from PIL import Image
size = (8660, 5774)
gradient = Image.linear_gradient("L").resize(size)
Image.merge("RGB", (gradient, gradient.rotate(180), gradient)).save(sys.argv[1], quality=90)
"""

# The peak is read from VmHWM, which belongs to this process image: ru_maxrss survives
# exec on Linux and would report the (large) pytest process that spawned the child.
MEASURE = """
import sys, time
from registry.images import inspect_upload, make_clean_copies
data = open(sys.argv[1], "rb").read()
info = inspect_upload(data)
start = time.perf_counter()
copies = make_clean_copies(data)
seconds = time.perf_counter() - start
with open("/proc/self/status") as status:
    peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(info.width, info.height, copies.width, copies.height, peak_kb, seconds)
"""


def test_50_megapixel_photo_is_cleaned_in_modest_memory(tmp_path):
    photo = tmp_path / "50mp.jpg"
    subprocess.run([sys.executable, "-c", GENERATE_50_MP, str(photo)], check=True)
    # The child reports its own peak: RUSAGE_CHILDREN seen from this process would be the
    # largest of every child it has waited for, including ones other tests started.
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(photo)],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    width, height, display_width, display_height, peak_kb, _seconds = result.stdout.split()
    assert (int(width), int(height)) == (8660, 5774)
    assert (int(display_width), int(display_height)) == (2048, 1366)
    assert int(peak_kb) / 1024 < 300, f"peak RSS {int(peak_kb) / 1024:.0f} MB"
