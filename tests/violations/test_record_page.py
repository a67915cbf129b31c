"""A team lead drafts a violation record in the browser (issue 18): the day of the act
first, then the record citing a verified version of a provision in force that day; the
API refuses the same versions the page refuses."""

import re
import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from inspections import findings as inspection_findings
from inspections.models import ChecklistItem
from tests.factories import api_client, provision_version
from tests.inspections.helpers import decided_inspection
from tests.violations.test_followup import failed_sample
from tests.violations.test_violations import finding, photo
from violations.models import ViolationRecord

pytestmark = pytest.mark.django_db

LAST_DAY_OF_V1 = date(2021, 12, 31)
FIRST_DAY_OF_V2 = date(2022, 1, 1)


@pytest.fixture
def versions():
    """Two versions of one act: 5-10 million until 31/12/2021, 10-20 million from
    01/01/2022 (the figures are the test's)."""
    v1 = provision_version(
        code="TEST-NHAN-PHU",
        valid_from=date(2018, 1, 1),
        valid_to=LAST_DAY_OF_V1,
        amending=None,
        fine_min_vnd=5_000_000,
        fine_max_vnd=10_000_000,
    )
    v2 = provision_version(
        code="TEST-NHAN-PHU",
        valid_from=FIRST_DAY_OF_V2,
        replaces=v1,
        fine_min_vnd=10_000_000,
        fine_max_vnd=20_000_000,
    )
    return v1, v2


@pytest.fixture
def lead(alice):
    client = Client()
    client.force_login(alice)
    return client


def new_url(inspection) -> str:
    return f"/cases/{inspection.pk}/records/new/"


def offered(html: str) -> set[int]:
    """The provision ids of the first act's list."""
    select = re.search(r'<select name="acts-0-provision".*?</select>', html, re.S).group(0)
    return {int(value) for value in re.findall(r'<option value="(\d+)"', select)}


def act_fields(n: int = 0, **fields) -> dict:
    return {f"acts-{n}-{key}": value for key, value in fields.items()}


def record_post(evidence, provision, **overrides) -> dict:
    data = {
        "place": "Chợ Đồng Xuân, Hà Nội",
        "representative_name": "Nguyễn Thị Hoa",
        "representative_position": "Chủ cửa hàng",
        "acts-TOTAL_FORMS": "3",
        "acts-INITIAL_FORMS": "0",
        "acts-MIN_NUM_FORMS": "0",
        "acts-MAX_NUM_FORMS": "3",
        **act_fields(
            provision=str(provision.pk),
            description="Bày bán 40 máy sấy tóc nhập khẩu không có nhãn phụ tiếng Việt.",
            findings=[str(evidence.pk)],
        ),
    }
    return {**data, "violator": str(evidence.inspection.operator_id), **overrides}


