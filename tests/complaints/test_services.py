import json
import re
import shutil
import subprocess
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.test import RequestFactory

from complaints import receipts
from complaints.models import Complaint, ComplaintMessage, ComplaintPhoto
from complaints.selectors import public_view
from complaints.services import (
    PhotoUpload,
    ReceiptNotFound,
    TooManyRequests,
    complaint_by_receipt,
    complaint_message_send,
    complaint_transition,
    reporter_reply,
)
from registry.audit import audit_verify
from registry.errors import Conflict, InvalidInput, InvalidTransition, PermissionDenied
from registry.models import AuditEntry, Role
from registry.network import ForgetClientAddressMiddleware
from tests.complaints.helpers import PHOTOS, file_complaint
from tests.factories import UserFactory, unit

FIXTURES = sorted(p.name for p in PHOTOS.glob("*")) if PHOTOS.exists() else []
PHOTO_FIXTURES = [
    n for n in FIXTURES if n.lower().endswith((".jpg", ".jpeg", ".png", ".heif", ".heic", ".webp"))
]


def quarantine_files() -> list:
    folder = (
        settings.MEDIA_ROOT / "quarantine" if hasattr(settings.MEDIA_ROOT, "joinpath") else None
    )
    return list(folder.glob("*")) if folder and folder.exists() else []


def test_filing_routes_to_the_sellers_province_and_keeps_only_a_keyed_receipt(db):
    filed = file_complaint(province_code="79")
    complaint = filed.complaint
    assert complaint.unit == unit("79")
    assert re.fullmatch(r"([0-9A-HJKMNP-TV-Z]{4}-){4}[0-9A-HJKMNP-TV-Z]{4}", filed.receipt)
    normalized = receipts.normalize(filed.receipt)
    assert complaint.receipt_digest == receipts.digest(normalized)
    assert filed.receipt.replace("-", "") not in json.dumps(
        {k: str(v) for k, v in Complaint.objects.filter(pk=complaint.pk).values()[0].items()}
    )
    assert complaint.events.get().status_to == Complaint.Status.RECEIVED
    entry = AuditEntry.objects.get(action="complaint.submit")
    assert entry.actor is None and entry.unit == unit("79")
    assert "identity" not in json.dumps(entry.changes)


def test_online_shop_without_a_province_goes_to_the_national_body(db):
    filed = file_complaint(
        seller_province=None, seller_address="", seller_url="https://shop.example.vn/p/1"
    )
    assert filed.complaint.unit.is_national


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"product_gtin": "8934563138166"}, "gtin_checksum"),
        ({"seller_tax_code": "0100233489"}, "tax_code_checksum"),
        ({"description": "ngắn"}, "description_too_short"),
        ({"seller_address": "", "seller_url": ""}, "seller_location_required"),
        ({"kind": "gossip"}, "invalid_kind"),
        (
            {"photos": [PhotoUpload(data=b"<html><body>hi</body></html>", filename="anh.jpg")]},
            "photo_svg",
        ),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(db, overrides, code):
    before = quarantine_files()
    with pytest.raises(InvalidInput) as info:
        file_complaint(**overrides)
    assert info.value.code in (code, "photo_not_image")
    assert Complaint.objects.count() == 0
    assert ComplaintPhoto.objects.count() == 0
    assert quarantine_files() == before


def test_too_many_photos_are_refused(db):
    with pytest.raises(InvalidInput) as info:
        file_complaint(photos=7)
    assert info.value.code == "too_many_photos"


def test_filing_is_throttled_per_network(db, settings):
    settings.COMPLAINT_SUBMIT_LIMIT = 2
    file_complaint()
    file_complaint()
    with pytest.raises(TooManyRequests) as info:
        file_complaint()
    assert info.value.retry_after > 0
    file_complaint(network_key="another-network")


def test_a_full_quarantine_refuses_photos_with_503(db, settings):
    settings.PHOTO_QUARANTINE_MAX_BYTES = 10
    from complaints.services import Unavailable

    with pytest.raises(Unavailable):
        file_complaint(photos=1)
    assert Complaint.objects.count() == 0


