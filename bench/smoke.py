"""Every benchmark at a tiny scale, so that none of them rots unnoticed (make bench-smoke).

Migrates one template database, then runs each benchmark in turn as a subprocess with
BENCH_SMOKE=1 and its own BENCH_DATABASE_URL (market_surveillance_smoke_<name>, a copy
of the template), BENCH_REDIS_URL and BENCH_PORT (bench/stack.py), under a timeout. A
benchmark passes when it exits 0, prints no Python traceback and prints at least one
figure (a line starting with "RESULT "). One summary line per benchmark: its name, its
seconds, ok or FAILED, and its RESULT lines; a failure also shows the tail of its output
(the whole of it is in var/bench-smoke/<name>.log). The smoke databases are dropped at
the end; the exit status is 1 when any benchmark failed.

Needs PostgreSQL and Redis on 127.0.0.1. Other BENCH_* variables in the environment pass
through (an explicit scale wins over the smoke scale).

Run:  make bench-smoke   (or: .venv/bin/python bench/smoke.py [name ...])
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import stack  # noqa: E402

PYTHON = sys.executable
SERVER = "postgres://postgres@127.0.0.1:5432"
PREFIX = "market_surveillance_smoke_"
TEMPLATE = f"{PREFIX}template"
LOGS = ROOT / "var" / "bench-smoke"
TAIL_LINES = 40
TRACEBACK = "Traceback (most recent call last)"


@dataclass(frozen=True)
class Benchmark:
    name: str
    script: str  # relative to the repository, or absolute
    timeout: float  # seconds, migrations included
    redis_db: int  # the broker's; the cache takes the next (never 14 or 15: the tests')
    port: int


BENCHMARKS = (
    Benchmark("case_list", "bench/case_list.py", 300, 0, 8190),
    Benchmark("filing", "bench/filing.py", 240, 2, 8191),
    Benchmark("photos", "bench/photos.py", 240, 4, 8192),
    Benchmark("duplicates", "bench/duplicates.py", 180, 6, 8193),
    Benchmark("offline_sync", "bench/offline_sync.py", 180, 8, 8194),
    Benchmark("load", "bench/load.py", 180, 10, 8195),
    Benchmark("plan_suggestions", "bench/plan_suggestions.py", 180, 12, 8196),
)


@dataclass
class Outcome:
    benchmark: Benchmark
    seconds: float
    problem: str | None  # None: it passed
    results: list[str]
    tail: list[str]
    log: Path


def database_url(name: str) -> str:
    return f"{SERVER}/{PREFIX}{name}"


def free_port(preferred: int) -> int:
    """`preferred` if nothing listens on it, else the next free port: a benchmark whose
    gunicorn cannot bind would measure whichever server holds the port."""
    return next(
        (port for port in range(preferred, preferred + 100) if stack.port_is_free(port)),
        preferred,
    )


def environment(benchmark: Benchmark) -> dict:
    return {
        **os.environ,
        "BENCH_SMOKE": "1",
        "BENCH_DATABASE_URL": database_url(benchmark.name),
        "BENCH_REDIS_URL": f"redis://127.0.0.1:6379/{benchmark.redis_db}",
        "BENCH_PORT": str(free_port(benchmark.port)),
        "BENCH_TEMPLATE_DATABASE": TEMPLATE,
        "PYTHONUNBUFFERED": "1",
    }


def verdict(returncode: int | None, output: str, timeout: float | None = None) -> str | None:
    """What is wrong with a benchmark's run (None: nothing). `timeout` is set when it was
    stopped for running longer than that."""
    if timeout is not None:
        return f"timed out after {timeout:.0f} s"
    if returncode != 0:
        return f"exit status {returncode}"
    if TRACEBACK in output:
        return "a Python traceback in its output"
    if not any(line.startswith("RESULT ") for line in output.splitlines()):
        return 'no figures (no line starting with "RESULT ")'
    return None


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def run(benchmark: Benchmark, env: dict, logs: Path = LOGS) -> Outcome:
    """Run one benchmark, its output (stdout and stderr) into logs/<name>.log."""
    logs.mkdir(parents=True, exist_ok=True)
    log = logs / f"{benchmark.name}.log"
    started = time.perf_counter()
    timed_out = None
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [PYTHON, str(ROOT / benchmark.script)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            # A run started in the background by a shell without job control (CI, nohup)
            # inherits SIGINT ignored, and Python then never turns it into
            # KeyboardInterrupt: give the benchmark the default back.
            preexec_fn=_default_sigint,
        )
        try:
            process.wait(timeout=benchmark.timeout)
        except subprocess.TimeoutExpired:
            timed_out = benchmark.timeout
            # KeyboardInterrupt: the benchmark's finally blocks stop the servers it started
            # (stack.serving), which live in sessions of their own.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=90)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    seconds = time.perf_counter() - started
    output = log.read_text(errors="replace")
    lines = output.splitlines()
    return Outcome(
        benchmark=benchmark,
        seconds=seconds,
        problem=verdict(process.returncode, output, timed_out),
        results=[line for line in lines if line.startswith("RESULT ")],
        tail=lines[-TAIL_LINES:],
        log=log,
    )


def summary(outcome: Outcome) -> str:
    state = "ok" if outcome.problem is None else f"FAILED: {outcome.problem}"
    head = f"bench-smoke {outcome.benchmark.name:<13} {outcome.seconds:6.1f} s  {state}"
    return "\n".join([head, *(f"    {line}" for line in outcome.results)])


def run_all(benchmarks, logs: Path = LOGS) -> int:
    """Run every benchmark, print their summaries and the failures' tails; 1 if any
    failed."""
    outcomes = []
    for benchmark in benchmarks:
        env = environment(benchmark)
        print(
            f"== {benchmark.name} (at most {benchmark.timeout:.0f} s; "
            f"{env['BENCH_DATABASE_URL'].rsplit('/', 1)[1]}, redis db {benchmark.redis_db}, "
            f"port {env['BENCH_PORT']})",
            flush=True,
        )
        outcome = run(benchmark, env, logs)
        print(summary(outcome), flush=True)
        outcomes.append(outcome)
    failed = [outcome for outcome in outcomes if outcome.problem is not None]
    for outcome in failed:
        print(
            f"\n---- {outcome.benchmark.name} FAILED ({outcome.problem}); the last "
            f"{len(outcome.tail)} lines of {outcome.log}:"
        )
        print("\n".join(outcome.tail))
    print("\n== bench-smoke summary")
    for outcome in outcomes:
        print(summary(outcome))
    if failed:
        names = ", ".join(outcome.benchmark.name for outcome in failed)
        print(f"bench-smoke FAILED: {names}", flush=True)
        return 1
    print(f"bench-smoke ok: {len(outcomes)} benchmarks", flush=True)
    return 0


def psql_tool(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [args[0], "-h", "127.0.0.1", "-U", "postgres", *args[1:]], capture_output=True, text=True
    )


def drop_databases(names) -> None:
    for name in names:
        dropped = psql_tool("dropdb", "--if-exists", "--force", name)
        if dropped.returncode:
            print(f"Could not drop {name}: {dropped.stderr.strip()}")


def build_template() -> str | None:
    """Migrate the template database the benchmarks' databases are copied from
    (stack.new_database); what went wrong, or None."""
    drop_databases([TEMPLATE])
    created = psql_tool("createdb", TEMPLATE)
    if created.returncode:
        return created.stderr
    migrated = subprocess.run(
        [PYTHON, "manage.py", "migrate", "-v0"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": f"{SERVER}/{TEMPLATE}"},
        capture_output=True,
        text=True,
    )
    return migrated.stderr if migrated.returncode else None


def main(names: list[str]) -> int:
    known = {benchmark.name: benchmark for benchmark in BENCHMARKS}
    unknown = [name for name in names if name not in known]
    if unknown:
        print(f"Unknown benchmark {', '.join(unknown)}; known: {', '.join(known)}")
        return 2
    chosen = [known[name] for name in names] or list(BENCHMARKS)
    print(f"Load average at start: {stack.load_average()}")
    started = time.perf_counter()
    problem = build_template()
    print(f"== migrations (template database {TEMPLATE}): {time.perf_counter() - started:.1f} s")
    try:
        if problem:
            print(f"bench-smoke FAILED: the template database could not be migrated\n{problem}")
            return 1
        return run_all(chosen)
    finally:
        drop_databases([database_url(b.name).rsplit("/", 1)[1] for b in chosen] + [TEMPLATE])
        print(
            f"bench-smoke took {time.perf_counter() - started:.0f} s; load average at end: "
            f"{stack.load_average()}"
        )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