def test_the_lead_drafts_a_record_through_the_page(
    alice, lead, on_site, versions, django_capture_on_commit_callbacks
):
    _, v2 = versions
    evidence = finding(on_site, alice)
    with django_capture_on_commit_callbacks(execute=True):  # the thumbnail is made
        stored, _ = inspection_findings.evidence_upload(by=alice, finding=evidence, data=photo())
    case = lead.get(f"/cases/{on_site.pk}/").content.decode()
    assert new_url(on_site) in case and "Lập biên bản vi phạm" in case

    # Step 1: the day of the act, by default the day of the non-conforming finding.
    step1 = lead.get(new_url(on_site))
    assert step1.status_code == 200
    assert timezone.localtime(evidence.created_at).strftime("%d/%m/%Y") in step1.content.decode()
    response = lead.get(new_url(on_site), {"committed_on": "01/01/2022"})
    assert response.status_code == 302
    assert response["Location"] == f"{new_url(on_site)}?on=2022-01-01"

    # Step 2: the record, with the law of that day.
    step2 = lead.get(response["Location"])
    assert step2.status_code == 200
    html = step2.content.decode()
    assert "Áp dụng văn bản có hiệu lực ngày 01/01/2022" in html
    assert f'href="{new_url(on_site)}?day=2022-01-01"' in html  # back to step 1
    assert "10.000.000 đ – 20.000.000 đ" in html  # noqa: RUF001
    assert "20.000.000 đ – 40.000.000 đ" in html  # noqa: RUF001
    assert evidence.item.text in html
    assert f"/api/v1/findings/{evidence.pk}/photos/{stored.pk}/thumb" in html
    assert 'value="Chợ Đồng Xuân, Hà Nội"' in html  # the inspection's place
    assert "Tổ chức" in html  # the violator's kind

    data = record_post(evidence, v2, **act_fields(photos=[str(stored.pk)]))
    response = lead.post(f"{new_url(on_site)}?on=2022-01-01", data)
    assert response.status_code == 302
    record = ViolationRecord.objects.get(inspection=on_site)
    assert response["Location"] == f"/cases/{on_site.pk}/#record-{record.pk}"
    assert record.status == ViolationRecord.Status.DRAFT
    act = record.violations.get()
    assert act.provision == v2 and act.committed_on == FIRST_DAY_OF_V2
    assert list(act.findings.all()) == [evidence] and list(act.photos.all()) == [stored]

    case = lead.get(f"/cases/{on_site.pk}/").content.decode()
    assert "Đã lập dự thảo biên bản vi phạm" in case
    assert f'id="record-{record.pk}"' in case
    assert v2.citation in case and "hiệu lực từ 01/01/2022" in case
    assert "Ngày thực hiện hành vi: 01/01/2022" in case
    # The operator is an organisation: twice the individual's 10-20 million.
    assert "Khung tiền phạt (tổ chức)" in case and "20.000.000 đ" in case
    assert "40.000.000 đ" in case

    # Reloading the case page (where the POST led) makes nothing more.
    assert lead.get(response["Location"]).status_code == 200
    assert ViolationRecord.objects.filter(inspection=on_site).count() == 1


@pytest.mark.parametrize(
    ("day", "cited", "not_cited", "fines", "period"),
    [
        (
            LAST_DAY_OF_V1,
            0,
            1,
            ("10.000.000 đ", "20.000.000 đ"),
            "hiệu lực từ 01/01/2018 đến 31/12/2021",
        ),
        (FIRST_DAY_OF_V2, 1, 0, ("20.000.000 đ", "40.000.000 đ"), "hiệu lực từ 01/01/2022"),
    ],
)
def test_the_list_offers_only_the_version_in_force_on_the_day(
    alice, lead, on_site, versions, day, cited, not_cited, fines, period
):
    evidence = finding(on_site, alice)
    html = lead.get(new_url(on_site), {"on": day.isoformat()}).content.decode()
    assert versions[cited].pk in offered(html)
    assert versions[not_cited].pk not in offered(html)

    response = lead.post(
        f"{new_url(on_site)}?on={day.isoformat()}", record_post(evidence, versions[cited])
    )
    assert response.status_code == 302
    act = ViolationRecord.objects.get(inspection=on_site).violations.get()
    assert act.provision == versions[cited] and act.committed_on == day
    case = lead.get(f"/cases/{on_site.pk}/").content.decode()
    low, high = fines  # the organisation's range of the version cited
    assert f'<span class="nowrap">{low}</span> – <span class="nowrap">{high}</span>' in case  # noqa: RUF001
    assert period in case


def test_an_unverified_version_is_neither_offered_nor_accepted(alice, lead, on_site, versions):
    evidence = finding(on_site, alice)
    draft = provision_version(code="TEST-CHUA-XAC-MINH", verified=False)
    html = lead.get(new_url(on_site), {"on": "2022-01-01"}).content.decode()
    assert draft.pk not in offered(html) and versions[1].pk in offered(html)

    # A tampered or stale form: the service's message on the act's list, nothing saved.
    response = lead.post(f"{new_url(on_site)}?on=2022-01-01", record_post(evidence, draft))
    assert response.status_code == 400
    html = response.content.decode()
    assert f"Điều khoản {draft.citation} chưa được xác minh với văn bản gốc" in html
    assert 'class="field field--error"' in html
    assert not ViolationRecord.objects.exists()


