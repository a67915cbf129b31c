"""Make the test photos of printed barcodes in tests/fixtures/barcodes/ (and manifest.json).

    /work/main/.venv/bin/python scripts/make_barcode_photos.py [--out DIR]

Each photo is a product-like picture (a coloured box or label with text, a table top
under uneven light, a little sensor noise) with a barcode printed on a white label,
then photographed badly: at an angle (perspective), turned 90°/180°/arbitrary, blurred,
small in the frame, or JPEG-compressed hard. Two photos hold no barcode, and two hold
a code whose GTIN check digit is wrong, drawn here by hand because the encoders refuse
to make one. The output is deterministic (fixed seeds), so re-running it changes
nothing in git unless this script changed.

Needs the dev dependencies (numpy) and zxing-cpp's writer.
"""

import argparse
import io
import json
import random
from pathlib import Path

import numpy as np
import zxingcpp
from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "barcodes"
FONT_PATHS = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
]
PHOTO_SIZE = (1280, 960)


def font(size: int):
    for path in FONT_PATHS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


# --- barcodes ---------------------------------------------------------------------------


def encoded(content: str, fmt, *, scale: int, gs1: bool = False) -> Image.Image:
    barcode = (
        zxingcpp.create_barcode(content, fmt, gs1=gs1)
        if gs1
        else zxingcpp.create_barcode(content, fmt)
    )
    pixels = np.asarray(barcode.to_image(scale=scale, add_hrt=False, add_quiet_zones=True))
    return Image.fromarray(pixels).convert("L")


# EAN-13 by hand (ISO/IEC 15420): the encoders check the check digit, so a label with a
# wrong one has to be drawn from the symbol's patterns directly.
_L = ["0001101", "0011001", "0010011", "0111101", "0100011",
      "0110001", "0101111", "0111011", "0110111", "0001011"]  # fmt: skip
_G = ["".join("1" if b == "0" else "0" for b in code)[::-1] for code in _L]
_R = ["".join("1" if b == "0" else "0" for b in code) for code in _L]
_PARITY = ["LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG",
           "LGGLLG", "LGGGLL", "LGLGLG", "LGLGGL", "LGGLGL"]  # fmt: skip


def ean13_by_hand(digits: str, *, scale: int) -> Image.Image:
    if len(digits) != 13 or not digits.isdigit():
        raise ValueError(digits)
    parity = _PARITY[int(digits[0])]
    bits = "101"
    for i, d in enumerate(digits[1:7]):
        bits += (_L if parity[i] == "L" else _G)[int(d)]
    bits += "01010"
    for d in digits[7:]:
        bits += _R[int(d)]
    bits += "101"
    quiet = 11
    width = (len(bits) + 2 * quiet) * scale
    height = 70 * scale
    im = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(im)
    for i, bit in enumerate(bits):
        if bit == "1":
            x = (quiet + i) * scale
            draw.rectangle([x, 0, x + scale - 1, height - 1], fill=0)
    return im


