"""Faults on PostgreSQL and Redis, with real processes (gunicorn, Celery workers) and
nothing mocked:

- a worker's pool child killed (SIGKILL) in the middle of a photo;
- a whole worker killed (main process and children), then a new one started;
- Redis unreachable for 30 s while citizens file reports;
- the web process's database connection dropped in the middle of a filing and of an
  inspector's evidence upload.

A task enqueued in a rolled-back transaction never reaches the broker: that fault is
proved in tests/services/test_worker.py
(test_a_task_enqueued_in_a_rolled_back_transaction_never_reaches_the_broker).

"Exactly once" is checked from the outside: every photo ends ready, and the media folder
holds exactly the display copy and thumbnail that the database names, no second copy
under a suffixed name, no original left over.

The workers run with a 6 s hard time limit, so a claim goes stale after 12 s (twice the
limit, as in production with 180 s and 6 minutes). Beat is not run: the test sends the
sweep task itself, as beat does every two minutes.
"""

import json
import os
import re
import signal
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psutil
import pytest
from django.conf import settings
from django.db import connection
from django.db.models import F
from django.utils import timezone
from PIL import Image

from complaints.models import Complaint, ComplaintPhoto
from complaints.services import PhotoUpload
from complaints.tasks import photos_sweep
from inspections.findings import evidence_upload, finding_create
from inspections.models import EvidencePhoto
from inspections.tasks import evidence_sweep
from registry.services import api_token_create
from tests.browser.relay import Relay
from tests.complaints.helpers import file_complaint
from tests.inspections.helpers import decided_inspection
from tests.inspections.test_findings import label_item
from tests.objectstore import free_ports
from tests.services.conftest import _test_database_url, process, wait_for
from tests.services.test_scale_out import multipart, photo, post_finding, request

ROOT = Path(__file__).resolve().parents[2]
TIME_LIMIT = 6  # seconds, in the workers: a claim is stale after twice that
STALE = timedelta(seconds=2 * TIME_LIMIT + 1)
OUTAGE = 30.0
BROKER_FIRST = 6.0  # seconds of the broker alone unreachable, before the cache too
WEB_APP = "msq-faults-web"

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


# --- Processes ----------------------------------------------------------------------------


def environment(**extra) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "VAR_DIR": str(settings.VAR_DIR),
        "LOG_FORMAT": "plain",
        "COMPLAINT_SUBMIT_LIMIT": "100000",
        "CELERY_TASK_TIME_LIMIT": str(TIME_LIMIT),
        "CELERY_TASK_SOFT_TIME_LIMIT": str(TIME_LIMIT - 1),
        **extra,
    }


@contextmanager
def worker(env: dict, log: Path, name: str):
    """A Celery worker with one pool child, both queues, as `make worker` runs it."""
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-c", "1"]
    command += ["-Q", "default,photos", "-n", f"{name}@%h", "-l", "INFO"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    with process(command, env, log) as child:
        assert wait_for(lambda: " ready." in log.read_text(), timeout=60), log.read_text()
        yield child


@contextmanager
def web(env: dict, log: Path, workers: int = 2):
    port = free_ports(1)[0]
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}"]
    with process([*command, "-w", str(workers)], env, log):
        base = f"http://127.0.0.1:{port}"
        assert wait_for(lambda: request(f"{base}/healthz")[0] == 200, timeout=60), log.read_text()
        yield base


def pool_children(worker_process) -> list[psutil.Process]:
    return psutil.Process(worker_process.pid).children()


def kill_when(path: Path, kill, timeout: float = 30.0) -> None:
    """`kill()` as soon as `path` exists: a derived copy on disk, not yet in its row.
    The window is a few milliseconds (the thumbnail's write and one UPDATE), so this
    polls without sleeping."""
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        os.sched_yield()
    kill()


def task_results(log: Path, task: str) -> list[str]:
    """What each run of `task` returned, from the worker's log."""
    return re.findall(
        rf"Task {re.escape(task)}\[[^\]]+\] succeeded in [^:]+: '(\w+)'", log.read_text()
    )


def via(relay: Relay, url: str) -> str:
    """`url` with its host and port replaced by the relay's."""
    parts = urlsplit(url)
    auth = parts.netloc.rpartition("@")[0]
    netloc = f"{auth}@127.0.0.1:{relay.port}" if auth else f"127.0.0.1:{relay.port}"
    return urlunsplit(parts._replace(netloc=netloc))


