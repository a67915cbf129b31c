"""Clean photo copies against pyvips' `thumbnail`, photo by photo, and the worker's peak
memory on a 50-megapixel photo (issue 21, target 4: at least as fast as pyvips on every
photo, not only in total, with copies visually equal to the Lanczos ones; under 300 MB).

What is timed, per photo: the product's `make_clean_copies` (registry/images.py; the
citizens' photo task and the inspectors' evidence task both call it): decode,
orientation, sRGB, the display copy (longest side 2048, JPEG q85) and the thumbnail
(320, q80) with nothing but pixels, and the difference hash. Against it, the same two
derivatives made by pyvips from the same bytes: `thumbnail_buffer` once per size (it
applies the orientation itself), then `jpegsave_buffer` with the same settings as ours:
the same quality, standard Huffman tables (optimize_coding=False, as our
optimize=False), baseline, and `keep=NONE`. libvips' operation cache is off, or a repeat
would be answered from it.

Colour profiles: `thumbnail` leaves the pixels of a photo with an embedded profile as
they are unless asked (`export_profile`), so with `keep=NONE` its copy of a Display P3 or
Adobe RGB photo shows the wrong colours; ours are converted to sRGB. The set's photos
with a profile are small; outside the set, an 8-megapixel photo carrying Apple's
"Generic RGB" profile is timed against pyvips both ways (its default, and
export_profile="srgb", the same work as ours) and printed on its own RESULT line.

The fair comparison, and the one the target is judged against, is pyvips on ONE thread
(`pyvips.concurrency_set(1)`, what VIPS_CONCURRENCY=1 sets), in CPU time: the worker
runs one single-threaded process per core (Celery prefork), so with every core busy a
thread pool adds no photos per second; per-core throughput, photos per CPU-second, is
what a deployment gets. CPU time (time.process_time, every thread of the process) is
also what a shared machine measures steadily, where the wall clock of a 20 ms photo
swings with the neighbours' load. Wall-clock medians are printed beside it, and pyvips
with its own thread pool (one thread per core), which is what one photo costs on an
idle machine.

Visual equality: SSIM (Wang et al. 2004: 11x11 Gaussian window, sigma 1.5, on the luma,
computed here with numpy) of our display copy and thumbnail against the copies made the
way make_clean_copies made them before, with Pillow's LANCZOS resize, both decoded from
their JPEGs; pyvips' display copy is scored the same way, for scale. Allowed: >= 0.98.

Inputs: every photo in BENCH_PHOTOS_DIR (default: shared/fixtures/photos beside the
repository) that both can read (the others are listed as skipped), and a generated
50-megapixel JPEG (8660x5773, phone-like noise, EXIF orientation 6, about 12 MB). Each
photo is processed BENCH_REPEAT (9) times by each contender in turn, alternating who
goes first, in one process, and the median is kept; "total" is the set processed once,
from the medians. BENCH_SMOKE=1: two small photos and a generated 3.8 MP photo (which
still needs a resize), once each, in seconds.

Memory: VmHWM (the peak resident set of the process image; ru_maxrss would survive exec)
of fresh child processes on the generated photo: the Celery task `photo_process` itself
on a throwaway SQLite database (quarantine decryption, copies, storage, rows), the bare
`make_clean_copies`, and pyvips doing its two derivatives.

Run:  make bench-photos   (or: .venv/bin/python bench/photos.py)
"""

import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

import stack

ROOT = stack.ROOT
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import numpy as np  # noqa: E402
import pyvips  # noqa: E402
from PIL import Image, ImageOps, features  # noqa: E402

from registry import images  # noqa: E402

