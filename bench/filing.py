"""Citizen filing with one 5 MB photo, 4 concurrent, on PostgreSQL + Redis.

Starts gunicorn and a Celery worker against a fresh benchmark database, files
BENCH_REQUESTS reports with a 5 MB JPEG through POST /api/v1/public/reports from
4 threads, and measures a bare endpoint (GET /api/v1/public/proof-key) in the same
run. Photo processing happens in the worker, outside the request; the script also
reports how long the worker took to make every clean copy.

Run:  make bench-filing   (or: .venv/bin/python bench/filing.py)
"""

import io
import os
import random
import statistics
import threading
import time
import urllib.request
import uuid

import stack

PORT = int(os.environ.get("BENCH_PORT", "8090"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "80"))
CONCURRENCY = 4
DATABASE = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/market_surveillance_bench"
)
BROKER = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/13")
COMMAND = ".venv/bin/python bench/filing.py"


def five_megabyte_jpeg() -> bytes:
    from PIL import Image

    rng = random.Random(7)
    width, height = 3000, 2250
    noise = bytes(rng.getrandbits(8) for _ in range(width * height // 16 * 3))
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


def timed(request_factory, count: int) -> tuple[list[float], float, int]:
    latencies, errors, lock = [], 0, threading.Lock()
    queue = list(range(count))

    def worker():
        nonlocal errors
        while True:
            with lock:
                if not queue:
                    return
                queue.pop()
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(request_factory(), timeout=60) as response:
                    response.read()
                    ok = response.status in (200, 201)
            except Exception:
                ok = False
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                errors += 0 if ok else 1

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(CONCURRENCY)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, time.perf_counter() - started, errors


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)


def main() -> None:
    env = stack.environment(DATABASE, BROKER, COMPLAINT_SUBMIT_LIMIT="1000000")
    stack.fresh_database(env)
    with stack.serving(env, PORT) as base:
        photo = five_megabyte_jpeg()
        fields = {
            "kind": "quality",
            "product_name": "Sữa bột trẻ em",
            "seller_name": "Cửa hàng Mẹ và Bé",
            "seller_address": "10 Nguyễn Trãi",
            "description": "Hộp sữa có nhãn phụ tiếng Việt không đúng thông tin.",
        }
        body, content_type = multipart(fields, photo)

        def filing():
            return urllib.request.Request(
                f"{base}/api/v1/public/reports",
                data=body,
                headers={"Content-Type": content_type},
                method="POST",
            )

        def bare():
            return urllib.request.Request(f"{base}/api/v1/public/proof-key")

        timed(bare, 20)
        bare_lat, bare_wall, bare_err = timed(bare, 400)
        started = time.perf_counter()
        file_lat, file_wall, file_err = timed(filing, REQUESTS)

        import psycopg

        with psycopg.connect(DATABASE, autocommit=True) as db:
            while True:
                waiting, total = db.execute(
                    "SELECT count(*) FILTER (WHERE state <> 'ready'), count(*) FROM complaints_complaintphoto"
                ).fetchone()
                if waiting == 0:
                    break
                time.sleep(0.5)
        processed_after = time.perf_counter() - started

        print(
            f"Filing with one {len(photo) / 1024 / 1024:.1f} MB photo, {CONCURRENCY} concurrent, "
            f"PostgreSQL + Redis, gunicorn -w 3, Celery worker -c 2, {os.cpu_count()} cores"
        )
        print(
            f"  filing  : {len(file_lat)} requests, {len(file_lat) / file_wall:6.1f} req/s, "
            f"p50 {statistics.median(file_lat) * 1000:6.0f} ms, p95 {p95(file_lat) * 1000:6.0f} ms, "
            f"errors {file_err}"
        )
        print(
            f"  bare    : {len(bare_lat)} requests, {len(bare_lat) / bare_wall:6.1f} req/s, "
            f"p50 {statistics.median(bare_lat) * 1000:6.0f} ms, p95 {p95(bare_lat) * 1000:6.0f} ms, "
            f"errors {bare_err}"
        )
        print(
            f"  photos  : {total} clean copies made by the worker; all done "
            f"{processed_after:.1f} s after the first filing"
        )
        print(f"Command: {COMMAND}")


if __name__ == "__main__":
    main()
