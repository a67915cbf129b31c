"""Lab results at the desk (issue 19, item 4): the samples waiting to be sent or for their
result, sending a sample to the lab, and the lab's result entered per criterion against
its QCVN limit with the test report's PDF. The pages call the services the API calls:
pass/fail is computed, and a failed sample opens the follow-up and tells the team lead."""

import hashlib
import json
import re
import uuid
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from guardian.shortcuts import assign_perm

from inspections import samples
from inspections.models import EvidencePhoto, Sample, SampleResult
from inspections.selectors import samples_waiting_count
from registry.models import Notification
from tests.factories import api_client

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def take(inspection, by, n=1, **extra) -> Sample:
    sample, _ = samples.sample_create(
        by=by,
        inspection=inspection,
        client_uuid=uuid.uuid4(),
        product_name=f"Nước mắm cá cơm {n}",
        batch=f"L-{n}",
        test_unit_seal=f"NP-{n}-A",
        retained_unit_seal=f"NP-{n}-B",
        sampling_record_number=f"{n}/BB-LM",
        sampled_at=timezone.now() - timedelta(days=3),
        **extra,
    )
    return sample


def send(sample, by) -> Sample:
    return samples.sample_send(
        by=by, sample=sample, lab_name="Quatest 1", sent_on=timezone.localdate() - timedelta(days=2)
    )


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def day(offset=0) -> str:
    return f"{timezone.localdate() - timedelta(days=offset):%d/%m/%Y}"


def rows(*criteria, total=5) -> dict:
    """The criteria formset's fields: the rows given, then blank rows up to `total`."""
    data = {
        "criteria-TOTAL_FORMS": str(total),
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "60",
    }
    for i, row in enumerate(criteria):
        data.update({f"criteria-{i}-{key}": value for key, value in row.items()})
    return data


HISTAMINE = {
    "criterion": "Hàm lượng histamin",
    "unit": "mg/kg",
    "limit_min": "",
    "limit_max": "200",
    "reference": "QCVN 8-2:2011/BYT",
    "method": "TCVN 8352:2010",
    "measured": "410,5",
}
PROTEIN = {
    "criterion": "Độ đạm toàn phần",
    "unit": "g/l",
    "limit_min": "10",
    "limit_max": "",
    "reference": "TCVN 5107:2018",
    "method": "TCVN 3705:1990",
    "measured": "12",
}


def result_post(*criteria, pdf=PDF, filename="phieu.pdf", **fields) -> dict:
    data = {
        "test_report_number": "KQ-2026-15",
        "result_on": day(0),
        "received_on": day(1),
        **rows(*criteria),
        **fields,
    }
    if pdf is not None:
        data["test_report_pdf"] = SimpleUploadedFile(filename, pdf, "application/pdf")
    return data


def media_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- The list ------------------------------------------------------------------------------------


def test_the_list_shows_what_waits_by_status_with_counts_a_home_page_can_link_to(
    alice, bob, charlie, on_site
):
    taken = take(on_site, alice, 1)
    sent = send(take(on_site, alice, 2), alice)
    tested = send(take(on_site, alice, 3), alice)
    samples.lab_result_record(
        by=alice,
        sample=tested,
        test_report_number="KQ-1",
        result_on=timezone.localdate(),
        criteria=[{"criterion": "Độ đạm", "limit_min": 10, "measured": 12}],
    )
    client = browser(bob)

    waiting = client.get("/samples/")
    assert waiting.status_code == 200
    html = waiting.content.decode()
    assert f"/samples/{taken.pk}/" in html and f"/samples/{sent.pk}/" in html
    assert f"/samples/{tested.pk}/" not in html
    # Each tab carries the count of the list it opens; the default one is what a home
    # page links to.
    tabs = dict(
        re.findall(
            r'href="/samples/(\?status=\w+)?"[^>]*>\s*[^<]+<span class="queue__count">(\d+)', html
        )
    )
    assert tabs == {"": "2", "?status=taken": "1", "?status=sent": "1", "?status=tested": "1"}
    assert samples_waiting_count(bob) == 2 == len(waiting.context["page"].object_list)

    for status, expected in (("taken", taken), ("sent", sent), ("tested", tested)):
        page = client.get(f"/samples/?status={status}").context["page"]
        assert [s.pk for s in page.object_list] == [expected.pk]
    # An unknown filter shows what waits.
    assert len(client.get("/samples/?status=nope").context["page"].object_list) == 2

    # Another province's inspector sees none of them.
    other = browser(charlie).get("/samples/")
    assert other.status_code == 200 and not other.context["page"].object_list
    assert samples_waiting_count(charlie) == 0


