"""An inspector's tablet loses its signal in a warehouse (real Chromium, 1280 x 800).

With today's inspection opened while there was signal, the tablet goes offline, the
inspector records three findings with photos, reloads the page (the queue is still
there), and the signal returns: the queue sends itself. The connection drops in the
middle of the largest photo; the next sync goes on from the last whole piece. On the
server: three findings and four photos, none twice; syncing again sends nothing.

The signal is a TCP relay in front of the live server (tests/browser/relay.py): cutting
it stops the page's and the service worker's requests alike.
"""

import hashlib
import threading
import time

import pytest
from django.db import connections
from django.utils import timezone

from inspections import services
from inspections.models import EvidencePhoto, Finding, Inspection, PhotoUpload, Scope
from tests.browser.relay import Relay
from tests.browser.test_field_finding import PASSWORD, _file, tablet_page
from tests.browser.test_public_filing import ARTIFACTS, pytestmark  # noqa: F401
from tests.complaints.helpers import PHOTOS, photo_bytes
from tests.inspections.helpers import decided_inspection

PHOTO_NAMES = ["gps_DSCN0010.jpg", "orientation_portrait_6.jpg", "gps_DSCN0012.jpg"]
BIG = "mobile_jolla.jpg"  # 812 KB: two pieces of 512 KB
SECOND_PIECE = b"?offset=524288 HTTP/1.1"


@pytest.fixture
def relay(live_server):
    port = int(live_server.url.rsplit(":", 1)[1])
    relay = Relay(port)
    yield relay
    relay.close()
    # The live server's request threads end once their connections are gone; wait for
    # them, so that none still holds a database connection when the test database goes.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(
        "process_request_thread" in t.name for t in threading.enumerate()
    ):
        time.sleep(0.05)