@pytest.mark.parametrize("name", PHOTO_FIXTURES)
def test_every_fixture_photo_filed_by_a_citizen_reaches_staff_clean(
    db, name, django_capture_on_commit_callbacks
):
    data = (PHOTOS / name).read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        filed = file_complaint(photos=[PhotoUpload(data=data, filename=name)])
    photo = filed.complaint.photos.get()
    assert photo.state == ComplaintPhoto.State.READY, photo.error_code
    assert photo.quarantine_name == ""
    assert quarantine_files() == []  # the original is gone
    if shutil.which("exiftool") is None:
        pytest.skip("exiftool is not installed")
    for field in (photo.display, photo.thumb):
        tags = json.loads(
            subprocess.run(
                ["exiftool", "-j", "-G", "-a", "-u", field.path],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )[0]
        leaked = [
            key
            for key in tags
            if key.split(":")[0]
            in ("EXIF", "XMP", "IPTC", "MakerNotes", "ICC_Profile", "Photoshop")
            or any(
                word in key
                for word in (
                    "GPS",
                    "Make",
                    "Model",
                    "Serial",
                    "DateTimeOriginal",
                    "CreateDate",
                    "Comment",
                    "ThumbnailImage",
                )
            )
        ]
        assert not leaked, (name, leaked)


def test_orientation_is_applied(db, django_capture_on_commit_callbacks):
    if not (PHOTOS / "orientation_portrait_6.jpg").exists():
        pytest.skip("shared photo fixtures are missing")
    from PIL import Image

    data = (PHOTOS / "orientation_portrait_6.jpg").read_bytes()
    stored = Image.open(PHOTOS / "orientation_portrait_6.jpg").size
    with django_capture_on_commit_callbacks(execute=True):
        filed = file_complaint(photos=[PhotoUpload(data=data)])
    photo = filed.complaint.photos.get()
    assert (photo.width, photo.height) == (stored[1], stored[0])[:2] or photo.height > photo.width


def test_a_receipt_opens_its_complaint_however_it_is_typed(db):
    filed = file_complaint()
    sloppy = filed.receipt.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert complaint_by_receipt(receipt=sloppy, network_key="n") == filed.complaint


@pytest.mark.parametrize("guess", ["", "ABCD", "0000-0000-0000-0000-0000", "not a receipt at all!"])
def test_a_wrong_or_unknown_receipt_gets_one_message(db, guess):
    file_complaint()
    with pytest.raises(ReceiptNotFound) as info:
        complaint_by_receipt(receipt=guess, network_key="n")
    assert info.value.code == "receipt_not_found"


def test_receipt_guessing_is_throttled_per_network(db, settings):
    settings.RECEIPT_GUESS_LIMIT = 3
    filed = file_complaint()
    for _ in range(3):
        with pytest.raises(ReceiptNotFound):
            complaint_by_receipt(receipt="0000-0000-0000-0000-0000", network_key="guesser")
    with pytest.raises(TooManyRequests):
        complaint_by_receipt(receipt="0000-0000-0000-0000-0001", network_key="guesser")
    with pytest.raises(TooManyRequests):  # a blocked network learns nothing, even from a hit
        complaint_by_receipt(receipt=filed.receipt, network_key="guesser")
    assert complaint_by_receipt(receipt=filed.receipt, network_key="reporter") == filed.complaint


def test_internal_notes_never_reach_the_reporter(db, olga):
    complaint = file_complaint().complaint
    complaint_message_send(
        by=olga, complaint=complaint, body="Cửa hàng này từng bị xử phạt", internal=True
    )
    complaint_message_send(
        by=olga, complaint=complaint, body="Cảm ơn bạn, chúng tôi đang xác minh", internal=False
    )
    reporter_reply(complaint=complaint, body="Tôi còn giữ hóa đơn")
    view = public_view(complaint)
    bodies = [m["body"] for m in view["messages"]]
    assert bodies == ["Cảm ơn bạn, chúng tôi đang xác minh", "Tôi còn giữ hóa đơn"]
    assert "olga" not in json.dumps(view, default=str)


def test_status_flow_is_enforced(db, olga):
    complaint = file_complaint().complaint
    with pytest.raises(InvalidTransition):
        complaint_transition(
            by=olga, complaint=complaint, to=Complaint.Status.RESOLVED, public_note="x"
        )
    complaint = complaint_transition(by=olga, complaint=complaint, to=Complaint.Status.ACKNOWLEDGED)
    complaint = complaint_transition(by=olga, complaint=complaint, to=Complaint.Status.TRIAGED)
    with pytest.raises(InvalidInput) as info:
        complaint_transition(by=olga, complaint=complaint, to=Complaint.Status.RESOLVED)
    assert info.value.code == "note_required"
    complaint = complaint_transition(
        by=olga,
        complaint=complaint,
        to=Complaint.Status.RESOLVED,
        public_note="Đã xử phạt cửa hàng",
    )
    assert complaint.closed_at and complaint.outcome == "Đã xử phạt cửa hàng"
    history = [e["status"] for e in public_view(complaint)["history"]]
    assert history == ["received", "acknowledged", "triaged", "resolved"]
    with pytest.raises(Conflict):
        reporter_reply(complaint=complaint, body="Còn một việc nữa")
    assert AuditEntry.objects.filter(action="complaint.transition").count() == 3
    assert audit_verify().ok


def test_an_officer_of_another_province_can_do_nothing(db, oscar):
    complaint = file_complaint(province_code="01").complaint
    with pytest.raises(PermissionDenied):
        complaint_transition(by=oscar, complaint=complaint, to=Complaint.Status.ACKNOWLEDGED)
    with pytest.raises(PermissionDenied):
        complaint_message_send(by=oscar, complaint=complaint, body="...", internal=False)
    assert ComplaintMessage.objects.count() == 0


def test_the_client_address_and_user_agent_are_forgotten_before_any_view():
    seen = {}

    def view(request):
        seen.update(request.META)
        seen["network_key"] = request.network_key
        return None

    request = RequestFactory().get(
        "/phan-anh/",
        REMOTE_ADDR="203.0.113.77",
        HTTP_USER_AGENT="Thu/1.0",
        HTTP_X_FORWARDED_FOR="198.51.100.1",
    )
    ForgetClientAddressMiddleware(view)(request)
    assert not {"REMOTE_ADDR", "HTTP_USER_AGENT", "HTTP_X_FORWARDED_FOR"} & set(seen)
    assert "203.0.113" not in json.dumps(seen, default=str)
    same_network = RequestFactory().get("/", REMOTE_ADDR="203.0.113.5")
    ForgetClientAddressMiddleware(lambda r: None)(same_network)
    assert same_network.network_key == seen["network_key"]


def test_error_reports_mask_identity_and_receipt():
    from django.views.debug import ExceptionReporter

    identity = {"full_name": "Lê Bí Danh"}  # a local variable of the failing frame
    request = RequestFactory().post(
        "/phan-anh/",
        {
            "identity_full_name": "Phạm Thị Ẩn Danh",
            "identity_phone": "0911222333",
            "receipt": "ABCD-EFGH",
            "kind": "x",
        },
    )
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        text = ExceptionReporter(request, type(exc), exc, exc.__traceback__).get_traceback_text()
    assert "Phạm Thị Ẩn Danh" not in text and "0911222333" not in text and "ABCD-EFGH" not in text
    assert identity and "Lê Bí Danh" not in text
    assert "kind" in text


def test_a_broker_that_is_down_does_not_fail_the_filing(db, django_capture_on_commit_callbacks):
    """The citizen still gets a receipt; the photo waits, and the sweep sends it later."""
    from unittest import mock

    from kombu.exceptions import OperationalError

    from complaints.tasks import photo_process, photos_sweep

    with (
        mock.patch.object(photo_process, "delay", side_effect=OperationalError("broker down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        filed = file_complaint(photos=1)
    assert filed.receipt
    photo = filed.complaint.photos.get()
    assert photo.state == ComplaintPhoto.State.PENDING
    assert len(quarantine_files()) == 1  # the original waits, encrypted
    ComplaintPhoto.objects.filter(pk=photo.pk).update(
        created_at=photo.created_at - timedelta(minutes=5)
    )
    assert photos_sweep() == 1
    photo.refresh_from_db()
    assert photo.state == ComplaintPhoto.State.READY
    assert quarantine_files() == []


def test_a_missing_original_fails_the_photo_instead_of_retrying_for_ever(db):
    from complaints import quarantine
    from complaints.tasks import photo_process

    photo = file_complaint(photos=1).complaint.photos.get()  # on_commit not run: pending
    quarantine.delete(photo.quarantine_name)
    assert photo_process.run(photo.pk) == "failed"
    photo.refresh_from_db()
    assert (photo.state, photo.error_code, photo.quarantine_bytes) == (
        "failed",
        "original_missing",
        0,
    )


def test_an_original_left_by_a_worker_killed_after_the_photo_is_dropped_on_redelivery(db):
    """A worker killed after the photo was ready but before its original was deleted:
    the row still names the original; the task delivered again skips the photo and drops
    the original, and the sweep does the same for a task that never comes back."""
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from complaints import quarantine
    from complaints.tasks import photo_process, photos_sweep

    first, second = file_complaint(photos=2).complaint.photos.order_by("pk")
    left = {}
    for photo in (first, second):
        assert photo_process.run(photo.pk) == "ready"
        # As the killed worker left it: ready, the original still there and named.
        left[photo.pk] = quarantine.put(b"left behind")
        ComplaintPhoto.objects.filter(pk=photo.pk).update(quarantine_name=left[photo.pk])
    assert photo_process.run(first.pk) == "skipped"
    first.refresh_from_db()
    assert first.quarantine_name == "" and not default_storage.exists(left[first.pk])
    # The other one's task never came back: the sweep drops it once it is stale.
    assert default_storage.exists(left[second.pk])
    photos_sweep.run()
    assert default_storage.exists(left[second.pk])  # not stale yet
    long_ago = timezone.now() - timedelta(days=1)
    ComplaintPhoto.objects.filter(pk=second.pk).update(processed_at=long_ago)
    photos_sweep.run()
    assert not default_storage.exists(left[second.pk])
    assert ComplaintPhoto.objects.get(pk=second.pk).quarantine_name == ""


def test_reassigning_takes_the_rights_of_the_previous_officer(db, nadia, roles):
    from django.contrib.auth.models import Group

    from complaints.services import complaint_assign

    nadia.groups.add(Group.objects.get(name=Role.SUPERVISOR))
    outsider = UserFactory(username="hcm-officer", unit=unit("79"), roles=[Role.COMPLAINT_OFFICER])
    local = UserFactory(username="hn-officer", unit=unit("01"), roles=[Role.COMPLAINT_OFFICER])
    complaint = file_complaint().complaint
    complaint_assign(by=nadia, complaint=complaint, officer=outsider)
    assert Complaint.objects.visible_to(outsider).filter(pk=complaint.pk).exists()
    complaint_assign(by=nadia, complaint=complaint, officer=local)
    assert not Complaint.objects.visible_to(outsider).filter(pk=complaint.pk).exists()


def test_only_web_addresses_are_accepted_for_a_shop(db):
    with pytest.raises(InvalidInput) as info:
        file_complaint(seller_url="javascript:alert(document.cookie)", seller_address="")
    assert "seller_url" in info.value.errors
    assert Complaint.objects.count() == 0


def test_pages_carry_a_content_security_policy(client, db):
    policy = client.get("/phan-anh/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "object-src 'none'" in policy


def test_the_days_network_key_is_read_from_the_cache_once_a_minute_and_again_each_day(
    monkeypatch,
):
    from django.core.cache import cache

    from registry import network

    reads = []
    real_get = cache.get
    monkeypatch.setattr(network, "_held", None)
    monkeypatch.setattr(cache, "get", lambda *a, **k: reads.append(a[0]) or real_get(*a, **k))
    first = network.network_key("203.0.113.5")
    assert network.network_key("203.0.113.9") == first
    assert len(reads) == 1
    # A minute later the cache is asked again (a key it lost is replaced everywhere).
    later = network.time.monotonic() + network.HOLD_SECONDS + 1
    monkeypatch.setattr(network, "time", SimpleNamespace(monotonic=lambda: later))
    assert network.network_key("203.0.113.5") == first
    assert len(reads) == 2
    # The next day has its own key.
    tomorrow = network.timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr(network, "timezone", SimpleNamespace(localdate=lambda: tomorrow))
    assert network.network_key("203.0.113.5") != first
    assert len(reads) == 3 and reads[-1].endswith(f"{tomorrow:%Y-%m-%d}")
