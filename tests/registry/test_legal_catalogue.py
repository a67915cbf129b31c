"""The legal catalogue: versions in force for a period, four-eyes verification, citing by
the day of the act, the catalogue's pages, and the demo catalogue."""

from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction

from registry import provisions
from registry.errors import Conflict, InvalidInput, PermissionDenied
from registry.models import AuditEntry, LegalProvision, Notification, Role
from tests.factories import UserFactory, legal_document, provision_version, unit
from tests.violations.test_violations import draft_record, finding

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_catalogue(db):
    """Without the two unverified rows the migrations load (registry/data)."""
    LegalProvision.objects.filter(entered_by__isnull=True).delete()


@pytest.fixture
def lena(roles):
    """A legal officer who enters provisions."""
    return UserFactory(username="lena", unit=unit("TW"), roles=[Role.LEGAL_OFFICER])


@pytest.fixture
def victor(roles):
    """A second legal officer, who verifies lena's entries."""
    return UserFactory(username="victor", unit=unit("TW"), roles=[Role.LEGAL_OFFICER])


def content(**overrides) -> dict:
    fields = {
        "code": "119/2017-Đ31-K1-a",
        "document": legal_document(),
        "amending_document": None,
        "article": 31,
        "clause": 1,
        "point": "a",
        "field": LegalProvision.Field.LABEL,
        "title": "Vi phạm quy định về nhãn hàng hóa",
        "title_en": "",
        "act": "Kinh doanh hàng hóa có nhãn không ghi đủ nội dung bắt buộc.",
        "act_en": "",
        "fine_min_vnd": 1_000_000,
        "fine_max_vnd": 3_000_000,
        "organisation_fine_min_vnd": None,
        "organisation_fine_max_vnd": None,
        "organisation_fine_basis": "",
        "fine_note": "",
        "additional_penalties": [],
        "remedial_measures": ["relabel"],
        "valid_from": date(2018, 1, 1),
        "valid_to": None,
        "source": "Công báo số 815+816, trang 14",
        "source_url": "",
    }
    fields.update(overrides)
    return fields


def amended(lena, victor, old, **overrides):
    """The amendment of `old` from 01/01/2022 with higher fines, entered and verified."""
    new = provisions.provision_create(
        by=lena,
        fields=content(
            **{
                **provisions.content_of(old),
                "amending_document": legal_document("126/2021/NĐ-CP", date(2021, 12, 30)),
                "fine_min_vnd": 2_000_000,
                "fine_max_vnd": 5_000_000,
                "valid_from": date(2022, 1, 1),
                "valid_to": None,
                **overrides,
            }
        ),
        replaces=old,
    )
    return provisions.provision_verify(by=victor, provision=new)


@pytest.fixture
def original(lena, victor):
    return provisions.provision_verify(
        by=victor, provision=provisions.provision_create(by=lena, fields=content())
    )


# --- Versions and verification -------------------------------------------------------------


def test_an_entry_waits_for_a_second_person_and_the_enterer_cannot_verify_it(lena, victor):
    entry = provisions.provision_create(by=lena, fields=content())
    assert entry.status == LegalProvision.Status.PENDING
    assert Notification.objects.filter(recipient=victor, link=f"/provisions/{entry.pk}/").exists()
    with pytest.raises(PermissionDenied) as error:
        provisions.provision_verify(by=lena, provision=entry)
    assert error.value.code == "provision_own_entry"
    entry.refresh_from_db()
    assert entry.status == LegalProvision.Status.PENDING

    verified = provisions.provision_verify(by=victor, provision=entry, note="Đối chiếu Công báo")
    assert (verified.status, verified.verified_by, verified.entered_by) == (
        "verified",
        victor,
        lena,
    )
    assert Notification.objects.filter(recipient=lena, link=f"/provisions/{entry.pk}/").exists()
    actions = set(
        AuditEntry.objects.filter(target_id=str(entry.pk)).values_list("action", flat=True)
    )
    assert {"provision.create", "provision.verify"} <= actions


def test_the_database_refuses_a_version_verified_by_its_enterer(lena):
    version = provision_version(verified=False)
    version.status = LegalProvision.Status.VERIFIED
    version.verified_by = version.entered_by
    with pytest.raises(IntegrityError), transaction.atomic():
        version.save()