def test_a_version_not_in_force_on_the_day_is_refused(alice, lead, on_site, versions):
    v1, v2 = versions
    evidence = finding(on_site, alice)
    response = lead.post(f"{new_url(on_site)}?on=2022-01-01", record_post(evidence, v1))
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        f"Ngày 01/01/2022, hành vi này được xử phạt theo phiên bản khác: "
        f"{escape(v2.citation)}, hiệu lực từ 01/01/2022."
    ) in html
    assert not ViolationRecord.objects.exists()


def test_bad_input_shows_the_form_again_with_what_was_typed(alice, lead, on_site, versions):
    evidence = finding(on_site, alice)
    data = record_post(
        evidence,
        versions[1],
        place="",
        **act_fields(description="Nhãn phụ thiếu tên nhà nhập khẩu", findings=[]),
    )
    response = lead.post(f"{new_url(on_site)}?on=2022-01-01", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nhãn phụ thiếu tên nhà nhập khẩu" in html
    assert "Mỗi hành vi cần chứng cứ" in html
    assert 'value="Nguyễn Thị Hoa"' in html
    assert f'<option value="{versions[1].pk}" selected>' in html
    assert not ViolationRecord.objects.exists()

    # An empty form: at least one act; the empty rows are ignored.
    empty = record_post(
        evidence, versions[1], **act_fields(provision="", description="", findings=[])
    )
    response = lead.post(f"{new_url(on_site)}?on=2022-01-01", empty)
    assert response.status_code == 400
    assert "Biên bản cần ít nhất một hành vi vi phạm." in response.content.decode()

    # A failed sample is evidence too, on the second row (the first left empty).
    sample = failed_sample(on_site, alice)
    second = record_post(
        evidence, versions[1], **act_fields(provision="", description="", findings=[])
    )
    second |= act_fields(
        1, provision=str(versions[1].pk), description="Nước mắm không đạt", samples=[str(sample.pk)]
    )
    response = lead.post(f"{new_url(on_site)}?on=2022-01-01", second)
    assert response.status_code == 302
    act = ViolationRecord.objects.get().violations.get()
    assert list(act.samples.all()) == [sample] and act.description == "Nước mắm không đạt"


def test_step_one_starts_from_the_day_of_the_earliest_evidence(alice, lead, on_site):
    # 23:30 in Hà Nội on 20/11/2026 is still 20/11 there (16:30 UTC).
    evening = datetime(2026, 11, 20, 23, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    finding(on_site, alice)
    inspection_findings.finding_create(
        by=alice,
        inspection=on_site,
        client_uuid=uuid.uuid4(),
        item=ChecklistItem.objects.get(template__version=1, code="vietnamese_label"),
        result="non_conforming",
        note="Ảnh chụp tối hôm trước",
        captured_at=evening,
    )
    html = lead.get(new_url(on_site)).content.decode()
    assert 'value="20/11/2026"' in html
    # A day chosen before comes back when the user goes back to change it.
    html = lead.get(new_url(on_site), {"day": "2022-01-01"}).content.decode()
    assert 'value="01/01/2022"' in html


def test_a_bad_or_future_day_stays_on_step_one(lead, on_site, versions):
    response = lead.get(new_url(on_site), {"committed_on": "31/02/2022"})
    assert response.status_code == 400
    assert "Hãy ghi ngày theo dạng ngày/tháng/năm" in response.content.decode()
    response = lead.get(new_url(on_site), {"on": "2099-01-01"})
    assert response.status_code == 400
    assert "Ngày thực hiện hành vi không thể sau hôm nay." in response.content.decode()


def test_a_day_without_any_verified_version_says_so(alice, lead, on_site, versions):
    finding(on_site, alice)
    html = lead.get(new_url(on_site), {"on": "2017-06-01"}).content.decode()
    assert "Không có điều khoản xử phạt nào đã được xác minh có hiệu lực ngày 01/06/2017." in html
    assert 'href="/provisions/"' in html and 'name="acts-0-provision"' not in html


def test_the_search_narrows_the_list_accents_ignored(alice, lead, on_site, versions):
    finding(on_site, alice)
    other = provision_version(code="TEST-HAN-DUNG", act="Không ghi hạn sử dụng trên nhãn.")
    url = new_url(on_site)
    everything = offered(lead.get(url, {"on": "2022-01-01"}).content.decode())
    assert {versions[1].pk, other.pk} <= everything
    narrowed = offered(lead.get(url, {"on": "2022-01-01", "q": "han su dung"}).content.decode())
    assert other.pk in narrowed and versions[1].pk not in narrowed


def test_who_may_open_the_page(alice, bob, charlie, ivan, on_site, versions):
    url = new_url(on_site)
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    for outsider in (charlie, ivan):  # another unit's inspector; one of the unit off the team
        client = Client()
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.post(f"{url}?on=2022-01-01", {}).status_code == 404
    assert not ViolationRecord.objects.exists()
    supervisor = Client()
    supervisor.force_login(bob)  # holds change_inspection for the unit, as the service allows
    assert supervisor.get(url).status_code == 200


def test_no_button_and_no_page_before_the_team_is_on_site(alice, bob, lead):
    decided = decided_inspection(supervisor=bob, lead=alice, number="05/QĐ-KT")
    assert new_url(decided) not in lead.get(f"/cases/{decided.pk}/").content.decode()
    response = lead.get(new_url(decided))
    assert response.status_code == 302 and response["Location"] == f"/cases/{decided.pk}/"


# --- The API refuses what the page refuses ---------------------------------------------------


def api_record(evidence, provision, day=None) -> dict:
    act = {
        "provision_id": provision.pk,
        "description": "Không có nhãn phụ tiếng Việt",
        "finding_ids": [evidence.pk],
    }
    if day is not None:
        act["committed_on"] = day.isoformat()
    return {"place": "Chợ Đồng Xuân, Hà Nội", "violations": [act]}


def test_the_api_cites_only_a_verified_version_in_force_on_the_day(alice, on_site, versions):
    v1, v2 = versions
    client = api_client(alice)
    evidence = finding(on_site, alice)
    url = f"/api/v1/inspections/{on_site.pk}/violation-records"

    def post(provision, day):
        return client.post(
            url, api_record(evidence, provision, day), content_type="application/json"
        )

    unverified = provision_version(code="TEST-API-NHAP", verified=False)
    response = post(unverified, FIRST_DAY_OF_V2)
    assert response.status_code == 400 and response.json()["code"] == "provision_unverified"
    for provision, day in ((v1, FIRST_DAY_OF_V2), (v2, LAST_DAY_OF_V1)):
        response = post(provision, day)
        assert response.status_code == 400
        assert response.json()["code"] == "provision_not_in_force"
    assert not ViolationRecord.objects.exists()

    organisation = on_site.operator.kind == "organisation"
    for provision, day in ((v1, LAST_DAY_OF_V1), (v2, FIRST_DAY_OF_V2)):
        response = post(provision, day)
        assert response.status_code == 201, response.content
        made = client.get(f"/api/v1/violation-records/{response.json()['id']}").json()
        act = made["violations"][0]
        assert act["provision_id"] == provision.pk and act["committed_on"] == day.isoformat()
        assert (act["fine_min_vnd"], act["fine_max_vnd"]) == provision.fine_range(
            organisation=organisation
        )


def test_a_tampered_form_is_refused_without_an_error_page(alice, bob, lead, on_site, versions):
    evidence = finding(on_site, alice)
    other = decided_inspection(supervisor=bob, lead=alice, number="09/QĐ-KT")
    url = f"{new_url(on_site)}?on=2022-01-01"
    tampered = [
        record_post(evidence, versions[1], **act_fields(provision="999999")),
        record_post(evidence, versions[1], **act_fields(provision="abc")),
        record_post(evidence, versions[1], violator=str(other.operator_id)),
        record_post(evidence, versions[1], **{"acts-TOTAL_FORMS": "x"}),
        {k: v for k, v in record_post(evidence, versions[1]).items() if "TOTAL" not in k},
    ]
    for data in tampered:
        response = lead.post(url, data)
        assert response.status_code == 400, data
    assert "Không có điều khoản xử phạt này." in lead.post(url, tampered[0]).content.decode()
    assert not ViolationRecord.objects.exists()
