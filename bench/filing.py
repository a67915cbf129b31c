"""Citizen filing with one 5 MB photo, 4 concurrent, on PostgreSQL + Redis: the web
processes alone, then the photo worker alone.

On a fresh benchmark database, in one run:

1. the bare endpoint (GET /api/v1/public/proof-key) under gunicorn, requests/s;
2. BENCH_REQUESTS filings (POST /api/v1/public/reports, one 5 MB JPEG each) from 4
   client threads against the same gunicorn, with no Celery worker running: the photos
   wait in quarantine and their tasks in the broker;
3. that every 201 has its report and its photo row (stored = acknowledged);
4. the photo worker alone (`celery -Q photos`, BENCH_PHOTO_CONCURRENCY processes) started
   on the queued photos and timed until every one is ready: photos/s, and photos per
   CPU-second of the worker's processes (per core).

The request decodes nothing beyond the photo's header; the worker makes the clean copies
and rejects there what does not decode (complaints.tasks.photo_process).

Run:  make bench-filing   (or: .venv/bin/python bench/filing.py)
Tiny: BENCH_SMOKE=1 .venv/bin/python bench/filing.py
Environment: BENCH_DATABASE_URL (default database market_surveillance_bench),
BENCH_REDIS_URL (default redis db 6; the cache uses db 7), BENCH_REQUESTS,
BENCH_WEB_WORKERS (default 4: sync workers spend part of each request waiting on
PostgreSQL and Redis, so 2 cores keep 4 busy), BENCH_PHOTO_CONCURRENCY (default 2).
"""

import io
import os
import random
import signal
import statistics
import subprocess
import threading
import time
import urllib.request
import uuid

import psutil
import stack

PORT = int(os.environ.get("BENCH_PORT", "8090"))
REQUESTS = stack.scale("BENCH_REQUESTS", 400, 8)
BARE_REQUESTS = stack.scale("BENCH_BARE_REQUESTS", 1000, 20)
CONCURRENCY = 4
WEB_WORKERS = int(os.environ.get("BENCH_WEB_WORKERS", "4"))
PHOTO_CONCURRENCY = int(os.environ.get("BENCH_PHOTO_CONCURRENCY", "2"))
DATABASE = stack.database_url("market_surveillance_bench")
BROKER, CACHE = stack.redis_urls(6)
COMMAND = ".venv/bin/python bench/filing.py"


