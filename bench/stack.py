"""The benchmarks' own deployment on one machine: a fresh PostgreSQL database, a flushed
Redis database, gunicorn and a Celery worker on both queues, as the Procfile runs them.

Every benchmark follows the same conventions (docs/benchmarks.md):

- BENCH_DATABASE_URL: the PostgreSQL database it may drop and rebuild (each benchmark has
  its own default name, so two never share one);
- BENCH_REDIS_URL: the Redis database it may flush, for the broker; the cache takes the
  next database number (`redis_urls`);
- BENCH_SMOKE=1: a tiny scale that runs in seconds, for `make bench-smoke` and CI;
  explicit scale variables (BENCH_REPORTS, ...) still win;
- every figure it prints for the record is on a line starting with "RESULT ", next to
  the reference measured in the same run; `make bench-smoke` checks that they appear;
- BENCH_PORT: the port its gunicorn listens on, if it starts one;
- BENCH_TEMPLATE_DATABASE: when set (by `make bench-smoke`), `new_database` copies that
  migrated database instead of creating an empty one.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


SMOKE = os.environ.get("BENCH_SMOKE") == "1"


def scale(name: str, full: int, smoke: int) -> int:
    """A scale variable: the environment's value, else the smoke or the full default."""
    return int(os.environ.get(name) or (smoke if SMOKE else full))


def database_url(default_name: str) -> str:
    return os.environ.get(
        "BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{default_name}"
    )


def redis_urls(default_db: int) -> tuple[str, str]:
    """The broker's Redis URL (BENCH_REDIS_URL, else database `default_db`) and the
    cache's: the next database number on the same server."""
    broker = os.environ.get("BENCH_REDIS_URL", f"redis://127.0.0.1:6379/{default_db}")
    base, number = broker.rsplit("/", 1)
    return broker, f"{base}/{(int(number) + 1) % 16}"


def result(line: str) -> None:
    """A figure for the record (see the module's docstring)."""
    print(f"RESULT {line}", flush=True)


# What a 1M-report deployment should set (README "PostgreSQL for a national
# deployment"); every benchmark on PostgreSQL prints what it actually ran with.
PG_SETTINGS = (
    "shared_buffers",
    "effective_cache_size",
    "work_mem",
    "maintenance_work_mem",
    "random_page_cost",
    "max_parallel_workers_per_gather",
    "autovacuum_vacuum_scale_factor",
    "autovacuum_analyze_scale_factor",
)


def print_pg_settings(database: str) -> None:
    """Print the server version and the settings that matter at national scale."""
    names = ",".join(f"'{name}'" for name in PG_SETTINGS)
    query = (
        "SELECT name || '=' || current_setting(name) FROM pg_settings "
        f"WHERE name IN ({names}) ORDER BY name"
    )
    version = subprocess.run(
        ["psql", database, "-Atc", "SHOW server_version"], capture_output=True, text=True
    ).stdout.strip()
    settings = subprocess.run(
        ["psql", database, "-Atc", query], capture_output=True, text=True
    ).stdout.split()
    print(f"PostgreSQL {version}: " + ", ".join(settings), flush=True)


def load_average() -> str:
    with open("/proc/loadavg") as loadavg:
        return " ".join(loadavg.read().split()[:3])


def environment(database: str, broker: str, **extra: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database,
        "CELERY_BROKER_URL": broker,
        "CACHE_URL": broker.rsplit("/", 1)[0] + f"/{(int(broker.rsplit('/', 1)[1]) + 1) % 16}",
        "VAR_DIR": str(ROOT / "var" / "bench"),
        "DEBUG": "False",
        "ALLOWED_HOSTS": "127.0.0.1",
        **extra,
    }


def new_database(url: str) -> None:
    """Drop the database `url` names and create it empty; with BENCH_TEMPLATE_DATABASE
    set (`make bench-smoke` migrates one), create it as a copy of that database, so the
    migrations that follow have nothing left to apply."""
    name = url.rsplit("/", 1)[1]
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name], check=True)
    template = os.environ.get("BENCH_TEMPLATE_DATABASE")
    copy = ("-T", template) if template else ()
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", *copy, name], check=True)


def fresh_database(env: dict) -> None:
    """Drop and recreate the benchmark database, migrate it, and empty the broker."""
    new_database(env["DATABASE_URL"])
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        ["redis-cli", "-u", env["CELERY_BROKER_URL"], "flushdb"], check=True, capture_output=True
    )


def port_is_free(port: int) -> bool:
    """Whether nothing listens on 127.0.0.1:`port`. A benchmark whose gunicorn cannot
    bind would otherwise measure whatever server holds the port."""
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@contextlib.contextmanager
def serving(env: dict, port: int, *, web_workers: int = 3, worker_concurrency: int = 2):
    """gunicorn on 127.0.0.1:`port` and one Celery worker; yields the base URL once the
    web process answers /healthz, and stops both afterwards. Refuses a port in use."""
    if not port_is_free(port):
        raise SystemExit(f"Port {port} is in use: set BENCH_PORT to a free one.")
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
        wait_until_up(base)
        yield base
    finally:
        stop(web, worker)


def wait_until_up(base: str) -> None:
    """Wait (up to about 30 s) until the web process at `base` answers /healthz."""
    for _ in range(150):
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)


def stop(*processes: subprocess.Popen, grace: float = 60) -> None:
    """Stop processes started with start_new_session=True, gently: SIGTERM to each main
    process only, so gunicorn's workers finish their requests and Celery's its tasks
    (killing the whole group instead makes the pool print WorkerLostError tracebacks,
    which `make bench-smoke` counts as a failure); whatever is left after `grace`
    seconds, and anything left in their groups, is killed."""
    for process in processes:
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace
    for process in processes:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
