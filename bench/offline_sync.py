"""A tablet's offline queue sent to the server: the first sync, and its replay.

Starts gunicorn and a Celery worker against a fresh benchmark database on PostgreSQL +
Redis, signs in as the team lead, and sends a queue of BENCH_FINDINGS findings with two
photos each (BENCH_PHOTO_KB each, every one different) the way the tablet's queue
(static/js/outbox.js) does:

  per inspection POST /api/v1/inspections/{id}/sync-status (what the server holds),
  per finding    POST /field/inspections/{id}/items/{item}/sync/ (the item form),
  per photo      POST /api/v1/findings/{id}/photo-uploads, then PUT 512 KB pieces.

Then it replays the same queue, as a tablet does that lost its record of what was sent:
the status calls answer that everything is there, and nothing else is sent. The replay
must cost at most 5% of the first sync, the reference measured in the same run. A second
replay without the status call (each finding and photo asked once, still no photo byte
sent) is shown for comparison.

Environment (bench/stack.py): BENCH_DATABASE_URL (default database
market_surveillance_bench_offline_sync), BENCH_REDIS_URL (default redis db 8; the cache
uses db 9), BENCH_PORT (8092), BENCH_FINDINGS (200; 4 with BENCH_SMOKE=1), BENCH_PHOTO_KB
(1500; 100 with BENCH_SMOKE=1). At the smoke scale the 5% target is printed, not checked.

Run:  make bench-offline-sync   (or: .venv/bin/python bench/offline_sync.py)
"""

import hashlib
import http.cookiejar
import io
import json
import os
import random
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import stack

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("BENCH_PORT", "8092"))
FINDINGS = stack.scale("BENCH_FINDINGS", 200, 4)
PHOTOS_PER_FINDING = 2
PHOTO_KB = stack.scale("BENCH_PHOTO_KB", 1500, 100)
INSPECTIONS = 4
PIECE = 512 * 1024
DATABASE = stack.database_url("market_surveillance_bench_offline_sync")
BROKER = stack.redis_urls(8)[0]  # the cache takes db 9 (stack.environment)
COMMAND = ".venv/bin/python bench/offline_sync.py"
PASSWORD = "Kiểm-tra-đồng-bộ-2026"  # noqa: S105 - a throwaway benchmark account

SETUP = """
import json
from datetime import date
from django.db import transaction
from inspections import services
from inspections.models import ChecklistItem, Inspection
from registry.models import EconomicOperator, Role, Unit, User
from django.contrib.auth.models import Group

hanoi = Unit.objects.get(code="01")
lead = User.objects.create_user(username="doantruong", password=PASSWORD, unit=hanoi,
                                full_name="Trưởng đoàn đồng bộ")
lead.groups.add(Group.objects.get(name=str(Role.TEAM_LEAD)))
boss = User.objects.create_user(username="lanhdao", password=PASSWORD, unit=hanoi)
boss.groups.add(Group.objects.get(name=str(Role.SUPERVISOR)))
scopes = ["label", "goods_quality"]
items = list(ChecklistItem.objects.filter(template__scope__in=scopes, template__version=1,
                                          kind="check").values_list("pk", flat=True))
inspections = []
for n in range(COUNT):
    with transaction.atomic():
        operator = EconomicOperator.objects.create(
            name=f"Kho hàng số {n}", address="Khu công nghiệp Quang Minh", role="distributor")
        inspection = services.inspection_create(by=boss, operator=operator, legal_ground="warning",
                                                scopes=scopes, scheduled_date=date.today())
        services.inspection_set_team(by=boss, inspection=inspection, lead=lead, members=[])
        inspection = services.inspection_decide(by=boss, inspection=inspection,
                                                decision_number=f"{n}/QĐ-ĐB",
                                                decision_date=date.today())
        services.inspection_transition(by=lead, inspection=inspection,
                                       to=Inspection.Status.ON_SITE)
    inspections.append(inspection.pk)
print("SETUP" + json.dumps({"inspections": inspections, "items": items}))
"""