def five_megabyte_jpeg() -> bytes:
    from PIL import Image

    rng = random.Random(7)
    width, height = 3000, 2250
    noise = rng.randbytes(width * height // 16 * 3)
    image = Image.frombytes("RGB", (width // 4, height // 4), noise).resize((width, height))
    for quality in (97, 95, 92, 90):
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=quality)
        if buffer.tell() <= 5.5 * 1024 * 1024:
            return buffer.getvalue()
    return buffer.getvalue()


def multipart(fields: dict, photo: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="photos"; filename="anh.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n".encode()
    )
    parts.append(photo + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def timed(request_factory, count: int, answers: list | None = None):
    """`count` requests from CONCURRENCY threads: latencies, wall time, errors; the
    bodies of the successful answers go to `answers`."""
    latencies, errors, lock = [], 0, threading.Lock()
    remaining = [count]

    def worker():
        nonlocal errors
        while True:
            with lock:
                if not remaining[0]:
                    return
                remaining[0] -= 1
            started = time.perf_counter()
            body, ok = b"", False
            try:
                with urllib.request.urlopen(request_factory(), timeout=60) as response:
                    body = response.read()
                    ok = response.status in (200, 201)
            except Exception:
                ok = False
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                errors += 0 if ok else 1
                if ok and answers is not None:
                    answers.append(body)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(CONCURRENCY)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, time.perf_counter() - started, errors


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)


def figures(latencies, wall, errors) -> tuple[float, str]:
    rate = len(latencies) / wall
    return rate, (
        f"p50 {statistics.median(latencies) * 1000:.0f} ms, "
        f"p95 {p95(latencies) * 1000:.0f} ms, errors {errors}"
    )


def start(command: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen(command, cwd=stack.ROOT, env=env, start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=60)


def cpu_seconds(process: subprocess.Popen) -> float:
    """User + system time of a process and its children, while they still run."""
    root = psutil.Process(process.pid)
    total = 0.0
    for each in (root, *root.children(recursive=True)):
        try:
            times = each.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


def cpu_split(web: subprocess.Popen) -> dict:
    """CPU-seconds so far of gunicorn, of the PostgreSQL and Redis servers, and of this
    client: where a filing's CPU goes, whatever else the machine runs."""
    servers = {"postgres": 0.0, "redis": 0.0}
    for each in psutil.process_iter(["name", "cpu_times"]):
        name = each.info["name"] or ""
        for server in servers:
            if name.startswith(server) and each.info["cpu_times"]:
                servers[server] += each.info["cpu_times"].user + each.info["cpu_times"].system
    client = psutil.Process().cpu_times()
    return {
        "gunicorn": cpu_seconds(web),
        **servers,
        "client": client.user + client.system,
    }


def photo_states(db) -> tuple[int, int, int]:
    """Photos waiting, ready, failed."""
    return db.execute(
        "SELECT count(*) FILTER (WHERE state IN ('pending', 'processing')),"
        " count(*) FILTER (WHERE state = 'ready'), count(*) FILTER (WHERE state = 'failed')"
        " FROM complaints_complaintphoto"
    ).fetchone()


def main() -> None:
    import json

    import psycopg

    print(f"Load average at start: {stack.load_average()}", flush=True)
    env = stack.environment(DATABASE, BROKER, COMPLAINT_SUBMIT_LIMIT="1000000")
    env["CACHE_URL"] = CACHE
    stack.fresh_database(env)
    stack.print_pg_settings(DATABASE)
    photo = five_megabyte_jpeg()
    fields = {
        "kind": "quality",
        "product_name": "Sữa bột trẻ em",
        "seller_name": "Cửa hàng Mẹ và Bé",
        "seller_address": "10 Nguyễn Trãi",
        "description": "Hộp sữa có nhãn phụ tiếng Việt không đúng thông tin.",
    }
    body, content_type = multipart(fields, photo)
    base = f"http://127.0.0.1:{PORT}"
    if not stack.port_is_free(PORT):
        raise SystemExit(f"Port {PORT} is in use: set BENCH_PORT to a free one.")

    web = start(
        [
            *(stack.PYTHON, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{PORT}"),
            *("-w", str(WEB_WORKERS), "--log-level", "warning"),
        ],
        env,
    )
    try:
        stack.wait_until_up(base)

        def bare():
            return urllib.request.Request(f"{base}/api/v1/public/proof-key")

        def filing():
            return urllib.request.Request(
                f"{base}/api/v1/public/reports",
                data=body,
                headers={"Content-Type": content_type},
                method="POST",
            )

        timed(bare, 4 * WEB_WORKERS)  # every worker warm
        timed(filing, WEB_WORKERS)
        with psycopg.connect(DATABASE, autocommit=True) as db:
            warm_reports = db.execute("SELECT count(*) FROM complaints_complaint").fetchone()[0]
        bare_rate, bare_text = figures(*timed(bare, BARE_REQUESTS))
        answers = []
        before = cpu_split(web)
        file_lat, file_wall, file_err = timed(filing, REQUESTS, answers)
        after = cpu_split(web)
        file_rate, file_text = figures(file_lat, file_wall, file_err)
    finally:
        stop(web)

    numbers = [json.loads(answer)["tracking_number"] for answer in answers]
    with psycopg.connect(DATABASE, autocommit=True) as db:
        stored = db.execute(
            "SELECT count(*) FROM complaints_complaint c WHERE c.tracking_number = ANY(%s)"
            " AND EXISTS (SELECT 1 FROM complaints_complaintphoto p WHERE p.complaint_id = c.id)",
            (numbers,),
        ).fetchone()[0]
        reports = db.execute("SELECT count(*) FROM complaints_complaint").fetchone()[0]
        waiting, _ready, _failed = photo_states(db)

    print(
        f"Filing with one {len(photo) / 1024 / 1024:.1f} MB photo, {CONCURRENCY} concurrent, "
        f"PostgreSQL + Redis, gunicorn -w {WEB_WORKERS} (sync) alone, no worker running, "
        f"{os.cpu_count()} cores",
        flush=True,
    )
    print(f"  bare    : {BARE_REQUESTS} requests, {bare_rate:.1f} req/s, {bare_text}")
    print(f"  filing  : {REQUESTS} requests, {file_rate:.1f} req/s, {file_text}")
    print(
        "  CPU per filing: "
        + ", ".join(
            f"{name} {(after[name] - before[name]) / REQUESTS * 1000:.1f} ms" for name in after
        )
    )
    print(
        f"  stored = acknowledged: {len(answers)} answered 201, {stored} of them stored with "
        f"their photo; {reports - warm_reports} reports in the database from the run"
    )
    stack.result(
        f"filing with one 5 MB photo, 4 concurrent, web alone (gunicorn -w {WEB_WORKERS}): "
        f"{file_rate:.1f} req/s ({file_rate / bare_rate * 100:.0f} % of bare "
        f"{bare_rate:.1f} req/s), {file_text}"
    )
    if stored != len(answers) or reports - warm_reports != len(answers):
        raise SystemExit("FAILED: a filing answered 201 is not stored, or one stored unanswered")

    # The photo worker alone, on the photos the run left waiting.
    worker = start(
        [
            *(stack.PYTHON, "-m", "celery", "-A", "config", "worker", "-Q", "photos"),
            *("-c", str(PHOTO_CONCURRENCY), "--prefetch-multiplier", "4", "-l", "WARNING"),
        ],
        env,
    )
    try:
        with psycopg.connect(DATABASE, autocommit=True) as db:
            # Timed from the first photo taken, so that the worker's start-up is left out.
            while waiting and photo_states(db)[0] == waiting:
                time.sleep(0.05)
            started, cpu_start = time.perf_counter(), cpu_seconds(worker)
            while (state := photo_states(db))[0]:
                time.sleep(0.1)
            wall, cpu = time.perf_counter() - started, cpu_seconds(worker) - cpu_start
    finally:
        stop(worker)
    _waiting, ready, failed = state
    rate = waiting / wall if wall else 0.0
    print(
        f"  photos  : {waiting} photos, {ready} ready, {failed} failed, in {wall:.1f} s by "
        f"celery -Q photos -c {PHOTO_CONCURRENCY} alone; {cpu:.1f} CPU-seconds"
    )
    stack.result(
        f"photo worker: {rate:.1f} photos/s (-c {PHOTO_CONCURRENCY}, {os.cpu_count()} cores), "
        f"{waiting / cpu:.1f} per core (photos per CPU-second)"
    )
    print(f"Load average at end: {stack.load_average()}")
    print(f"Command: {COMMAND}")
    if failed:
        raise SystemExit(f"FAILED: {failed} photos failed in the worker")


if __name__ == "__main__":
    main()