def test_someone_without_the_right_can_neither_enter_nor_verify(lena, alice):
    with pytest.raises(PermissionDenied):
        provisions.provision_create(by=alice, fields=content())
    entry = provisions.provision_create(by=lena, fields=content())
    with pytest.raises(PermissionDenied):
        provisions.provision_verify(by=alice, provision=entry)


def test_a_verified_version_is_never_edited_and_an_amendment_ends_it(lena, victor, original):
    with pytest.raises(Conflict) as error:
        provisions.provision_update(by=lena, provision=original, fields=content(fine_max_vnd=9))
    assert error.value.code == "provision_locked"

    new = amended(lena, victor, original)
    original.refresh_from_db()
    assert original.valid_to == date(2021, 12, 31)
    assert new.replaces == original
    assert original.fine_range(organisation=False) == (1_000_000, 3_000_000)
    assert "126/2021/NĐ-CP" in new.citation


def test_an_amendment_must_start_later_and_versions_never_overlap(lena, victor, original):
    with pytest.raises(InvalidInput) as error:
        provisions.provision_create(
            by=lena, fields=content(valid_from=date(2017, 12, 1)), replaces=original
        )
    assert error.value.code in {"amendment_not_later", "valid_before_document"}
    with pytest.raises(Conflict) as error:
        provisions.provision_create(by=lena, fields=content(valid_from=date(2020, 1, 1)))
    assert error.value.code == "provision_code_exists"


def test_a_returned_entry_is_corrected_and_verified_again(lena, victor):
    entry = provisions.provision_create(by=lena, fields=content(fine_max_vnd=30_000_000))
    with pytest.raises(InvalidInput):
        provisions.provision_return(by=victor, provision=entry, reason="  ")
    provisions.provision_return(by=victor, provision=entry, reason="Mức tối đa là 3 triệu")
    entry.refresh_from_db()
    assert entry.status == LegalProvision.Status.RETURNED
    fixed = provisions.provision_update(by=lena, provision=entry, fields=content())
    assert (fixed.status, fixed.return_reason, fixed.fine_max_vnd) == ("pending", "", 3_000_000)
    assert provisions.provision_verify(by=victor, provision=fixed).verified


def test_the_content_is_checked_field_by_field(lena):
    with pytest.raises(InvalidInput) as error:
        provisions.provision_create(
            by=lena,
            fields=content(
                fine_min_vnd=5,
                fine_max_vnd=1,
                point="1",
                organisation_fine_min_vnd=1,
                remedial_measures=["nope"],
                valid_to=date(2017, 1, 1),
                source="",
            ),
        )
    assert set(error.value.errors) >= {
        "fine_min_vnd",
        "point",
        "organisation_fine_min_vnd",
        "remedial_measures",
        "valid_to",
        "source",
    }


def test_an_organisation_exception_replaces_the_doubling(lena):
    entry = provisions.provision_create(
        by=lena,
        fields=content(
            organisation_fine_min_vnd=1_000_000,
            organisation_fine_max_vnd=3_000_000,
            organisation_fine_basis="Khoản 5 Điều 31: mức phạt áp dụng cho tổ chức",
        ),
    )
    assert entry.fine_range(organisation=True) == (1_000_000, 3_000_000)
    assert provision_version().fine_range(organisation=True) == (20_000_000, 40_000_000)


# --- Citing by the day of the act ----------------------------------------------------------


def test_a_violation_cites_the_version_in_force_on_its_day(lena, victor, original, alice, on_site):
    new = amended(lena, victor, original)
    evidence = finding(on_site, alice)

    def draft(version, day):
        row = {
            "provision": version,
            "committed_on": day,
            "description": "Nhãn không ghi hạn sử dụng",
            "findings": [evidence],
        }
        return draft_record(on_site, alice, rows=[row])

    before = draft(original, date(2021, 12, 31))
    after = draft(new, date(2022, 1, 1))
    assert before.violations.get().provision == original
    assert after.violations.get().provision == new
    for version, day in ((new, date(2021, 12, 31)), (original, date(2022, 1, 1))):
        with pytest.raises(InvalidInput) as error:
            draft(version, day)
        assert error.value.code == "provision_not_in_force"