# --- Photos and what the media folder holds -------------------------------------------------


def big_png(seed: int) -> bytes:
    """16 Mpx, the most a lossless photo may have (registry.images.MAX_LOSSLESS_PIXELS):
    a few tenths of a second of work for the worker, long enough to kill it mid-way."""
    image = Image.linear_gradient("L").resize((4096, 4096)).convert("RGB")
    image.putpixel((seed, seed), (255, 0, 0))  # distinct bytes, distinct SHA-256
    buffer = BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def stored_files(folder: str) -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(p.relative_to(root)) for p in (root / folder).rglob("*") if p.is_file()}


def assert_each_copy_once():
    """The media folder holds exactly the files the database names: one display copy and
    one thumbnail a photo (and an evidence photo's original), nothing else."""
    photos = list(ComplaintPhoto.objects.all())
    evidence = list(EvidencePhoto.objects.all())
    assert all(p.state == ComplaintPhoto.State.READY for p in photos), [
        (p.pk, p.state, p.error_code) for p in photos
    ]
    assert all(p.state == EvidencePhoto.State.READY for p in evidence)
    expected = {n for p in photos for n in (p.display.name, p.thumb.name)}
    expected |= {n for p in evidence for n in (p.original.name, p.display.name, p.thumb.name)}
    stored = stored_files("complaints") | stored_files("evidence")
    assert stored == expected, {
        "not in the database": stored - expected,
        "missing": expected - stored,
    }
    assert stored_files("quarantine") == set(), "a citizen's original was left behind"


def wait_until_stale():
    """Until every claim still held is older than the workers' stale limit."""
    assert wait_for(
        lambda: (
            not ComplaintPhoto.objects.filter(
                state=ComplaintPhoto.State.PROCESSING, claimed_at__gt=timezone.now() - STALE
            ).exists()
            and not EvidencePhoto.objects.filter(
                state=EvidencePhoto.State.PROCESSING, claimed_at__gt=timezone.now() - STALE
            ).exists()
        ),
        timeout=60,
    )


# --- 1. A pool child killed mid-photo -------------------------------------------------------


def test_a_pool_child_killed_mid_photo_leaves_every_copy_made_once(tmp_path, broker, settings):
    """One child is killed while it decodes a photo, another once the photo's display copy
    is on disk but not yet recorded. The pool starts a new child each time; the message
    comes back (reject_on_worker_lost) and is skipped, because the dead child's claim
    still holds. The sweep takes the claims over once they are stale."""
    settings.COMPLAINT_SUBMIT_LIMIT = 100
    filed = [
        file_complaint(
            photos=[PhotoUpload(data=big_png(n), filename="a.png")], network_key=f"n{n}"
        ).complaint
        for n in range(3)
    ]
    first, second, _third = (c.photos.get() for c in filed)
    log = tmp_path / "worker.log"
    with worker(environment(), log, "child") as celery:
        # While the first photo is decoded: the claim is in the database, nothing on disk.
        assert wait_for(
            lambda: (
                ComplaintPhoto.objects.get(pk=first.pk).state == ComplaintPhoto.State.PROCESSING
            ),
            timeout=30,
            interval=0.01,
        )
        (child,) = pool_children(celery)
        child.kill()

        # Once the second photo's display copy is on disk, before the row says so.
        assert wait_for(
            lambda: (
                ComplaintPhoto.objects.get(pk=second.pk).state == ComplaintPhoto.State.PROCESSING
            ),
            timeout=30,
        )
        (child,) = [
            c
            for c in pool_children(celery)
            if c.pid != child.pid and c.status() != psutil.STATUS_ZOMBIE
        ]
        display = (
            Path(settings.MEDIA_ROOT) / f"complaints/{second.complaint_id}/{second.pk}-display.jpg"
        )
        kill_when(display, lambda: os.kill(child.pid, signal.SIGKILL))
        # Killed between its copies and its row, mostly; a kill that comes late (the
        # window is milliseconds) finds the photo ready but its task not yet acknowledged.
        late = ComplaintPhoto.objects.get(pk=second.pk).state == ComplaintPhoto.State.READY

        assert wait_for(
            lambda: ComplaintPhoto.objects.filter(state=ComplaintPhoto.State.READY).count() == 1,
            timeout=30,
        )
        wait_until_stale()
        started = time.monotonic()
        photos_sweep.delay()
        assert wait_for(
            lambda: ComplaintPhoto.objects.filter(state=ComplaintPhoto.State.READY).count() == 3,
            timeout=30,
        ), log.read_text()[-3000:]
        recovered = time.monotonic() - started
        # A late kill took the second photo's "ready" line with it. The last run's line
        # comes just after its row is updated.
        made = 2 if late else 3
        assert wait_for(
            lambda: task_results(log, "complaints.tasks.photo_process").count("ready") == made
        )
        assert celery.poll() is None, "the worker itself must survive its children"

    text = log.read_text()
    assert text.count("WorkerLostError") >= 2, text[-3000:]
    results = task_results(log, "complaints.tasks.photo_process")
    # Each photo made once; each killed run's message came back and was skipped.
    assert results.count("ready") == made, results
    assert results.count("skipped") == 2, results
    assert_each_copy_once()
    print(f"child kill: {results}, late={late}, recovered {recovered:.1f}s after the sweep")


