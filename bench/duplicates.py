"""Duplicate detection measured on labelled synthetic reports.

Files BENCH_DUP_REPORTS reports (complaints.synthetic: products and sellers written the
many ways citizens write them, near misses included) into a fresh SQLite database,
runs the detection each report gets after filing, and compares the links found with
the pairs truly about the same product or seller: pairwise precision and recall, and
the time per report.

Run:  make bench-duplicates   (or: .venv/bin/python bench/duplicates.py)
"""

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORTS = int(os.environ.get("BENCH_DUP_REPORTS", "1500"))
COMMAND = ".venv/bin/python bench/duplicates.py"


def main() -> None:
    var = tempfile.mkdtemp(prefix="bench-duplicates-")
    os.environ.update({"VAR_DIR": var, "MEDIA_ROOT": f"{var}/media"})
    for name in ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL"):
        os.environ.pop(name, None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import logging

    import django

    logging.disable(logging.INFO)  # the in-process task runner logs every task
    django.setup()
    from django.core.management import call_command
    from django.test.utils import override_settings

    call_command("migrate", verbosity=0)
    from complaints.duplicates import duplicates_detect
    from complaints.models import Complaint, DuplicateLink
    from complaints.services import complaint_submit
    from complaints.synthetic import labelled_reports, precision_recall
    from registry.models import Province

    products, sellers = max(20, REPORTS // 8), max(20, REPORTS // 8)
    reports = labelled_reports(reports=REPORTS, products=products, sellers=sellers, seed=2026)
    hanoi = Province.objects.get(code="01")
    made = []
    with override_settings(COMPLAINT_SUBMIT_LIMIT=10**9):
        for n, report in enumerate(reports):
            filed = complaint_submit(
                **report.fields, seller_province=hanoi, network_key=f"bench-{n}"
            )
            made.append(filed.complaint.pk)
    # Filing ran the detection already (tasks run in-process here); measure it afresh.
    DuplicateLink.objects.all().delete()
    Complaint.objects.update(duplicate_group=None)
    began = time.perf_counter()
    for pk in made:
        duplicates_detect(pk)
    elapsed = time.perf_counter() - began
    linked = set(DuplicateLink.objects.values_list("first_id", "second_id"))
    precision, recall, tp, fp, fn = precision_recall(reports, made, linked)
    groups = Complaint.objects.exclude(duplicate_group=None).values("duplicate_group").distinct()
    print(
        f"Duplicate detection on {REPORTS} labelled reports ({products} products, {sellers} sellers)"
    )
    print(f"  true pairs: {tp + fn}, links found: {tp + fp}")
    print(
        f"  precision {precision:.3f}, recall {recall:.3f} (true positives {tp}, false {fp}, missed {fn})"
    )
    print(
        f"  groups: {groups.count()}; detection {elapsed / len(made) * 1000:.1f} ms per report (SQLite)"
    )
    print(f"Command: {COMMAND}")


if __name__ == "__main__":
    main()
