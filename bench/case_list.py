"""The permission-scoped, filtered case list at 1,000,000 reports and 200,000 inspections.

On a fresh PostgreSQL database the script loads BENCH_REPORTS synthetic reports (spread
over the 34 provincial units and two years, 40 % still open, each with its nearest
deadline), BENCH_INSPECTIONS inspections of 20,000 operators, and 300,000 photos. Then:

1. it counts the SQL queries of `GET /api/v1/complaints` for page sizes 1, 25 and 100,
   for a provincial complaint officer (unit scope plus object permissions) and for
   national staff (every unit), with filters;
2. it serves the API with gunicorn (3 workers) and measures requests/s and latency of
   the filtered lists, the search, and a bare endpoint (GET /api/v1/public/proof-key)
   in the same run, from 4 client threads for BENCH_SECONDS each;
3. it prints the plan PostgreSQL chose for an accent-insensitive search.

Run:  make bench-case-list   (or: .venv/bin/python bench/case_list.py)
Smaller: BENCH_REPORTS=100000 BENCH_INSPECTIONS=20000 .venv/bin/python bench/case_list.py
"""

import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("BENCH_PORT", "8091"))
REPORTS = int(os.environ.get("BENCH_REPORTS", "1000000"))
INSPECTIONS = int(os.environ.get("BENCH_INSPECTIONS", "200000"))
PHOTOS = int(os.environ.get("BENCH_PHOTOS", str(REPORTS * 3 // 10)))
SECONDS = float(os.environ.get("BENCH_SECONDS", "15"))
THREADS = 4
DATABASE = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/market_surveillance_bench_cases"
)
COMMAND = ".venv/bin/python bench/case_list.py"
CHUNK = 100_000


def sh(*args, **kwargs):
    return subprocess.run(args, check=True, cwd=ROOT, **kwargs)


def fresh_database() -> None:
    name = DATABASE.rsplit("/", 1)[1]
    admin = DATABASE.rsplit("/", 1)[0] + "/postgres"
    sh("psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name}")
    sh("psql", admin, "-qc", f"CREATE DATABASE {name}")
    sh(sys.executable, "manage.py", "migrate", "-v0", env={**os.environ, "DATABASE_URL": DATABASE})


def timed(label: str):
    class Timer:
        def __enter__(self):
            self.start = time.perf_counter()
            return self

        def __exit__(self, *exc):
            print(f"  {label}: {time.perf_counter() - self.start:.1f} s", flush=True)

    return Timer()


PRODUCTS = [
    ("Nước mắm", "nuoc mam"),
    ("Dầu ăn", "dau an"),
    ("Sữa tươi", "sua tuoi"),
    ("Gạo thơm", "gao thom"),
    ("Mì ăn liền", "mi an lien"),
    ("Nước giặt", "nuoc giat"),
    ("Bột ngọt", "bot ngot"),
    ("Mũ bảo hiểm", "mu bao hiem"),
    ("Bình gas", "binh gas"),
    ("Đồ chơi trẻ em", "do choi tre em"),
]
SELLERS = [
    ("Tạp hóa Minh Tâm", "tap hoa minh tam"),
    ("Cửa hàng Thành Công", "cua hang thanh cong"),
    ("Đại lý Hòa Bình", "dai ly hoa binh"),
    ("Siêu thị Phúc Lộc", "sieu thi phuc loc"),
    ("Shop Hương Giang", "shop huong giang"),
]


def _sql_array(values) -> str:
    return "ARRAY[" + ",".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def seed(connection, officer_id: int, typical) -> None:
    from registry.models import ProductCategory, Unit

    units = list(
        Unit.objects.filter(kind="provincial").order_by("pk").values_list("pk", "province_id")
    )
    unit_ids = "ARRAY[" + ",".join(str(u) for u, _p in units) + "]"
    province_ids = "ARRAY[" + ",".join(str(p) for _u, p in units) + "]"
    categories = (
        "ARRAY["
        + ",".join(str(c) for c in ProductCategory.objects.values_list("pk", flat=True))
        + "]"
    )
    n_units = len(units)
    names, folded = _sql_array(p for p, _f in PRODUCTS), _sql_array(f for _p, f in PRODUCTS)
    sellers, sellers_folded = _sql_array(s for s, _f in SELLERS), _sql_array(f for _s, f in SELLERS)
    kinds = _sql_array(["quality", "measurement", "label", "fake_mark", "counterfeit", "expired"])
    # 40 % open (received, acknowledged, triaged, under inspection), 60 % closed.
    statuses = _sql_array(
        ["received", "acknowledged", "triaged", "under_inspection"]
        + ["resolved"] * 4
        + ["rejected", "merged"]
    )
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS complaint_search_fts")
        cursor.execute("DROP INDEX IF EXISTS inspection_search_fts")
        with timed(f"{REPORTS:,} reports"):
            for start in range(0, REPORTS, CHUNK):
                stop = min(start + CHUNK, REPORTS)
                cursor.execute(
                    f"""
                    INSERT INTO complaints_complaint (
                        tracking_number, receipt_digest, receipt_key_version, kind, channel,
                        nature, product_name, product_brand, product_gtin, product_batch,
                        seller_name, seller_address, seller_url, seller_tax_code, description,
                        status, received_at, outcome, unit_id, seller_province_id,
                        product_category_id, assigned_to_id, due_at, search_text,
                        product_key, seller_key, seller_url_key)
                    SELECT
                        'PA-B-' || g, md5(g::text) || md5('r' || g::text), 1,
                        ({kinds})[1 + g % 6], 'web',
                        CASE WHEN g % 50 = 0 THEN 'denunciation' ELSE 'report' END,
                        ({names})[1 + g % 10] || ' lô ' || (g % 997), '', '', '',
                        ({sellers})[1 + (g / 7) % 5] || ' ' || (g % 389),
                        (g % 300) || ' Trần Phú', '', '',
                        'Sản phẩm có dấu hiệu không đạt chất lượng, đề nghị kiểm tra.',
                        st.status, r.at, '', ({unit_ids})[1 + g % {n_units}],
                        ({province_ids})[1 + g % {n_units}],
                        ({categories})[1 + g % array_length({categories}, 1)],
                        CASE WHEN g % {n_units * 3} = 0 THEN {officer_id} END,
                        CASE WHEN st.status IN ('resolved', 'rejected', 'merged') THEN NULL
                             ELSE r.at + interval '10 days' END,
                        'pa b ' || g || ' ' || ({folded})[1 + g % 10] || ' lo ' || (g % 997)
                            || ' ' || ({sellers_folded})[1 + (g / 7) % 5] || ' ' || (g % 389)
                            || ' san pham co dau hieu khong dat chat luong',
                        '', '', ''
                    FROM generate_series({start + 1}, {stop}) AS g,
                    LATERAL (SELECT ({statuses})[1 + (g * 7) % 10] AS status) st,
                    LATERAL (SELECT now() - (g % 730) * interval '1 day'
                                          - (g % 86400) * interval '1 second' AS at) r
                    """
                )
        with timed("20,000 operators"):
            cursor.execute(
                """
                INSERT INTO registry_economicoperator
                    (name, kind, tax_code, role, address, shop_url, created_at, name_folded)
                SELECT 'Công ty TNHH Thương mại ' || g, 'organisation', NULL, 'retailer',
                       g || ' Lê Lợi', '', now(), 'cong ty tnhh thuong mai ' || g
                FROM generate_series(1, 20000) AS g
                """
            )
        with timed(f"{INSPECTIONS:,} inspections"):
            cursor.execute("SELECT min(id) FROM registry_economicoperator")
            first_operator = cursor.fetchone()[0]
            cursor.execute(
                f"""
                INSERT INTO inspections_inspection (
                    kind, legal_ground, legal_ground_note, scopes, place, decision_number,
                    status, created_at, created_by_id, operator_id, unit_id, outcome_text,
                    search_text)
                SELECT 'ad_hoc', 'warning', '', '["label", "goods_quality"]'::jsonb, 'Chợ',
                       g || '/QĐ-B', (ARRAY['decided','on_site','concluded','closed'])[1 + g % 4],
                       now() - (g % 730) * interval '1 day', {officer_id},
                       {first_operator} + g % 20000, ({unit_ids})[1 + g % {n_units}], '',
                       g || ' qd b cong ty tnhh thuong mai ' || (g % 20000) || ' cho'
                FROM generate_series(1, {INSPECTIONS}) AS g
                """
            )
        with timed(f"{PHOTOS:,} photos"):
            cursor.execute("SELECT min(id), max(id) FROM complaints_complaint")
            low, high = cursor.fetchone()
            cursor.execute(
                f"""
                INSERT INTO complaints_complaintphoto (state, quarantine_name, quarantine_bytes,
                    display, thumb, error_code, created_at, complaint_id)
                SELECT 'ready', '', 0, 'x.jpg', 'x-thumb.jpg', '', now(),
                       {low} + (g * 3) % ({high} - {low} + 1)
                FROM generate_series(1, {PHOTOS}) AS g
                """
            )
        with timed("object permissions of the officer (2,000 reports of other units)"):
            cursor.execute(
                """
                INSERT INTO complaints_complaintuserobjectpermission
                    (content_object_id, permission_id, user_id)
                SELECT c.id, p.id, %s FROM complaints_complaint c,
                    auth_permission p JOIN django_content_type t ON t.id = p.content_type_id
                WHERE t.app_label = 'complaints' AND p.codename IN ('view_complaint', 'change_complaint')
                  AND c.id %% 500 = 1
                LIMIT 4000
                """,
                [officer_id],
            )
        with timed("object permissions of an officer on reports of their own unit"):
            cursor.execute(
                """
                INSERT INTO complaints_complaintuserobjectpermission
                    (content_object_id, permission_id, user_id)
                SELECT c.id, p.id, %s FROM complaints_complaint c,
                    auth_permission p JOIN django_content_type t ON t.id = p.content_type_id
                WHERE t.app_label = 'complaints'
                  AND p.codename IN ('view_complaint', 'change_complaint')
                  AND c.unit_id = %s AND c.id %% 3 = 0 AND c.assigned_to_id IS NOT NULL
                """,
                [typical.pk, typical.unit_id],
            )
        with timed("full-text indexes"):
            for table, name in (
                ("complaints_complaint", "complaint_search_fts"),
                ("inspections_inspection", "inspection_search_fts"),
            ):
                cursor.execute(
                    f"CREATE INDEX {name} ON {table} "
                    "USING gin (to_tsvector('simple'::regconfig, search_text))"
                )
    with timed("VACUUM ANALYZE"):
        connection.ensure_connection()
        raw = connection.connection
        raw.autocommit = True
        with raw.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


LISTS = {
    "officer of one unit, open queue, 25/page": ("typical", "/api/v1/complaints?page_size=25"),
    "officer of one unit, overdue, kind, 100/page": (
        "typical",
        "/api/v1/complaints?queue=overdue&kind=quality&page_size=100",
    ),
    "officer with 2,000 reports of other units, open queue, 25/page": (
        "officer",
        "/api/v1/complaints?page_size=25",
    ),
    "officer with 2,000 reports of other units, overdue, kind, 100/page": (
        "officer",
        "/api/v1/complaints?queue=overdue&kind=quality&page_size=100",
    ),
    "officer with 2,000 reports of other units, due soon, 25/page": (
        "officer",
        "/api/v1/complaints?queue=due_soon&page_size=25",
    ),
    "officer, search 'nuoc mam'": (
        "officer",
        "/api/v1/complaints?queue=all&q=nuoc%20mam&page_size=25",
    ),
    "national, province + category, 25/page": (
        "national",
        "/api/v1/complaints?queue=all&province_id={province}&category_id={category}&page_size=25",
    ),
    "national, due soon, 100/page": ("national", "/api/v1/complaints?queue=due_soon&page_size=100"),
    "national, search 'nuoc mam minh tam'": (
        "national",
        "/api/v1/complaints?queue=all&q=nuoc%20mam%20minh%20tam&page_size=25",
    ),
}


def count_queries(tokens: dict, params: dict) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    worst = 0
    print("\nSQL queries per request (the first request of a client warms its caches):")
    for label, (who, url) in LISTS.items():
        client = Client(HTTP_AUTHORIZATION=f"Bearer {tokens[who]}", SERVER_NAME="localhost")
        counts = []
        for size in (1, 25, 100):
            sized = url.format(**params).replace("page_size=25", f"page_size={size}")
            sized = sized.replace("page_size=100", f"page_size={size}")
            client.get(sized)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(sized)
            assert response.status_code == 200, response.content[:300]
            counts.append(len(queries))
        worst = max(worst, *counts)
        print(f"  {label}: page size 1 / 25 / 100 -> {counts[0]} / {counts[1]} / {counts[2]}")
    return worst


def serve() -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": DATABASE,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DEBUG": "False",
    }
    env.pop("CELERY_BROKER_URL", None)
    process = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "config.wsgi",
            "-w",
            "3",
            "-b",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/api/v1/public/proof-key", timeout=2)
            return process
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def load(url: str, token: str | None) -> dict:
    latencies, errors = [], []
    deadline = time.perf_counter() + SECONDS
    headers = {"Authorization": f"Bearer {token}"} if token else {}

    def worker():
        while time.perf_counter() < deadline:
            request = urllib.request.Request(f"http://127.0.0.1:{PORT}{url}", headers=headers)
            began = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    response.read()
                    if response.status != 200:
                        errors.append(response.status)
            except Exception as exc:
                errors.append(repr(exc))
            latencies.append(time.perf_counter() - began)

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    latencies.sort()
    return {
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p95": latencies[int(len(latencies) * 0.95) - 1] * 1000,
        "n": len(latencies),
        "errors": len(errors),
    }


def explain_search(connection) -> None:
    from complaints.models import Complaint
    from registry.search import text_matches

    qs = text_matches(Complaint.objects.all(), "nuoc mam minh tam").order_by("-received_at")[:25]
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS OFF) {sql}", params)
        print("\nPlan of a search for 'nuoc mam minh tam' (newest 25):")
        for (line,) in cursor.fetchall():
            print("  " + line)


