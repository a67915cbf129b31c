"""Photos from phones and tablets: accept or refuse an upload, then make the copies
staff look at.

`inspect_upload` runs in the request and only decides, cheaply, whether the bytes are a
photo we are willing to keep; `make_clean_copies` runs in a worker and re-encodes the
pixels, and nothing else, into new JPEGs (a display copy and a thumbnail, with the
difference hash that finds the same picture again). Both workflows own photos: citizens'
photos (complaints), whose original staff never see, since it can carry GPS position,
the phone's serial number and the time it was taken, all of which can identify the
reporter; and inspectors' evidence (inspections), whose original is kept byte for byte.
"""

import hashlib
import io
import re
import struct
import zlib
from dataclasses import dataclass
from typing import NoReturn

import pillow_heif
from cykooz_resizer import CropBox, FilterType, ResizeAlg, ResizeOptions, Resizer
from django.utils.translation import gettext_lazy as _
from PIL import ExifTags, Image, ImageChops, ImageCms, ImageFile

from registry.barcodes import read_image

pillow_heif.register_heif_opener()

MAX_UPLOAD_BYTES = 15 * 1024 * 1024  # per photo
# width*height accepted. "50 MP" phone sensors are up to 8192x6144 (50.3 million pixels),
# so a round 50_000_000 would refuse the very photos this limit is meant to let through.
MAX_PIXELS = 8192 * 6144
# PNG and WebP are decoded whole (JPEG at a reduced scale, see make_clean_copies): a 50 MP
# PNG of a few hundred KB takes over 500 MB in the worker. Screenshots, the lossless
# files citizens send, stay far below (a 5K screen is 14.7 MP).
MAX_LOSSLESS_PIXELS = 4096 * 4096
DISPLAY_MAX_SIDE = 2048  # longest side of the staff display copy
THUMB_MAX_SIDE = 320

DISPLAY_QUALITY = 85
THUMB_QUALITY = 80


class PhotoRejected(Exception):
    """code: stable machine code; message: Vietnamese gettext_lazy msgid with %(...)s params;
    params: dict"""

    def __init__(self, code: str, message, params: dict | None = None):
        self.code = code
        self.message = message
        self.params = params or {}
        super().__init__(code)

    def render(self) -> str:
        """The message in the active language."""
        text = str(self.message)
        return text % self.params if self.params else text


@dataclass(frozen=True)
class UploadInfo:
    format: str  # "JPEG" | "PNG" | "WEBP" | "HEIF"
    width: int  # as stored, before orientation
    height: int


@dataclass(frozen=True)
class CleanCopies:
    display: bytes  # JPEG
    thumb: bytes  # JPEG
    width: int  # of the display copy, upright
    height: int
    dhash: int  # difference_hash of the display copy
    # What registry.barcodes read in the display pixels (read_barcode=True), best first.
    barcodes: tuple = ()


