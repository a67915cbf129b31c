"""The permission-scoped, filtered case list at 1,000,000 reports and 200,000 inspections.

On its PostgreSQL database (BENCH_DATABASE_URL, default market_surveillance_bench_cases)
the script loads BENCH_REPORTS synthetic reports (spread over the 34 provincial units and
two years, 40 % still open, each with its nearest deadline), BENCH_INSPECTIONS
inspections of 20,000 operators and 300,000 photos; an officer of unit 01 holds
BENCH_GRANTS object permissions on OPEN reports of OTHER units. With `--reuse` a database
that already holds the asked number of reports is used as it is (after `migrate`). Then:

1. it counts the SQL queries of `GET /api/v1/complaints` and of the HTML queue
   (/complaints/) for page sizes 1, 25 and 100 (the API) and pages 1 and 400, for a
   provincial complaint officer, the officer holding the grants and a national supervisor;
2. it serves the product with gunicorn (3 workers, the cache on Redis as in production)
   and measures requests/s and latency of the lists, the HTML queue pages, the searches
   and a bare endpoint (GET /api/v1/public/proof-key) in the same run, from 4 client
   threads for BENCH_SECONDS each; each figure is a `RESULT` line beside the bare one;
3. it prints the plans PostgreSQL chose for the searches and the deep page.

Run:  make bench-case-list   (or: .venv/bin/python bench/case_list.py [--reuse])
Tiny: BENCH_SMOKE=1 .venv/bin/python bench/case_list.py
"""

import contextlib
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
sys.path.insert(0, str(ROOT))

from bench import stack  # noqa: E402

