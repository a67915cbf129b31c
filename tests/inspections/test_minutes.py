import shutil
import subprocess
import uuid

import pytest
from django.test import Client

from inspections import findings, samples, services
from inspections import minutes as minutes_services
from inspections.models import ChecklistItem, Inspection, Minutes
from registry.errors import Conflict, InvalidInput, PermissionDenied
from registry.models import Role
from registry.services import api_token_create
from tests.factories import UserFactory, unit
from tests.inspections.helpers import decided_inspection

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils is not installed"
)


def pdf_text(minutes: Minutes) -> str:
    minutes.pdf.open("rb")
    data = minutes.pdf.read()
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
    ).stdout
    return " ".join(text.decode().split())  # words, whatever the line breaks


def inspection_with_findings(bob, alice, ivan):
    inspection = decided_inspection(supervisor=bob, lead=alice, members=[ivan])
    inspection = services.inspection_transition(
        by=alice, inspection=inspection, to=Inspection.Status.ON_SITE
    )
    item = ChecklistItem.objects.get(template__scope="label", code="vietnamese_label")
    findings.finding_create(
        by=ivan,
        inspection=inspection,
        client_uuid=uuid.uuid4(),
        item=item,
        result="non_conforming",
        note="Nước mắm nhập khẩu thiếu nhãn phụ tiếng Việt",
    )
    samples.sample_create(
        by=alice,
        inspection=inspection,
        client_uuid=uuid.uuid4(),
        product_name="Nước mắm cá cơm 40 độ đạm",
        test_unit_seal="NP-01",
        retained_unit_seal="NP-02",
        sampling_record_number="07/BB-LM",
        sampled_at="2026-11-20T10:00:00+07:00",
    )
    return Inspection.objects.get(pk=inspection.pk)


def test_the_minutes_pdf_holds_the_findings_in_vietnamese(bob, alice, ivan):
    inspection = inspection_with_findings(bob, alice, ivan)
    minutes = minutes_services.minutes_draft(by=alice, inspection=inspection)
    text = pdf_text(minutes)
    for expected in (
        "BIÊN BẢN KIỂM TRA",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Hàng nhập khẩu có nhãn phụ bằng tiếng Việt",
        "Nước mắm nhập khẩu thiếu nhãn phụ tiếng Việt",
        "Không đạt",
        "Nước mắm cá cơm 40 độ đạm",
        "NP-01 / NP-02",
        inspection.operator.name,
        "Đỗ Văn Ích",
        "Dự thảo",
    ):
        assert expected in text, expected


def test_signed_minutes_are_locked_and_changes_need_a_numbered_amendment(bob, alice, ivan):
    inspection = inspection_with_findings(bob, alice, ivan)
    draft = minutes_services.minutes_draft(by=alice, inspection=inspection)
    with pytest.raises(PermissionDenied):
        minutes_services.minutes_sign(
            by=ivan, minutes=draft, team_signers=[ivan], representative_name="Bà Lan"
        )
    signed = minutes_services.minutes_sign(
        by=alice,
        minutes=draft,
        team_signers=[alice, ivan],
        representative_name="Nguyễn Thị Lan",
        representative_position="Chủ cửa hàng",
    )
    assert signed.status == Minutes.Status.SIGNED and "Nguyễn Thị Lan" in pdf_text(signed)
    sha = signed.pdf_sha256
    with pytest.raises(Conflict):
        minutes_services.minutes_sign(
            by=alice, minutes=signed, team_signers=[alice], representative_name="X"
        )
    with pytest.raises(Conflict):
        minutes_services.minutes_draft(by=alice, inspection=inspection)
    item = ChecklistItem.objects.get(template__scope="label", code="dates")
    with pytest.raises(Conflict) as info:
        findings.finding_create(
            by=ivan, inspection=inspection, client_uuid=uuid.uuid4(), item=item, result="conforming"
        )
    assert info.value.code == "minutes_signed"

    amendment = minutes_services.minutes_amend(
        by=alice, inspection=inspection, reason="Bổ sung kết quả về hạn sử dụng"
    )
    assert amendment.number == 1
    findings.finding_create(
        by=ivan,
        inspection=inspection,
        client_uuid=uuid.uuid4(),
        item=item,
        result="conforming",
        note="Còn hạn",
    )
    amendment = minutes_services.minutes_draft(by=alice, inspection=inspection)
    text = pdf_text(amendment)
    assert (
        "Biên bản sửa đổi, bổ sung số 1".upper() in text.upper()
        and "Bổ sung kết quả về hạn sử dụng" in text
    )
    signed.refresh_from_db()
    assert signed.pdf_sha256 == sha  # the signed version is untouched


def test_a_refusing_representative_needs_a_witness(bob, alice, ivan):
    inspection = inspection_with_findings(bob, alice, ivan)
    draft = minutes_services.minutes_draft(by=alice, inspection=inspection)
    with pytest.raises(InvalidInput):
        minutes_services.minutes_sign(
            by=alice, minutes=draft, team_signers=[alice], representative_refused=True
        )
    signed = minutes_services.minutes_sign(
        by=alice,
        minutes=draft,
        team_signers=[alice],
        representative_refused=True,
        witness_name="Trần Văn Chứng",
        witness_address="Tổ dân phố 5, phường Hàng Bạc",
    )
    text = pdf_text(signed)
    assert "từ chối ký" in text and "Trần Văn Chứng" in text


def test_only_the_team_reaches_the_pdf(bob, alice, ivan, charlie):
    inspection = inspection_with_findings(bob, alice, ivan)
    minutes = minutes_services.minutes_draft(by=alice, inspection=inspection)

    def get(user):
        client = Client()
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {api_token_create(user=user, name='T')[1]}"
        return client.get(f"/api/v1/minutes/{minutes.pk}/pdf")

    response = get(alice)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert get(charlie).status_code == 404
    outsider = UserFactory(username="ngoai", unit=unit("01"), roles=[Role.INSPECTOR])
    assert get(outsider).status_code == 404