def _too_large() -> PhotoRejected:
    return PhotoRejected(
        "photo_too_large",
        _("Ảnh quá lớn: tối đa %(max)s MB."),
        {"max": MAX_UPLOAD_BYTES // (1024 * 1024)},
    )


def _not_image() -> PhotoRejected:
    return PhotoRejected("photo_not_image", _("Tệp này không phải là ảnh hoặc ảnh đã bị hỏng."))


def _truncated() -> PhotoRejected:
    return PhotoRejected(
        "photo_truncated",
        _("Tệp ảnh không đầy đủ (có thể do tải lên bị gián đoạn). Hãy gửi lại ảnh."),
    )


def _polyglot() -> PhotoRejected:
    return PhotoRejected(
        "photo_polyglot",
        _("Tệp ảnh có chứa dữ liệu khác ngoài ảnh. Hãy chụp lại hoặc lưu lại ảnh rồi gửi."),
    )


def _bomb(limit: int = MAX_PIXELS) -> PhotoRejected:
    return PhotoRejected(
        "photo_bomb",
        _("Ảnh có độ phân giải quá lớn: tối đa %(max)s megapixel."),
        {"max": round(limit / 1_000_000)},
    )


def _pixel_limit(kind: str) -> int:
    return MAX_LOSSLESS_PIXELS if kind in ("PNG", "WEBP") else MAX_PIXELS


# --- inspect_upload ---------------------------------------------------------------------

# Brands that pillow_heif opens (its _is_supported_heif); AVIF and the rest are refused.
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"}
_HEIF_BRANDS |= {b"mif1", b"msf1"}
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_MARKUP_STARTS = (b"<svg", b"<?xml", b"<!doctype", b"<html", b"<!--")
# A tag name must be followed by whitespace, "/" or ">" to mean anything to a browser or
# to PHP. Requiring it keeps compressed pixel data, which is close to random bytes, from
# matching "<html" or "<body" by chance in about one large photo in a few thousand.
_MARKERS = re.compile(rb"<(?:script|html|iframe|body|\?php)(?:[\s/>]|\Z)", re.IGNORECASE)
_NON_ZERO = re.compile(rb"[^\x00]")
# In JPEG entropy-coded data, FF is followed by 00 (stuffing) or a restart marker.
_JPEG_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")


def inspect_upload(
    data: bytes, *, filename: str = "", content_type: str | None = None, decode: bool = True
) -> UploadInfo:
    """Accept the bytes as a JPEG, PNG, WebP or HEIF photo, or raise PhotoRejected.

    `filename` and `content_type` come from the client and are deliberately ignored: the
    decision rests on the content alone. Cost is bounded: headers and container structure
    are parsed (markup, other formats, pixel bombs by their declared size, truncated or
    damaged structure, anything after the image's end and script markers anywhere are
    refused). With `decode`, a JPEG is then decoded at 1/8 scale and a PNG's pixel stream
    inflated (`check_pixel_stream`), nothing kept; WebP and HEIF pixels are first decoded
    by make_clean_copies.

    `decode=False` is for uploads whose pixels a worker decodes anyway before anyone sees
    them (citizens' photos): nothing is decoded beyond the header here; the worker runs
    `check_pixel_stream` and make_clean_copies and rejects there what does not decode
    (complaints.tasks.photo_process).
    """
    del filename, content_type  # untrusted hints, see the docstring
    if not data:
        raise PhotoRejected("photo_too_large", _("Tệp ảnh trống."))
    if len(data) > MAX_UPLOAD_BYTES:
        raise _too_large()
    if _looks_like_markup(data):
        raise PhotoRejected(
            "photo_svg", _("Tệp này là văn bản (SVG, HTML hoặc XML), không phải ảnh chụp.")
        )
    kind = _sniff(data)
    if kind is None:
        _refuse_other(data)
    if _MARKERS.search(data):
        raise _polyglot()

    end = {"JPEG": _jpeg_end, "PNG": _png_end, "WEBP": _webp_end, "HEIF": _heif_end}[kind](data)
    if _NON_ZERO.search(data, end):
        raise _polyglot()

    try:
        with Image.open(io.BytesIO(data), formats=[kind]) as im:
            width, height = im.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # The warning only arrives as an exception when warnings are errors (-W error).
        raise _bomb() from None
    except Exception:
        # Pillow and libheif raise many types on hostile input (OSError, SyntaxError,
        # ValueError, struct.error, ...); for the citizen they all mean the same.
        raise _not_image() from None
    if width * height > _pixel_limit(kind):
        raise _bomb(_pixel_limit(kind))
    if decode:
        if kind == "JPEG":
            _check_jpeg_scan(data)
        check_pixel_stream(data)
    return UploadInfo(format=kind, width=width, height=height)


def _strict_decoding() -> None:
    """Pillow's decoders refuse truncated or damaged data, whatever an imported library
    asked for: WeasyPrint (the minutes' PDFs, in the same worker processes) sets Pillow's
    process-wide LOAD_TRUNCATED_IMAGES on import, which would let a damaged photo through
    the worker's decode. Our PDFs embed only clean copies, which this never refuses."""
    ImageFile.LOAD_TRUNCATED_IMAGES = False


def _check_jpeg_scan(data: bytes) -> None:
    """Decoding at 1/8 scale still reads every coefficient, so a damaged scan fails."""
    _strict_decoding()
    try:
        with Image.open(io.BytesIO(data), formats=["JPEG"]) as im:
            im.draft("RGB", (max(1, im.width // 8), max(1, im.height // 8)))
            im.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _bomb() from None
    except Exception:
        raise _not_image() from None


def check_pixel_stream(data: bytes) -> None:
    """What a full decode lets through, for bytes whose structure inspect_upload accepted:
    Pillow fills a PNG whose pixel stream ends early and ignores one that goes on, so the
    IDAT stream is inflated (nothing kept) and its length compared with the one IHDR
    announces; PhotoRejected if it differs. Other formats: nothing (their decoder refuses
    what does not decode, in make_clean_copies)."""
    if data.startswith(_PNG_SIGNATURE):
        _check_png_pixels(data)


def _looks_like_markup(data: bytes) -> bool:
    head = data[:512]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode("utf-8", errors="ignore")
    head = head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n\f\v").lower()
    return head.startswith(_MARKUP_STARTS)


def _sniff(data: bytes) -> str | None:
    """The accepted format named by the magic bytes, the same test Pillow's openers use."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(_PNG_SIGNATURE):
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return "HEIF"
    return None


def _refuse_other(data: bytes) -> NoReturn:
    """Not one of ours: say whether it is another image format or no image at all."""
    try:
        with Image.open(io.BytesIO(data)) as im:
            detected = im.format
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _bomb() from None
    except Exception:
        raise _not_image() from None
    raise PhotoRejected(
        "photo_format",
        _("Không hỗ trợ định dạng ảnh %(format)s. Hãy gửi ảnh JPEG, PNG, WebP hoặc HEIF."),
        {"format": detected or "?"},
    )


def _jpeg_end(data: bytes) -> int:
    """Offset just past the EOI (of the last stream, for a Multi-Picture file)."""
    end, multi_picture = _jpeg_stream_end(data, 0)
    # Multi-Picture files (an MPF segment: gain maps of "Ultra HDR" photos, depth maps,
    # stereo pairs) put more JPEG streams after the first EOI. Each must be a complete
    # JPEG; they can carry no more than the APP segments of the first one already can.
    while multi_picture and (match := _NON_ZERO.search(data, end)):
        if not data.startswith(b"\xff\xd8\xff", match.start()):
            break
        end, _mpf = _jpeg_stream_end(data, match.start())
    return end


def _jpeg_stream_end(data: bytes, start: int) -> tuple[int, bool]:
    size = len(data)
    pos = start + 2  # after SOI
    multi_picture = False
    while True:
        if pos >= size:
            raise _truncated()
        if data[pos] != 0xFF:
            # libjpeg skips stray bytes between segments with a warning; so do we.
            pos = data.find(b"\xff", pos)
            if pos < 0:
                raise _truncated()
        while pos + 1 < size and data[pos + 1] == 0xFF:  # fill bytes
            pos += 1
        if pos + 1 >= size:
            raise _truncated()
        marker = data[pos + 1]
        if marker == 0xD9:  # EOI
            return pos + 2, multi_picture
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:  # no length
            pos += 2
            continue
        if marker in (0x00, 0xD8):
            raise _not_image()
        if pos + 4 > size:
            raise _truncated()
        (length,) = struct.unpack_from(">H", data, pos + 2)
        if length < 2:
            raise _not_image()
        segment_end = pos + 2 + length
        if segment_end > size:
            raise _truncated()
        if marker == 0xE2 and data.startswith(b"MPF\x00", pos + 4):
            multi_picture = True
        pos = segment_end
        if marker == 0xDA:  # SOS: entropy-coded data runs to the next real marker
            match = _JPEG_MARKER.search(data, pos)
            if match is None:
                raise _truncated()
            pos = match.start()


def _png_chunks(data: bytes):
    """(type, data offset, length) of each chunk up to IEND; CRCs are checked."""
    pos, size = len(_PNG_SIGNATURE), len(data)
    while True:
        if pos + 12 > size:
            raise _truncated()
        length, kind = struct.unpack_from(">I4s", data, pos)
        if length > 0x7FFFFFFF:
            raise _not_image()
        if pos + 12 + length > size:
            raise _truncated()
        (crc,) = struct.unpack_from(">I", data, pos + 8 + length)
        if zlib.crc32(memoryview(data)[pos + 4 : pos + 8 + length]) != crc:
            raise _not_image()
        yield kind, pos + 8, length
        pos += 12 + length
        if kind == b"IEND":
            return


def _png_end(data: bytes) -> int:
    end = 0
    for index, (kind, offset, length) in enumerate(_png_chunks(data)):
        if index == 0 and (kind != b"IHDR" or length != 13):
            raise _not_image()
        end = offset + length + 4
    return end


def _check_png_pixels(data: bytes):
    """Inflate the IDAT stream, discarding the output, and compare its length with the
    one IHDR announces: catches a damaged or short pixel stream without a full decode."""
    chunks = list(_png_chunks(data))
    width, height, depth, color, _comp, _filter, interlace = struct.unpack_from(
        ">IIBBBBB", data, chunks[0][1]
    )
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}.get(color)
    if channels is None or depth not in (1, 2, 4, 8, 16):
        raise _not_image()
    bits = channels * depth
    passes = [(0, 0, 1, 1)]
    if interlace:  # Adam7
        passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4)]
        passes += [(1, 0, 2, 2), (0, 1, 1, 2)]
    expected = 0
    for x0, y0, dx, dy in passes:
        pass_width = (width - x0 + dx - 1) // dx if width > x0 else 0
        pass_height = (height - y0 + dy - 1) // dy if height > y0 else 0
        if pass_width and pass_height:
            expected += pass_height * (1 + (pass_width * bits + 7) // 8)

    inflater, produced = zlib.decompressobj(), 0
    try:
        for kind, offset, length in chunks:
            if kind != b"IDAT":
                continue
            pending = memoryview(data)[offset : offset + length]
            while pending and not inflater.eof:
                produced += len(inflater.decompress(pending, 1 << 20))
                pending = inflater.unconsumed_tail
                if produced > expected:
                    raise _not_image()
    except zlib.error:
        raise _not_image() from None
    if not inflater.eof or produced < expected:
        raise _truncated()


def _webp_end(data: bytes) -> int:
    if len(data) < 20:
        raise _truncated()
    (riff_size,) = struct.unpack_from("<I", data, 4)
    end = 8 + riff_size
    if end > len(data):
        raise _truncated()
    pos = 12
    if data[pos : pos + 4] not in (b"VP8 ", b"VP8L", b"VP8X"):
        raise _not_image()
    while pos < end:
        if pos + 8 > end:
            raise _not_image()
        (chunk_size,) = struct.unpack_from("<I", data, pos + 4)
        pos += 8 + chunk_size + (chunk_size & 1)
        if pos > end + (chunk_size & 1):  # tolerate a missing final pad byte
            raise _not_image()
    return end


def _heif_end(data: bytes) -> int:
    """End of the last top-level ISO BMFF box (ftyp, meta, mdat, ...)."""
    pos, size = 0, len(data)
    while pos < size and (pos == 0 or _NON_ZERO.search(data, pos)):
        if pos + 8 > size:
            raise _polyglot()
        box_size, box_type = struct.unpack_from(">I4s", data, pos)
        header = 8
        if box_size == 1:
            if pos + 16 > size:
                raise _truncated()
            (box_size,) = struct.unpack_from(">Q", data, pos + 8)
            header = 16
        elif box_size == 0:  # runs to the end of the file
            box_size = size - pos
        if not all(0x20 <= c < 0x7F for c in box_type) or box_size < header:
            if pos == 0 or _NON_ZERO.search(data, pos) is None:
                raise _not_image()
            raise _polyglot()  # what follows the boxes is not a box
        if pos + box_size > size:
            raise _truncated()
        pos += box_size
    return pos


# --- make_clean_copies ------------------------------------------------------------------

_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))

# Shrinking uses Pillow's rule for reducing_gap: a cheap box reduce() by a whole factor
# first when the photo is more than twice this many times too large, Lanczos-3 after.
_REDUCING_GAP = 2.0
# Lanczos-3, Pillow's LANCZOS filter, computed by fast_image_resize (cykooz_resizer) with
# SIMD, 5-6 times faster, and the same bytes whatever the CPU's extensions (none, SSE4.1,
# AVX2), so the copies stay deterministic. Its pixels are within 2 levels of Pillow's,
# except next to edges where Lanczos rings past black or white: Pillow clips after its
# horizontal pass, fast_image_resize after its vertical one (tests/registry/
# test_image_copies.py; SSIM against Pillow's copies 0.998-0.999 on real photos).
_LANCZOS3 = ResizeOptions(resize_alg=ResizeAlg.convolution(FilterType.lanczos3))
# The modes cykooz_resizer takes from Pillow as they are (RGBA with its alpha applied, as
# Pillow's own resize does); LA goes through Pillow's LANCZOS.
_FAST_RESIZE_MODES = ("L", "RGB", "RGBA", "CMYK")
# Pillow gives the memory of a freed image back to the system at once, and the pixels of
# the next photo then come as fresh pages: about 15,000 page faults, a quarter of the CPU
# time of an 8 MP photo. A process that makes copies keeps up to this many of Pillow's
# 16 MB blocks for the next photo instead (128 MB at most; the peak of one photo is
# unchanged). PILLOW_BLOCKS_MAX, if higher, wins; other processes keep none.
_PIXEL_BLOCKS_KEPT = 8


def make_clean_copies(data: bytes, *, read_barcode: bool = False) -> CleanCopies:
    """Display and thumbnail JPEGs holding the upright pixels in sRGB and nothing else.

    For bytes that passed inspect_upload. A JPEG is decoded at a reduced scale (a 50 MP
    photo fits in a few tens of MB); other formats are decoded in full. Either way the
    pixels are brought down to the display size first, so that rotation and colour
    conversion work on a small image; the thumbnail is made from the display copy.

    With `read_barcode`, the upright display pixels are also searched for barcodes
    (registry.barcodes.read_image), so that the photo is decoded once; a failure there
    reads as no barcode.
    """
    if Image.core.get_blocks_max() < _PIXEL_BLOCKS_KEPT:
        Image.core.set_blocks_max(_PIXEL_BLOCKS_KEPT)
    _strict_decoding()
    try:
        with Image.open(io.BytesIO(data), formats=["JPEG", "PNG", "WEBP", "HEIF"]) as im:
            if im.width * im.height > _pixel_limit(im.format):
                raise _bomb(_pixel_limit(im.format))
            icc_profile = im.info.get("icc_profile")
            if im.format in ("JPEG", "MPO"):
                im.draft("RGB", _fit(im.size, DISPLAY_MAX_SIDE))
            # No draft() for HEIF: pillow_heif would use the file's embedded thumbnail,
            # which can show something other than the photo itself.
            im.load()
            # Read before shrinking: the shrunk image is new and has no `info`.
            orientation = _orientation(im)
            pixels = _shrink(_normalise_mode(im), DISPLAY_MAX_SIDE)
            if orientation is not None:
                pixels = pixels.transpose(orientation)
            pixels = _to_srgb(pixels, icc_profile)
            # Only a new image holding only the pixels is encoded: its `info` is empty,
            # and Pillow's JPEG writer falls back on `info` for the comment (and XMP in
            # some versions). The shrink, transpose() and convert() made from it give
            # such an image; the opened file, or anything that copied its `info` (or got
            # a profile from ImageCms), is copied pixel by pixel into a new one. paste()
            # does it in one pass; `pixels` may be the opened file, hence inside `with`.
            if pixels is not im and pixels.mode == "RGB" and not pixels.info:
                display = pixels
            else:
                display = Image.new("RGB", pixels.size)
                display.paste(pixels)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _bomb() from None
    except PhotoRejected:
        raise
    except Exception as exc:
        raise _not_image() from exc

    thumb = _shrink(display, THUMB_MAX_SIDE)
    barcodes = tuple(read_image(display)) if read_barcode else ()
    return CleanCopies(
        display=_encode(display, DISPLAY_QUALITY),
        thumb=_encode(thumb, THUMB_QUALITY),
        width=display.width,
        height=display.height,
        dhash=difference_hash(thumb),
        barcodes=barcodes,
    )


def difference_hash(image: Image.Image) -> int:
    """A 64-bit perceptual hash: each bit says whether a pixel of a 9x8 grey thumbnail is
    brighter than its right neighbour. Re-encoding, resizing or a small crop change a
    few bits; another picture changes about half. Returned signed, to fit a BIGINT."""
    grey = image.convert("L").resize((9, 8), Image.Resampling.LANCZOS)
    pixels = grey.tobytes()
    bits = 0
    for row in range(8):
        for col in range(8):
            left, right = pixels[row * 9 + col], pixels[row * 9 + col + 1]
            bits = (bits << 1) | (left > right)
    return bits - (1 << 64) if bits >= 1 << 63 else bits


def hamming(a: int, b: int) -> int:
    return ((a ^ b) & ((1 << 64) - 1)).bit_count()


def _fit(size: tuple[int, int], max_side: int) -> tuple[int, int]:
    width, height = size
    scale = min(1.0, max_side / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _shrink(im: Image.Image, max_side: int) -> Image.Image:
    """`im` itself if it fits in `max_side`, else a new image (empty `info`) that fits,
    filtered with Lanczos-3 as Pillow's resize(LANCZOS, reducing_gap=2.0) does."""
    size = _fit(im.size, max_side)
    if size == im.size:
        return im
    factor_x = int(im.width / size[0] / _REDUCING_GAP) or 1
    factor_y = int(im.height / size[1] / _REDUCING_GAP) or 1
    # The area of the photo, in the pixels of the reduced image: a reduce() by 2 of an
    # odd width leaves half a pixel of it in the last column.
    box = (im.width / factor_x, im.height / factor_y)
    if factor_x > 1 or factor_y > 1:
        im = im.reduce((factor_x, factor_y))
    if im.mode not in _FAST_RESIZE_MODES:
        return im.resize(size, Image.Resampling.LANCZOS, box=(0, 0, *box))
    shrunk = Image.new(im.mode, size)
    options = _LANCZOS3.copy()
    options.crop_box = CropBox(0, 0, *box)
    # A Resizer keeps scratch buffers: one per call, so that threads never share one.
    Resizer().resize_pil(im, shrunk, options)
    return shrunk


def _normalise_mode(im: Image.Image) -> Image.Image:
    """L, LA, RGB, RGBA or CMYK: the modes resize() and ImageCms work with."""
    if im.mode in ("L", "LA", "RGB", "RGBA", "CMYK"):
        return im
    if im.mode in ("P", "PA"):
        return im.convert("RGBA")
    if im.mode.startswith("I;16"):
        im = im.convert("I")
    if im.mode in ("I", "F"):
        return im.point(lambda value: value / 256).convert("L")
    if "A" in im.getbands() or "a" in im.getbands():
        return im.convert("RGBA")
    return im.convert("L" if im.mode == "1" else "RGB")


# EXIF orientation -> the transposition that shows the photo upright (ImageOps.exif_transpose).
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _orientation(im: Image.Image) -> Image.Transpose | None:
    """What ImageOps.exif_transpose would do to `im`, read from its EXIF."""
    try:
        return _UPRIGHT.get(im.getexif().get(ExifTags.Base.Orientation))
    except Exception:
        return None  # a broken EXIF block costs the rotation, not the photo


def _to_srgb(im: Image.Image, icc_profile: bytes | None) -> Image.Image:
    if im.mode in ("LA", "RGBA"):
        flat = Image.new(im.mode[:-1], im.size, 255 if im.mode == "LA" else (255, 255, 255))
        flat.paste(im, mask=im.getchannel("A"))
        im = flat
    if icc_profile:
        try:
            transform = _srgb_transform(icc_profile, im.mode)
            if transform is not None:
                return ImageCms.applyTransform(im, transform)
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass  # a broken or mismatched profile: show the pixels as they are
    # make_clean_copies copies the pixels into a new image anyway: no copy here.
    return im if im.mode == "RGB" else im.convert("RGB")


# Phones and cameras embed a handful of profiles (sRGB, Display P3, Adobe RGB), and
# building the transform costs about as much as applying it to a display copy. Only
# small profiles are kept, so that odd uploads cannot make the worker hold large ones.
_TRANSFORMS: dict[tuple[bytes, str], ImageCms.ImageCmsTransform | None] = {}
_TRANSFORMS_KEPT = 16
_TRANSFORM_PROFILE_MAX_BYTES = 256 * 1024
# Every 16th level of each channel (17 x 17 x 17 colours, 255 for the last) and every
# grey: what a transform does to these, it does to a photo.
_LEVELS = [min(255, 16 * step) for step in range(17)]
_PROBE_COLOURS = [(r, g, b) for b in _LEVELS for g in _LEVELS for r in _LEVELS]
_PROBE_COLOURS += [(level, level, level) for level in range(256)]
_PROBE = Image.frombytes(
    "RGB", (len(_PROBE_COLOURS), 1), bytes(value for rgb in _PROBE_COLOURS for value in rgb)
)


def _srgb_transform(icc_profile: bytes, mode: str) -> ImageCms.ImageCmsTransform | None:
    """The perceptual transform from `icc_profile` to sRGB, as profileToProfile builds it,
    or None for a profile that is sRGB in all but name (cameras and phones often embed
    one): its transform moves no colour by more than a level, and costs as much as the
    rest of an 8 MP photo's copies together."""
    key = (hashlib.sha256(icc_profile).digest(), mode)
    if key in _TRANSFORMS:
        return _TRANSFORMS[key]
    source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
    transform = ImageCms.buildTransform(
        source, _SRGB, mode, "RGB", renderingIntent=ImageCms.Intent.PERCEPTUAL
    )
    if mode == "RGB":
        moved = ImageChops.difference(ImageCms.applyTransform(_PROBE, transform), _PROBE)
        if max(high for _low, high in moved.getextrema()) <= 1:
            transform = None
    if len(icc_profile) <= _TRANSFORM_PROFILE_MAX_BYTES:
        if len(_TRANSFORMS) >= _TRANSFORMS_KEPT:
            del _TRANSFORMS[next(iter(_TRANSFORMS))]
        _TRANSFORMS[key] = transform
    return transform


def _encode(im: Image.Image, quality: int) -> bytes:
    # Standard Huffman tables: optimised ones (optimize=True) took 2.3 times as long to
    # encode (10 ms of the 77 ms an 8 MP photo costs) to save 1.7 % of the bytes.
    out = io.BytesIO()
    im.save(out, "JPEG", quality=quality, optimize=False, progressive=False, exif=b"")
    return out.getvalue()