PORT = int(os.environ.get("BENCH_PORT", "8091"))
REPORTS = stack.scale("BENCH_REPORTS", 1_000_000, 2_000)
INSPECTIONS = stack.scale("BENCH_INSPECTIONS", 200_000, 500)
PHOTOS = stack.scale("BENCH_PHOTOS", REPORTS * 3 // 10, 600)
GRANTS = stack.scale("BENCH_GRANTS", 2_000, 50)
SECONDS = float(os.environ.get("BENCH_SECONDS") or (1 if stack.SMOKE else 15))
# The deep page of the HTML queue and the API (25 a page): page 400 of the unit's queue.
DEEP = stack.scale("BENCH_DEEP_PAGE", 400, 2)
THREADS = 4
DATABASE = stack.database_url("market_surveillance_bench_cases")
BROKER, CACHE = stack.redis_urls(4)
COMMAND = ".venv/bin/python bench/case_list.py"
CHUNK = 100_000
OPEN = ("received", "acknowledged", "triaged", "under_inspection")


def sh(*args, **kwargs):
    return subprocess.run(args, check=True, cwd=ROOT, **kwargs)


def psql(sql: str) -> str:
    admin = DATABASE.rsplit("/", 1)[0] + "/postgres"
    return sh("psql", admin, "-Atqc", sql, capture_output=True, text=True).stdout.strip()


def database_ready() -> bool:
    """Whether the database already holds the asked scale (the marker for --reuse)."""
    name = DATABASE.rsplit("/", 1)[1]
    if psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") != "1":
        return False
    found = subprocess.run(
        ["psql", DATABASE, "-Atqc", "SELECT count(*) FROM complaints_complaint"],
        capture_output=True,
        text=True,
    )
    return found.returncode == 0 and found.stdout.strip() == str(REPORTS)


def fresh_database() -> None:
    name = DATABASE.rsplit("/", 1)[1]
    psql(f"DROP DATABASE IF EXISTS {name}")
    psql(f"CREATE DATABASE {name}")


def migrate() -> None:
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


def _sql_array(values) -> str:
    return "ARRAY[" + ",".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


BULK_TABLES = ("complaints_complaint", "inspections_inspection", "complaints_complaintphoto")


def _drop_secondary_indexes(cursor) -> list[str]:
    """Drop the indexes that back no constraint on the bulk-loaded tables, and return
    their definitions: building them once after the load is much faster than keeping
    them up to date row by row."""
    definitions = []
    for table in BULK_TABLES:
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            WHERE i.indrelid = %s::regclass
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            """,
            [table],
        )
        for name, definition in cursor.fetchall():
            cursor.execute(f"DROP INDEX {name}")
            definitions.append(definition)
    return definitions


def seed(connection, officer, typical) -> None:
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
    statuses = _sql_array([*OPEN, *["resolved"] * 4, "rejected", "merged"])
    with connection.cursor() as cursor:
        indexes = _drop_secondary_indexes(cursor)
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
                        product_key, seller_key, seller_url_key,
                        retention_hold, retention_hold_reason)
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
                        CASE WHEN g % {n_units * 3} = 0 THEN {officer.pk} END,
                        CASE WHEN st.status IN ('resolved', 'rejected', 'merged') THEN NULL
                             ELSE r.at + interval '10 days' END,
                        'pa b ' || g || ' ' || ({folded})[1 + g % 10] || ' lo ' || (g % 997)
                            || ' ' || ({sellers_folded})[1 + (g / 7) % 5] || ' ' || (g % 389)
                            || ' san pham co dau hieu khong dat chat luong',
                        '', '', '', false, ''
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
                    search_text, goods, repeat_reason, repeat_note)
                SELECT 'ad_hoc', 'warning', '', '["label", "goods_quality"]'::jsonb, 'Chợ',
                       g || '/QĐ-B', (ARRAY['decided','on_site','concluded','closed'])[1 + g % 4],
                       now() - (g % 730) * interval '1 day', {officer.pk},
                       {first_operator} + g % 20000, ({unit_ids})[1 + g % {n_units}], '',
                       g || ' qd b cong ty tnhh thuong mai ' || (g % 20000) || ' cho', '',
                       -- An operator's inspections after its first record why (the 12-month rule).
                       CASE WHEN g > 20000 THEN 'complaint' ELSE '' END,
                       CASE WHEN g > 20000 THEN 'Phản ánh của người tiêu dùng' ELSE '' END
                FROM generate_series(1, {INSPECTIONS}) AS g
                """
            )
        with timed(f"{PHOTOS:,} photos"):
            cursor.execute("SELECT min(id), max(id) FROM complaints_complaint")
            low, high = cursor.fetchone()
            cursor.execute(
                f"""
                INSERT INTO complaints_complaintphoto (state, quarantine_name, quarantine_bytes,
                    display, thumb, error_code, created_at, proposed_gtin, proposed_batch,
                    proposed_symbology, proposal_state, complaint_id)
                SELECT 'ready', '', 0, 'x.jpg', 'x-thumb.jpg', '', now(), '', '', '', '',
                       {low} + (g * 3) % ({high} - {low} + 1)
                FROM generate_series(1, {PHOTOS}) AS g
                """
            )
        grant = """
            INSERT INTO complaints_complaintuserobjectpermission
                (content_object_id, permission_id, user_id)
            SELECT c.id, p.id, %s FROM ({reports}) c,
                auth_permission p JOIN django_content_type t ON t.id = p.content_type_id
            WHERE t.app_label = 'complaints'
              AND p.codename IN ('view_complaint', 'change_complaint')
        """
        with timed(f"object permissions of the officer ({GRANTS:,} open reports of other units)"):
            # Spread over the other units and the two years (md5 order), as reports sent
            # on by other units or shared for a joint inspection would be.
            cursor.execute(
                grant.format(
                    reports="SELECT id FROM complaints_complaint WHERE unit_id <> %s "
                    "AND status = ANY(%s) ORDER BY md5(id::text) LIMIT %s"
                ),
                [officer.pk, officer.unit_id, list(OPEN), GRANTS],
            )
        with timed("object permissions of an officer on reports of their own unit"):
            cursor.execute(
                grant.format(
                    reports="SELECT id FROM complaints_complaint WHERE unit_id = %s "
                    "AND id %% 3 = 0 AND assigned_to_id IS NOT NULL"
                ),
                [typical.unit_id, typical.pk],
            )
        with timed(f"{len(indexes)} indexes"):
            for definition in indexes:
                cursor.execute(definition)
    with timed("VACUUM ANALYZE"):
        connection.ensure_connection()
        raw = connection.connection
        raw.autocommit = True
        with raw.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def bench_users():
    """The three users measured (made on the first build, found on --reuse)."""
    from django.contrib.auth.models import Group

    from registry.models import Role, Unit, User

    made = {}
    for key, username, unit, role in (
        # Holds GRANTS object permissions on open reports of other units.
        ("officer", "canbo.bench", "01", Role.COMPLAINT_OFFICER),
        # Holds them on reports of their own unit, as complaint_assign grants them.
        ("typical", "tiepnhan.bench", "01", Role.COMPLAINT_OFFICER),
        ("national", "lanhdao.bench", "TW", Role.SUPERVISOR),
    ):
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(username, unit=Unit.objects.get(code=unit))
            user.groups.add(Group.objects.get(name=role))
        made[key] = user
    return made


