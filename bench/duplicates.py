"""Duplicate detection measured on labelled synthetic reports.

Files BENCH_DUP_REPORTS reports (complaints.synthetic: products and sellers written the
many ways citizens write them, near misses included) into a fresh database, runs the
detection each report gets after filing, and compares the links found with the pairs
truly about the same product or seller: pairwise precision and recall, and the time per
report. The reference, measured in the same run on the same reports: linking exactly the
reports that share an indexed key (barcode, tax code, shop link, normalised product or
seller name), which is where the detection's candidates start.

Tasks run in this process (no broker, no Redis): the figure is the detection's own work.

Environment (bench/stack.py): BENCH_DATABASE_URL (default the PostgreSQL database
market_surveillance_bench_duplicates, dropped and rebuilt; "sqlite" for a throwaway
SQLite file instead), BENCH_DUP_REPORTS (1,500; 60 with BENCH_SMOKE=1).

Run:  make bench-duplicates   (or: .venv/bin/python bench/duplicates.py)
"""

import os
import sys
import tempfile
import time
from itertools import combinations

import stack

REPORTS = stack.scale("BENCH_DUP_REPORTS", 1500, 60)
DATABASE = stack.database_url("market_surveillance_bench_duplicates")
COMMAND = ".venv/bin/python bench/duplicates.py"
KEYS = ("product_gtin", "seller_tax_code", "seller_url_key", "product_key", "seller_key")


def exact_key_links(rows: list[dict]) -> set[tuple[int, int]]:
    """The reference: every pair of reports of one unit sharing a non-empty key."""
    by_key: dict[tuple, list[int]] = {}
    for row in rows:
        for field in KEYS:
            if row[field]:
                by_key.setdefault((row["unit_id"], field, row[field]), []).append(row["pk"])
    return {tuple(sorted(pair)) for ids in by_key.values() for pair in combinations(ids, 2)}


def main() -> None:
    print(f"Load average at start: {stack.load_average()}", flush=True)
    var = tempfile.mkdtemp(prefix="bench-duplicates-")
    os.environ.update({"VAR_DIR": var, "MEDIA_ROOT": f"{var}/media"})
    for name in ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL"):
        os.environ.pop(name, None)
    on_postgres = DATABASE != "sqlite"
    if on_postgres:
        stack.new_database(DATABASE)
        stack.print_pg_settings(DATABASE)
        os.environ["DATABASE_URL"] = DATABASE
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(stack.ROOT))
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
    began = time.perf_counter()
    with override_settings(COMPLAINT_SUBMIT_LIMIT=10**9):
        for n, report in enumerate(reports):
            filed = complaint_submit(
                **report.fields, seller_province=hanoi, network_key=f"bench-{n}"
            )
            made.append(filed.complaint.pk)
    filing = time.perf_counter() - began
    # Filing ran the detection already (tasks run in-process here); measure it afresh.
    DuplicateLink.objects.all().delete()
    Complaint.objects.update(duplicate_group=None)
    began = time.perf_counter()
    for pk in made:
        duplicates_detect(pk)
    elapsed = time.perf_counter() - began
    linked = set(DuplicateLink.objects.values_list("first_id", "second_id"))
    precision, recall, tp, fp, fn = precision_recall(reports, made, linked)
    rows = list(Complaint.objects.filter(pk__in=made).values("pk", "unit_id", *KEYS))
    exact = precision_recall(reports, made, exact_key_links(rows))
    groups = Complaint.objects.exclude(duplicate_group=None).values("duplicate_group").distinct()
    backend = "PostgreSQL" if on_postgres else "SQLite"
    print(
        f"Duplicate detection on {REPORTS} labelled reports ({products} products, "
        f"{sellers} sellers), {backend}, {os.cpu_count()} cores"
    )
    print(f"  true pairs: {tp + fn}, links found: {tp + fp}, groups: {groups.count()}")
    stack.result(
        f"duplicates precision {precision:.3f} recall {recall:.3f} "
        f"(true positives {tp}, false {fp}, missed {fn}); reference, exact shared keys: "
        f"precision {exact[0]:.3f} recall {exact[1]:.3f} (missed {exact[4]})"
    )
    stack.result(
        f"duplicates detection {elapsed / len(made) * 1000:.1f} ms per report against all "
        f"{len(made)} ({backend}); filing, with its detection against the reports filed "
        f"before it, {filing / len(made) * 1000:.1f} ms per report"
    )
    print(f"Load average at end: {stack.load_average()}")
    print(f"Command: {COMMAND}")


if __name__ == "__main__":
    main()
