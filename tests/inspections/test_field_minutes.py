"""Minutes on the tablet: drafted from the inspection page, previewed, signed on screen
by each signer (the drawn PNG, name, role, time and the SHA-256 of the draft the signer
saw), completed by the lead into a PDF that shows the drawn signatures; the witness's
reason; the paper route with scans; the lock and numbered amendments; the queue's
exactly-once replay; the next steps once signed."""

import hashlib
import shutil
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from inspections import minutes as minutes_services
from inspections import samples
from inspections.models import Inspection, Minutes, MinutesScan, MinutesSignature
from registry.models import Notification
from tests.inspections.field_helpers import (
    data_url,
    drawn_png,
    form_value,
    jpeg,
    logged_in,
    pdf_bytes,
    pdf_image_count,
    pdf_text,
)
from tests.inspections.helpers import decided_inspection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed"),
]


@pytest.fixture
def inspection(bob, alice, ivan):
    """alice leads, ivan is a member; on site, one sample taken."""
    from inspections import services

    inspection = decided_inspection(supervisor=bob, lead=alice, members=[ivan])
    inspection = services.inspection_transition(
        by=alice, inspection=inspection, to=Inspection.Status.ON_SITE
    )
    samples.sample_create(
        by=alice,
        inspection=inspection,
        client_uuid=uuid.uuid4(),
        product_name="Nước mắm cá cơm 40 độ đạm",
        test_unit_seal="NP-01",
        retained_unit_seal="NP-02",
        sampling_record_number="07/BB-LM",
        sampled_at="2026-11-24T10:00:00+07:00",
    )
    return Inspection.objects.get(pk=inspection.pk)


def draft(client, inspection) -> Minutes:
    response = client.post(f"/field/inspections/{inspection.pk}/minutes/draft/")
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == f"/field/inspections/{inspection.pk}/minutes/"
    return Minutes.objects.get(inspection=inspection, status=Minutes.Status.DRAFT)


def sign(client, minutes, kind, png=None, **fields):
    url = f"/field/minutes/{minutes.pk}/sign/{kind}/"
    page = client.get(url)
    assert page.status_code == 200
    assert form_value(page, "pdf_sha256") == minutes.pdf_sha256
    return client.post(
        url,
        {
            "client_uuid": form_value(page, "client_uuid"),
            "kind": kind,
            "pdf_sha256": minutes.pdf_sha256,
            "image": data_url(png or drawn_png()),
            "signed_at": "2026-11-24T04:00:00Z",
            **fields,
        },
    )


