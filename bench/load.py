"""200 concurrent citizens filing for 60 s on PostgreSQL + Redis: no errors, and the number
of reports stored equals the number acknowledged.

Starts gunicorn and a Celery worker against a fresh benchmark database (bench/stack.py:
gunicorn -w 3, worker -c 2, as bench/filing.py), then runs locust as a library in this
process, on loopback: BENCH_USERS citizens (spawned 50 a second) each file a report
through POST /api/v1/public/reports with its own ~200 KB photo and the text fields, wait
0.5-1.5 s, and file again, for BENCH_SECONDS. When the time is up, a citizen halfway
through a request finishes it (locust's stop_timeout), so every request ends either
acknowledged or failed, none is cut off unanswered. Acknowledged means 201 with a
tracking number; anything else, or no answer, is an error.

Afterwards the database is compared with what was acknowledged, by tracking number, and
the script waits for the worker to make every photo's clean copies.

The reference, measured in the same run just before, on the same server: the same number
of citizens with the same think time asking the bare endpoint (GET
/api/v1/public/proof-key) for BENCH_BARE_SECONDS; it shows the rate these citizens ask at
when a request costs nothing. The script exits 1 on any error or when the reports stored
differ from those acknowledged.

Environment (bench/stack.py): BENCH_DATABASE_URL (default database
market_surveillance_bench_load), BENCH_REDIS_URL (default redis db 10; the cache uses
db 11), BENCH_PORT (8093), BENCH_USERS (200; 5 with BENCH_SMOKE=1), BENCH_SECONDS (60; 5),
BENCH_BARE_SECONDS (15; 3), BENCH_DRAIN_SECONDS (900; 120).

Run:  make bench-load   (or: .venv/bin/python bench/load.py)
"""

import contextlib
import io
import os
import random
import sys
import time
import uuid

from locust import FastHttpUser, between, task
from locust.env import Environment

# isort: split
# After locust, which patches the standard library for gevent: stack brings in urllib,
# and with it ssl, which gevent wants to patch before anyone imports it.
import stack

PORT = int(os.environ.get("BENCH_PORT", "8093"))
USERS = stack.scale("BENCH_USERS", 200, 5)
SPAWN_RATE = 50
SECONDS = stack.scale("BENCH_SECONDS", 60, 5)
BARE_SECONDS = stack.scale("BENCH_BARE_SECONDS", 15, 3)
DRAIN_SECONDS = stack.scale("BENCH_DRAIN_SECONDS", 900, 120)
DATABASE = stack.database_url("market_surveillance_bench_load")
BROKER = stack.redis_urls(10)[0]  # the cache takes db 11 (stack.environment)
COMMAND = ".venv/bin/python bench/load.py"
PRODUCTS = ["Sữa bột trẻ em", "Nước mắm", "Mũ bảo hiểm", "Bột giặt", "Dầu ăn", "Bánh trung thu"]

BODIES: list[tuple[bytes, str]] = []  # one filing per citizen, made before the clock starts
acknowledged: set[str] = set()
errors: dict[str, int] = {}


def photo_of_about_200_kb(seed: int) -> bytes:
    """A 1200x900 JPEG of coarse noise: a different photo for each citizen."""
    from PIL import Image

    rng = random.Random(seed)
    small = Image.frombytes("RGB", (300, 225), rng.randbytes(300 * 225 * 3))
    image = small.resize((1200, 900), Image.Resampling.BICUBIC)
    for quality in (90, 85, 80, 75, 70, 60, 50):
        out = io.BytesIO()
        image.save(out, "JPEG", quality=quality)
        if out.tell() <= 220 * 1024:
            break
    return out.getvalue()


def multipart(fields: dict, photo: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="photos"; filename="anh.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n".encode()
    )
    parts += [photo, b"\r\n", f"--{boundary}--\r\n".encode()]
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Bare(FastHttpUser):
    """The reference: a citizen asking for the proof key, the cheapest public request."""

    wait_time = between(0.5, 1.5)
    network_timeout = 120.0
    connection_timeout = 120.0

    @task
    def proof_key(self):
        self.client.get("/api/v1/public/proof-key", name="GET /api/v1/public/proof-key")


def run_users(user_class, base: str, seconds: int):
    """Run USERS of `user_class` for `seconds`; each finishes the request it is making.
    Returns the locust environment and the elapsed time."""
    locust_env = Environment(user_classes=[user_class], host=base, stop_timeout=120)
    runner = locust_env.create_local_runner()
    started = time.perf_counter()
    runner.start(USERS, spawn_rate=SPAWN_RATE)
    time.sleep(seconds)  # gevent's sleep, once locust is imported
    runner.quit()  # lets each citizen finish the request it is making
    runner.greenlet.join()
    return locust_env, time.perf_counter() - started