PHOTOS_DIR = Path(
    os.environ.get("BENCH_PHOTOS_DIR") or ROOT.parent / "shared" / "fixtures" / "photos"
)
REPEAT = stack.scale("BENCH_REPEAT", 9, 1)
SMOKE_PHOTOS = ("gps_DSCN0010.jpg", "orientation_portrait_6.jpg")
GENERATED_SIZE = (2400, 1600) if stack.SMOKE else (8660, 5773)
COMMAND = ("BENCH_SMOKE=1 " if stack.SMOKE else "") + ".venv/bin/python bench/photos.py"
DERIVATIVES = (
    (images.DISPLAY_MAX_SIDE, images.DISPLAY_QUALITY),
    (images.THUMB_MAX_SIDE, images.THUMB_QUALITY),
)
SSIM_ALLOWED = 0.98

PEAK = """
def peak_mb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024
"""

# The photo as the worker finds it: a pending row whose original waits in quarantine,
# exactly what complaint_submit's _Quarantined.attach leaves (without enqueuing, so that
# the task runs in the next, fresh, process only).
SETUP_TASK = """
import sys, django
django.setup()
from complaints import quarantine, services
from complaints.models import ComplaintPhoto
data = open(sys.argv[1], "rb").read()
filed = services.complaint_submit(
    kind="quality", product_name="Sữa bột", seller_name="Cửa hàng", seller_address="10 Nguyễn Trãi",
    description="Hộp sữa có nhãn phụ không đúng thông tin.",
)
photo = ComplaintPhoto.objects.create(complaint=filed.complaint, quarantine_name=quarantine.put(data),
                                      quarantine_bytes=len(data))
print(photo.pk)
"""

RUN_TASK = (
    PEAK
    + """
import sys, time, django
django.setup()
from complaints.models import ComplaintPhoto
from complaints.tasks import photo_process
before = peak_mb()
started = time.perf_counter()
outcome = photo_process.apply(args=[int(sys.argv[1])]).get()
seconds = time.perf_counter() - started
photo = ComplaintPhoto.objects.get(pk=int(sys.argv[1]))
print(outcome, photo.width, photo.height, f"{before:.0f}", f"{peak_mb():.0f}", f"{seconds:.2f}")
"""
)

RUN_BARE = (
    PEAK
    + """
import sys, time
from registry.images import make_clean_copies
data = open(sys.argv[1], "rb").read()
before = peak_mb()
started = time.perf_counter()
copies = make_clean_copies(data)
seconds = time.perf_counter() - started
print("ready", copies.width, copies.height, f"{before:.0f}", f"{peak_mb():.0f}", f"{seconds:.2f}")
"""
)

RUN_PYVIPS = (
    PEAK
    + """
import sys, time, pyvips
data = open(sys.argv[1], "rb").read()
before = peak_mb()
started = time.perf_counter()
sizes = []
for side, quality in ((int(sys.argv[2]), int(sys.argv[3])), (int(sys.argv[4]), int(sys.argv[5]))):
    image = pyvips.Image.thumbnail_buffer(data, side, height=side, size="down")
    image.jpegsave_buffer(Q=quality, optimize_coding=False, keep=pyvips.enums.ForeignKeep.NONE)
    sizes.append((image.width, image.height))
(width, height), _thumb = sizes
seconds = time.perf_counter() - started
print("ready", width, height, f"{before:.0f}", f"{peak_mb():.0f}", f"{seconds:.2f}")
"""
)


def generated_jpeg(size: tuple[int, int]) -> bytes:
    """A phone-like JPEG of `size`: a real photo enlarged, with sensor-like noise so that
    it decodes like a photo rather than like a gradient, and an orientation to apply."""
    base = Image.open(PHOTOS_DIR / "mobile_jolla.jpg")
    big = Image.blend(
        base.resize(size, Image.Resampling.BICUBIC),
        Image.effect_noise(size, 24).convert("RGB"),
        0.3,
    )
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to show
    exif[0x010F] = "BenchCam"  # Make
    out = io.BytesIO()
    big.save(out, "JPEG", quality=85, exif=exif.tobytes())
    return out.getvalue()


def ours(data: bytes) -> images.CleanCopies:
    return images.make_clean_copies(data)


