"""bench/smoke.py's own checking, on fake benchmarks (tiny scripts), so that `make
bench-smoke` cannot pass a broken benchmark: a non-zero exit, a traceback, no RESULT line
and a run past its timeout each fail it, naming the benchmark and showing its output."""

import importlib.util
import socket
import sys
import textwrap
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent

spec = importlib.util.spec_from_file_location("bench_smoke", BASE_DIR / "bench" / "smoke.py")
smoke = importlib.util.module_from_spec(spec)
sys.modules["bench_smoke"] = smoke  # dataclasses look their module up
spec.loader.exec_module(smoke)

GOOD = 'print("Load average at start: 0.10 0.10 0.10")\nprint("RESULT fake 12.5 req/s")\n'
BROKEN = {
    "exits_1": 'print("RESULT fake 12.5 req/s")\nprint("no database")\nraise SystemExit(1)\n',
    "no_result": 'print("fake: 12.5 req/s, not for the record")\n',
    "traceback": """
        import traceback
        try:
            1 / 0
        except ZeroDivisionError:
            traceback.print_exc()
        print("RESULT fake 12.5 req/s")
    """,
}
PROBLEMS = {
    "exits_1": "exit status 1",
    "no_result": 'no figures (no line starting with "RESULT ")',
    "traceback": "a Python traceback in its output",
}


def fake(tmp_path, name: str, code: str, timeout: float = 60):
    script = tmp_path / f"fake_{name}.py"  # not traceback.py: it would shadow the module
    script.write_text(textwrap.dedent(code))
    return smoke.Benchmark(name, str(script), timeout, redis_db=0, port=8199)


def test_a_benchmark_that_finishes_and_prints_figures_passes(tmp_path, capsys):
    status = smoke.run_all([fake(tmp_path, "good", GOOD)], logs=tmp_path / "logs")
    out = capsys.readouterr().out
    assert status == 0
    assert "    RESULT fake 12.5 req/s" in out
    assert "FAILED" not in out
    assert "bench-smoke ok: 1 benchmarks" in out


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_broken_benchmark_fails_the_run_by_name_with_its_output(tmp_path, capsys, name):
    benchmarks = [fake(tmp_path, "good", GOOD), fake(tmp_path, name, BROKEN[name])]
    status = smoke.run_all(benchmarks, logs=tmp_path / "logs")
    out = capsys.readouterr().out
    assert status == 1
    assert f"{name:<13}" in out and f"FAILED: {PROBLEMS[name]}" in out
    assert f"bench-smoke FAILED: {name}\n" in out
    assert "bench-smoke good" in out and "FAILED: good" not in out
    tail = out.split(f"---- {name} FAILED", 1)[1]
    if name == "exits_1":
        assert "no database" in tail
    elif name == "traceback":
        assert "ZeroDivisionError" in tail
    else:
        assert "not for the record" in tail


def test_a_benchmark_past_its_timeout_is_stopped_and_fails(tmp_path, capsys):
    hanging = fake(
        tmp_path,
        "hangs",
        """
        import time
        print("started", flush=True)
        try:
            time.sleep(600)
        finally:
            print("stopped by the smoke run", flush=True)
        """,
        timeout=1,
    )
    status = smoke.run_all([hanging], logs=tmp_path / "logs")
    out = capsys.readouterr().out
    assert status == 1
    assert "FAILED: timed out after 1 s" in out
    # Interrupted, not killed: its finally blocks (stack.serving's) ran.
    assert "stopped by the smoke run" in out


def test_verdict_reads_only_a_line_that_starts_with_result():
    assert smoke.verdict(0, "RESULT x 1\n") is None
    assert smoke.verdict(0, "no RESULT here\n") is not None
    assert smoke.verdict(0, "RESULT x 1\n", timeout=5) == "timed out after 5 s"
    assert smoke.verdict(-2, "RESULT x 1\n") == "exit status -2"


def test_every_benchmark_has_its_own_database_redis_dbs_and_port():
    benchmarks = smoke.BENCHMARKS
    scripts = {path.stem for path in (BASE_DIR / "bench").glob("*.py")}
    assert {b.name for b in benchmarks} == scripts - {"stack", "smoke"}
    redis = [db for b in benchmarks for db in (b.redis_db, b.redis_db + 1)]
    assert len(set(redis)) == len(redis) and not {14, 15} & set(redis)
    assert len({b.port for b in benchmarks}) == len(benchmarks)
    urls = {smoke.environment(b)["BENCH_DATABASE_URL"] for b in benchmarks}
    assert len(urls) == len(benchmarks)
    assert all(smoke.environment(b)["BENCH_SMOKE"] == "1" for b in benchmarks)


def test_a_port_in_use_is_neither_given_to_a_benchmark_nor_served_on():
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        busy = holder.getsockname()[1]
        assert not smoke.stack.port_is_free(busy)
        assert smoke.free_port(busy) != busy
        with (
            pytest.raises(SystemExit, match=f"Port {busy} is in use"),
            smoke.stack.serving({}, busy),
        ):
            pass