def session_cookie(user) -> str:
    """A signed-in session for the HTML pages, as the login and second step leave it:
    the auth keys, and for a user who needs the second factor a verified device."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from registry.second_factor import RECENT_STEP_SESSION_KEY, needs_second_step

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if needs_second_step(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session[RECENT_STEP_SESSION_KEY] = time.time()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


SEARCH = "q=nuoc%20mam%20minh%20tam"
RARE = "q=pa%20b%20777777"
# label: (who, "api" or "html", url). The API's page size is 25 unless the url says.
MEASURED = {
    "API unit officer, open queue, page 1": ("typical", "api", "/api/v1/complaints?page_size=25"),
    "API unit officer, open queue, page {deep}": (
        "typical",
        "api",
        "/api/v1/complaints?page_size=25&page={deep}",
    ),
    "API unit officer, overdue + kind, 100/page": (
        "typical",
        "api",
        "/api/v1/complaints?queue=overdue&kind=quality&page_size=100",
    ),
    "API officer with {grants} grants, open queue, page 1": (
        "officer",
        "api",
        "/api/v1/complaints?page_size=25",
    ),
    "API officer with {grants} grants, open queue, page {deep}": (
        "officer",
        "api",
        "/api/v1/complaints?page_size=25&page={deep}",
    ),
    "API officer with {grants} grants, due soon": (
        "officer",
        "api",
        "/api/v1/complaints?queue=due_soon&page_size=25",
    ),
    "API national supervisor, open queue, page 1": (
        "national",
        "api",
        "/api/v1/complaints?page_size=25",
    ),
    "API national supervisor, open queue, page {deep}": (
        "national",
        "api",
        "/api/v1/complaints?page_size=25&page={deep}",
    ),
    "API national supervisor, province + category": (
        "national",
        "api",
        "/api/v1/complaints?queue=all&province_id={province}&category_id={category}&page_size=25",
    ),
    "API national supervisor, overdue, 100/page": (
        "national",
        "api",
        "/api/v1/complaints?queue=overdue&page_size=100",
    ),
    "HTML unit officer, queue page 1": ("typical", "html", "/complaints/"),
    "HTML unit officer, queue page {deep}": ("typical", "html", "/complaints/?page={deep}"),
    "HTML officer with {grants} grants, queue page 1": ("officer", "html", "/complaints/"),
    "HTML officer with {grants} grants, queue page {deep}": (
        "officer",
        "html",
        "/complaints/?page={deep}",
    ),
    "HTML officer with {grants} grants, due soon": (
        "officer",
        "html",
        "/complaints/?queue=due_soon",
    ),
    "HTML national supervisor, queue page 1": ("national", "html", "/complaints/"),
    "HTML national supervisor, queue page {deep}": (
        "national",
        "html",
        "/complaints/?page={deep}",
    ),
    "search 'nuoc mam minh tam', national (API)": (
        "national",
        "api",
        f"/api/v1/complaints?queue=all&{SEARCH}&page_size=25",
    ),
    "search 'nuoc mam minh tam', unit officer (API)": (
        "typical",
        "api",
        f"/api/v1/complaints?queue=all&{SEARCH}&page_size=25",
    ),
    "search 'nuoc mam minh tam', national (HTML)": (
        "national",
        "html",
        f"/complaints/?queue=all&{SEARCH}",
    ),
    "search rare 'pa b 777777', national (API)": (
        "national",
        "api",
        f"/api/v1/complaints?queue=all&{RARE}&page_size=25",
    ),
    "search 'nuoc mam minh tam', review search, national": (
        "national",
        "html",
        f"/search/?{SEARCH}",
    ),
}


def _sized(url: str, size: int) -> str:
    return url.replace("page_size=25", f"page_size={size}").replace(
        "page_size=100", f"page_size={size}"
    )


def count_queries(credentials: dict, params: dict) -> int:
    """The SQL queries per request, in this process on the same database and Redis cache
    (a warm-up request first, as a served process has warm caches)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    worst = 0
    print("\nSQL queries per request (after one warm-up request):", flush=True)
    for label, (who, kind, url) in MEASURED.items():
        token, cookie = credentials[who]
        if kind == "api":
            client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", SERVER_NAME="localhost")
            sizes = (1, 25, 100)
        else:
            client = Client(HTTP_COOKIE=cookie, SERVER_NAME="localhost")
            sizes = (25,)
        counts = []
        for size in sizes:
            sized = _sized(url.format(**params), size)
            client.get(sized)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(sized)
            assert response.status_code == 200, (
                label,
                response.status_code,
                response.content[:300],
            )
            counts.append(len(queries))
        worst = max(worst, *counts)
        shown = " / ".join(str(c) for c in counts)
        what = "page size 1 / 25 / 100" if kind == "api" else "page"
        print(f"  {label.format(**params)}: {what} -> {shown}", flush=True)
    return worst


