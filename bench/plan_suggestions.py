"""Risk-based plan suggestions for a province of tens of thousands of operators, and for
the national unit (every operator in the country).

Loads into a fresh database BENCH_SUGGEST_OPERATORS operators in Hà Nội (province 01)
and as many again spread over the other provinces, with the signals the score counts
(inspections/suggestions.py, violations/plan_signals.py): two reports each for a third of
the operators (received over the last two years, one in ten merged, which does not
count); inspections of half of them (one in five of those twice), decided, concluded or
closed, one in ten cancelled, decided over the last five years; a failed sample on one
inspection in ten, a product alert on a third of those (one in ten of the alerts
withdrawn, which does not count) and a violation record with one violation on one
inspection in twenty; the rows are picked by a hash of their ids. Then a draft plan
of the Hà Nội unit and one of the national unit, each with 20 targets and 10 skipped
suggestions, which the suggestions leave out.

It measures `plan_suggestions(plan=...)` for each plan (its unit loaded, as
inspections.selectors.plan_get gives it to the page and the API): the SQL queries of
one call (there must be exactly 1 SELECT, whatever the number of operators: the script
exits 1 otherwise; plan_suggestions runs it in a transaction with JIT off), then the
median and max wall time of BENCH_SUGGEST_RUNS calls after that first one; PostgreSQL's
EXPLAIN ANALYZE time of each query as plan_suggestions runs it; and, for comparison only
(not a RESULT), the same query with the server's JIT setting, which compiled it for
1.6 s of its 2 s before plan_suggestions turned JIT off.

Reference, measured in the same run on the same data: the plain list of the area's
first 50 operators by name (`EconomicOperator.objects.filter(province=...)`, no score,
no signal; every operator for the national unit), the cost of listing the area without
ranking it.

Environment (bench/stack.py): BENCH_DATABASE_URL (default the PostgreSQL database
market_surveillance_bench_suggestions, dropped and rebuilt), BENCH_SUGGEST_OPERATORS
(40,000 in Hà Nội and as many elsewhere; 300 with BENCH_SMOKE=1), BENCH_SUGGEST_RUNS
(7; 2). No Redis, no server: the calls run in this process.

Run:  make bench-plan-suggestions   (or: .venv/bin/python bench/plan_suggestions.py)
"""

import json
import os
import statistics
import sys
import tempfile
import time
from datetime import date

import stack

OPERATORS = stack.scale("BENCH_SUGGEST_OPERATORS", 40_000, 300)
RUNS = stack.scale("BENCH_SUGGEST_RUNS", 7, 2)
DATABASE = stack.database_url("market_surveillance_bench_suggestions")
COMMAND = ".venv/bin/python bench/plan_suggestions.py"
TARGETS, SKIPS = 20, 10

PREFIXES = ("Công ty TNHH ", "Cửa hàng ", "Đại lý ", "Hộ kinh doanh ", "Siêu thị ")
TRADES = ("Thương mại ", "Thực phẩm ", "Điện máy ", "Mỹ phẩm ", "Vật liệu ", "Đồ chơi ")


def one_in(n: int, salt: str, *keys: str) -> str:
    """SQL true for about one row in `n`, chosen by a hash of the row's `keys` (ids
    taken in insertion order would fall in step with the other choices)."""
    text = " || '-' || ".join((f"'{salt}'", *keys))
    return f"abs(hashtext({text})) % {n} = 0"


def sql_array(values) -> str:
    return "ARRAY[" + ",".join("'" + str(v).replace("'", "''") + "'" for v in values) + "]"