def test_draft_preview_sign_on_screen_and_complete(alice, ivan, bob, inspection, tmp_path):
    client = logged_in(alice)
    page = client.get(f"/field/inspections/{inspection.pk}/").content.decode()
    assert "Lập biên bản" in page and f"/field/inspections/{inspection.pk}/minutes/draft/" in page
    minutes = draft(client, inspection)
    preview = client.get(f"/field/inspections/{inspection.pk}/minutes/")
    html = preview.content.decode()
    assert "Đã lập dự thảo biên bản" in html
    assert f"/field/minutes/{minutes.pk}/pdf/" in html and minutes.pdf_sha256 in html
    assert "Nước mắm cá cơm 40 độ đạm" in html and "NP-01 / NP-02" in html
    assert "Hoàn tất ký biên bản" not in html  # nobody signed yet
    pdf = client.get(f"/field/minutes/{minutes.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    draft_sha = minutes.pdf_sha256

    lead_png, member_png, rep_png = drawn_png(0), drawn_png(7), drawn_png(15)
    assert sign(client, minutes, "team", lead_png, member=alice.pk).status_code == 302
    ivan_signs = sign(client, minutes, "team", member_png, member=ivan.pk)
    assert ivan_signs.status_code == 302
    assert "Đã lưu chữ ký của Đỗ Văn Ích" in client.get(ivan_signs["Location"]).content.decode()
    # Not yet complete: the operator's side has not signed.
    early = client.post(f"/field/minutes/{minutes.pk}/complete/")
    assert early.status_code == 400 and "Chưa đủ chữ ký" in early.content.decode()
    rep = sign(
        client, minutes, "representative", rep_png, name="Nguyễn Thị Lan", position="Chủ cửa hàng"
    )
    assert rep.status_code == 302
    rows = list(MinutesSignature.objects.filter(minutes=minutes).order_by("pk"))
    assert [(r.kind, r.name) for r in rows] == [
        ("team", alice.full_name or alice.username),
        ("team", "Đỗ Văn Ích"),
        ("representative", "Nguyễn Thị Lan"),
    ]
    for row, png in zip(rows, (lead_png, member_png, rep_png), strict=True):
        assert row.pdf_sha256 == draft_sha and row.recorded_by == alice
        assert row.image_sha256 == hashlib.sha256(png).hexdigest()
        assert pdf_bytes(row.image) == png
    # Only the lead completes.
    assert logged_in(ivan).post(f"/field/minutes/{minutes.pk}/complete/").status_code == 403
    done = client.post(f"/field/minutes/{minutes.pk}/complete/")
    assert done.status_code == 302
    assert done["Location"] == f"/field/inspections/{inspection.pk}/#next"
    minutes.refresh_from_db()
    assert minutes.status == Minutes.Status.SIGNED and minutes.signed_at is not None
    assert minutes.representative_name == "Nguyễn Thị Lan"
    assert set(minutes.team_signers.all()) == {alice, ivan}
    data = pdf_bytes(minutes.pdf)
    assert hashlib.sha256(data).hexdigest() == minutes.pdf_sha256 != draft_sha
    assert pdf_image_count(data, tmp_path) >= 3  # the three drawn signatures
    text = pdf_text(data)
    for expected in (
        "Đỗ Văn Ích",
        "Nguyễn Thị Lan",
        "Chủ cửa hàng",
        "Người đại diện cơ sở",
        "Nước mắm cá cơm 40 độ đạm",
        "Ký lúc",
    ):
        assert expected in text, expected
    assert draft_sha in text.replace(" ", "")
    # The supervisor is told; the inspection page offers the next steps.
    assert Notification.objects.filter(recipient=bob, subject__contains="đã ký").exists()
    page = client.get(f"/field/inspections/{inspection.pk}/").content.decode()
    assert "Biên bản kiểm tra đã ký và khóa" in page
    assert "Đã gửi mẫu: chờ kết quả thử nghiệm" in page and "Kết luận cuộc kiểm tra" in page
    assert "Lập biên bản sửa đổi, bổ sung" in page
    moved = client.post(f"/field/inspections/{inspection.pk}/next/", {"to": "awaiting_lab"})
    assert moved.status_code == 302
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.AWAITING_LAB
    page = client.get(f"/field/inspections/{inspection.pk}/").content.decode()
    assert "Chờ kết quả thử nghiệm" in page and "Đã gửi mẫu: chờ kết quả thử nghiệm" not in page


def test_the_lead_is_told_when_the_last_signature_is_in(alice, ivan, inspection):
    """A member takes the signatures on the tablet; once the lead's and the
    representative's are in, the lead is told to complete the signing, once."""
    minutes = draft(logged_in(alice), inspection)
    assert sign(logged_in(alice), minutes, "team", drawn_png(1), member=alice.pk).status_code == 302
    member = logged_in(ivan)
    assert sign(member, minutes, "team", drawn_png(2), member=ivan.pk).status_code == 302
    told = Notification.objects.filter(recipient=alice, subject__contains="đã đủ chữ ký")
    assert not told.exists()  # the representative has not signed yet
    rep = sign(member, minutes, "representative", drawn_png(3), name="Lê Văn Bình")
    assert rep.status_code == 302
    assert told.count() == 1
    assert told.get().link == f"/field/inspections/{inspection.pk}/minutes/"


def test_a_member_sees_no_conclusion_button_and_steps_wait_for_the_signature(
    alice, ivan, inspection
):
    client = logged_in(alice)
    refused = client.post(f"/field/inspections/{inspection.pk}/next/", {"to": "concluded"})
    assert refused.status_code == 409 and "Hãy ký biên bản" in refused.content.decode()
    minutes = minutes_services.minutes_draft(by=alice, inspection=inspection)
    minutes_services.minutes_sign(
        by=alice, minutes=minutes, team_signers=[alice], representative_name="Bà Lan"
    )
    page = logged_in(ivan).get(f"/field/inspections/{inspection.pk}/").content.decode()
    assert "Đã gửi mẫu: chờ kết quả thử nghiệm" in page
    assert "Kết luận cuộc kiểm tra" not in page
    denied = logged_in(ivan).post(f"/field/inspections/{inspection.pk}/next/", {"to": "concluded"})
    assert denied.status_code == 403


def test_a_witness_signs_only_with_the_reason_the_representative_refused(
    alice, inspection, tmp_path
):
    client = logged_in(alice)
    minutes = draft(client, inspection)
    missing = sign(client, minutes, "witness", name="Trần Văn Chứng")
    assert missing.status_code == 400
    assert "Hãy ghi lý do người đại diện cơ sở không ký biên bản." in missing.content.decode()
    assert not MinutesSignature.objects.exists()
    assert (
        sign(
            client,
            minutes,
            "witness",
            name="Trần Văn Chứng",
            address="Tổ dân phố 5, phường Hàng Bạc",
            reason="Ông Hùng không đồng ý với kết quả kiểm tra",
        ).status_code
        == 302
    )
    # The operator's side has signed: no second signature for it.
    second = sign(client, minutes, "representative", name="Nguyễn Văn Hùng")
    assert second.status_code == 409
    assert sign(client, minutes, "team", member=alice.pk).status_code == 302
    assert client.post(f"/field/minutes/{minutes.pk}/complete/").status_code == 302
    minutes.refresh_from_db()
    assert minutes.representative_refused and minutes.witness_name == "Trần Văn Chứng"
    text = pdf_text(pdf_bytes(minutes.pdf))
    for expected in (
        "từ chối ký",
        "Ông Hùng không đồng ý với kết quả kiểm tra",
        "Trần Văn Chứng",
        "Người làm chứng",
        "Tổ dân phố 5, phường Hàng Bạc",
    ):
        assert expected in text, expected
    assert pdf_image_count(pdf_bytes(minutes.pdf), tmp_path) >= 2


def test_a_blank_or_missing_drawing_is_no_signature(alice, inspection):
    client = logged_in(alice)
    minutes = draft(client, inspection)
    blank = sign(client, minutes, "team", drawn_png(blank=True), member=alice.pk)
    assert blank.status_code == 400 and "Chưa có chữ ký" in blank.content.decode()
    page = client.get(f"/field/minutes/{minutes.pk}/sign/team/")
    none = client.post(
        f"/field/minutes/{minutes.pk}/sign/team/",
        {
            "client_uuid": form_value(page, "client_uuid"),
            "kind": "team",
            "pdf_sha256": minutes.pdf_sha256,
            "member": alice.pk,
        },
    )
    assert none.status_code == 400 and "Chưa có chữ ký" in none.content.decode()
    assert not MinutesSignature.objects.exists()
    # Without JavaScript the page says so and offers the paper route.
    html = page.content.decode()
    assert "<noscript>" in html and "Ký trên màn hình cần JavaScript" in html
    assert f"/field/minutes/{minutes.pk}/paper/" in html


def test_the_paper_route_keeps_the_scans_with_their_sha256_and_locks(alice, ivan, inspection):
    client = logged_in(alice)
    minutes = draft(client, inspection)
    url = f"/field/minutes/{minutes.pk}/paper/"
    page = client.get(url)
    assert page.status_code == 200 and f"/field/minutes/{minutes.pk}/pdf/" in page.content.decode()
    # Completing without any scan is refused.
    early = client.post(
        url, {"step": "sign", "team_signers": [alice.pk], "representative_name": "Nguyễn Thị Lan"}
    )
    assert early.status_code == 400 and "Hãy tải lên ảnh chụp" in early.content.decode()
    page_one, page_two = jpeg((250, 250, 250), (120, 160)), b"%PDF-1.4\n% scanned page\n"
    uploaded = client.post(
        url,
        {
            "step": "scans",
            "scans": [
                SimpleUploadedFile("p1.jpg", page_one, "image/jpeg"),
                SimpleUploadedFile("p2.pdf", page_two, "application/pdf"),
            ],
        },
    )
    assert uploaded.status_code == 302
    scans = list(MinutesScan.objects.filter(minutes=minutes).order_by("page"))
    assert [(s.page, s.content_type, s.sha256) for s in scans] == [
        (1, "image/jpeg", hashlib.sha256(page_one).hexdigest()),
        (2, "application/pdf", hashlib.sha256(page_two).hexdigest()),
    ]
    assert all(s.pdf_sha256 == minutes.pdf_sha256 for s in scans)
    assert pdf_bytes(scans[0].file) == page_one
    page = client.get(url).content.decode()
    assert scans[0].sha256 in page
    # A member does not complete; the lead records who signed by name.
    by_member = logged_in(ivan).post(
        url,
        {"step": "sign", "team_signers": [alice.pk, ivan.pk], "representative_name": "Lê Văn B"},
    )
    assert by_member.status_code == 403
    done = client.post(
        url,
        {
            "step": "sign",
            "team_signers": [alice.pk, ivan.pk],
            "representative_name": "Nguyễn Thị Lan",
            "representative_position": "Chủ cửa hàng",
        },
    )
    assert done.status_code == 302
    minutes.refresh_from_db()
    assert minutes.status == Minutes.Status.SIGNED
    assert minutes.content["signature"]["method"] == "paper"
    assert [s["sha256"] for s in minutes.content["signature"]["scans"]] == [s.sha256 for s in scans]
    text = pdf_text(pdf_bytes(minutes.pdf))
    assert "Đỗ Văn Ích" in text and "Nguyễn Thị Lan" in text and "trên giấy" in text
    downloaded = client.get(f"/field/minutes/{minutes.pk}/scans/{scans[0].pk}/")
    assert downloaded.status_code == 200
    # Locked: no more scans.
    late = client.post(
        url, {"step": "scans", "scans": [SimpleUploadedFile("p3.jpg", jpeg(), "image/jpeg")]}
    )
    assert late.status_code == 409


def test_signed_minutes_refuse_changes_and_an_amendment_is_numbered_and_signed(
    alice, ivan, inspection
):
    client = logged_in(alice)
    minutes = draft(client, inspection)
    sign(client, minutes, "team", member=alice.pk)
    sign(client, minutes, "representative", name="Nguyễn Thị Lan")
    assert client.post(f"/field/minutes/{minutes.pk}/complete/").status_code == 302
    signed_sha = Minutes.objects.get(pk=minutes.pk).pdf_sha256

    redraft = client.post(f"/field/inspections/{inspection.pk}/minutes/draft/")
    assert redraft.status_code == 409 and "Biên bản đã ký" in redraft.content.decode()
    signing = client.get(f"/field/minutes/{minutes.pk}/sign/team/")
    assert signing.status_code == 409 and "không sửa được" in signing.content.decode()
    again = sign_post = client.post(
        f"/field/minutes/{minutes.pk}/sign/team/",
        {
            "client_uuid": str(uuid.uuid4()),
            "kind": "team",
            "pdf_sha256": signed_sha,
            "member": ivan.pk,
            "image": data_url(drawn_png()),
        },
    )
    assert sign_post.status_code == 409 and again.status_code == 409
    assert client.post(f"/field/minutes/{minutes.pk}/complete/").status_code == 409

    short = client.post(f"/field/inspections/{inspection.pk}/minutes/amend/", {"reason": "x"})
    assert short.status_code == 400 and "Hãy ghi lý do sửa đổi, bổ sung." in short.content.decode()
    amended = client.post(
        f"/field/inspections/{inspection.pk}/minutes/amend/",
        {"reason": "Bổ sung mẫu thứ hai của lô L2611"},
    )
    assert amended.status_code == 302
    amendment = Minutes.objects.get(inspection=inspection, number=1)
    assert amendment.status == Minutes.Status.DRAFT
    page = client.get(f"/field/inspections/{inspection.pk}/minutes/").content.decode()
    assert "Biên bản sửa đổi, bổ sung số 1" in page and "Bổ sung mẫu thứ hai" in page
    assert sign(client, amendment, "team", member=alice.pk).status_code == 302
    assert sign(client, amendment, "representative", name="Nguyễn Thị Lan").status_code == 302
    assert client.post(f"/field/minutes/{amendment.pk}/complete/").status_code == 302
    amendment.refresh_from_db()
    assert amendment.status == Minutes.Status.SIGNED
    text = pdf_text(pdf_bytes(amendment.pdf))
    assert "BIÊN BẢN SỬA ĐỔI, BỔ SUNG SỐ 1" in text.upper() and "Nguyễn Thị Lan" in text
    assert Minutes.objects.get(pk=minutes.pk).pdf_sha256 == signed_sha  # untouched


def test_the_queue_sends_a_signature_exactly_once(alice, ivan, inspection):
    client = logged_in(alice)
    minutes = draft(client, inspection)
    key = str(uuid.uuid4())
    body = {
        "client_uuid": key,
        "kind": "team",
        "member": ivan.pk,
        "pdf_sha256": minutes.pdf_sha256,
        "image": data_url(drawn_png(3)),
        "signed_at": "2026-11-24T04:00:00Z",
    }
    url = f"/field/minutes/{minutes.pk}/sign/sync/"
    first = client.post(url, body)
    assert first.status_code == 201, first.content
    again = client.post(url, body)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert MinutesSignature.objects.count() == 1
    # A second signature of the same member (another UUID) is refused.
    other = client.post(url, {**body, "client_uuid": str(uuid.uuid4())})
    assert other.status_code == 409 and other.json()["code"] == "already_signed"
    # Form errors carry the page's field names.
    bad = client.post(
        url, {**body, "client_uuid": str(uuid.uuid4()), "kind": "witness", "name": "Trần Văn C"}
    )
    assert bad.status_code == 400 and "reason" in bad.json()["errors"]
    # Once the minutes are signed, a replay still answers with the stored signature.
    sign(client, minutes, "team", member=alice.pk)
    sign(client, minutes, "representative", name="Nguyễn Thị Lan")
    assert client.post(f"/field/minutes/{minutes.pk}/complete/").status_code == 302
    replay = client.post(url, body)
    assert replay.status_code == 200 and replay.json()["id"] == first.json()["id"]
    assert MinutesSignature.objects.count() == 3


def test_a_remade_draft_voids_the_signatures_given_to_the_old_one(alice, inspection):
    client = logged_in(alice)
    minutes = draft(client, inspection)
    old_sha = minutes.pdf_sha256
    assert sign(client, minutes, "team", member=alice.pk).status_code == 302
    page = client.get(f"/field/inspections/{inspection.pk}/minutes/").content.decode()
    assert "bản dự thảo mới hủy 1 chữ ký" in page
    # The same text again: the same bytes, the signature stands.
    minutes = draft(client, inspection)
    assert minutes.pdf_sha256 == old_sha and minutes.signatures.count() == 1
    # A new sample changes the text: the signature given to the old one is void.
    samples.sample_create(
        by=alice,
        inspection=inspection,
        client_uuid=uuid.uuid4(),
        product_name="Nước tương đậu nành",
        test_unit_seal="NP-03",
        retained_unit_seal="NP-04",
        sampling_record_number="08/BB-LM",
        sampled_at="2026-11-24T11:00:00+07:00",
    )
    minutes = draft(client, inspection)
    assert minutes.pdf_sha256 != old_sha and not minutes.signatures.exists()
    # A signature drawn offline on the old draft is refused, not attached to the new one.
    late = client.post(
        f"/field/minutes/{minutes.pk}/sign/sync/",
        {
            "client_uuid": str(uuid.uuid4()),
            "kind": "representative",
            "name": "Nguyễn Thị Lan",
            "pdf_sha256": old_sha,
            "image": data_url(drawn_png()),
        },
    )
    assert late.status_code == 409 and late.json()["code"] == "minutes_changed"


def test_outsiders_see_nothing(alice, charlie, inspection):
    minutes = minutes_services.minutes_draft(by=alice, inspection=inspection)
    client = logged_in(charlie)
    for url in (
        f"/field/inspections/{inspection.pk}/minutes/",
        f"/field/minutes/{minutes.pk}/pdf/",
        f"/field/minutes/{minutes.pk}/sign/team/",
        f"/field/minutes/{minutes.pk}/paper/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/field/minutes/{minutes.pk}/complete/").status_code == 404