def profiled_jpeg() -> bytes:
    """The 8 MP photo of the set, carrying the Generic RGB profile (gamma 1.8) of the
    orientation photos: a photo whose colours need converting."""
    with Image.open(PHOTOS_DIR / "orientation_landscape_6.jpg") as donor:
        profile = donor.info["icc_profile"]
    out = io.BytesIO()
    Image.open(PHOTOS_DIR / "mobile_jolla.jpg").save(out, "JPEG", quality=90, icc_profile=profile)
    return out.getvalue()


def vips(data: bytes, **options) -> list[bytes]:
    """pyvips' display copy and thumbnail, as JPEG bytes."""
    outputs = []
    for side, quality in DERIVATIVES:
        image = pyvips.Image.thumbnail_buffer(data, side, height=side, size="down", **options)
        outputs.append(
            image.jpegsave_buffer(
                Q=quality, optimize_coding=False, keep=pyvips.enums.ForeignKeep.NONE
            )
        )
    return outputs


def encoded_pixels(function, data: bytes) -> list[Image.Image]:
    """The images `function` hands to images._encode (display, then thumbnail): the
    pixels of the copies before JPEG compression."""
    captured = []
    encode = images._encode

    def capture(im: Image.Image, quality: int) -> bytes:
        captured.append(im.copy())
        return encode(im, quality)

    with mock.patch.object(images, "_encode", capture):
        function(data)
    return captured


def lanczos_copies(data: bytes) -> tuple[bytes, bytes]:
    """The display copy and thumbnail as make_clean_copies made them with Pillow's LANCZOS
    resize (reducing_gap 2), the reference the faster resize is scored against."""
    with Image.open(io.BytesIO(data)) as im:
        icc_profile = im.info.get("icc_profile")
        if im.format in ("JPEG", "MPO"):
            im.draft("RGB", images._fit(im.size, images.DISPLAY_MAX_SIDE))
        im.load()
        pixels = images._normalise_mode(im)
        if max(pixels.size) > images.DISPLAY_MAX_SIDE:
            size = images._fit(pixels.size, images.DISPLAY_MAX_SIDE)
            pixels = pixels.resize(size, Image.Resampling.LANCZOS, reducing_gap=2.0)
        pixels = ImageOps.exif_transpose(pixels)
        pixels = images._to_srgb(pixels, icc_profile)
        display = Image.new("RGB", pixels.size)
        display.paste(pixels)
    thumb = display.copy()
    thumb.thumbnail((images.THUMB_MAX_SIDE, images.THUMB_MAX_SIDE), Image.Resampling.LANCZOS)
    return (
        images._encode(display, images.DISPLAY_QUALITY),
        images._encode(thumb, images.THUMB_QUALITY),
    )


def _gaussian_blur(plane: np.ndarray, window: np.ndarray) -> np.ndarray:
    """Separable 'valid' convolution: the output shrinks by len(window) - 1 each way."""
    n = len(window)
    rows = sum(w * plane[i : plane.shape[0] - n + 1 + i] for i, w in enumerate(window))
    return sum(w * rows[:, i : rows.shape[1] - n + 1 + i] for i, w in enumerate(window))


def decoded(jpeg: bytes) -> Image.Image:
    with Image.open(io.BytesIO(jpeg)) as im:
        return im.convert("RGB")


def ssim(first: Image.Image, second: Image.Image) -> float | None:
    """Mean SSIM of the luma of two images (Wang et al. 2004: Gaussian window of 11,
    sigma 1.5, K1 0.01, K2 0.03, L 255, valid region); None if their sizes differ."""
    if first.size != second.size:
        return None
    x = np.asarray(first.convert("L"), dtype=np.float64)
    y = np.asarray(second.convert("L"), dtype=np.float64)
    side = min(11, *x.shape)
    window = np.exp(-(((np.arange(side) - (side - 1) / 2) / 1.5) ** 2) / 2)
    window /= window.sum()
    mu_x, mu_y = _gaussian_blur(x, window), _gaussian_blur(y, window)
    var_x = _gaussian_blur(x * x, window) - mu_x**2
    var_y = _gaussian_blur(y * y, window) - mu_y**2
    covariance = _gaussian_blur(x * y, window) - mu_x * mu_y
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    index = ((2 * mu_x * mu_y + c1) * (2 * covariance + c2)) / (
        (mu_x**2 + mu_y**2 + c1) * (var_x + var_y + c2)
    )
    return float(index.mean())