def with_text(code: Image.Image, text: str) -> Image.Image:
    """The code on a white label with its human-readable line under it."""
    f = font(max(14, code.height // 6))
    text_width = int(f.getlength(text))
    label = Image.new("L", (max(code.width, text_width) + 40, code.height + f.size + 40), 255)
    label.paste(code, ((label.width - code.width) // 2, 15))
    draw = ImageDraw.Draw(label)
    draw.text((label.width // 2, code.height + 22), text, font=f, fill=0, anchor="ma")
    return label


# --- the product and the photo -------------------------------------------------------------


def product_box(
    rng: random.Random, label: Image.Image, title: str, *, size=(900, 640)
) -> Image.Image:
    """A coloured package face with a brand, a name, some small print, and the label."""
    colour = tuple(rng.randint(40, 220) for _ in range(3))
    box = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(box)
    accent = tuple(255 - c for c in colour)
    draw.rectangle([0, 0, size[0], size[1] // 5], fill=accent)
    draw.text((30, 20), title, font=font(52), fill=colour)
    for i in range(5):
        draw.text(
            (30, size[1] // 5 + 30 + i * 34),
            rng.choice(["Thành phần: nước, muối, đường", "Khối lượng tịnh: 500 g",
                        "Sản xuất tại: Việt Nam", "HSD: xem trên bao bì", "Bảo quản nơi khô ráo"]),
            font=font(26),
            fill=(255, 255, 255),
        )  # fmt: skip
    scale = min(1.0, (size[0] * 0.55) / label.width, (size[1] * 0.45) / label.height)
    shown = label.resize(
        (int(label.width * scale), int(label.height * scale)), Image.Resampling.LANCZOS
    )
    box.paste(shown.convert("RGB"), (size[0] - shown.width - 30, size[1] - shown.height - 30))
    return box


def scene(rng: random.Random, product: Image.Image, *, size=PHOTO_SIZE, fill=0.8) -> Image.Image:
    """The product on a table under uneven light, taking `fill` of the frame's width."""
    w, h = size
    y, x = np.mgrid[0:h, 0:w]
    base = np.array([rng.randint(90, 160) for _ in range(3)], dtype=float)
    light = 0.75 + 0.35 * (x / w) * (1 - 0.5 * y / h)
    table = (base[None, None, :] * light[..., None]).clip(0, 255).astype(np.uint8)
    photo = Image.fromarray(table, "RGB")
    scale = fill * w / product.width
    shown = product.resize(
        (int(product.width * scale), int(product.height * scale)), Image.Resampling.LANCZOS
    )
    photo.paste(shown, ((w - shown.width) // 2, (h - shown.height) // 2))
    return photo


def perspective(im: Image.Image, tilt: float, rng: random.Random) -> Image.Image:
    """As photographed at an angle: the far side shrunk by `tilt` of its height."""
    w, h = im.size
    d = tilt * h
    src = [(0, 0), (w, 0), (w, h), (0, h)]
    dst = [(0, d), (w, 0), (w, h), (0, h - d)]
    dst = [(x + rng.uniform(-8, 8), y + rng.uniform(-8, 8)) for x, y in dst]
    rows = []
    for (xs, ys), (xd, yd) in zip(src, dst, strict=True):
        rows.append([xd, yd, 1, 0, 0, 0, -xs * xd, -xs * yd])
        rows.append([0, 0, 0, xd, yd, 1, -ys * xd, -ys * yd])
    coeffs = np.linalg.solve(np.array(rows), np.array([c for p in src for c in p], dtype=float))
    return im.transform(
        (w, h),
        Image.Transform.PERSPECTIVE,
        tuple(coeffs),
        Image.Resampling.BICUBIC,
        fillcolor=(120, 110, 100),
    )


def noise(im: Image.Image, rng: random.Random, amount: float = 6.0) -> Image.Image:
    generator = np.random.default_rng(rng.randint(0, 2**31))
    pixels = np.asarray(im, dtype=float) + generator.normal(0, amount, (im.height, im.width, 3))
    return Image.fromarray(pixels.clip(0, 255).astype(np.uint8), "RGB")


def jpeg(im: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    im.save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue()


# --- the set -------------------------------------------------------------------------------

# name, what is printed, how it is photographed, what a reader should propose (None:
# nothing), and whether our reader is expected to read it (False: hard on purpose, a miss
# lowers the read rate but fails no test; a false read always fails).
PHOTOS = [
    dict(name="ean13_vn_straight", kind="ean13", content="8935049500100",
         title="Nước mắm Phú Quốc", shot=dict(), expect=dict(gtin="8935049500100"), must=True),
    dict(name="ean13_vn_perspective", kind="ean13", content="8934563138165",
         title="Mì tôm chua cay", shot=dict(tilt=0.18),
         expect=dict(gtin="8934563138165"), must=True),
    dict(name="ean13_fr_rotated_90", kind="ean13", content="3017620422003",
         title="Pâte à tartiner", shot=dict(rotate=90),
         expect=dict(gtin="3017620422003"), must=True),
    dict(name="ean13_jp_rotated_180", kind="ean13", content="4902430735063",
         title="Bột giặt Nhật", shot=dict(rotate=180),
         expect=dict(gtin="4902430735063"), must=True),
    dict(name="ean13_cn_rotated_33", kind="ean13", content="6901234567892",
         title="Ấm siêu tốc", shot=dict(rotate=33), expect=dict(gtin="6901234567892"), must=True),
    dict(name="ean13_th_blurred", kind="ean13", content="8851234567898",
         title="Nước tăng lực", shot=dict(blur=1.6), expect=dict(gtin="8851234567898"), must=True),
    dict(name="ean13_kr_small_in_frame", kind="ean13", content="8801234567893",
         title="Mỹ phẩm", shot=dict(fill=0.38, size=(1600, 1200)),
         expect=dict(gtin="8801234567893"), must=False),
    dict(name="ean13_vn_heavy_blur", kind="ean13", content="8936036020014",
         title="Bánh phồng tôm", shot=dict(blur=3.4, tilt=0.12),
         expect=dict(gtin="8936036020014"), must=False),
    dict(name="ean13_vn_tiny_in_frame", kind="ean13", content="8938505974194",
         title="Cà phê hòa tan", shot=dict(fill=0.22, size=(1600, 1200), rotate=-20),
         expect=dict(gtin="8938505974194"), must=False),
    dict(name="ean13_de_jpeg_q20", kind="ean13", content="4006381333931",
         title="Bút bi", shot=dict(quality=20, tilt=0.08), expect=dict(gtin="4006381333931"),
         must=True),
    dict(name="ean8_straight", kind="ean8", content="96385074",
         title="Kẹo cao su", shot=dict(rotate=-12), expect=dict(gtin="96385074"), must=True),
    dict(name="upca_us", kind="upca", content="036000291452",
         title="Khăn giấy", shot=dict(tilt=0.1), expect=dict(gtin="0036000291452"), must=True),
    dict(name="upce_us", kind="upce", content="01234565",
         title="Kẹo dẻo", shot=dict(), expect=dict(gtin="0012345000065"), must=True),
    dict(name="gs1_128_batch_expiry", kind="gs1_128",
         content="(01)08935049500100(10)LOT42(17)271231",
         title="Sữa tiệt trùng", shot=dict(tilt=0.1),
         expect=dict(gtin="8935049500100", batch="LOT42", expiry="2027-12-31"), must=True),
    dict(name="gs1_128_day_00_rotated_90", kind="gs1_128",
         content="(01)18935049500107(17)280200(10)B-7",
         title="Thùng 24 hộp", shot=dict(rotate=270, blur=0.8),
         expect=dict(gtin="18935049500107", batch="B-7", expiry="2028-02-29"), must=True),
    dict(name="digital_link_qr_perspective", kind="qr",
         content="https://id.gs1.org/01/08935049500100/10/LOT42?17=271231",
         title="Dầu ăn", shot=dict(tilt=0.2, blur=0.7),
         expect=dict(gtin="8935049500100", batch="LOT42", expiry="2027-12-31"), must=True),
    dict(name="gs1_datamatrix_rotated", kind="datamatrix",
         content="(01)04006381333931(17)260600(10)X9",
         title="Thuốc nhỏ mắt", shot=dict(rotate=150),
         expect=dict(gtin="4006381333931", batch="X9", expiry="2026-06-30"), must=True),
    dict(name="no_barcode_box", kind="none", content="", title="Bánh quy bơ",
         shot=dict(tilt=0.1), expect=None, must=True),
    dict(name="no_barcode_stripes", kind="stripes", content="", title="Khăn kẻ sọc",
         shot=dict(rotate=8), expect=None, must=True),
    dict(name="wrong_check_digit_ean13", kind="ean13_by_hand", content="8935049500107",
         title="Nước mắm giả", shot=dict(), expect=None, must=True),
    dict(name="wrong_check_digit_code128", kind="code128_plain",
         content="(01)08935049500107(10)LOT42",
         title="Hàng nhái", shot=dict(tilt=0.05), expect=None, must=True),
]  # fmt: skip


def label_for(spec: dict, rng: random.Random) -> Image.Image:
    kind, content = spec["kind"], spec["content"]
    if kind == "ean13":
        return with_text(encoded(content, zxingcpp.BarcodeFormat.EAN13, scale=4), content)
    if kind == "ean8":
        return with_text(encoded(content, zxingcpp.BarcodeFormat.EAN8, scale=5), content)
    if kind == "upca":
        return with_text(encoded(content, zxingcpp.BarcodeFormat.UPCA, scale=4), content)
    if kind == "upce":
        return with_text(encoded(content, zxingcpp.BarcodeFormat.UPCE, scale=5), content)
    if kind == "gs1_128":
        return with_text(
            encoded(content, zxingcpp.BarcodeFormat.Code128, scale=3, gs1=True), content
        )
    if kind == "code128_plain":
        return with_text(encoded(content, zxingcpp.BarcodeFormat.Code128, scale=3), content)
    if kind == "qr":
        return with_text(
            encoded(content, zxingcpp.BarcodeFormat.QRCode, scale=8), "Quét để xem thông tin"
        )
    if kind == "datamatrix":
        return with_text(
            encoded(content, zxingcpp.BarcodeFormat.DataMatrix, scale=10, gs1=True),
            "GS1 DataMatrix",
        )
    if kind == "ean13_by_hand":
        return with_text(ean13_by_hand(content, scale=4), content)
    if kind == "stripes":
        # Bars that are not a barcode: what a reader must not turn into a number.
        im = Image.new("L", (420, 260), 255)
        draw = ImageDraw.Draw(im)
        x = 10
        while x < 410:
            w = rng.choice([3, 6, 9, 12])
            draw.rectangle([x, 10, x + w, 250], fill=0)
            x += w + rng.choice([3, 6, 9])
        return im
    im = Image.new("L", (420, 200), 255)
    ImageDraw.Draw(im).text((20, 70), "Không có mã vạch", font=font(32), fill=0)
    return im


def photo(spec: dict) -> bytes:
    rng = random.Random(spec["name"])  # noqa: S311 (fixtures must come out the same each run)
    shot = spec["shot"]
    product = product_box(rng, label_for(spec, rng), spec["title"])
    im = scene(rng, product, size=shot.get("size", PHOTO_SIZE), fill=shot.get("fill", 0.8))
    if "tilt" in shot:
        im = perspective(im, shot["tilt"], rng)
    if "rotate" in shot:
        im = im.rotate(
            shot["rotate"],
            resample=Image.Resampling.BICUBIC,
            expand=shot["rotate"] % 90 == 0,
            fillcolor=(110, 100, 90),
        )
    if "blur" in shot:
        im = im.filter(ImageFilter.GaussianBlur(shot["blur"]))
    im = noise(im, rng)
    return jpeg(im, shot.get("quality", 72))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    manifest = []
    for spec in PHOTOS:
        data = photo(spec)
        (out / f"{spec['name']}.jpg").write_bytes(data)
        manifest.append(
            {
                "file": f"{spec['name']}.jpg",
                "printed": spec["kind"],
                "content": spec["content"],
                "shot": spec["shot"],
                "expect": spec["expect"],
                "must_read": spec["must"] and spec["expect"] is not None,
                "bytes": len(data),
            }
        )
        print(f"{spec['name']}.jpg {len(data) // 1024} KB")
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