def test_the_list_and_pages_need_a_login(alice, on_site):
    sample = take(on_site, alice)
    for url in ("/samples/", f"/samples/{sample.pk}/", f"/samples/{sample.pk}/result/"):
        response = Client().get(url)
        assert response.status_code == 302 and "login" in response["Location"]


# --- The sample's page and sending it -------------------------------------------------------------


def test_sending_a_sample_is_recorded_and_redirected_and_the_button_goes(alice, on_site):
    sample = take(on_site, alice)
    client = browser(alice)
    page = client.get(f"/samples/{sample.pk}/").content.decode()
    assert f"/samples/{sample.pk}/send/" in page and "NP-1-A" in page and "NP-1-B" in page
    assert "Chưa có ảnh niêm phong" in page

    form = client.get(f"/samples/{sample.pk}/send/")
    assert form.status_code == 200 and day(0) in form.content.decode()

    response = client.post(
        f"/samples/{sample.pk}/send/", {"lab_name": "Trung tâm Kỹ thuật 1", "sent_on": day(1)}
    )
    assert response.status_code == 302 and response["Location"] == f"/samples/{sample.pk}/"
    sample.refresh_from_db()
    assert (sample.status, sample.lab_name) == (Sample.Status.SENT, "Trung tâm Kỹ thuật 1")
    assert sample.sent_on == timezone.localdate() - timedelta(days=1)

    after = client.get(response["Location"])
    html = after.content.decode()
    assert "Đã ghi nhận gửi mẫu đến Trung tâm Kỹ thuật 1" in html
    assert f"/samples/{sample.pk}/send/" not in html  # no stale button
    assert f"/samples/{sample.pk}/result/" in html

    # Posting again (a reload, the back button) records nothing twice.
    again = client.post(
        f"/samples/{sample.pk}/send/", {"lab_name": "Phòng khác", "sent_on": day(0)}
    )
    assert again.status_code == 302
    sample.refresh_from_db()
    assert sample.lab_name == "Trung tâm Kỹ thuật 1"