def timed(function, data: bytes, samples: list[tuple[float, float]]) -> None:
    """Append (wall, CPU) seconds of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    function(data)
    samples.append((time.perf_counter() - wall, time.process_time() - cpu))


def child(code: str, *args: str, env: dict | None = None) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env=env or os.environ,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise RuntimeError(result.stderr[-2000:])
    return result.stdout.split()


def memory(photo: Path) -> list[tuple[str, list[str]]]:
    with tempfile.TemporaryDirectory(prefix="bench-photos-") as var:
        # SQLite and eager Celery (nothing configured): a database of its own, nothing
        # shared with other runs; the task body is the one the worker runs.
        env = {
            k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL")
        }
        env |= {"VAR_DIR": var, "DJANGO_SETTINGS_MODULE": "config.settings"}
        env.pop("CACHE_URL", None)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
        )
        (pk,) = child(SETUP_TASK, str(photo), env=env)
        task = child(RUN_TASK, pk, env=env)
    sizes = [str(n) for pair in DERIVATIVES for n in pair]
    return [
        ("worker task photo_process", task),
        ("make_clean_copies alone", child(RUN_BARE, str(photo))),
        ("pyvips thumbnail x2", child(RUN_PYVIPS, str(photo), *sizes)),
        (
            "pyvips, 1 thread",
            child(RUN_PYVIPS, str(photo), *sizes, env={**os.environ, "VIPS_CONCURRENCY": "1"}),
        ),
    ]


def main() -> None:
    print(f"Load average at start: {stack.load_average()}", flush=True)
    pyvips.cache_set_max(0)  # otherwise a repeat is answered from libvips' operation cache
    threads = pyvips.concurrency_get()
    workdir = Path(tempfile.mkdtemp(prefix="bench-photos-"))
    big = workdir / f"generated_{GENERATED_SIZE[0] * GENERATED_SIZE[1] / 1e6:.0f}mp.jpg"
    big.write_bytes(generated_jpeg(GENERATED_SIZE))
    images.inspect_upload(big.read_bytes())  # a photo a citizen could send

    paths = sorted(p for p in PHOTOS_DIR.iterdir() if p.suffix.lower() != ".md")
    if stack.SMOKE:
        paths = [p for p in paths if p.name in SMOKE_PHOTOS]
    inputs, skipped = [], []
    for path in [*paths, big]:
        data = path.read_bytes()
        try:
            ours(data)
        except images.PhotoRejected as exc:
            skipped.append(f"{path.name} (the product refuses it: {exc.code})")
            continue
        try:
            vips(data)
        except pyvips.Error as exc:
            reason = str(exc).strip().splitlines()[-1][:70]
            skipped.append(f"{path.name} (pyvips cannot read it: {reason})")
            continue
        inputs.append((path, data))

    rows = []
    for path, data in inputs:
        samples = {"ours": [], "vips": [], "vips1": []}
        for repeat in range(REPEAT):
            # Alternate who goes first, so that a busy neighbour hurts both alike.
            order = ["ours", "vips", "vips1"] if repeat % 2 == 0 else ["vips1", "vips", "ours"]
            for name in order:
                pyvips.concurrency_set(1 if name == "vips1" else threads)
                timed(ours if name == "ours" else vips, data, samples[name])
        pyvips.concurrency_set(threads)
        copies = ours(data)
        vips_display, _vips_thumb = vips(data)
        for output in (copies.display, vips_display):  # pyvips must strip as we do
            with Image.open(io.BytesIO(output)) as check:
                assert not {"exif", "icc_profile", "xmp", "comment"} & check.info.keys()
        our_display, our_thumb = encoded_pixels(ours, data)
        lanczos_display, lanczos_thumb = encoded_pixels(lanczos_copies, data)
        lanczos_jpeg = decoded(lanczos_copies(data)[0])
        with Image.open(io.BytesIO(data)) as im:
            size = f"{im.width}x{im.height}"
        vips_size = decoded(vips_display).size
        rows.append(
            {
                "name": path.name,
                "size": size,
                "wall": {k: statistics.median(w for w, _c in v) * 1000 for k, v in samples.items()},
                "cpu": {k: statistics.median(c for _w, c in v) * 1000 for k, v in samples.items()},
                "ssim_display": ssim(our_display, lanczos_display),
                "ssim_thumb": ssim(our_thumb, lanczos_thumb),
                "ssim_jpeg": ssim(decoded(copies.display), lanczos_jpeg),
                "ssim_vips": ssim(decoded(vips_display), lanczos_jpeg),
                "size_note": ""
                if (copies.width, copies.height) == vips_size
                else f"display {copies.width}x{copies.height}, pyvips {vips_size[0]}x{vips_size[1]}",
            }
        )

    print(
        f"Clean copies (display {images.DISPLAY_MAX_SIDE} px q{images.DISPLAY_QUALITY} + thumbnail "
        f"{images.THUMB_MAX_SIDE} px q{images.THUMB_QUALITY}), median of {REPEAT}, one process; "
        f"Pillow {Image.__version__} (libjpeg-turbo {features.version('libjpeg_turbo')}), pyvips "
        f"{pyvips.__version__} / libvips {pyvips.version(0)}.{pyvips.version(1)}.{pyvips.version(2)}"
    )
    print(
        f"  ms per photo, CPU and wall clock: ours | pyvips on 1 thread | pyvips on {threads} "
        "threads; ratio = pyvips' time / ours (above 1: we are faster); the judged one first"
    )
    print(
        f"  {'photo':28s} {'size':>10s}   {'CPU: ours':>9s} {'1 thr':>7s} {'N thr':>7s}   "
        f"{'wall: ours':>10s} {'1 thr':>7s} {'N thr':>7s}   ratio CPU/1  wall/1  wall/N"
    )

    def ratios(times: dict) -> tuple[float, float, float]:
        cpu, wall = times["cpu"], times["wall"]
        return (
            cpu["vips1"] / cpu["ours"],
            wall["vips1"] / wall["ours"],
            wall["vips"] / wall["ours"],
        )

    for row in rows:
        cpu, wall = row["cpu"], row["wall"]
        print(
            f"  {row['name']:28s} {row['size']:>10s}   {cpu['ours']:9.1f} {cpu['vips1']:7.1f} "
            f"{cpu['vips']:7.1f}   {wall['ours']:10.1f} {wall['vips1']:7.1f} {wall['vips']:7.1f}   "
            "      {:5.2f}x  {:5.2f}x  {:5.2f}x".format(*ratios(row))
        )
    totals = {
        clock: {k: sum(r[clock][k] for r in rows) for k in ("ours", "vips", "vips1")}
        for clock in ("cpu", "wall")
    }
    cpu, wall = totals["cpu"], totals["wall"]
    print(
        f"  {'total (' + str(len(rows)) + ' photos)':28s} {'':>10s}   {cpu['ours']:9.1f} "
        f"{cpu['vips1']:7.1f} {cpu['vips']:7.1f}   {wall['ours']:10.1f} {wall['vips1']:7.1f} "
        "{:7.1f}         {:5.2f}x  {:5.2f}x  {:5.2f}x".format(wall["vips"], *ratios(totals))
    )
    for line in skipped:
        print(f"  skipped: {line}")

    def fmt(value: float | None) -> str:
        return "   n/a" if value is None else f"{value:.4f}"

    print(
        "  SSIM against the Lanczos copy (Pillow's LANCZOS, as before): pixels of our display "
        "copy and thumbnail (judged, allowed >= 0.98); decoded display JPEGs, ours and pyvips'"
    )
    for row in rows:
        print(
            f"  {row['name']:28s} pixels {fmt(row['ssim_display'])} {fmt(row['ssim_thumb'])};  "
            f"JPEG {fmt(row['ssim_jpeg'])} {fmt(row['ssim_vips'])}"
            + (f"  ({row['size_note']})" if row["size_note"] else "")
        )

    worst = {index: min(rows, key=lambda r, i=index: ratios(r)[i]) for index in range(3)}
    stack.result(
        "photos per-photo minimum ratio, pyvips' time / ours, against pyvips on 1 thread in CPU "
        "time (the fair one, judged; target >= 1.0): "
        f"{ratios(worst[0])[0]:.2f}x ({worst[0]['name']}); wall clock: "
        f"{ratios(worst[1])[1]:.2f}x ({worst[1]['name']}) against 1 thread, "
        f"{ratios(worst[2])[2]:.2f}x ({worst[2]['name']}) against {threads} threads; "
        f"{len(rows)} photos, median of {REPEAT}"
    )
    stack.result(
        f"photos total ratio over {len(rows)} photos: "
        "{:.2f}x in CPU time against pyvips on 1 thread; wall clock {:.2f}x against 1 thread, "
        "{:.2f}x against {} threads".format(*ratios(totals), threads)
        + f" (CPU ms: ours {cpu['ours']:.0f}, pyvips {cpu['vips1']:.0f})"
    )
    pixels = [r[k] for r in rows for k in ("ssim_display", "ssim_thumb") if r[k] is not None]
    stack.result(
        f"photos minimum SSIM against the Lanczos copy, pixels of the display copy and thumbnail "
        f"(judged, allowed >= {SSIM_ALLOWED}): {min(pixels):.4f}; decoded display JPEGs: ours "
        f"{min(r['ssim_jpeg'] for r in rows if r['ssim_jpeg'] is not None):.4f}, pyvips' "
        f"{min((r['ssim_vips'] for r in rows if r['ssim_vips'] is not None), default=0):.4f}"
    )

    with_profile = profiled_jpeg()
    samples = {"ours": [], "vips1": [], "vips1_srgb": []}
    pyvips.concurrency_set(1)
    for _repeat in range(REPEAT):
        timed(ours, with_profile, samples["ours"])
        timed(vips, with_profile, samples["vips1"])
        timed(lambda data: vips(data, export_profile="srgb"), with_profile, samples["vips1_srgb"])
    pyvips.concurrency_set(threads)
    cpu_ms = {k: statistics.median(c for _w, c in v) * 1000 for k, v in samples.items()}
    stack.result(
        "photos outside the set, a 3264x2448 JPEG with Apple's Generic RGB profile (converted "
        f"to sRGB by us): CPU ms ours {cpu_ms['ours']:.1f}, pyvips on 1 thread "
        f"{cpu_ms['vips1']:.1f} as it comes (no conversion: {cpu_ms['vips1'] / cpu_ms['ours']:.2f}x), "
        f"{cpu_ms['vips1_srgb']:.1f} with export_profile=srgb "
        f"({cpu_ms['vips1_srgb'] / cpu_ms['ours']:.2f}x)"
    )

    print(
        f"Peak memory on the generated {big.name} ({big.stat().st_size / 1e6:.1f} MB JPEG), "
        "fresh processes:"
    )
    peaks = {}
    for label, (outcome, width, height, before, peak, seconds) in memory(big):
        peaks[label] = int(peak)
        print(
            f"  {label:28s} VmHWM {int(peak):4d} MB (at start {int(before):3d} MB), {seconds} s, "
            f"{outcome}, display {width}x{height}"
        )
    stack.result(
        f"photos worker peak memory, photo_process on the generated {big.name} (target < 300 MB): "
        f"{peaks['worker task photo_process']} MB; make_clean_copies alone "
        f"{peaks['make_clean_copies alone']} MB; pyvips {peaks['pyvips, 1 thread']} MB on 1 thread"
    )
    print(f"Load average at end: {stack.load_average()}; {os.cpu_count()} CPUs")
    print(f"Command: {COMMAND}")
    big.unlink()
    workdir.rmdir()


if __name__ == "__main__":
    main()