def main() -> None:
    os.environ["DATABASE_URL"] = DATABASE
    os.environ.pop("CELERY_BROKER_URL", None)
    print(f"Case list benchmark: {REPORTS:,} reports, {INSPECTIONS:,} inspections (PostgreSQL)")
    print("Loading data:")
    with timed("migrate"):
        fresh_database()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.contrib.auth.models import Group
    from django.db import connection

    from registry.models import ProductCategory, Province, Role, Unit, User
    from registry.roles import sync_role_groups
    from registry.services import api_token_create

    sync_role_groups()
    officer = User.objects.create_user("canbo.bench", unit=Unit.objects.get(code="01"))
    officer.groups.add(Group.objects.get(name=Role.COMPLAINT_OFFICER))
    # An officer holding object permissions on reports of their own unit, as
    # complaint_assign grants them: the usual case.
    typical = User.objects.create_user("tiepnhan.bench", unit=Unit.objects.get(code="01"))
    typical.groups.add(Group.objects.get(name=Role.COMPLAINT_OFFICER))
    national = User.objects.create_user("lanhdao.bench", unit=Unit.objects.get(code="TW"))
    national.groups.add(Group.objects.get(name=Role.SUPERVISOR))
    seed(connection, officer.pk, typical)
    tokens = {
        "typical": api_token_create(user=typical, name="bench")[1],
        "officer": api_token_create(user=officer, name="bench")[1],
        "national": api_token_create(user=national, name="bench")[1],
    }
    params = {
        "province": Province.objects.get(code="01").pk,
        "category": ProductCategory.objects.order_by("pk").first().pk,
    }
    worst = count_queries(tokens, params)
    explain_search(connection)
    connection.close()

    server = serve()
    try:
        print(f"\nLoad: {THREADS} client threads, {SECONDS:.0f} s each, gunicorn with 3 workers:")
        results = {
            "bare endpoint (GET /api/v1/public/proof-key)": load("/api/v1/public/proof-key", None)
        }
        for label, (who, url) in LISTS.items():
            results[label] = load(url.format(**params), tokens[who])
        for label, r in results.items():
            print(
                f"  {label}: {r['rps']:.1f} requests/s, p50 {r['p50']:.0f} ms, "
                f"p95 {r['p95']:.0f} ms, {r['n']} requests, {r['errors']} errors"
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    print(f"\nAt most {worst} queries per list request, whatever the page size (target: 6).")
    print(f"Command: {COMMAND}")
    print(json.dumps({"reports": REPORTS, "inspections": INSPECTIONS, "max_queries": worst}))


if __name__ == "__main__":
    main()
