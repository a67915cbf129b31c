"""The benchmarks' own deployment on one machine: a fresh PostgreSQL database, a flushed
Redis database, gunicorn and a Celery worker on both queues, as the Procfile runs them."""

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def environment(database: str, broker: str, **extra: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database,
        "CELERY_BROKER_URL": broker,
        "CACHE_URL": broker.rsplit("/", 1)[0] + "/12",
        "VAR_DIR": str(ROOT / "var" / "bench"),
        "DEBUG": "False",
        "ALLOWED_HOSTS": "127.0.0.1",
        **extra,
    }


def fresh_database(env: dict) -> None:
    """Drop and recreate the benchmark database, migrate it, and empty the broker."""
    name = env["DATABASE_URL"].rsplit("/", 1)[1]
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        ["redis-cli", "-u", env["CELERY_BROKER_URL"], "flushdb"], check=True, capture_output=True
    )


@contextlib.contextmanager
def serving(env: dict, port: int, *, web_workers: int = 3, worker_concurrency: int = 2):
    """gunicorn on 127.0.0.1:`port` and one Celery worker; yields the base URL once the
    web process answers /healthz, and stops both afterwards."""
    web = subprocess.Popen(
        [
            *(PYTHON, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}"),
            *("-w", str(web_workers), "--log-level", "warning"),
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    worker = subprocess.Popen(
        [
            *(PYTHON, "-m", "celery", "-A", "config", "worker", "-c", str(worker_concurrency)),
            *("-Q", "default,photos", "-l", "WARNING"),
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        yield base
    finally:
        for process in (web, worker):
            os.killpg(process.pid, signal.SIGTERM)
        for process in (web, worker):
            process.wait(timeout=30)