def load(cursor, *, hanoi: int, others: list[int], user: int) -> None:
    """The operators and their signals, in SQL (INSERT ... SELECT)."""
    from registry.text import fold

    prefixes, prefixes_folded = sql_array(PREFIXES), sql_array(fold(p) for p in PREFIXES)
    trades, trades_folded = sql_array(TRADES), sql_array(fold(t) for t in TRADES)
    provinces = "ARRAY[" + ",".join(str(p) for p in others) + "]"
    # The first OPERATORS in Hà Nội, the next OPERATORS over the other provinces.
    cursor.execute(
        f"""
        INSERT INTO registry_economicoperator
            (name, kind, tax_code, role, address, province_id, shop_url, created_at,
             name_folded)
        SELECT ({prefixes})[1 + g % 5] || ({trades})[1 + (g / 5) % 6] || g,
               'organisation', NULL,
               (ARRAY['producer','importer','distributor','retailer','ecommerce'])[1 + g % 5],
               (g % 500) || ' Lê Lợi',
               CASE WHEN g <= {OPERATORS} THEN {hanoi}
                    ELSE ({provinces})[1 + g % {len(others)}] END,
               '', now(),
               ({prefixes_folded})[1 + g % 5] || ({trades_folded})[1 + (g / 5) % 6] || g
        FROM generate_series(1, {2 * OPERATORS}) AS g
        """
    )
    # Two reports each for a third of the operators, to the unit of their province.
    cursor.execute(
        """
        INSERT INTO complaints_complaint (
            tracking_number, receipt_digest, receipt_key_version, kind, channel, nature,
            product_name, product_brand, product_gtin, product_batch, seller_name,
            seller_address, seller_url, seller_tax_code, description, status, received_at,
            outcome, unit_id, seller_province_id, operator_id, search_text, product_key,
            seller_key, seller_url_key, retention_hold, retention_hold_reason)
        SELECT 'PA-S-' || o.id || '-' || k, md5(o.id || '-' || k) || md5('r' || o.id || k),
               1, 'quality', 'web', 'report', 'Nước mắm lô ' || k, '', '', '', o.name,
               o.address, '', '', 'Sản phẩm có dấu hiệu không đạt chất lượng.',
               (ARRAY['received','triaged','under_inspection','resolved','resolved',
                      'rejected','triaged','resolved','received','merged'])[1 + (o.id + k) % 10],
               now() - ((o.id * 7 + k * 131) % 730) * interval '1 day'
                     - (o.id % 86400) * interval '1 second',
               '', u.id, o.province_id, o.id, o.name_folded || ' nuoc mam lo ' || k,
               'nuoc mam', '', '', false, ''
        FROM registry_economicoperator o
        JOIN registry_unit u ON u.province_id = o.province_id,
        generate_series(1, 2) AS k
        WHERE o.id % 3 = 0
        """
    )
    # Inspections of half of them (one in five twice), by the unit of their province.
    cursor.execute(
        f"""
        INSERT INTO inspections_inspection (
            kind, legal_ground, legal_ground_note, scopes, place, decision_number,
            decision_date, status, created_at, created_by_id, operator_id, unit_id,
            outcome_text, search_text, goods, repeat_reason, repeat_note)
        SELECT 'planned', 'annual_plan', '', '["label", "goods_quality"]'::jsonb, o.address,
               o.id || '-' || k || '/QĐ-S', current_date - d.days,
               CASE WHEN {one_in(10, "cancelled", "o.id", "k")} THEN 'cancelled'
                    ELSE (ARRAY['decided','concluded','closed'])[1 + (o.id + k) % 3] END,
               now() - (d.days + 3) * interval '1 day', {user}, o.id, u.id, '',
               o.id || ' ' || k || ' qd s ' || o.name_folded, '', '', ''
        FROM registry_economicoperator o
        JOIN registry_unit u ON u.province_id = o.province_id,
        generate_series(1, 2) AS k,
        LATERAL (SELECT ((o.id * 37 + k * 211) % 1826)::int AS days) d
        WHERE o.id % 2 = 1 AND (k = 1 OR o.id % 5 = 1)
        """
    )
    # A failed sample on one inspection in ten, taken within two years.
    cursor.execute(
        f"""
        INSERT INTO inspections_sample (
            client_uuid, inspection_id, product_name, batch, quantity_per_unit,
            test_unit_seal, retained_unit_seal, sampling_record_number, sampled_at,
            sampled_by_id, lab_name, test_report_number, test_report_pdf,
            test_report_sha256, conforming, status, risk_hazard, risk_level,
            risk_probability, risk_reasoning)
        SELECT md5('sample' || i.id)::uuid, i.id, 'Mũ bảo hiểm', '', '', 'T' || i.id,
               'R' || i.id, 'BB' || i.id, now() - ((i.id * 13) % 730) * interval '1 day',
               {user}, '', '', '', '', false, 'tested', '', '', '', ''
        FROM inspections_inspection i
        WHERE {one_in(10, "sample", "i.id")} AND i.status <> 'cancelled'
        """
    )
    # A product alert on a third of the inspections with a failed sample (one in ten of
    # those withdrawn).
    cursor.execute(
        f"""
        INSERT INTO inspections_productalert (
            inspection_id, product_name, brand, barcode, batch, operator_name,
            operator_address, defect, measures, published_on, published_by_id, status,
            withdrawal_reason, search_text, created_at, risk_hazard, risk_level,
            risk_probability, risk_reasoning)
        SELECT i.id, 'Mũ bảo hiểm', '', '', '', o.name, o.address,
               'Không đạt QCVN 2:2021/BKHCN', '', current_date - ((i.id * 17) % 700)::int,
               {user}, CASE WHEN {one_in(10, "withdrawn", "i.id")} THEN 'withdrawn'
                            ELSE 'published' END,
               '', 'mu bao hiem', now(), '', '', '', ''
        FROM inspections_inspection i JOIN registry_economicoperator o ON o.id = i.operator_id
        WHERE {one_in(3, "alert", "i.id")}
          AND i.id IN (SELECT inspection_id FROM inspections_sample)
        """
    )
    # A violation record with one violation on one in twenty.
    cursor.execute(
        f"""
        INSERT INTO inspections_violationrecord (
            number, inspection_id, violator_id, violator_is_organisation, place,
            representative_name, representative_position, representative_statement,
            representative_refused, witness_name, witness_address, refusal_reason,
            needs_verification, extension_reason, dismissal_reason, status, content, pdf,
            pdf_sha256, created_by_id, created_at, risk_hazard, risk_level,
            risk_probability, risk_reasoning)
        SELECT i.id || '/BB-S', i.id, i.operator_id, true, i.place, '', '', '', false, '',
               '', '', false, '', '', 'signed', '{{}}'::jsonb, '', '', {user},
               now() - ((i.id * 11) % 730) * interval '1 day', '', '', '', ''
        FROM inspections_inspection i
        WHERE {one_in(20, "violation", "i.id")} AND i.status <> 'cancelled'
        """
    )
    cursor.execute(
        """
        INSERT INTO inspections_violation (record_id, provision_id, description, committed_on,
                                           "order")
        SELECT r.id, (SELECT min(id) FROM registry_legalprovision),
               'Kinh doanh hàng hóa không đạt quy chuẩn', r.created_at::date, 0
        FROM inspections_violationrecord r
        """
    )