# --- 2. The whole worker killed -------------------------------------------------------------


def test_a_worker_killed_whole_loses_no_photo_and_makes_each_copy_once(
    tmp_path, broker, settings, alice, bob
):
    """The worker and its child are killed (SIGKILL to the process group) once an
    evidence photo's display copy is on disk. Redis would hand the unacknowledged task
    back only after the visibility timeout (an hour); the new worker processes what was
    still queued, and the sweep takes the stale claim over."""
    settings.COMPLAINT_SUBMIT_LIMIT = 100
    inspection = decided_inspection(supervisor=bob, lead=alice)
    finding, _ = finding_create(
        by=alice,
        inspection=inspection,
        client_uuid=uuid.uuid4(),
        item=label_item(),
        result="non_conforming",
        note="Nhãn phụ thiếu",
    )
    env = environment()
    first_log, second_log = tmp_path / "worker1.log", tmp_path / "worker2.log"
    proof, _ = evidence_upload(by=alice, finding=finding, data=big_png(7), filename="a.png")
    for n in range(2):
        file_complaint(photos=[PhotoUpload(data=big_png(n), filename="a.png")], network_key=f"n{n}")
    with worker(env, first_log, "first") as celery:
        display = (
            Path(settings.MEDIA_ROOT)
            / f"evidence/{inspection.pk}/derived/{proof.sha256}-display.jpg"
        )
        kill_when(display, lambda: os.killpg(celery.pid, signal.SIGKILL))
        celery.wait()
    # As above, a late kill finds the evidence ready; its message is lost all the same.
    late = EvidencePhoto.objects.get().state == EvidencePhoto.State.READY
    # The dead worker's message waits in Redis for the visibility timeout.
    assert broker.hlen("unacked") == 1

    with worker(env, second_log, "second"):
        assert wait_for(
            lambda: ComplaintPhoto.objects.filter(state=ComplaintPhoto.State.READY).count() == 2,
            timeout=30,
        ), second_log.read_text()[-3000:]
        wait_until_stale()
        started = time.monotonic()
        evidence_sweep.delay()
        photos_sweep.delay()
        assert wait_for(
            lambda: EvidencePhoto.objects.get().state == EvidencePhoto.State.READY, timeout=30
        ), second_log.read_text()[-3000:]
        recovered = time.monotonic() - started
        redone = [] if late else ["ready"]
        assert wait_for(
            lambda: task_results(second_log, "inspections.tasks.evidence_process") == redone
        )

    assert task_results(second_log, "complaints.tasks.photo_process") == ["ready", "ready"]
    assert_each_copy_once()
    print(f"worker kill: late={late}, evidence recovered {recovered:.1f}s after the sweep")


# --- 4. Redis unreachable for 30 s while citizens file ------------------------------------------