def test_a_later_amendment_never_changes_an_existing_record(
    lena, victor, original, alice, on_site, bob
):
    record = draft_record(
        on_site,
        alice,
        rows=[
            {
                "provision": original,
                "committed_on": date(2021, 6, 1),
                "description": "Nhãn thiếu nội dung",
                "findings": [finding(on_site, alice)],
            }
        ],
    )
    amended(lena, victor, original)
    violation = record.violations.get()
    violation.refresh_from_db()
    assert violation.provision_id == original.pk
    assert violation.provision.fine_range(organisation=True) == (2_000_000, 6_000_000)


# --- Pages ----------------------------------------------------------------------------------


def form_data(**overrides) -> dict:
    data = {
        "code": "119/2017-Đ31-K1-a",
        "document": legal_document().pk,
        "article": "31",
        "clause": "1",
        "point": "a",
        "field": "label",
        "title": "Vi phạm quy định về nhãn hàng hóa",
        "act": "Kinh doanh hàng hóa có nhãn không ghi đủ nội dung bắt buộc.",
        "fine_min_vnd": "1000000",
        "fine_max_vnd": "3000000",
        "remedial_measures": ["relabel"],
        "valid_from": "01/01/2018",
        "source": "Công báo số 815+816, trang 14",
    }
    data.update(overrides)
    return data


def test_a_legal_officer_enters_a_provision_and_another_verifies_it_in_the_pages(
    lena, victor, client_for
):
    as_lena, as_victor = client_for(lena), client_for(victor)
    page = as_lena.post("/provisions/new/", form_data())
    entry = LegalProvision.objects.get(code="119/2017-Đ31-K1-a")
    assert page.status_code == 302 and page.url == f"/provisions/{entry.pk}/"
    shown = as_lena.get(page.url).content.decode()
    assert "Đã nhập điều khoản" in shown
    assert "không thể tự xác minh" in shown
    refused = as_lena.post(f"/provisions/{entry.pk}/verify/", {"checked": "on"})
    assert refused.status_code == 403
    assert "không được tự xác minh" in refused.content.decode()

    home = as_victor.get("/home/legal_officer/").content.decode()
    listed = as_victor.get("/provisions/?mine=verify")
    assert listed.context["page"].paginator.count == 1
    assert '<span class="queue__count">1</span>' in home
    unchecked = as_victor.post(f"/provisions/{entry.pk}/verify/", {})
    assert unchecked.status_code == 400
    done = as_victor.post(f"/provisions/{entry.pk}/verify/", {"checked": "on"})
    assert done.status_code == 302
    assert "Đã xác minh: phiên bản này" in as_victor.get(done.url).content.decode()
    entry.refresh_from_db()
    assert entry.verified_by == victor


def test_a_verifier_reads_again_a_version_corrected_after_opening_it(lena, victor, client_for):
    entry = provisions.provision_create(by=lena, fields=content())
    page = client_for(victor).get(f"/provisions/{entry.pk}/").content.decode()
    seen = provisions.seen_token(entry)
    assert f'name="seen" value="{seen}"' in page
    provisions.provision_update(by=lena, provision=entry, fields=content(fine_max_vnd=4_000_000))
    stale = client_for(victor).post(
        f"/provisions/{entry.pk}/verify/", {"checked": "on", "seen": seen}
    )
    assert stale.status_code == 409
    assert "hãy đọc lại trước khi xác minh" in stale.content.decode()
    entry.refresh_from_db()
    assert entry.status == LegalProvision.Status.PENDING
    fresh = client_for(victor).post(
        f"/provisions/{entry.pk}/verify/",
        {"checked": "on", "seen": provisions.seen_token(entry)},
    )
    assert fresh.status_code == 302