@pytest.fixture
def tablet(relay, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with tablet_page(service_workers="allow") as page:
        page.set_default_timeout(20_000)
        yield page


def done_with_the_database() -> None:
    # Queries made between Playwright's calls run in a context of their own, with a
    # connection of their own: close it here, or PostgreSQL cannot drop the test database.
    connections.close_all()


def kept_pages(page) -> list[str]:
    return page.evaluate(
        """() => caches.open("field-pages").then((c) => c.keys())
             .then((keys) => keys.map((r) => new URL(r.url).pathname))"""
    )


def wait_for_stored_checklist(page, inspection_url: str, items: int) -> None:
    deadline = time.monotonic() + 30
    while len([p for p in kept_pages(page) if p.startswith(f"{inspection_url}items/")]) < items:
        assert time.monotonic() < deadline, kept_pages(page)
        time.sleep(0.2)


def queue_states(page) -> list[str]:
    return page.eval_on_selector_all(
        "#outbox-list li[data-state]", "els => els.map(e => e.dataset.state)"
    )


def offline(page, relay) -> None:
    relay.down()
    page.context.set_offline(True)


def online(page, relay) -> None:
    relay.up()
    page.context.set_offline(False)


def capture(page, result: str, note: str, files: list[tuple[str, bytes]]) -> None:
    page.tap(f"label.result-choice__option--{result}")
    page.fill("textarea[name=note]", note)
    page.set_input_files("#photo-files", files=[_file(name, data) for name, data in files])
    page.wait_for_selector(f"#photo-count:has-text('Đã chọn {len(files)} ảnh')")
    heading = page.inner_text("h1")
    page.click("form[data-upload-form] button[type=submit]")
    page.wait_for_function("h => document.querySelector('h1').innerText !== h", arg=heading)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_findings_captured_offline_reach_the_server_exactly_once(tablet, relay, bob, alice):
    if not all((PHOTOS / name).exists() for name in [*PHOTO_NAMES, BIG]):
        pytest.skip("shared photo fixtures are missing")
    ARTIFACTS.mkdir(exist_ok=True)
    alice.set_password(PASSWORD)
    alice.save()
    inspection = decided_inspection(
        supervisor=bob, lead=alice, day=timezone.localdate(), scopes=[Scope.LABEL]
    )
    services.inspection_transition(by=alice, inspection=inspection, to=Inspection.Status.ON_SITE)
    photos = {name: photo_bytes(name) for name in [*PHOTO_NAMES, BIG]}
    page = tablet

    # With signal: sign in and open today's list; the app stores the inspection and
    # every item of its checklist ahead.
    page.goto(f"{relay.url}/login/?next=/field/")
    page.fill("input[name=username]", alice.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/field/")
    assert page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    inspection_url = f"/field/inspections/{inspection.pk}/"
    wait_for_stored_checklist(page, inspection_url, 5)
    assert inspection_url in kept_pages(page)
    manifest = page.evaluate("fetch('/field/manifest.webmanifest').then(r => r.json())")
    assert manifest["display"] == "standalone"

    # No signal from here: the pages come from the tablet.
    offline(page, relay)
    page.goto(f"{relay.url}{inspection_url}")
    assert inspection.operator.name in page.inner_text("h1")
    page.wait_for_selector("#outbox-network:has-text('Mất mạng')")
    page.click("text=Nhãn có đủ nội dung bắt buộc")
    capture(
        page,
        "non_conforming",
        "Nhãn thiếu tên tổ chức chịu trách nhiệm.",
        [(PHOTO_NAMES[0], photos[PHOTO_NAMES[0]])],
    )
    assert "Hàng nhập khẩu có nhãn phụ" in page.inner_text("h1")
    page.wait_for_selector("text=kết quả được lưu trên máy")
    capture(
        page,
        "conforming",
        "Có nhãn phụ tiếng Việt.",
        [
            (PHOTO_NAMES[1], photos[PHOTO_NAMES[1]]),
            (PHOTO_NAMES[2], photos[PHOTO_NAMES[2]]),
        ],
    )
    capture(page, "non_conforming", "Hết hạn sử dụng từ tháng 10/2026.", [(BIG, photos[BIG])])
    assert queue_states(page) == ["waiting"] * 3
    page.reload()
    page.wait_for_selector("#outbox-list li[data-state]")
    assert queue_states(page) == ["waiting"] * 3
    assert "3 chờ gửi" in page.inner_text("#outbox-summary")
    page.screenshot(path=str(ARTIFACTS / "field-offline-1280-queue.png"), full_page=True)
    assert Finding.objects.count() == 0 and EvidencePhoto.objects.count() == 0

    # The signal returns and the queue sends itself, until the signal drops again in
    # the middle of the large photo's second piece.
    sent = []
    page.on("request", lambda r: sent.append((r.method, r.url)) if r.method != "GET" else None)
    relay.cut_when(SECOND_PIECE, after=100_000)
    online(page, relay)
    deadline = time.monotonic() + 30
    while relay.cuts == 0:
        assert time.monotonic() < deadline, sent
        time.sleep(0.1)
    assert page.evaluate("FieldOutbox.sync()") == "offline"
    assert sorted(queue_states(page)) == ["sent", "sent", "waiting"]
    assert Finding.objects.count() == 3 and EvidencePhoto.objects.count() == 3
    partial = PhotoUpload.objects.get(state=PhotoUpload.State.RECEIVING)
    assert partial.received == 512 * 1024 and partial.size == len(photos[BIG])
    page.screenshot(path=str(ARTIFACTS / "field-offline-1280-cut.png"), full_page=True)
    relay.up()

    # The button: the photo goes on from byte 524,288, not from the start.
    sent.clear()
    page.click("#outbox-sync")
    page.wait_for_function(
        "() => document.querySelectorAll('#outbox-list li[data-state=sent]').length === 3"
    )
    pieces = [url for method, url in sent if method == "PUT"]
    assert len(pieces) == 1 and pieces[0].endswith("?offset=524288"), pieces
    assert not [url for _m, url in sent if url.endswith("/sync/")]  # the findings were there

    findings = list(Finding.objects.order_by("item__order"))
    assert [f.result for f in findings] == ["non_conforming", "conforming", "non_conforming"]
    assert len({f.client_uuid for f in findings}) == 3
    assert all(f.author == alice and f.captured_at and f.latitude for f in findings)
    stored = {p.sha256: p for p in EvidencePhoto.objects.all()}
    assert len(stored) == 4 == EvidencePhoto.objects.count()
    for data in photos.values():
        photo = stored[hashlib.sha256(data).hexdigest()]
        assert photo.original.read() == data
    assert [p.finding_id for p in EvidencePhoto.objects.order_by("finding__item__order", "pk")] == [
        findings[0].pk,
        findings[1].pk,
        findings[1].pk,
        findings[2].pk,
    ]
    page.screenshot(path=str(ARTIFACTS / "field-offline-1280-sent.png"), full_page=True)

    # Syncing again sends nothing.
    sent.clear()
    page.click("#outbox-sync")
    assert page.evaluate("FieldOutbox.sync()") == "done"
    page.reload()
    assert page.evaluate("FieldOutbox.sync()") == "done"
    assert sent == []
    assert Finding.objects.count() == 3 and EvidencePhoto.objects.count() == 4

    # Signing out forgets the stored pages (they show the cases); the queue stays.
    page.click("form.logout button")
    page.wait_for_url("**/login/**")
    page.wait_for_load_state("load")
    deadline = time.monotonic() + 10
    while page.evaluate("caches.has('field-pages')"):
        assert time.monotonic() < deadline, "the stored pages outlived the session"
        time.sleep(0.1)
    kept = page.evaluate(
        """() => new Promise((resolve) => { const open = indexedDB.open("field-outbox");
             open.onsuccess = () => { const req = open.result.transaction("entries")
               .objectStore("entries").count(); req.onsuccess = () => resolve(req.result); }; })"""
    )
    assert kept == 3
    done_with_the_database()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_refusals_are_shown_and_a_late_finding_is_corrected_and_sent(tablet, relay, bob, alice):
    from inspections import minutes as minutes_services

    ARTIFACTS.mkdir(exist_ok=True)
    alice.set_password(PASSWORD)
    alice.save()
    inspection = decided_inspection(
        supervisor=bob, lead=alice, day=timezone.localdate(), scopes=[Scope.LABEL]
    )
    inspection = services.inspection_transition(
        by=alice, inspection=inspection, to=Inspection.Status.ON_SITE
    )
    photo = photo_bytes(PHOTO_NAMES[0])
    page = tablet
    page.goto(f"{relay.url}/login/?next=/field/")
    page.fill("input[name=username]", alice.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/field/")
    wait_for_stored_checklist(page, f"/field/inspections/{inspection.pk}/", 5)
    page.click(f"text={inspection.operator.name}")
    page.click("text=Nhãn có đủ nội dung bắt buộc")

    # With signal, a finding without a result is refused on the form; nothing is queued.
    page.fill("textarea[name=note]", "Chưa chọn kết quả.")
    page.click("form[data-upload-form] button[type=submit]")
    page.wait_for_selector(".result-choice .field__error")
    assert "Nhãn có đủ nội dung bắt buộc" in page.inner_text("h1")
    assert queue_states(page) == []

    # Without signal, a finding is queued; meanwhile the minutes are signed.
    offline(page, relay)
    capture(
        page, "non_conforming", "Thiếu tên tổ chức chịu trách nhiệm.", [(PHOTO_NAMES[0], photo)]
    )
    draft = minutes_services.minutes_draft(by=alice, inspection=inspection)
    minutes_services.minutes_sign(
        by=alice, minutes=draft, team_signers=[alice], representative_name="Nguyễn Thị Lan"
    )
    online(page, relay)
    page.wait_for_selector("#outbox-list li[data-state=failed]")
    reason = page.inner_text("#outbox-list .outbox__reason")
    assert "Biên bản đã ký" in reason
    page.screenshot(path=str(ARTIFACTS / "field-offline-1280-refused.png"), full_page=True)
    assert Finding.objects.count() == 0

    # With signal, a finding the signed minutes refuse stays queued with its reason.
    page.fill("textarea[name=note]", "Nhãn phụ dán đè nhãn gốc.")
    page.tap("label.result-choice__option--non_conforming")
    page.click("form[data-upload-form] button[type=submit]")
    page.wait_for_selector("text=Kết quả được giữ trong hàng chờ gửi")
    assert "Biên bản đã ký" in page.inner_text("form[data-upload-form] .alert--error")
    assert queue_states(page) == ["failed", "failed"]
    # Another account's finding on this tablet is counted, never sent with this session.
    page.evaluate(
        """() => FieldOutbox.put({uuid: "00000000-0000-4000-8000-000000000001", user: "khac",
             inspection_id: 1, item_id: 1, fields: [], photos: [], state: "waiting",
             created_at: new Date().toISOString(), sync_url: "/field/x/", item_label: "x",
             inspection_label: "x", item_url: "/field/"}).then(FieldOutbox.render)"""
    )
    assert "1 kết quả của tài khoản khác" in page.inner_text("#outbox-summary")

    # The team lead opens an amendment: one is sent again as it is, the other corrected.
    minutes_services.minutes_amend(by=alice, inspection=inspection, reason="Bổ sung kết quả")
    sent = []
    page.on("request", lambda r: sent.append(r.url) if r.method != "GET" else None)
    page.click("#outbox-list li:has-text('Hàng nhập khẩu') button:has-text('Gửi lại')")
    page.wait_for_selector("#outbox-list li[data-state=sent]")
    assert Finding.objects.get().note == "Nhãn phụ dán đè nhãn gốc."
    assert not [url for url in sent if "/field/x/" in url]
    page.click("#outbox-list a:has-text('Sửa lại')")
    page.wait_for_selector("text=ảnh đã chọn trước vẫn được giữ")
    assert page.input_value("textarea[name=note]") == "Thiếu tên tổ chức chịu trách nhiệm."
    assert page.is_checked("input[name=result][value=non_conforming]")
    page.click("form[data-upload-form] button[type=submit]")
    page.wait_for_selector("text=ảnh đang được gửi ở nền")
    page.wait_for_function(
        "() => document.querySelectorAll('#outbox-list li[data-state=sent]').length === 2"
    )
    finding = Finding.objects.get(note="Thiếu tên tổ chức chịu trách nhiệm.")
    assert finding.photos.count() == 1
    assert finding.photos.get().original.read() == photo
    done_with_the_database()