def photos(count: int) -> list[bytes]:
    """Distinct JPEGs of about PHOTO_KB each (noise compresses badly, like a real scene)."""
    from PIL import Image

    rng = random.Random(11)
    side = 1600 if PHOTO_KB >= 1000 else 800
    base = bytes(rng.getrandbits(8) for _ in range(side * side // 16 * 3))
    image = Image.frombytes("RGB", (side // 4, side // 4), base).resize((side, side))
    quality = 95
    out = []
    for n in range(count):
        copy = image.copy()
        for bit in range(16):  # the photo's number as black and white squares
            shade = 255 if n >> bit & 1 else 0
            copy.paste((shade, shade, shade), (bit * 48, 0, bit * 48 + 48, 48))
        buffer = io.BytesIO()
        copy.save(buffer, "JPEG", quality=quality)
        if n == 0:
            while buffer.tell() > PHOTO_KB * 1024 and quality > 60:
                quality -= 5
                buffer = io.BytesIO()
                copy.save(buffer, "JPEG", quality=quality)
        out.append(buffer.getvalue())
    return out


class Tablet:
    """The queue's side of the protocol, over HTTP with the browser's session."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.requests = 0
        self.sent_bytes = 0

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def call(self, method: str, path: str, body: bytes | None = None, content_type=None):
        headers = {"X-CSRFToken": self.csrf(), "Accept": "application/json"}
        if content_type:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(
            self.base + path, data=body, headers=headers, method=method
        )
        self.requests += 1
        self.sent_bytes += len(body or b"")
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def post_json(self, path: str, data: dict):
        return self.call("POST", path, json.dumps(data).encode(), "application/json")

    def sign_in(self, username: str) -> None:
        page = self.opener.open(self.base + "/login/").read().decode()
        token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
        form = urllib.parse.urlencode(
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        ).encode()
        request = urllib.request.Request(
            self.base + "/login/", data=form, headers={"Referer": self.base + "/login/"}
        )
        self.opener.open(request).read()

    def sync(self, queue: list[dict], *, ask_first: bool = True) -> None:
        by_inspection: dict[int, list[dict]] = {}
        for entry in queue:
            by_inspection.setdefault(entry["inspection"], []).append(entry)
        for inspection, entries in by_inspection.items():
            held = {"findings": {}, "photos": {}}
            if ask_first:
                status, held = self.post_json(
                    f"/api/v1/inspections/{inspection}/sync-status",
                    {
                        "finding_uuids": [e["uuid"] for e in entries],
                        "photo_sha256": [p["sha256"] for e in entries for p in e["photos"]],
                    },
                )
                assert status == 200, held
            for entry in entries:
                finding_id = held["findings"].get(entry["uuid"])
                if finding_id is None:
                    form = urllib.parse.urlencode(entry["fields"]).encode()
                    status, body = self.call(
                        "POST", entry["sync_url"], form, "application/x-www-form-urlencoded"
                    )
                    assert status in (200, 201), body
                    finding_id = body["finding_id"]
                for photo in entry["photos"]:
                    if photo["sha256"] not in held["photos"]:
                        self.send_photo(finding_id, photo)

    def send_photo(self, finding_id: int, photo: dict) -> None:
        data = photo["data"]
        status, body = self.post_json(
            f"/api/v1/findings/{finding_id}/photo-uploads",
            {"sha256": photo["sha256"], "size": len(data), "filename": "anh.jpg"},
        )
        assert status in (200, 201), body
        while body["state"] != "stored":
            offset = body["offset"]
            piece = data[offset : offset + body["chunk_size"]]
            status, body = self.call(
                "PUT",
                f"/api/v1/photo-uploads/{body['id']}?offset={offset}",
                piece,
                "application/octet-stream",
            )
            assert status == 200, body


def main() -> None:
    print(f"Load average at start: {stack.load_average()}", flush=True)
    env = stack.environment(
        DATABASE, BROKER, SECURE_SSL_REDIRECT="False", SESSION_COOKIE_SECURE="False"
    )
    python = sys.executable
    stack.fresh_database(env)
    stack.print_pg_settings(DATABASE)
    code = SETUP.replace("PASSWORD", repr(PASSWORD)).replace("COUNT", str(INSPECTIONS))
    out = subprocess.run(
        [python, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if out.returncode:
        sys.exit(out.stderr)
    out = out.stdout
    world = json.loads(out.split("SETUP", 1)[1])
    print(f"Making {FINDINGS * PHOTOS_PER_FINDING} distinct photos…", flush=True)
    images = photos(FINDINGS * PHOTOS_PER_FINDING)
    queue = []
    for n in range(FINDINGS):
        inspection = world["inspections"][n % INSPECTIONS]
        item = world["items"][n % len(world["items"])]
        key = str(uuid.uuid4())
        queue.append(
            {
                "uuid": key,
                "inspection": inspection,
                "sync_url": f"/field/inspections/{inspection}/items/{item}/sync/",
                "fields": {
                    "client_uuid": key,
                    "result": "non_conforming" if n % 3 else "conforming",
                    "note": f"Kết quả số {n} ghi khi mất mạng",
                    "latitude": "21.03",
                    "longitude": "105.85",
                    "captured_at": "2026-12-01T09:00:00+07:00",
                },
                "photos": [
                    {"sha256": hashlib.sha256(data).hexdigest(), "data": data}
                    for data in images[n * PHOTOS_PER_FINDING : (n + 1) * PHOTOS_PER_FINDING]
                ],
            }
        )
    photo_bytes = sum(len(p["data"]) for e in queue for p in e["photos"])

    with stack.serving(env, PORT) as base:
        runs = {}
        for label, ask_first in (
            ("first sync", True),
            ("replay", True),
            ("replay, no status call", False),
        ):
            tablet = Tablet(base)
            tablet.sign_in("doantruong")
            started = time.perf_counter()
            tablet.sync(queue, ask_first=ask_first)
            runs[label] = (time.perf_counter() - started, tablet.requests, tablet.sent_bytes)

        import psycopg

        with psycopg.connect(DATABASE, autocommit=True) as db:
            findings, photos_held, pieces_left = db.execute(
                "SELECT (SELECT count(*) FROM inspections_finding),"
                " (SELECT count(*) FROM inspections_evidencephoto),"
                " (SELECT count(*) FROM inspections_photouploadchunk)"
            ).fetchone()

        print(
            f"Offline queue of {FINDINGS} findings with {FINDINGS * PHOTOS_PER_FINDING} photos "
            f"({photo_bytes / 1048576:.0f} MB, {PIECE // 1024} KB pieces) over {INSPECTIONS} "
            f"inspections; PostgreSQL + Redis, gunicorn -w 3, {os.cpu_count()} cores"
        )
        first = runs["first sync"][0]
        for label, (seconds, requests, sent) in runs.items():
            print(
                f"  {label:<24}: {seconds:8.2f} s, {requests:5d} requests, "
                f"{sent / 1048576:8.1f} MB sent, {seconds / first * 100:6.2f}% of the first sync"
            )
        print(
            f"  on the server: {findings} findings, {photos_held} photos, "
            f"{pieces_left} pieces left over"
        )
        ratio = runs["replay"][0] / first
        replay, requests = runs["replay"][0], runs["replay"][1]
        stack.result(
            f"offline_sync replay {replay:.2f} s and {requests} requests = {ratio * 100:.2f}% "
            f"of the first sync, {first:.2f} s and {runs['first sync'][1]} requests "
            f"({FINDINGS} findings, {FINDINGS * PHOTOS_PER_FINDING} photos, "
            f"{photo_bytes / 1048576:.0f} MB; target: at most 5%)"
        )
        stack.result(
            f"offline_sync on the server {findings} findings, {photos_held} photos, "
            f"{pieces_left} pieces left over (sent {FINDINGS}, {FINDINGS * PHOTOS_PER_FINDING})"
        )
    print(f"Load average at end: {stack.load_average()}")
    print(f"Command: {COMMAND}")
    assert findings == FINDINGS and photos_held == FINDINGS * PHOTOS_PER_FINDING
    assert pieces_left == 0
    # A tiny queue's first sync is too short for the ratio to mean anything.
    assert stack.SMOKE or ratio <= 0.05, f"replay {ratio * 100:.2f}% of the first sync"


if __name__ == "__main__":
    main()