def test_whoever_wrote_any_of_a_version_cannot_verify_it(lena, victor, roles):
    third = UserFactory(username="tham", unit=unit("TW"), roles=[Role.LEGAL_OFFICER])
    entry = provisions.provision_create(by=lena, fields=content())
    with pytest.raises(Conflict) as error:
        provisions.provision_update(by=victor, provision=entry, fields=content())
    assert error.value.code == "provision_unchanged"
    provisions.provision_update(by=victor, provision=entry, fields=content(fine_max_vnd=4_000_000))
    for author in (lena, victor):
        with pytest.raises(PermissionDenied):
            provisions.provision_verify(by=author, provision=entry)
    assert provisions.provision_verify(by=third, provision=entry).verified


def test_a_corrected_amendment_still_starts_after_the_version_it_replaces(lena, victor, original):
    new = provisions.provision_create(
        by=lena,
        fields=content(valid_from=date(2022, 1, 1), fine_max_vnd=5_000_000),
        replaces=original,
    )
    with pytest.raises(InvalidInput) as error:
        provisions.provision_update(
            by=lena, provision=new, fields=content(valid_from=date(2018, 1, 1))
        )
    assert error.value.code == "amendment_not_later"


def test_a_draft_is_signed_only_with_what_may_be_cited_on_its_day(
    lena, victor, original, alice, on_site
):
    from violations import records

    record = draft_record(
        on_site,
        alice,
        rows=[
            {
                "provision": original,
                "committed_on": date(2022, 6, 1),
                "description": "Nhãn thiếu nội dung",
                "findings": [finding(on_site, alice)],
            }
        ],
    )
    amended(lena, victor, original)  # from 01/01/2022: the draft's day is now the new one's
    with pytest.raises(InvalidInput) as error:
        records.record_sign(by=alice, record=record, representative_name="Bà Lan")
    assert error.value.code == "provision_not_in_force"
    record.refresh_from_db()
    assert record.status == "draft"


def test_a_source_address_is_a_web_address(lena):
    with pytest.raises(InvalidInput) as error:
        provisions.provision_create(by=lena, fields=content(source_url="javascript:alert(1)"))
    assert error.value.code == "invalid_url"


def test_the_entry_page_shows_every_error_and_keeps_what_was_typed(lena, client_for):
    page = client_for(lena).post(
        "/provisions/new/", form_data(fine_min_vnd="9000000", point="7", source="")
    )
    assert page.status_code == 400
    text = page.content.decode()
    assert "Mức tối thiểu lớn hơn mức tối đa" in text
    assert "Điểm là một chữ cái" in text
    assert "Vi phạm quy định về nhãn hàng hóa" in text
    assert not LegalProvision.objects.filter(code="119/2017-Đ31-K1-a").exists()


def test_an_amendment_is_entered_from_the_verified_version(lena, victor, original, client_for):
    form = client_for(lena).get(f"/provisions/{original.pk}/amend/")
    assert form.status_code == 200
    amending = legal_document("126/2021/NĐ-CP", date(2021, 12, 30))
    page = client_for(lena).post(
        f"/provisions/{original.pk}/amend/",
        form_data(
            amending_document=amending.pk,
            fine_min_vnd="2000000",
            fine_max_vnd="5000000",
            valid_from="01/01/2022",
        ),
    )
    assert page.status_code == 302
    new = LegalProvision.objects.get(code=original.code, valid_from=date(2022, 1, 1))
    assert new.replaces == original and new.status == "pending"
    client_for(victor).post(f"/provisions/{new.pk}/verify/", {"checked": "on"})
    history = client_for(lena).get(f"/provisions/{new.pk}/").content.decode()
    assert "Hiệu lực từ 01/01/2018 đến 31/12/2021" in history
    assert "Hiệu lực từ 01/01/2022" in history


def test_staff_without_the_right_read_the_catalogue_but_cannot_enter(alice, original, client_for):
    assert client_for(alice).get("/provisions/").status_code == 200
    assert client_for(alice).get(f"/provisions/{original.pk}/").status_code == 200
    assert client_for(alice).get("/provisions/new/").status_code == 403
    assert client_for(alice).post("/provisions/new/", form_data()).status_code == 403
    assert client_for(alice).post(f"/provisions/{original.pk}/amend/", {}).status_code == 403
    assert client_for(alice).post("/provisions/documents/", {}).status_code == 403


def test_anonymous_is_sent_to_log_in(db, client):
    assert client.get("/provisions/").status_code == 302
    assert client.get("/provisions/new/").status_code == 302