def test_thirty_seconds_without_redis_refuse_cleanly_and_lose_no_accepted_report(tmp_path, broker):
    """The web processes and the worker reach Redis through relays that the test cuts:
    first the broker's alone for a few seconds (filings are accepted, their tasks cannot
    be sent), then the cache's too, for 30 s. Each filing is accepted (201) or refused
    with a 503 and a stable code; every accepted one is stored once and its photo
    processed after Redis comes back: by its task, or by the sweep when the broker was
    gone at commit."""
    port = urlsplit(settings.CELERY_BROKER_URL).port or 6379
    broker_relay, cache_relay = Relay(port), Relay(port)
    env = environment(
        CELERY_BROKER_URL=via(broker_relay, settings.CELERY_BROKER_URL),
        CACHE_URL=via(cache_relay, settings.CACHE_URL or settings.CELERY_BROKER_URL),
    )
    outcomes: list[tuple[float, int, dict]] = []
    stop = threading.Event()

    def citizen(base: str, n: int):
        i = 0
        while not stop.is_set():
            i += 1
            fields = {
                "kind": "quality",
                "product_name": f"Sữa bột lô {n}-{i}",
                "seller_name": "Cửa hàng Bình An",
                "seller_address": "8 Trần Phú",
                "description": "Hộp sữa bột bị phồng, hạn sử dụng bị dán đè.",
            }
            body, content_type = multipart(fields, {"photos": ("anh.jpg", photo(n * 1000 + i))})
            status, answer, _ = request(
                f"{base}/api/v1/public/reports",
                data=body,
                headers={"Content-Type": content_type},
                method="POST",
            )
            try:
                parsed = json.loads(answer)
            except ValueError:
                parsed = {"raw": answer[:200]}
            outcomes.append((time.monotonic(), status, parsed))
            stop.wait(0.3)

    try:
        with (
            web(env, tmp_path / "web.log") as base,
            worker(env, tmp_path / "worker.log", "relayed"),
        ):
            threads = [threading.Thread(target=citizen, args=(base, n)) for n in range(3)]
            for thread in threads:
                thread.start()
            time.sleep(4)
            broker_relay.down()
            cut = time.monotonic()
            time.sleep(BROKER_FIRST)
            cache_relay.down()
            time.sleep(OUTAGE / 2)
            # Liveness touches nothing: the node stays in the load balancer.
            assert request(f"{base}/healthz")[0] == 200
            status, body, _ = request(f"{base}/readyz")
            assert status == 503 and json.loads(body)["checks"]["broker"] != "ok"
            time.sleep(OUTAGE / 2)
            broker_relay.up()
            cache_relay.up()
            back = time.monotonic()
            time.sleep(4)
            stop.set()
            for thread in threads:
                thread.join()

            accepted = [o for o in outcomes if o[1] == 201]
            refused = [o for o in outcomes if o[1] == 503]
            statuses = sorted({o[1] for o in outcomes})
            assert statuses == [201, 503], (
                statuses,
                [o for o in outcomes if o[1] not in (201, 503)][:3],
            )
            assert {o[2]["code"] for o in refused} <= {"service_unavailable"}, refused[:3]
            assert all(set(o[2]["messages"]) == {"vi", "en"} for o in refused)
            assert any(t < cut for t, *_ in accepted) and any(t > back for t, *_ in accepted)
            tracking = {o[2]["tracking_number"] for o in accepted}
            assert len(tracking) == len(accepted)

            # Photos whose task never reached the broker wait for the sweep's grace (2 min):
            # once the queue is drained, the rows are aged past it rather than waited for.
            def drained():
                return (
                    not broker.llen("photos")
                    and not ComplaintPhoto.objects.filter(
                        state=ComplaintPhoto.State.PROCESSING
                    ).exists()
                )

            assert wait_for(drained, timeout=60)
            time.sleep(1)
            assert wait_for(drained, timeout=30)
            lost = ComplaintPhoto.objects.filter(state=ComplaintPhoto.State.PENDING)
            lost_count = lost.update(created_at=F("created_at") - timedelta(minutes=3))
            photos_sweep.delay()
            assert wait_for(
                lambda: (
                    ComplaintPhoto.objects.filter(state=ComplaintPhoto.State.READY).count()
                    == len(accepted)
                ),
                timeout=60,
            ), (tmp_path / "worker.log").read_text()[-3000:]
            recovered = time.monotonic() - back
    finally:
        broker_relay.close()
        cache_relay.close()

    assert lost_count, "no filing was accepted while only the broker was down"
    assert Complaint.objects.count() == len(accepted)
    assert set(Complaint.objects.values_list("tracking_number", flat=True)) == tracking
    assert ComplaintPhoto.objects.count() == len(accepted)
    assert_each_copy_once()
    during = [o for o in outcomes if cut <= o[0] <= back]
    print(
        f"redis outage: {len(accepted)} accepted, {len(refused)} refused with 503; "
        f"during the cut {sum(o[1] == 201 for o in during)} accepted, "
        f"{sum(o[1] == 503 for o in during)} refused; {lost_count} photos recovered by the "
        f"sweep; all processed {recovered:.1f}s after Redis came back"
    )