def serve(env: dict) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "config.wsgi", "-w", "3"),
            *("-b", f"127.0.0.1:{PORT}", "--log-level", "warning"),
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2).read()
            return process
        except OSError:
            time.sleep(0.2)
    os.killpg(process.pid, signal.SIGTERM)
    raise RuntimeError("gunicorn did not start")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect (to the sign-in, say) is an error here, not a page


OPENER = urllib.request.build_opener(_NoRedirect)


def load(url: str, headers: dict) -> dict:
    # Warm up: every worker process has served this request before it is timed.
    for _ in range(2 * THREADS):
        request = urllib.request.Request(f"http://127.0.0.1:{PORT}{url}", headers=headers)
        with contextlib.suppress(Exception):  # failures are counted below, when timed
            OPENER.open(request, timeout=30).read()
    latencies, errors = [], []
    deadline = time.perf_counter() + SECONDS

    def worker():
        while time.perf_counter() < deadline:
            request = urllib.request.Request(f"http://127.0.0.1:{PORT}{url}", headers=headers)
            began = time.perf_counter()
            try:
                with OPENER.open(request, timeout=30) as response:
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
        "p95": latencies[max(int(len(latencies) * 0.95) - 1, 0)] * 1000,
        "n": len(latencies),
        "errors": errors,
    }


def explain(users: dict) -> None:
    """The plans of the searches and of a deep page, as the list's queries run them."""
    from django.db import connection

    from complaints import selectors

    cases = (
        (
            "search 'nuoc mam minh tam', national",
            "national",
            {"queue": "all", "q": "nuoc mam minh tam"},
            1,
        ),
        (
            "search 'nuoc mam minh tam', unit officer",
            "typical",
            {"queue": "all", "q": "nuoc mam minh tam"},
            1,
        ),
        (f"open queue, unit officer, page {DEEP}", "typical", {}, DEEP),
    )
    for label, who, filters, page in cases:
        print(f"\nPlans of {label}:")
        with connection.execute_wrapper(_explained):
            selectors.complaint_page(
                user=users[who],
                filters=selectors.ComplaintFilters(**filters),
                page=page,
                page_size=25,
            )