def test_sending_needs_a_lab_and_a_sensible_date(alice, on_site):
    sample = take(on_site, alice)
    client = browser(alice)
    response = client.post(f"/samples/{sample.pk}/send/", {"lab_name": "", "sent_on": day(-1)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nhập tên tổ chức thử nghiệm." in html
    assert "Ngày gửi mẫu không thể sau hôm nay." in html
    assert "<title>Lỗi:" in html
    sample.refresh_from_db()
    assert sample.status == Sample.Status.TAKEN


def test_seal_photos_are_listed_on_the_sample_page(alice, on_site):
    sample = take(on_site, alice)
    EvidencePhoto.objects.create(
        inspection=on_site,
        sample=sample,
        sha256="ab" * 32,
        extension=".jpg",
        original="evidence/x.jpg",
        byte_size=10,
        image_format="JPEG",
        uploaded_by=alice,
    )
    photo = EvidencePhoto.objects.get(sample=sample)
    html = browser(alice).get(f"/samples/{sample.pk}/").content.decode()
    assert "Ảnh 1, gửi lúc" in html and "Chưa có ảnh niêm phong" not in html
    thumb = f"/field/inspections/{on_site.pk}/photos/{photo.pk}/thumb/"
    assert thumb not in html  # not processed yet: no thumbnail
    EvidencePhoto.objects.filter(pk=photo.pk).update(state=EvidencePhoto.State.READY)
    assert thumb in browser(alice).get(f"/samples/{sample.pk}/").content.decode()


# --- The lab's result --------------------------------------------------------------------------


def test_a_passing_result_is_stored_with_its_pdf_and_its_sha256(alice, on_site, settings):
    sample = send(take(on_site, alice), alice)
    client = browser(alice)
    assert client.get(f"/samples/{sample.pk}/result/").status_code == 200

    passing = {**HISTAMINE, "measured": "150,25"}
    response = client.post(f"/samples/{sample.pk}/result/", result_post(passing, PROTEIN))
    assert response.status_code == 302 and response["Location"] == f"/samples/{sample.pk}/"

    sample.refresh_from_db()
    assert sample.status == Sample.Status.TESTED and sample.conforming is True
    assert sample.test_report_number == "KQ-2026-15"
    assert sample.received_on == timezone.localdate() - timedelta(days=1)
    assert sample.test_report_sha256 == hashlib.sha256(PDF).hexdigest()
    with sample.test_report_pdf.open("rb") as stored:
        assert stored.read() == PDF
    results = list(sample.results.order_by("pk"))
    assert [(r.criterion, str(r.measured), r.passed) for r in results] == [
        ("Hàm lượng histamin", "150.2500", True),
        ("Độ đạm toàn phần", "12.0000", True),
    ]
    assert results[0].reference == "QCVN 8-2:2011/BYT" and results[0].limit_min is None
    assert not hasattr(sample, "follow_up") or sample.follow_up is None

    html = client.get(response["Location"]).content.decode()
    assert "mẫu đạt mọi chỉ tiêu" in html
    assert f"/samples/{sample.pk}/result/" not in html  # no stale button
    assert "150,25" in html and "QCVN 8-2:2011/BYT" in html
    download = client.get(f"/samples/{sample.pk}/test-report.pdf")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]

    # A second result is refused: the form is no longer offered.
    again = client.post(f"/samples/{sample.pk}/result/", result_post(PROTEIN))
    assert again.status_code == 302 and SampleResult.objects.filter(sample=sample).count() == 2


def test_a_failing_result_opens_the_follow_up_and_tells_the_team_lead(alice, bob, on_site):
    """bob (a supervisor of the unit) enters the report; alice leads the team."""
    sample = send(take(on_site, alice), alice)
    client = browser(bob)
    # `passed` is never taken from the form.
    data = result_post({**HISTAMINE, "passed": "on"}, PROTEIN, **{"criteria-0-passed": "True"})
    response = client.post(f"/samples/{sample.pk}/result/", data)
    assert response.status_code == 302

    sample.refresh_from_db()
    assert sample.conforming is False
    assert dict(sample.results.values_list("criterion", "passed")) == {
        "Hàm lượng histamin": False,
        "Độ đạm toàn phần": True,
    }
    follow_up = sample.follow_up
    assert follow_up.status == "open"
    told = Notification.objects.filter(dedup_key__startswith="follow-up-open:")
    assert [n.recipient for n in told] == [alice]
    assert "KQ-2026-15" in told[0].subject and "Hàm lượng" not in told[0].link
    assert told[0].link == f"/cases/{on_site.pk}/#follow-up-{follow_up.pk}"
    assert "báo cáo cơ quan trước" in told[0].body

    html = client.get(response["Location"]).content.decode()
    assert "mẫu không đạt, chỉ tiêu không đạt: Hàm lượng histamin" in html
    assert "Trưởng đoàn đã được thông báo" in html
    assert f"#follow-up-{follow_up.pk}" in html
    assert "badge--non_conforming" in html


def test_the_lead_entering_a_failing_result_is_told_to_report_not_notified(alice, on_site):
    sample = take(on_site, alice)  # a result may be recorded on a sample not marked sent
    client = browser(alice)
    response = client.post(f"/samples/{sample.pk}/result/", result_post(HISTAMINE))
    assert response.status_code == 302
    sample.refresh_from_db()
    assert sample.follow_up.status == "open"
    assert not Notification.objects.filter(dedup_key__startswith="follow-up-open:").exists()
    html = client.get(response["Location"]).content.decode()
    assert "Bạn là trưởng đoàn: hãy báo cáo cơ quan trong 24 giờ." in html


def test_the_api_opens_the_same_follow_up_and_notification(alice, bob, on_site):
    sample = send(take(on_site, alice), alice)
    response = api_client(bob).post(
        f"/api/v1/samples/{sample.pk}/lab-result",
        data=json.dumps(
            {
                "test_report_number": "KQ-API",
                "result_on": str(timezone.localdate()),
                "criteria": [
                    {"criterion": "Hàm lượng histamin", "limit_max": 200, "measured": 410}
                ],
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    sample.refresh_from_db()
    assert sample.follow_up.status == "open"
    told = Notification.objects.filter(dedup_key__startswith="follow-up-open:")
    assert [n.recipient for n in told] == [alice]


def test_a_file_that_is_not_a_pdf_is_refused_and_nothing_is_stored(alice, on_site, settings):
    sample = send(take(on_site, alice), alice)
    before = media_files(settings)
    response = browser(alice).post(
        f"/samples/{sample.pk}/result/",
        result_post(PROTEIN, pdf=b"<html><body>%PDF-1.7</body></html>", filename="phieu.pdf"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Tệp này không phải là PDF" in html and "<title>Lỗi:" in html
    assert "chọn lại tệp PDF" in html
    assert 'value="KQ-2026-15"' in html  # what was typed stays
    sample.refresh_from_db()
    assert sample.status == Sample.Status.SENT and not sample.test_report_pdf
    assert not sample.results.exists()
    assert media_files(settings) == before


def test_the_pdf_is_required_and_each_row_says_what_is_missing(alice, on_site):
    sample = send(take(on_site, alice), alice)
    no_limit = {**PROTEIN, "limit_min": ""}
    no_value = {**HISTAMINE, "criterion": "Chì", "measured": ""}
    response = browser(alice).post(
        f"/samples/{sample.pk}/result/", result_post(no_limit, no_value, pdf=None)
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Chọn tệp PDF của phiếu kết quả thử nghiệm." in html
    assert "Ghi giới hạn theo quy chuẩn" in html
    assert "Nhập kết quả đo." in html
    assert not SampleResult.objects.exists()

    empty = browser(alice).post(f"/samples/{sample.pk}/result/", result_post())
    assert empty.status_code == 400
    assert "Nhập ít nhất một chỉ tiêu" in empty.content.decode()


def test_more_rows_without_javascript_keep_what_was_typed(alice, on_site):
    sample = send(take(on_site, alice), alice)
    client = browser(alice)
    first = client.get(f"/samples/{sample.pk}/result/").content.decode()
    assert first.count('name="criteria-') >= 5 * 7
    assert 'name="criteria-TOTAL_FORMS" value="5"' in first

    data = result_post(HISTAMINE, PROTEIN, add_rows="1")
    response = client.post(f"/samples/{sample.pk}/result/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="criteria-TOTAL_FORMS" value="8"' in html
    assert 'value="Hàm lượng histamin"' in html and 'value="410,5"' in html
    assert 'value="TCVN 5107:2018"' in html and 'value="KQ-2026-15"' in html
    assert 'name="criteria-7-criterion"' in html
    assert "field__error" not in html  # nothing checked yet
    assert "chọn lại tệp PDF" in html  # the browser drops the chosen file
    assert not SampleResult.objects.exists()
    sample.refresh_from_db()
    assert sample.status == Sample.Status.SENT

    # Filling the new last row and saving stores the three.
    third = {
        **PROTEIN,
        "criterion": "Độ đạm amoniac",
        "limit_min": "",
        "limit_max": "1",
        "measured": "0,5",
    }
    save = {
        **result_post(HISTAMINE, PROTEIN),
        "criteria-TOTAL_FORMS": "8",
        "criteria-INITIAL_FORMS": "2",
        **{f"criteria-7-{k}": v for k, v in third.items()},
    }
    assert client.post(f"/samples/{sample.pk}/result/", save).status_code == 302
    assert sample.results.count() == 3


def test_a_retest_offers_the_failed_criteria_filled_in(alice, on_site):
    original = send(take(on_site, alice), alice)
    samples.lab_result_record(
        by=alice,
        sample=original,
        test_report_number="KQ-1",
        result_on=timezone.localdate(),
        criteria=[
            {"criterion": "Hàm lượng histamin", "limit_max": 200, "measured": 410},
            {"criterion": "Độ đạm", "limit_min": 10, "measured": 12},
        ],
    )
    retest = samples.retest_create(
        by=alice,
        original=original,
        client_uuid=uuid.uuid4(),
        test_unit_seal="R-1",
        retained_unit_seal="R-2",
        sampling_record_number="9/BB-LM",
    )
    html = browser(alice).get(f"/samples/{retest.pk}/result/").content.decode()
    assert 'value="Hàm lượng histamin"' in html and 'value="200"' in html
    assert 'value="Độ đạm"' not in html


# --- Who may do it -------------------------------------------------------------------------------


def test_invisible_samples_are_404_and_a_viewer_who_may_not_act_gets_403(
    alice, charlie, ivan, on_site
):
    sample = send(take(on_site, alice), alice)
    outsider = browser(charlie)
    for url in ("", "send/", "result/", "test-report.pdf"):
        assert outsider.get(f"/samples/{sample.pk}/{url}").status_code == 404
    assert outsider.post(f"/samples/{sample.pk}/result/", result_post(PROTEIN)).status_code == 404
    assert browser(ivan).get(f"/samples/{sample.pk}/").status_code == 404

    # ivan may read this inspection (an object permission to view), not act on it.
    assign_perm("view_inspection", ivan, on_site)
    viewer = browser(ivan)
    page = viewer.get(f"/samples/{sample.pk}/")
    assert page.status_code == 200
    assert f"/samples/{sample.pk}/result/" not in page.content.decode()
    assert viewer.get(f"/samples/{sample.pk}/result/").status_code == 403
    assert viewer.post(f"/samples/{sample.pk}/result/", result_post(PROTEIN)).status_code == 403
    assert (
        viewer.post(f"/samples/{sample.pk}/send/", {"lab_name": "X", "sent_on": day(0)}).status_code
        == 403
    )
    sample.refresh_from_db()
    assert sample.status == Sample.Status.SENT and not sample.results.exists()