# --- 5. The database connection dropped mid-request ---------------------------------------------


def test_a_database_connection_dropped_mid_write_is_a_clean_503_and_leaves_nothing_half_written(
    tmp_path, broker, alice, bob
):
    """A relay between the web process and PostgreSQL drops the connection as the photo
    row goes out (the report's row is already written, in the same transaction). The
    client gets a 503 with a code, nothing is stored, and the next request succeeds."""
    relay = Relay(int(connection.settings_dict.get("PORT") or 5432))
    database = f"{via(relay, _test_database_url())}?application_name={WEB_APP}"
    inspection = decided_inspection(supervisor=bob, lead=alice)
    token = api_token_create(user=alice, name="Tablet")[1]
    auth = {"Authorization": f"Bearer {token}"}

    def file_report(n: int):
        fields = {
            "kind": "quality",
            "product_name": f"Nước giặt lô {n}",
            "seller_name": "Siêu thị Hòa Bình",
            "seller_address": "3 Nguyễn Trãi",
            "description": "Can nước giặt bị rò rỉ, nhãn phụ không có tiếng Việt.",
        }
        body, content_type = multipart(fields, {"photos": ("anh.jpg", photo(n))})
        return request(
            f"{base}/api/v1/public/reports",
            data=body,
            headers={"Content-Type": content_type},
            method="POST",
        )

    def upload(finding_id: int, data: bytes):
        body, content_type = multipart({}, {"photo": ("hien-truong.jpg", data)})
        return request(
            f"{base}/api/v1/findings/{finding_id}/photos",
            data=body,
            headers={**auth, "Content-Type": content_type},
            method="POST",
        )

    def assert_clean_503(status, answer):
        assert status == 503, (status, answer[:300])
        error = json.loads(answer)
        assert error["code"] == "database_unavailable"
        assert set(error["messages"]) == {"vi", "en"} and error["message"]

    try:
        with web(environment(DATABASE_URL=database), tmp_path / "web.log", workers=1) as base:
            finding_id = post_finding(base, inspection, auth)

            # Between requests: the kept connection was ended by the server.
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE application_name = %s",
                    [WEB_APP],
                )
                assert cursor.fetchone()[0] == 1
            status, answer, _ = file_report(1)
            assert status == 201, answer
            assert Complaint.objects.count() == ComplaintPhoto.objects.count() == 1

            # A citizen's filing: cut after the report's row, as its photo's row goes out.
            relay.cut_when(b'INSERT INTO "complaints_complaintphoto"', 0)
            assert_clean_503(*file_report(2)[:2])
            assert relay.cuts == 1
            relay.up()
            assert Complaint.objects.count() == ComplaintPhoto.objects.count() == 1
            assert len(stored_files("quarantine")) == 1, "a quarantined original without its row"
            status, answer, _ = file_report(2)
            assert status == 201, answer
            assert Complaint.objects.count() == ComplaintPhoto.objects.count() == 2
            assert stored_files("quarantine") == set(
                ComplaintPhoto.objects.values_list("quarantine_name", flat=True)
            )

            # An inspector's evidence photo: its original is written before its row.
            evidence = big_png(3)
            relay.cut_when(b'INSERT INTO "inspections_evidencephoto"', 0)
            assert_clean_503(*upload(finding_id, evidence)[:2])
            relay.up()
            assert not EvidencePhoto.objects.exists()
            assert stored_files("evidence") == set(), "an evidence file without its row"
            status, answer, _ = upload(finding_id, evidence)
            assert status == 201, answer
            proof = EvidencePhoto.objects.get()
            assert stored_files("evidence") == {proof.original.name}
            assert relay.cuts == 2
    finally:
        relay.close()