class Citizen(FastHttpUser):
    wait_time = between(0.5, 1.5)
    network_timeout = 120.0
    connection_timeout = 120.0
    number = 0

    def on_start(self):
        self.body, self.content_type = BODIES[Citizen.number % len(BODIES)]
        Citizen.number += 1

    @task
    def file_a_report(self):
        with self.client.post(
            "/api/v1/public/reports",
            data=self.body,
            headers={"Content-Type": self.content_type},
            name="POST /api/v1/public/reports",
            catch_response=True,
        ) as response:
            tracking = None
            if response.status_code == 201:
                with contextlib.suppress(ValueError):
                    tracking = response.json().get("tracking_number")
            if tracking:
                acknowledged.add(tracking)
                response.success()
            else:
                what = str(response.status_code or response.error)[:80]
                errors[what] = errors.get(what, 0) + 1
                response.failure(what)


def main() -> None:
    import urllib.request

    import psycopg

    print(f"Load average at start: {stack.load_average()}", flush=True)
    env = stack.environment(DATABASE, BROKER, COMPLAINT_SUBMIT_LIMIT="1000000")
    stack.fresh_database(env)
    stack.print_pg_settings(DATABASE)
    for number in range(USERS):
        fields = {
            "kind": "quality",
            "product_name": PRODUCTS[number % len(PRODUCTS)],
            "seller_name": f"Cửa hàng số {number}",
            "seller_address": f"{number} Nguyễn Trãi, Thanh Xuân",
            "description": "Sản phẩm có nhãn phụ tiếng Việt không đúng thông tin, hạn dùng bị tẩy.",
        }
        BODIES.append(multipart(fields, photo_of_about_200_kb(number)))
    photo_kb = sum(len(body) for body, _type in BODIES) / len(BODIES) / 1024
    with stack.serving(env, PORT) as base:
        for _ in range(30):  # every gunicorn worker past its first, slower, requests
            urllib.request.urlopen(f"{base}/api/v1/public/proof-key", timeout=10).read()
        bare_env, bare_elapsed = run_users(Bare, base, BARE_SECONDS)
        bare = bare_env.stats.total
        locust_env, elapsed = run_users(Citizen, base, SECONDS)
        load_during = stack.load_average()
        total = locust_env.stats.total

        with psycopg.connect(DATABASE, autocommit=True) as db:
            stored = {
                row[0] for row in db.execute("SELECT tracking_number FROM complaints_complaint")
            }
            drain_started = time.perf_counter()
            while True:
                waiting, ready, failed = db.execute(
                    "SELECT count(*) FILTER (WHERE state IN ('pending', 'processing')),"
                    " count(*) FILTER (WHERE state = 'ready'), count(*) FILTER (WHERE state = 'failed')"
                    " FROM complaints_complaintphoto"
                ).fetchone()
                if waiting == 0 or time.perf_counter() - drain_started > DRAIN_SECONDS:
                    break
                time.sleep(1)
            drained = time.perf_counter() - drain_started

    percentile = total.get_response_time_percentile
    print(
        f"{USERS} citizens filing for {SECONDS} s (locust, think 0.5-1.5 s, "
        f"{photo_kb:.0f} KB request each), PostgreSQL + Redis, gunicorn -w 3, Celery worker -c 2, "
        f"{os.cpu_count()} CPUs, loopback"
    )
    stack.result(
        f"load filing {total.num_requests} requests in {elapsed:.1f} s, "
        f"{total.num_requests / elapsed:.1f} req/s, p50 {percentile(0.5):.0f} ms, "
        f"p95 {percentile(0.95):.0f} ms, p99 {percentile(0.99):.0f} ms, "
        f"max {total.max_response_time:.0f} ms; reference, the same {USERS} citizens on the "
        f"bare endpoint: {bare.num_requests / bare_elapsed:.1f} req/s, "
        f"p95 {bare.get_response_time_percentile(0.95):.0f} ms, {bare.num_failures} errors"
    )
    stack.result(f"load errors {total.num_failures} {errors or ''}")
    stack.result(
        f"load stored {len(stored)} reports in the database, {len(acknowledged)} acknowledged; "
        f"acknowledged but not stored {len(acknowledged - stored)}, "
        f"stored but not acknowledged {len(stored - acknowledged)}"
    )
    stack.result(
        f"load photos {ready} ready, {failed} failed, {waiting} still waiting, "
        f"{drained:.0f} s after the load stopped"
    )
    print(f"Load average at the end of the load: {load_during}")
    print(f"Load average at end: {stack.load_average()}")
    print(f"Command: {COMMAND}")
    if total.num_failures or bare.num_failures or stored != acknowledged:
        sys.exit("load: errors, or the reports stored differ from those acknowledged")


if __name__ == "__main__":
    main()