def area_plan(unit, user, operators):
    """A draft plan of `unit` for next year, with TARGETS targets and SKIPS skipped
    suggestions among `operators` (the suggestions leave both out)."""
    from inspections.models import InspectionPlan, PlanSuggestionSkip, PlanTarget

    year = date.today().year + 1
    plan = InspectionPlan.objects.create(
        unit=unit,
        title=f"Kế hoạch kiểm tra năm {year}",
        period_start=date(year, 1, 1),
        period_end=date(year, 12, 31),
        created_by=user,
    )
    picked = list(operators.order_by("pk").values_list("pk", flat=True)[: TARGETS + SKIPS])
    PlanTarget.objects.bulk_create(
        PlanTarget(plan=plan, operator_id=pk, note="Theo kế hoạch năm") for pk in picked[:TARGETS]
    )
    PlanSuggestionSkip.objects.bulk_create(
        PlanSuggestionSkip(plan=plan, operator_id=pk, skipped_by=user) for pk in picked[TARGETS:]
    )
    return plan


def timed(call, runs: int) -> list[float]:
    """The wall time in seconds of each of `runs` calls."""
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        call()
        times.append(time.perf_counter() - began)
    return times


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 0.01 else f"{seconds * 1000:.0f} ms"


def main() -> None:
    print(f"Load average at start: {stack.load_average()}", flush=True)
    var = tempfile.mkdtemp(prefix="bench-plan-suggestions-")
    os.environ.update({"VAR_DIR": var, "MEDIA_ROOT": f"{var}/media"})
    for name in ("DATABASE_URL", "DATABASE_REPLICA_URL", "CELERY_BROKER_URL", "CACHE_URL"):
        os.environ.pop(name, None)
    stack.new_database(DATABASE)
    stack.print_pg_settings(DATABASE)
    os.environ["DATABASE_URL"] = DATABASE
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(stack.ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    from complaints.models import Complaint
    from inspections.models import Inspection, Sample
    from inspections.suggestions import (
        LIMIT,
        area_operators,
        plan_suggestions,
        registered_signals,
        scored,
    )
    from registry.models import EconomicOperator, Province, Unit, User
    from violations.models import ProductAlert, Violation

    hanoi = Province.objects.get(code="01")
    hanoi_unit = Unit.objects.get(province=hanoi)
    national_unit = Unit.objects.get(kind=Unit.Kind.NATIONAL)
    others = list(
        Unit.objects.filter(province__isnull=False)
        .exclude(province=hanoi)
        .order_by("province__code")
        .values_list("province_id", flat=True)
    )
    user = User.objects.create(
        username="kehoach.bench", full_name="Cán bộ kế hoạch", unit=hanoi_unit
    )
    began = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        load(cursor, hanoi=hanoi.pk, others=others, user=user.pk)
    province_plan = area_plan(hanoi_unit, user, EconomicOperator.objects.filter(province=hanoi))
    national_plan = area_plan(national_unit, user, EconomicOperator.objects.all())
    loading = time.perf_counter() - began
    connection.ensure_connection()
    raw = connection.connection
    raw.autocommit = True
    with raw.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")

    in_hanoi = EconomicOperator.objects.filter(province=hanoi).count()
    everyone = EconomicOperator.objects.count()
    print(
        f"Data, loaded in {loading:.1f} s (then VACUUM ANALYZE): {everyone:,} operators "
        f"({in_hanoi:,} in Hà Nội, the rest over {len(others)} other provinces), "
        f"{Complaint.objects.count():,} reports "
        f"({Complaint.objects.filter(status=Complaint.Status.MERGED).count():,} merged), "
        f"{Inspection.objects.count():,} inspections "
        f"({Inspection.objects.filter(status=Inspection.Status.CANCELLED).count():,} "
        f"cancelled), {Sample.objects.filter(conforming=False).count():,} failed samples, "
        f"{ProductAlert.objects.count():,} product alerts, "
        f"{Violation.objects.count():,} violations; each plan has {TARGETS} targets and "
        f"{SKIPS} skipped suggestions",
        flush=True,
    )
    print(
        "Signals scored: "
        + ", ".join(f"{s.key} (weight {s.weight})" for s in registered_signals()),
        flush=True,
    )
    print(f"PostgreSQL, {os.cpu_count()} cores; {RUNS} timed runs each", flush=True)

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        jit_setting = f"jit = {cursor.fetchone()[0]}"
    failures = []
    for label, plan, operators, area in (
        ("province", province_plan, EconomicOperator.objects.filter(province=hanoi), in_hanoi),
        ("national", national_plan, EconomicOperator.objects.all(), everyone),
    ):
        with CaptureQueriesContext(connection) as captured:
            found = plan_suggestions(plan=plan)
        # The scoring SELECT; the others are the transaction that turns JIT off for it.
        queries = [q for q in captured.captured_queries if q["sql"].startswith("SELECT")]
        if len(queries) != 1:
            failures.append(f"{label}: {len(queries)} queries instead of 1")
        if not found:
            failures.append(f"{label}: no suggestion")
        if label == "province" and any(s.operator.province_id != hanoi.pk for s in found):
            failures.append("province: a suggestion from another province")
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")  # as plan_suggestions runs it
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + queries[0]["sql"])
            explained = cursor.fetchone()[0]
        explained = (explained if isinstance(explained, list) else json.loads(explained))[0]
        jit = explained.get("JIT", {}).get("Timing", {}).get("Total")
        print(
            f"  EXPLAIN ANALYZE of the {label} query: execution "
            f"{explained['Execution Time']:.0f} ms ("
            + (f"of which JIT compilation {jit:.0f} ms" if jit is not None else "no JIT")
            + f"), planning {explained['Planning Time']:.1f} ms",
            flush=True,
        )
        top = found[0] if found else None
        if top:
            print(
                f"  {label}: {len(found)} suggestions, the first {top.operator.name} "
                f"({top.score} points: {'; '.join(top.reasons)})",
                flush=True,
            )
        times = timed(lambda plan=plan: plan_suggestions(plan=plan), RUNS)
        reference = timed(lambda qs=operators: list(qs.order_by("name")[:50]), RUNS)
        what = "province" if label == "province" else "national unit"
        stack.result(
            f"plan suggestions, {what} of {area:,} operators: "
            f"median {ms(statistics.median(times))}, max {ms(max(times))}, "
            f"{len(queries)} {'query' if len(queries) == 1 else 'queries'}; reference "
            f"(50 operators by name, no score) {ms(statistics.median(reference))}"
        )
        # For comparison only: the same query with the server's JIT setting, which
        # compiles it when its estimated cost passes jit_above_cost (as the correlated
        # counts over a whole province do); plan_suggestions turns JIT off for it.
        with_jit = timed(
            lambda plan=plan: list(scored(area_operators(plan))[:LIMIT]), max(2, RUNS // 2)
        )
        print(
            f"  {label}, for comparison with the server's JIT setting "
            f"({jit_setting}): median {ms(statistics.median(with_jit))}, "
            f"max {ms(max(with_jit))}",
            flush=True,
        )
    print(f"Load average at end: {stack.load_average()}")
    print(f"Command: {COMMAND}")
    if failures:
        print("FAILED: " + "; ".join(failures))
        sys.exit(1)


if __name__ == "__main__":
    main()
