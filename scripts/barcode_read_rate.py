"""Read every test photo in tests/fixtures/barcodes/ the way the photo workers do and
print the read rate, the false reads and the time per photo.

    /work/main/.venv/bin/python scripts/barcode_read_rate.py [--dir DIR]

"Read" counts photos whose expected GTIN (and batch, expiry) came out; a "false read" is
any proposal on a photo that should give none or a GTIN other than the one printed.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> int:
    import django

    django.setup()
    from registry.barcodes import read_best
    from registry.images import make_clean_copies  # noqa: F401  (registers HEIF as the workers do)

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=ROOT / "tests" / "fixtures" / "barcodes")
    folder = parser.parse_args().dir
    manifest = json.loads((folder / "manifest.json").read_text())
    read = expected = false_reads = 0
    times = []
    for entry in manifest:
        from PIL import Image

        with Image.open(folder / entry["file"]) as im:
            im.load()
            started = time.perf_counter()
            reading = read_best(im)
            times.append(time.perf_counter() - started)
        want = entry["expect"]
        got = None
        if reading is not None:
            got = {"gtin": reading.gtin}
            if reading.batch:
                got["batch"] = reading.batch
            if reading.expiry:
                got["expiry"] = reading.expiry.isoformat()
        if want is not None:
            expected += 1
            read += got == want
        wrong = got is not None and got != want
        false_reads += wrong
        mark = "FALSE READ" if wrong else ("ok" if got == want else "missed")
        print(f"{entry['file']:40} {times[-1] * 1000:7.0f} ms  {mark:10} {got}")
    mean = sum(times) / len(times) * 1000
    print(
        f"read {read} of {expected}, false reads {false_reads}, {mean:.0f} ms per photo "
        f"(max {max(times) * 1000:.0f} ms) over {len(manifest)} photos"
    )
    return 1 if false_reads else 0


if __name__ == "__main__":
    sys.exit(main())
