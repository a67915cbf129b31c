"""The copies staff see of a photo that must be brought down to the display size: the
fast Lanczos-3 shrink (cykooz_resizer) gives Pillow's LANCZOS pixels, whatever the mode,
orientation or format, and the same bytes every time.

A scene of gradients with sharp, asymmetric shapes is used rather than noise, so that a
shift, a mirror or a quarter turn shows as a large difference.
"""

import io

import pytest
from PIL import Image, ImageChops, ImageCms, ImageDraw, ImageStat

from registry.images import (
    DISPLAY_MAX_SIDE,
    THUMB_MAX_SIDE,
    _shrink,
    _srgb_transform,
    make_clean_copies,
)

# 2400x1800 needs a reduction by 1.17: no JPEG draft() and no reduce() can help, only the
# resize itself. 8400x600 needs more than 4x: a reduce() by 2 first, then Lanczos-3.
BELOW_2X = (2400, 1800)
ABOVE_4X = (8401, 601)


def scene(size: tuple[int, int]) -> Image.Image:
    width, height = size
    across = Image.linear_gradient("L").rotate(90).resize(size)
    down = Image.linear_gradient("L").resize(size)
    radial = Image.radial_gradient("L").resize(size)
    im = Image.merge("RGB", (across, down, radial))
    draw = ImageDraw.Draw(im)
    for left in range(0, width, width // 12):
        top = height // 5 + left * height // (3 * width)
        draw.rectangle((left, top, left + width // 40, top + height // 8), fill=(255, 250, 240))
    draw.ellipse(
        (width // 3, height // 2, width // 3 + height // 3, 5 * height // 6), fill=(20, 40, 200)
    )
    draw.line((0, height - 1, width // 2, 0), fill=(0, 0, 0), width=7)
    return im


def with_alpha(im: Image.Image, mode: str) -> Image.Image:
    """`im` in `mode` (LA or RGBA): opaque, with a half-transparent band and a clear hole."""
    alpha = Image.new("L", im.size, 255)
    draw = ImageDraw.Draw(alpha)
    draw.rectangle((0, im.height // 3, im.width - 1, im.height // 2), fill=128)
    draw.rectangle((im.width // 2, 0, 3 * im.width // 4, im.height // 4), fill=0)
    out = im.convert(mode[:-1])
    out.putalpha(alpha)
    return out


def on_white(im: Image.Image) -> Image.Image:
    flat = Image.new("RGB", im.size, (255, 255, 255))
    flat.paste(im.convert("RGBA"), mask=im.getchannel("A"))
    return flat


def encode(im: Image.Image, fmt: str, **params) -> bytes:
    out = io.BytesIO()
    im.save(out, fmt, **params)
    return out.getvalue()


def decoded(jpeg: bytes) -> Image.Image:
    with Image.open(io.BytesIO(jpeg)) as im:
        assert im.format == "JPEG"
        return im.convert("RGB")


def mean_difference(a: Image.Image, b: Image.Image) -> float:
    assert a.size == b.size
    return sum(ImageStat.Stat(ImageChops.difference(a.convert("RGB"), b.convert("RGB"))).mean) / 3


def fit(size: tuple[int, int], side: int) -> tuple[int, int]:
    scale = side / max(size)
    return round(size[0] * scale), round(size[1] * scale)


def lanczos(im: Image.Image, side: int = DISPLAY_MAX_SIDE) -> Image.Image:
    return im.resize(fit(im.size, side), Image.Resampling.LANCZOS, reducing_gap=2.0)


# --- the shrink itself -------------------------------------------------------------------


def differences(a: Image.Image, b: Image.Image) -> list[int]:
    """The histogram of per-value differences, all bands together."""
    histogram = ImageChops.difference(a, b).histogram()
    return [sum(histogram[level::256]) for level in range(256)]


@pytest.mark.parametrize("size", [BELOW_2X, ABOVE_4X], ids=["below-2x", "above-4x"])
@pytest.mark.parametrize("mode", ["L", "LA", "RGB", "RGBA", "CMYK"])
def test_shrink_gives_pillows_lanczos_pixels_within_two_levels(mode, size):
    # Kept off black and white: see the next test for what clipping does.
    source = scene(size).point(lambda value: 40 + value * 175 // 255)
    source = with_alpha(source, mode) if "A" in mode else source.convert(mode)

    shrunk = _shrink(source, DISPLAY_MAX_SIDE)

    expected = lanczos(source)
    assert (shrunk.mode, shrunk.size) == (mode, expected.size)
    assert not shrunk.info
    if "A" in mode:  # where nothing shows, the colour is anyone's: compare what shows
        shrunk, expected = on_white(shrunk), on_white(expected)
    histogram = differences(shrunk, expected)
    found = [(level, n) for level, n in enumerate(histogram) if n]
    if "A" in mode:
        # Colour divided by a small alpha at the edge of the clear hole, then rounded:
        # a few values out of millions.
        assert sum(histogram[3:]) < sum(histogram) / 100_000 and not any(histogram[9:]), found
    else:
        assert sum(histogram[3:]) == 0, found


@pytest.mark.parametrize("size", [BELOW_2X, ABOVE_4X], ids=["below-2x", "above-4x"])
def test_shrink_differs_from_pillow_only_where_lanczos_rings_past_black_or_white(size):
    """Lanczos overshoots at a hard edge; Pillow clips the overshoot to 0-255 after its
    horizontal pass, fast_image_resize after its vertical one, so a few pixels next to
    saturated edges differ by more than 2 levels. Nothing else does."""
    source = scene(size)

    histogram = differences(_shrink(source, DISPLAY_MAX_SIDE), lanczos(source))

    values = sum(histogram)
    assert sum(histogram[3:]) < values / 1000
    assert sum(level * n for level, n in enumerate(histogram)) / values < 0.02


def test_shrink_leaves_what_fits_alone():
    small = scene((2048, 1000))
    assert _shrink(small, DISPLAY_MAX_SIDE) is small


# --- the copies, from each kind of file that needs the shrink --------------------------


def grey_16_bit(im: Image.Image) -> Image.Image:
    return im.convert("L").point(lambda value: value * 257, "I").convert("I;16")


def palette(im: Image.Image) -> Image.Image:
    return im.quantize(64, dither=Image.Dither.NONE)


# id: (the file's bytes, what the display copy must show before shrinking)
CASES = {
    "jpeg": (lambda s: encode(s, "JPEG", quality=95), lambda s: s),
    "heif": (lambda s: encode(s, "HEIF", quality=90), lambda s: s),
    "png-rgba": (
        lambda s: encode(with_alpha(s, "RGBA"), "PNG"),
        lambda s: on_white(with_alpha(s, "RGBA")),
    ),
    "png-grey-alpha": (
        lambda s: encode(with_alpha(s, "LA"), "PNG"),
        lambda s: on_white(with_alpha(s, "LA")),
    ),
    "png-16-bit": (lambda s: encode(grey_16_bit(s), "PNG"), lambda s: s.convert("L")),
    "png-palette": (lambda s: encode(palette(s), "PNG"), lambda s: palette(s).convert("RGB")),
    "jpeg-cmyk": (lambda s: encode(s.convert("CMYK"), "JPEG", quality=95), lambda s: s),
}


@pytest.mark.parametrize("case", CASES)
def test_photo_needing_less_than_2x_reduction_is_the_lanczos_copy(case):
    make_file, shown = CASES[case]
    source = scene(BELOW_2X)

    copies = make_clean_copies(make_file(source))

    # JPEG compression of the copies (and of the JPEG and HEIF files) costs a level or
    # two on average; a copy shifted, mirrored or turned differs by 50 or more.
    display = decoded(copies.display)
    expected = lanczos(shown(source))
    assert display.size == (copies.width, copies.height) == (2048, 1536)
    assert mean_difference(display, expected) < 1.5
    thumb = decoded(copies.thumb)
    assert thumb.size == (320, 240)
    assert mean_difference(thumb, lanczos(expected, THUMB_MAX_SIDE)) < 3.5


@pytest.mark.parametrize(
    ("orientation", "upright", "wrong_way"),
    [
        (3, Image.Transpose.ROTATE_180, Image.Transpose.FLIP_TOP_BOTTOM),
        (6, Image.Transpose.ROTATE_270, Image.Transpose.ROTATE_90),
        (8, Image.Transpose.ROTATE_90, Image.Transpose.ROTATE_270),
    ],
)
def test_shrunk_photo_is_turned_upright(orientation, upright, wrong_way):
    source = scene(BELOW_2X)
    exif = Image.Exif()
    exif[0x0112] = orientation

    copies = make_clean_copies(encode(source, "JPEG", quality=95, exif=exif.tobytes()))

    display = decoded(copies.display)
    right = mean_difference(display, lanczos(source.transpose(upright)))
    wrong = mean_difference(display, lanczos(source.transpose(wrong_way)))
    assert right < 2.0, right
    assert wrong > 5 * right, (right, wrong)
    turned = orientation != 3
    assert (copies.width, copies.height) == ((1536, 2048) if turned else (2048, 1536))


def test_panorama_reduced_by_more_than_4x_keeps_its_shape_and_content():
    source = scene(ABOVE_4X)

    copies = make_clean_copies(encode(source, "PNG"))

    display = decoded(copies.display)
    assert display.size == fit(ABOVE_4X, DISPLAY_MAX_SIDE) == (2048, 147)
    assert mean_difference(display, lanczos(source)) < 1.5
    assert decoded(copies.thumb).size == fit(ABOVE_4X, THUMB_MAX_SIDE)


def test_copies_are_the_same_bytes_every_time():
    data = encode(scene(BELOW_2X), "JPEG", quality=90)

    first, second = make_clean_copies(data), make_clean_copies(data)

    assert first == second


def test_shrunk_photo_carries_nothing_but_pixels():
    """The shrunk, turned copy is encoded without a copy into a new image (its `info` is
    empty): the comment, XMP and EXIF of the file must not reach it."""
    exif = Image.Exif()
    exif[0x0112], exif[0x010F], exif[0x013B] = 6, "Nguyen phone", "Nguyen Van A"
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:creator>Nguyen 0912</dc:creator></x:xmpmeta>'
    data = encode(
        scene(BELOW_2X), "JPEG", exif=exif.tobytes(), xmp=xmp, comment="Nguyen Van A 0912"
    )

    copies = make_clean_copies(data)

    for jpeg in (copies.display, copies.thumb):
        assert b"Nguyen" not in jpeg and b"0912" not in jpeg
        with Image.open(io.BytesIO(jpeg)) as im:
            assert not {"exif", "xmp", "comment", "icc_profile"} & im.info.keys()
            assert [marker for marker, _payload in im.applist] == ["APP0"]
    assert (copies.width, copies.height) == (1536, 2048)


def test_photo_tagged_srgb_is_kept_as_it_is():
    """Cameras and phones often embed an sRGB profile: converting to sRGB would move no
    colour by more than a level, at the cost of the rest of the copy, so it is skipped."""
    source = scene(BELOW_2X)
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    assert _srgb_transform(srgb, "RGB") is None

    tagged = make_clean_copies(encode(source, "JPEG", quality=90, icc_profile=srgb))
    untagged = make_clean_copies(encode(source, "JPEG", quality=90))

    assert (tagged.display, tagged.thumb) == (untagged.display, untagged.thumb)
