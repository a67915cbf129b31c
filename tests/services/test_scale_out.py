"""The multi-machine layout on one machine (README, "Scale-out"): two web processes and
two Celery workers against one PostgreSQL (with a read-only "replica" connection for
the heavy read-only views), one Redis and one S3 server. Reports are filed through both
web processes, and every photo is processed once, by one of the workers."""

import io
import json
import os
import re
import sys
import urllib.error
import urllib.request
import uuid
from contextlib import ExitStack
from pathlib import Path

import pytest
from django.db import connection
from PIL import Image

from complaints.models import Complaint, ComplaintPhoto
from inspections.models import EvidencePhoto
from registry.services import api_token_create
from tests.inspections.helpers import decided_inspection
from tests.inspections.test_findings import label_item
from tests.objectstore import free_ports
from tests.services.conftest import _test_database_url, process, wait_for

ROOT = Path(__file__).resolve().parents[2]
REPORTS_PER_WEB = 5
REPLICA_NAME = "msq-replica"


def request(url: str, *, data: bytes | None = None, headers: dict | None = None, method=None):
    call = urllib.request.Request(url, data=data, headers=headers or {}, method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(call, timeout=60) as response:  # noqa: S310 - loopback
            return response.status, response.read(), response.headers
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read(), refused.headers
    except urllib.error.URLError:
        return 0, b"", {}  # not listening (yet)


def photo(seed: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (seed * 20 % 256, 90, 160)).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = b""
    for name, value in fields.items():
        body += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        ).encode()
    for name, (filename, data) in files.items():
        body += (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: image/jpeg\r\n\r\n'
            ).encode()
            + data
            + b"\r\n"
        )
    return body + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def file_report(base: str, n: int) -> dict:
    fields = {
        "kind": "quality",
        "product_name": f"Dầu ăn đóng chai lô {n}",
        "seller_name": "Đại lý Thành Công",
        "seller_address": "25 Lê Lợi",
        "description": "Chai dầu ăn bị đục, nhãn ghi hạn sử dụng đã bị sửa.",
    }
    body, content_type = multipart(fields, {"photos": ("anh.jpg", photo(n))})
    status, answer, _headers = request(
        f"{base}/api/v1/public/reports",
        data=body,
        headers={"Content-Type": content_type},
        method="POST",
    )
    assert status == 201, answer[:500]
    return json.loads(answer)


def post_finding(base: str, inspection, auth: dict) -> int:
    """A non-conforming label finding posted over HTTP, as a tablet does; its id."""
    finding = {
        "client_uuid": str(uuid.uuid4()),
        "item_id": label_item().pk,
        "result": "non_conforming",
        "note": "Nhãn phụ thiếu",
    }
    status, answer, _ = request(
        f"{base}/api/v1/inspections/{inspection.pk}/findings",
        data=json.dumps(finding).encode(),
        headers={**auth, "Content-Type": "application/json"},
        method="POST",
    )
    assert status == 201, answer
    return json.loads(answer)["id"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_web_processes_and_two_workers_share_postgresql_redis_and_s3(
    tmp_path, broker, s3_media, alice, bob, nadia
):
    database = _test_database_url()
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "DATABASE_REPLICA_URL": f"{database}?application_name={REPLICA_NAME}",
        "VAR_DIR": str(tmp_path / "var"),
        "COMPLAINT_SUBMIT_LIMIT": "1000",
        "LOG_FORMAT": "plain",
        **s3_media.store.environment(s3_media.bucket),
    }
    ports = free_ports(2)
    with ExitStack() as stack:
        for i, port in enumerate(ports):
            web = [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}"]
            stack.enter_context(process([*web, "-w", "2"], env, tmp_path / f"web{i}.log"))
        for i in range(2):
            worker = [sys.executable, "-m", "celery", "-A", "config", "worker", "-c", "1"]
            worker += ["-Q", "default,photos", "-n", f"node{i}@%h", "-l", "INFO"]
            worker += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
            stack.enter_context(process(worker, env, tmp_path / f"worker{i}.log"))
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        for base in bases:
            assert wait_for(lambda b=base: request(f"{b}/healthz")[0] == 200, timeout=60)
            status, body, _ = request(f"{base}/readyz")
            assert status == 200, body
            assert json.loads(body)["checks"] == {"database": "ok", "broker": "ok", "storage": "ok"}

        # Citizens file through both web processes.
        filed = [file_report(base, n) for n in range(REPORTS_PER_WEB) for base in bases]
        assert len({report["tracking_number"] for report in filed}) == 2 * REPORTS_PER_WEB

        # An inspector's finding through one web process, its photo through the other.
        inspection = decided_inspection(supervisor=bob, lead=alice)
        token = api_token_create(user=alice, name="Tablet")[1]
        auth = {"Authorization": f"Bearer {token}"}
        finding_id = post_finding(bases[0], inspection, auth)
        evidence = photo(99)
        body, content_type = multipart({}, {"photo": ("hien-truong.jpg", evidence)})
        status, answer, _ = request(
            f"{bases[1]}/api/v1/findings/{finding_id}/photos",
            data=body,
            headers={**auth, "Content-Type": content_type},
            method="POST",
        )
        assert status == 201, answer

        def all_processed():
            return (
                ComplaintPhoto.objects.filter(state=ComplaintPhoto.State.READY).count()
                == 2 * REPORTS_PER_WEB
                and EvidencePhoto.objects.filter(state=EvidencePhoto.State.READY).count() == 1
            )

        assert wait_for(all_processed, timeout=120), [
            (p.pk, p.state, p.error_code) for p in ComplaintPhoto.objects.all()
        ]

        # Every photo processed once: one task run each, and in the bucket exactly one
        # display copy and one thumbnail per photo, no original of a citizen's left.
        runs = {}
        for i in range(2):
            log = (tmp_path / f"worker{i}.log").read_text()
            runs[i] = len(
                re.findall(r"Task complaints\.tasks\.photo_process\[[^\]]+\] succeeded", log)
            )
        assert sum(runs.values()) == 2 * REPORTS_PER_WEB, runs
        print(f"photo tasks run by each worker: {runs}")
        photos = list(ComplaintPhoto.objects.all())
        stored = set(s3_media.keys())
        expected = {p.display.name for p in photos} | {p.thumb.name for p in photos}
        proof = EvidencePhoto.objects.get()
        expected |= {proof.original.name, proof.display.name, proof.thumb.name}
        assert stored == expected, stored ^ expected
        assert Complaint.objects.count() == 2 * REPORTS_PER_WEB

        # The original, uploaded through one process, comes back through the other.
        status, original, _ = request(
            f"{bases[0]}/api/v1/findings/{finding_id}/photos/{proof.pk}/original", headers=auth
        )
        assert status == 200 and original == evidence

        # The dashboard reads from the replica connection, which refuses writes.
        board_token = api_token_create(user=nadia, name="Desk")[1]
        status, board, _ = request(
            f"{bases[1]}/api/v1/dashboard", headers={"Authorization": f"Bearer {board_token}"}
        )
        assert status == 200, board
        assert json.loads(board)["received"] >= 2 * REPORTS_PER_WEB
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT query FROM pg_stat_activity WHERE application_name = %s AND datname = %s",
                [REPLICA_NAME, connection.settings_dict["NAME"]],
            )
            replica_queries = [row[0] for row in cursor.fetchall()]
        # Only @replica_reads views use that connection, and it only ever read.
        assert replica_queries, "the dashboard did not use the replica connection"
        assert all(q.lstrip().upper().startswith("SELECT") for q in replica_queries), (
            replica_queries
        )