def _explained(execute, sql, params, many, context):
    if sql.lstrip().upper().startswith("SELECT") and "complaints_complaint" in sql:
        with context["connection"].connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
            for (line,) in cursor.fetchall():
                print("  " + line)
            print("  --")
    return execute(sql, params, many, context)


def prepare(reuse: bool):
    """The database at the asked scale (built, or found with --reuse) and the users."""
    print("Loading data:", flush=True)
    built = reuse and database_ready()
    if not built:
        fresh_database()
    with timed("migrate"):
        migrate()
    import django

    django.setup()
    from django.db import connection

    from registry.roles import sync_role_groups

    sync_role_groups()
    users = bench_users()
    if built:
        print(f"  reused: {REPORTS:,} reports already loaded", flush=True)
    else:
        seed(connection, users["officer"], users["typical"])
    return users


def measure(users: dict) -> None:
    from django.db import connection

    from registry.models import ProductCategory, Province
    from registry.services import api_token_create

    credentials = {
        key: (api_token_create(user=user, name="bench")[1], session_cookie(user))
        for key, user in users.items()
    }
    params = {
        "province": Province.objects.get(code="01").pk,
        "category": ProductCategory.objects.order_by("pk").first().pk,
        "deep": DEEP,
        "grants": f"{GRANTS:,}",
    }
    worst = count_queries(credentials, params)
    explain(users)
    connection.close()

    env = stack.environment(DATABASE, BROKER, ALLOWED_HOSTS="127.0.0.1,localhost")
    server = serve(env)
    bare_url = "/api/v1/public/proof-key"
    try:
        print(f"\nLoad: {THREADS} client threads, {SECONDS:g} s each, gunicorn with 3 workers:")
        bare = [load(bare_url, {})]
        results = {}
        for label, (who, kind, url) in MEASURED.items():
            token, cookie = credentials[who]
            headers = {"Authorization": f"Bearer {token}"} if kind == "api" else {"Cookie": cookie}
            results[label.format(**params)] = load(url.format(**params), headers)
        bare.append(load(bare_url, {}))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    reference = statistics.mean(b["rps"] for b in bare)
    failed = False
    for index, b in enumerate(bare):
        stack.result(
            f"bare endpoint GET {bare_url} ({('start', 'end')[index]}): {b['rps']:.1f} req/s, "
            f"p95 {b['p95']:.0f} ms"
        )
    for label, r in results.items():
        stack.result(
            f"{label}: {r['rps']:.1f} ({100 * r['rps'] / reference:.1f} % of bare "
            f"{reference:.1f}), p95 {r['p95']:.0f} ms"
            + (f", {len(r['errors'])} errors: {r['errors'][:3]}" if r["errors"] else "")
        )
        failed = failed or bool(r["errors"])
    stack.result(f"most queries per list request (API sizes 1/25/100, pages 1 and {DEEP}): {worst}")
    print(f"Command: {COMMAND}{' --reuse' if '--reuse' in sys.argv else ''}")
    if failed:
        raise SystemExit("some requests failed")


def main() -> None:
    os.environ["DATABASE_URL"] = DATABASE
    os.environ["CACHE_URL"] = CACHE
    os.environ.pop("CELERY_BROKER_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    scale = f"{REPORTS:,} reports, {INSPECTIONS:,} inspections, {GRANTS:,} grants"
    print(f"Case list benchmark: {scale} (PostgreSQL {DATABASE.rsplit('/', 1)[1]})")
    print(f"Load average at start: {stack.load_average()}", flush=True)
    sh("redis-cli", "-u", CACHE, "flushdb", capture_output=True)
    users = prepare("--reuse" in sys.argv)
    stack.print_pg_settings(DATABASE)
    measure(users)
    stack.print_pg_settings(DATABASE)
    print(f"Load average at end: {stack.load_average()}", flush=True)


if __name__ == "__main__":
    main()