def test_the_list_shows_the_versions_in_force_on_a_day_and_searches_without_accents(
    lena, victor, original, alice, client_for
):
    new = amended(lena, victor, original)
    provision_version(
        code="OTHER",
        field=LegalProvision.Field.METROLOGY,
        title="Vi phạm về phương tiện đo",
        act="Sử dụng phương tiện đo chưa kiểm định",
        article=8,
        amending=None,
    )

    def listed(query):
        page = client_for(alice).get("/provisions/" + query)
        assert page.status_code == 200
        return {p.pk for p in page.context["page"]}

    assert listed("?on=31/12/2021&q=nhan") == {original.pk}
    assert listed("?on=01/01/2022&q=nhan") == {new.pk}
    assert listed("?q=nhan+hang+hoa+khong+ghi") == {original.pk, new.pk}
    assert listed("?q=dieu+31+khoan+1") == {original.pk, new.pk}
    assert listed("?q=126/2021&on=2022-06-01") == {new.pk}
    assert listed("?q=phuong+tien+do") == {LegalProvision.objects.get(code="OTHER").pk}


def test_the_api_lists_what_may_be_cited_on_a_day(lena, victor, original, alice):
    from tests.factories import api_client

    new = amended(lena, victor, original)
    provisions.provision_create(by=lena, fields=content(code="PENDING-1"))
    answer = api_client(alice).get("/api/v1/provisions", {"on": "2021-12-31", "status": "verified"})
    assert answer.status_code == 200
    assert [item["id"] for item in answer.json()["items"]] == [original.pk]
    answer = api_client(alice).get("/api/v1/provisions", {"on": "2022-01-01"})
    items = answer.json()["items"]
    assert {item["id"] for item in items} == {
        new.pk,
        LegalProvision.objects.get(code="PENDING-1").pk,
    }
    shown = next(item for item in items if item["id"] == new.pk)
    assert shown["valid_from"] == "2022-01-01" and shown["replaces_id"] == original.pk
    assert shown["amending_document"]["number"] == "126/2021/NĐ-CP"
    assert shown["status"] == "verified"


def test_a_legal_officer_adds_a_document(lena, client_for):
    page = client_for(lena).post(
        "/provisions/documents/",
        {
            "kind": "decree",
            "number": "88/2026/NĐ-CP",
            "issued_on": "15/03/2026",
            "title": "Sửa đổi Nghị định 119/2017/NĐ-CP",
            "issuer": "Chính phủ",
        },
    )
    assert page.status_code == 302
    again = client_for(lena).post(
        "/provisions/documents/",
        {
            "kind": "decree",
            "number": "88/2026/NĐ-CP",
            "issued_on": "15/03/2026",
            "title": "x",
            "issuer": "Chính phủ",
        },
    )
    assert again.status_code == 400
    assert "Đã có văn bản số 88/2026/NĐ-CP" in again.content.decode()


# --- Demo catalogue -------------------------------------------------------------------------


def test_the_demo_catalogue_is_entered_and_verified_by_two_demo_users(db, settings):
    call_command("seed_demo", stdout=None)
    call_command("seed_demo_provisions")
    demo = LegalProvision.objects.filter(is_demo=True)
    assert demo.count() == 7
    assert set(demo.values_list("status", flat=True)) == {"verified"}
    assert set(demo.values_list("entered_by__username", "verified_by__username")) == {
        ("phapche.tw", "doichieu.tw")
    }
    fields = set(demo.values_list("field", flat=True))
    assert fields >= {"label", "goods_quality", "metrology", "prepackaged_quantity"}
    label = demo.filter(code="DEMO-NHAN-1").order_by("valid_from")
    assert [(v.valid_from, v.valid_to) for v in label] == [
        (date(2018, 1, 1), date(2021, 12, 31)),
        (date(2022, 1, 1), None),
    ]
    call_command("seed_demo_provisions")
    assert LegalProvision.objects.filter(is_demo=True).count() == 7


def test_the_demo_catalogue_is_never_loaded_in_production(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("seed_demo_provisions")
    assert not LegalProvision.objects.filter(is_demo=True).exists()
