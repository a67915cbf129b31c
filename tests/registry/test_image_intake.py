"""inspect_upload(decode=False), the filing's check: the structure only. What it lets
through because only decoding shows it is rejected by the worker's steps
(check_pixel_stream, then make_clean_copies), as inspect_upload() refused it."""

import io
import struct
import zlib

import pytest
from PIL import Image

from registry.images import (
    PhotoRejected,
    check_pixel_stream,
    inspect_upload,
    make_clean_copies,
)


def jpeg(progressive=False) -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise((256, 192), 60).convert("RGB").save(buffer, "JPEG", progressive=progressive)
    return buffer.getvalue()


def undefined_huffman_tables(data: bytes) -> bytes:
    """Every segment well formed; the first scan names tables the file never defines."""
    data = bytearray(data)
    sos = data.index(b"\xff\xda")
    for component in range(data[sos + 4]):
        data[sos + 6 + 2 * component] = 0x33
    return bytes(data)


def png_from_idat(idat: bytes, width=8, height=5) -> bytes:
    def chunk(kind, payload):
        return (
            struct.pack(">I", len(payload))
            + kind
            + payload
            + struct.pack(">I", zlib.crc32(kind + payload))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


ROWS = b"".join(b"\x00" + bytes(range(24)) for _ in range(5))


def rejection(check, data: bytes) -> str:
    with pytest.raises(PhotoRejected) as caught:
        check(data)
    return caught.value.code


@pytest.mark.parametrize("progressive", [False, True], ids=["baseline", "progressive"])
def test_a_jpeg_whose_scan_does_not_decode_is_refused_by_the_worker(progressive):
    data = undefined_huffman_tables(jpeg(progressive))
    assert rejection(inspect_upload, data) == "photo_not_image"  # decoding, as inspectors'
    assert inspect_upload(data, decode=False).format == "JPEG"  # the filing's check
    check_pixel_stream(data)  # nothing to say about a JPEG
    assert rejection(make_clean_copies, data) == "photo_not_image"  # the worker


@pytest.mark.parametrize(
    ("idat", "code"),
    [
        pytest.param(zlib.compress(ROWS)[:-8], "photo_truncated", id="stream-cut"),
        pytest.param(zlib.compress(ROWS[:-25]), "photo_truncated", id="rows-missing"),
        pytest.param(zlib.compress(ROWS + ROWS), "photo_not_image", id="rows-too-many"),
        pytest.param(b"not zlib at all", "photo_not_image", id="not-zlib"),
    ],
)
def test_a_png_whose_pixel_stream_is_wrong_is_refused_by_the_worker(idat, code):
    data = png_from_idat(idat)
    assert rejection(inspect_upload, data) == code
    assert inspect_upload(data, decode=False).format == "PNG"
    assert rejection(check_pixel_stream, data) == code


def test_a_sound_photo_passes_every_step():
    for data in (jpeg(), png_from_idat(zlib.compress(ROWS))):
        info = inspect_upload(data, decode=False)
        assert info == inspect_upload(data)
        check_pixel_stream(data)
        make_clean_copies(data)


def bomb_png() -> bytes:
    data = bytearray(png_from_idat(zlib.compress(ROWS)))
    data[16:24] = struct.pack(">II", 20000, 20000)
    data[29:33] = struct.pack(">I", zlib.crc32(data[12:29]))
    return bytes(data)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        pytest.param(jpeg()[: len(jpeg()) * 6 // 10], "photo_truncated", id="cut-short"),
        pytest.param(b"<svg><script>alert(1)</script></svg>", "photo_svg", id="svg"),
        pytest.param(jpeg() + b"<html><script>x</script>", "photo_polyglot", id="polyglot"),
        pytest.param(bomb_png(), "photo_bomb", id="bomb-by-header"),
        pytest.param(b"GIF89a" + bytes(64), "photo_not_image", id="not-ours"),
    ],
)
def test_the_structure_alone_still_refuses(data, code):
    assert rejection(lambda d: inspect_upload(d, decode=False), data) == code


def test_a_library_asking_pillow_for_truncated_images_does_not_loosen_the_checks(monkeypatch):
    """WeasyPrint, imported by the minutes' PDFs in the same worker processes, sets
    Pillow's process-wide LOAD_TRUNCATED_IMAGES; the worker's decode stays strict."""
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    data = undefined_huffman_tables(jpeg())
    assert rejection(inspect_upload, data) == "photo_not_image"
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    assert rejection(make_clean_copies, data) == "photo_not_image"


def _png(width: int, height: int, mode: str = "L") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, (width, height)).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_lossless_photo_is_held_to_a_lower_pixel_limit():
    """PNG and WebP are decoded whole: a tiny file declaring 50 MP would take over 500 MB
    in the worker, so they are held to MAX_LOSSLESS_PIXELS at filing and in the worker;
    JPEG keeps MAX_PIXELS (decoded at a reduced scale)."""
    from registry.images import MAX_LOSSLESS_PIXELS

    assert MAX_LOSSLESS_PIXELS == 4096 * 4096
    too_many = _png(4097, 4096)
    assert len(too_many) < 100_000
    assert rejection(lambda data: inspect_upload(data, decode=False), too_many) == "photo_bomb"
    assert rejection(make_clean_copies, too_many) == "photo_bomb"
    assert inspect_upload(_png(4096, 4096), decode=False).format == "PNG"
    buffer = io.BytesIO()
    Image.new("RGB", (4200, 4200)).save(buffer, "JPEG", quality=50)
    assert inspect_upload(buffer.getvalue(), decode=False).format == "JPEG"
