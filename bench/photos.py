"""Photo derivatives per second against pyvips' `thumbnail`, and the worker's peak memory
on a 50-megapixel photo (targets: at least as fast as pyvips; under 300 MB).

What is timed, per photo: the product's `make_clean_copies` (registry/images.py; the
citizens' photo task and the inspectors' evidence task both call it):
decode, orientation, sRGB, the display copy (longest side 2048, JPEG q85) and the
thumbnail (320, q80) with nothing but pixels, and the difference hash. Against it, the
same two derivatives made by pyvips from the same bytes: `thumbnail_buffer` once per
size (it applies the orientation itself, and imports an embedded profile to sRGB), then
`jpegsave_buffer` with the same quality, optimised Huffman tables like ours, and
`keep=NONE`. pyvips is shown with its own thread pool (what a user of it gets) and with
one thread, since our worker processes are single-threaded. Inputs: every photo in
BENCH_PHOTOS_DIR that both can read (the others are listed as skipped), and a generated
50-megapixel JPEG (8660x5773, phone-like noise, EXIF orientation 6, about 12 MB). Each
photo is processed BENCH_REPEAT times by each contender in turn, in one process, and
the median is kept; "total" is the set processed once, from the medians.

Memory: VmHWM (the peak resident set of the process image; ru_maxrss would survive exec)
of fresh child processes on the 50 MP photo: the Celery task `photo_process` itself on
a throwaway SQLite database (quarantine decryption, copies, storage, rows), the bare
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import pyvips  # noqa: E402
from PIL import Image, features  # noqa: E402

from registry import images  # noqa: E402

PHOTOS_DIR = Path(os.environ.get("BENCH_PHOTOS_DIR", "/work/shared/fixtures/photos"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "9"))
COMMAND = ".venv/bin/python bench/photos.py"
DERIVATIVES = (
    (images.DISPLAY_MAX_SIDE, images.DISPLAY_QUALITY),
    (images.THUMB_MAX_SIDE, images.THUMB_QUALITY),
)

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
    image.jpegsave_buffer(Q=quality, optimize_coding=True, keep=pyvips.enums.ForeignKeep.NONE)
    sizes.append((image.width, image.height))
(width, height), _thumb = sizes
seconds = time.perf_counter() - started
print("ready", width, height, f"{before:.0f}", f"{peak_mb():.0f}", f"{seconds:.2f}")
"""
)


def fifty_megapixel_jpeg() -> bytes:
    """A phone-sized 50 MP JPEG: a real photo enlarged, with sensor-like noise so that it
    decodes like a photo rather than like a gradient, and an orientation to apply."""
    base = Image.open(PHOTOS_DIR / "mobile_jolla.jpg")
    size = (8660, 5773)
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


def ours(data: bytes) -> tuple[int, int]:
    copies = images.make_clean_copies(data)
    return copies.width, copies.height


def vips(data: bytes) -> tuple[int, int]:
    for side, quality in DERIVATIVES:
        image = pyvips.Image.thumbnail_buffer(data, side, height=side, size="down")
        out = image.jpegsave_buffer(
            Q=quality, optimize_coding=True, keep=pyvips.enums.ForeignKeep.NONE
        )
        if side == images.DISPLAY_MAX_SIDE:
            size = image.width, image.height
            with Image.open(io.BytesIO(out)) as check:  # pyvips must strip as we do
                assert not {"exif", "icc_profile", "xmp", "comment"} & check.info.keys(), check.info
    return size


def timed(function, data: bytes, samples: list[float]) -> None:
    started = time.perf_counter()
    function(data)
    samples.append(time.perf_counter() - started)


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
    load_before = os.getloadavg()
    pyvips.cache_set_max(0)  # otherwise a repeat is answered from libvips' operation cache
    threads = pyvips.concurrency_get()
    workdir = Path(tempfile.mkdtemp(prefix="bench-photos-"))
    big = workdir / "generated_50mp.jpg"
    big.write_bytes(fifty_megapixel_jpeg())
    images.inspect_upload(big.read_bytes())  # a photo a citizen could send

    inputs, skipped = [], []
    for path in [*sorted(p for p in PHOTOS_DIR.iterdir() if p.suffix.lower() != ".md"), big]:
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
        with Image.open(io.BytesIO(data)) as im:
            size = f"{im.width}x{im.height}"
        rows.append(
            (
                path.name,
                size,
                ours(data),
                vips(data),
                {k: statistics.median(v) for k, v in samples.items()},
            )
        )

    print(
        f"Photo derivatives (display {images.DISPLAY_MAX_SIDE} px q{images.DISPLAY_QUALITY} + thumb "
        f"{images.THUMB_MAX_SIDE} px q{images.THUMB_QUALITY}), median of {REPEAT}, one process; "
        f"Pillow {Image.__version__} (libjpeg-turbo {features.version('jpg')}), pyvips "
        f"{pyvips.__version__} / libvips {pyvips.version(0)}.{pyvips.version(1)}.{pyvips.version(2)}"
    )
    print(f"  derivatives/s: ours | pyvips ({threads} threads) | pyvips (1 thread); ours/pyvips")
    for name, size, our_size, vips_size, m in rows:
        note = "" if our_size == vips_size else f"  (display {our_size} vs pyvips {vips_size})"
        print(
            f"  {name:28s} {size:>10s} {2 / m['ours']:7.1f} | {2 / m['vips']:7.1f} | "
            f"{2 / m['vips1']:7.1f};  {m['vips'] / m['ours']:4.2f}x{note}"
        )
    totals = {k: sum(r[4][k] for r in rows) for k in ("ours", "vips", "vips1")}
    count = 2 * len(rows)
    print(
        f"  {'total (' + str(len(rows)) + ' photos)':28s} {'':>10s} {count / totals['ours']:7.1f} | "
        f"{count / totals['vips']:7.1f} | {count / totals['vips1']:7.1f};  "
        f"{totals['vips'] / totals['ours']:4.2f}x"
    )
    without_big = {k: v - rows[-1][4][k] for k, v in totals.items()}
    print(
        f"  {'total without the 50 MP':28s} {'':>10s} {count - 2:.0f} derivatives: "
        f"{(count - 2) / without_big['ours']:7.1f} | {(count - 2) / without_big['vips']:7.1f} | "
        f"{(count - 2) / without_big['vips1']:7.1f};  {without_big['vips'] / without_big['ours']:4.2f}x"
    )
    for line in skipped:
        print(f"  skipped: {line}")

    print(
        f"Peak memory on the generated 50 MP photo ({big.stat().st_size / 1e6:.1f} MB JPEG), fresh processes:"
    )
    for label, (outcome, width, height, before, peak, seconds) in memory(big):
        print(
            f"  {label:28s} VmHWM {int(peak):4d} MB (at start {int(before):3d} MB), {seconds} s, "
            f"{outcome}, display {width}x{height}"
        )
    load_after = os.getloadavg()
    print(
        f"Machine: {os.cpu_count()} CPUs; load average {load_before[0]:.2f} before, "
        f"{load_after[0]:.2f} after (1 min)"
    )
    print(f"Command: {COMMAND}")
    big.unlink()
    workdir.rmdir()


if __name__ == "__main__":
    main()
