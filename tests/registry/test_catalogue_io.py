"""Importing and exporting the legal catalogue (registry.catalogue_io, catalogue_import and
their pages): a file is checked row by row and shown before anything is written; applied
all or nothing, as pending versions entered by the importer; what is exported imports back
unchanged.

Personas: lan, the legal officer who imports; minh, another legal officer, who verifies
and must not see lan's staged import; alice, an inspector, who may only export."""

import html
import io
import json
import re
from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from openpyxl import Workbook, load_workbook

from registry import catalogue_io, provisions
from registry.catalogue_checks import check_rows
from registry.catalogue_import import provision_import_apply, provision_import_stage
from registry.errors import Conflict, PermissionDenied
from registry.models import (
    AuditEntry,
    LegalDocument,
    LegalProvision,
    Notification,
    ProvisionImport,
    Role,
)
from tests.factories import UserFactory, legal_document, provision_version, unit

INFORMATIONAL = set(catalogue_io.INFORMATIONAL_COLUMNS)


@pytest.fixture
def lan(roles):
    return UserFactory(username="lan", unit=unit("TW"), roles=[Role.LEGAL_OFFICER])


@pytest.fixture
def minh(roles):
    return UserFactory(username="minh", unit=unit("TW"), roles=[Role.LEGAL_OFFICER])


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def version_item(code: str, **fields) -> dict:
    """One provision version as a file holds it (the test's figures, not the decree's)."""
    item = {
        "code": code,
        "document": "119/2017/NĐ-CP",
        "amending_document": "",
        "article": 18,
        "clause": 1,
        "point": "a",
        "field": "label",
        "title": "Vi phạm quy định về nhãn hàng hóa",
        "title_en": "",
        "act": "Kinh doanh hàng hóa không có nhãn.",
        "act_en": "",
        "fine_min_vnd": 10_000_000,
        "fine_max_vnd": 20_000_000,
        "organisation_fine_min_vnd": None,
        "organisation_fine_max_vnd": None,
        "organisation_fine_basis": "",
        "fine_note": "",
        "additional_penalties": [],
        "remedial_measures": ["relabel"],
        "valid_from": date(2022, 1, 1),
        "valid_to": None,
        "replaces_valid_from": None,
        "source": "Toàn văn nghị định, trang 12",
        "source_url": "",
    }
    item.update(fields)
    return item


def document_item(number: str, **fields) -> dict:
    item = {
        "number": number,
        "kind": "decree",
        "issued_on": date(2024, 5, 2),
        "title": f"Văn bản {number}",
        "issuer": "Chính phủ",
        "url": "",
    }
    item.update(fields)
    return item


def encode(fmt: str, documents: list[dict], versions: list[dict]) -> bytes:
    items = {"documents": documents, "provisions": versions}
    if fmt == "json":
        return catalogue_io.to_json(items)
    # The XLSX writer takes every column: the informational ones empty.
    full = [{**item, **dict.fromkeys(INFORMATIONAL)} for item in versions]
    return catalogue_io.to_xlsx({"documents": documents, "provisions": full})


def upload(client, fmt: str, content: bytes, name: str | None = None):
    file = SimpleUploadedFile(name or f"danh-muc.{fmt}", content)
    return client.post("/provisions/import/", {"file": file})


def errors_by_row(page: str) -> dict[tuple[int, str], str]:
    """The errors the preview shows under each row: {(table, "Dòng 3"): text}."""
    found = {}
    for table, part in enumerate(page.split("<table")[1:]):
        label = None
        for classes, body in re.findall(r'<tr(?: class="([^"]*)")?>(.*?)</tr>', part, re.S):
            if classes == "row-errors":
                text = html.unescape(re.sub(r"<[^>]+>", "", body))
                found[table, label] = " ".join(text.split())
            else:
                match = re.search(r'<td class="cell-primary">([^<]+)</td>', body)
                label = match.group(1).strip() if match else label
    return found


def catalogue_counts():
    return (
        LegalDocument.objects.count(),
        LegalProvision.objects.count(),
        AuditEntry.objects.count(),
        Notification.objects.count(),
    )


# --- A file with errors ---------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "word", "first"), [("json", "Mục", 1), ("xlsx", "Dòng", 2)])
def test_one_bad_row_saves_nothing_and_the_preview_shows_every_error(lan, fmt, word, first):
    legal_document()
    before = catalogue_counts()
    content = encode(
        fmt,
        [
            document_item("05/2024/NĐ-CP"),
            document_item("06/2024/NĐ-CP", kind="ordinance"),
        ],
        [
            version_item("TEST-A"),
            version_item(
                "TEST-B",
                fine_min_vnd=30_000_000,
                field="food",
                valid_to="31/02/2022",
                remedial_measures=["jail"],
            ),
            version_item("TEST-C", document="05/2024/NĐ-CP", valid_from=date(2024, 6, 1)),
            version_item("TEST-D", document="999/2099/NĐ-CP"),
        ],
    )
    client = client_for(lan)
    response = upload(client, fmt, content)
    staged = ProvisionImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/provisions/imports/{staged.pk}/"

    page = client.get(response["Location"]).content.decode()
    shown = errors_by_row(page)
    documents, versions = 0, 1
    assert "kind: Loại văn bản phải là một trong" in shown[documents, f"{word} {first + 1}"]
    bad = shown[versions, f"{word} {first + 1}"]
    assert "fine_min_vnd: Mức tối thiểu lớn hơn mức tối đa." in bad
    assert "field: Lĩnh vực phải là một trong: standards" in bad
    assert "valid_to: Ngày phải có dạng YYYY-MM-DD hoặc dd/mm/yyyy." in bad
    assert "remedial_measures: Mã không có trong danh mục: jail" in bad
    assert "document: Không có văn bản số 999/2099/NĐ-CP" in shown[versions, f"{word} {first + 3}"]
    assert (versions, f"{word} {first}") not in shown
    assert (versions, f"{word} {first + 2}") not in shown
    assert "3 dòng có lỗi" in page
    assert "/apply/" not in page
    assert catalogue_counts() == before  # nothing but the staged import
    assert staged.plan["counts"]["rows_with_errors"] == 3

    response = client.post(f"/provisions/imports/{staged.pk}/apply/")
    assert response.status_code == 302
    assert catalogue_counts() == before
    staged.refresh_from_db()
    assert staged.status == ProvisionImport.Status.PREVIEWED


def test_the_preview_reads_in_english_too(lan):
    legal_document()
    content = encode("json", [], [version_item("TEST-B", valid_to="31/02/2022")])
    client = client_for(lan)
    location = upload(client, "json", content)["Location"]
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    shown = errors_by_row(client.get(location).content.decode())
    assert shown[0, "Item 1"] == "valid_to: A date is written YYYY-MM-DD or dd/mm/yyyy."


# --- A good file ----------------------------------------------------------------------------


def test_a_good_file_imports_pending_versions_entered_by_the_importer(lan, minh):
    verified = provision_version(code="TEST-OLD", valid_from=date(2022, 1, 1))
    content = encode(
        "json",
        [document_item("05/2024/NĐ-CP")],
        [
            version_item("TEST-NEW-1"),
            version_item(
                "TEST-NEW-2",
                document="05/2024/NĐ-CP",
                valid_from=date(2024, 6, 1),
                organisation_fine_min_vnd=50_000_000,
                organisation_fine_max_vnd=80_000_000,
                organisation_fine_basis="Khoản 3 Điều 4",
            ),
            version_item(
                "TEST-OLD",
                amending_document="05/2024/NĐ-CP",
                valid_from=date(2024, 7, 1),
                replaces_valid_from=date(2022, 1, 1),
                fine_max_vnd=30_000_000,
            ),
        ],
    )
    client = client_for(lan)
    location = upload(client, "json", content)["Location"]
    page = client.get(location).content.decode()
    assert "Nhập 3 phiên bản (chờ xác minh)" in page
    assert [row["action"] for row in ProvisionImport.objects.get().plan["provisions"]] == [
        "create",
        "create",
        "amend",
    ]

    staged_id = location.rstrip("/").rsplit("/", 1)[1]
    response = client.post(f"/provisions/imports/{staged_id}/apply/")
    assert response.status_code == 302
    assert response["Location"] == "/provisions/?status=pending"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Đã nhập 3 phiên bản; chờ người thứ hai xác minh."
    ]

    imported = LegalProvision.objects.filter(entered_by=lan)
    assert imported.count() == 3
    assert set(imported.values_list("status", flat=True)) == {"pending"}
    amendment = imported.get(code="TEST-OLD")
    assert amendment.replaces == verified
    assert amendment.amending_document.number == "05/2024/NĐ-CP"
    exception = imported.get(code="TEST-NEW-2")
    assert exception.fine_range(organisation=True) == (50_000_000, 80_000_000)
    assert LegalDocument.objects.filter(number="05/2024/NĐ-CP").exists()

    staged = ProvisionImport.objects.get()
    assert staged.status == ProvisionImport.Status.APPLIED
    entry = AuditEntry.objects.get(action="provision.import")
    assert entry.actor == lan
    assert entry.changes["sha256"] == staged.sha256
    assert entry.changes | {"create": 2, "amend": 1, "update": 0, "documents": 1} == entry.changes
    assert AuditEntry.objects.filter(action="provision.create").count() == 2
    assert AuditEntry.objects.filter(action="provision.amend").count() == 1
    assert AuditEntry.objects.filter(action="legal_document.create").count() == 1
    # One notification for the whole import, to each other legal officer.
    for other in ("minh", "phapche.nhap", "phapche.xacminh"):
        sent = Notification.objects.filter(recipient__username=other)
        assert [n.link for n in sent] == ["/provisions/?status=pending"], other
    assert not Notification.objects.filter(recipient=lan).exists()

    again = client.post(f"/provisions/imports/{staged_id}/apply/")
    assert again.status_code == 302
    assert LegalProvision.objects.filter(entered_by=lan).count() == 3


def test_a_pending_version_is_corrected_from_the_file(lan):
    pending = provision_version(code="TEST-P", verified=False, amending=None)
    content = encode("json", [], [version_item("TEST-P", act="Hành vi đã sửa theo văn bản.")])
    staged = provision_import_stage(by=lan, file_name="sua.json", data=content)
    assert staged.errors == []
    assert staged.plan["provisions"][0]["action"] == "update"
    provision_import_apply(by=lan, staged=staged)
    pending.refresh_from_db()
    assert pending.act == "Hành vi đã sửa theo văn bản."
    assert pending.entered_by == lan
    assert pending.status == LegalProvision.Status.PENDING


def test_the_catalogue_is_checked_again_when_applied(lan, minh):
    pending = provision_version(code="TEST-P", verified=False, amending=None)
    content = encode("json", [], [version_item("TEST-P", act="Hành vi đã sửa.")])
    staged = provision_import_stage(by=lan, file_name="sua.json", data=content)
    provisions.provision_verify(by=minh, provision=pending)  # verified meanwhile

    client = client_for(lan)
    response = client.post(f"/provisions/imports/{staged.pk}/apply/")
    assert response["Location"] == f"/provisions/imports/{staged.pk}/"
    [message] = get_messages(response.wsgi_request)
    assert "Danh mục đã thay đổi" in str(message)
    pending.refresh_from_db()
    assert pending.act != "Hành vi đã sửa."
    assert not AuditEntry.objects.filter(action="provision.import").exists()
    page = html.unescape(client.get(response["Location"]).content.decode())
    assert "Phiên bản đã xác minh không được sửa; hãy thêm phiên bản sửa đổi" in page


def test_a_row_a_service_refuses_at_apply_time_rolls_everything_back(lan, monkeypatch):
    legal_document()
    content = encode(
        "json",
        [document_item("05/2024/NĐ-CP")],
        [version_item("TEST-1"), version_item("TEST-2")],
    )
    staged = provision_import_stage(by=lan, file_name="dua.json", data=content)
    before = catalogue_counts()
    create = provisions.provision_create

    def refuse_the_second(**kwargs):
        if kwargs["fields"]["code"] == "TEST-2":
            raise Conflict("Vừa có người nhập mã này.", code="provision_code_exists")
        return create(**kwargs)

    monkeypatch.setattr(provisions, "provision_create", refuse_the_second)
    with pytest.raises(Conflict) as raised:
        provision_import_apply(by=lan, staged=staged)
    assert raised.value.render() == (
        "Không nhập được mục 2 của trang provisions: Vừa có người nhập mã này. "
        "Không có gì được nhập."
    )
    assert catalogue_counts() == before
    staged.refresh_from_db()
    assert staged.status == ProvisionImport.Status.PREVIEWED


# --- What each row becomes ------------------------------------------------------------------


def plan_of(versions: list[dict], documents=()):
    rows = catalogue_io.read(encode("json", list(documents), versions), "json")
    checked = check_rows(rows)
    messages = {}
    for error in checked.errors:
        messages.setdefault(error["row"], []).append(error["messages"]["vi"])
    return [row["action"] for row in checked.plan["provisions"]], messages


def test_a_verified_version_with_another_content_is_an_error(db):
    verified = provision_version(code="TEST-V", amending=None)
    [item] = catalogue_io.items_of([], [verified])["provisions"]
    actions, messages = plan_of([{**item, "fine_max_vnd": 25_000_000}])
    assert actions == [None]
    assert messages[1] == [
        "Phiên bản đã xác minh không được sửa; hãy thêm phiên bản sửa đổi (khác ở: fine_max_vnd)."
    ]


def test_an_amendment_of_a_verified_version_plans_amend(db):
    provision_version(code="TEST-V", amending=None)
    amendment = version_item(
        "TEST-V", valid_from=date(2023, 1, 1), replaces_valid_from=date(2022, 1, 1)
    )
    assert plan_of([amendment]) == (["amend"], {})


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # A new version of an existing code must say which version it replaces.
        (
            [version_item("TEST-V", valid_from=date(2023, 1, 1))],
            "Đã có điều khoản mã TEST-V: một phiên bản mới phải ghi replaces_valid_from",
        ),
        # A chain inside one file: the first version is not verified yet.
        (
            [
                version_item("TEST-N", valid_from=date(2022, 1, 1)),
                version_item(
                    "TEST-N", valid_from=date(2023, 1, 1), replaces_valid_from=date(2022, 1, 1)
                ),
            ],
            "ở mục 1 của tệp chưa được xác minh: hãy nhập phiên bản sửa đổi này sau khi",
        ),
        (
            [version_item("TEST-N"), version_item("TEST-N")],
            "Phiên bản TEST-N có hiệu lực từ 01/01/2022 đã có ở mục 1 của tệp.",
        ),
        (
            [
                version_item(
                    "TEST-U", valid_from=date(2023, 1, 1), replaces_valid_from=date(2022, 1, 1)
                )
            ],
            "Phiên bản TEST-U từ 01/01/2022 chưa được xác minh",
        ),
        (
            [
                version_item(
                    "TEST-V", valid_from=date(2021, 6, 1), replaces_valid_from=date(2022, 1, 1)
                )
            ],
            "Phiên bản sửa đổi phải có hiệu lực sau ngày 01/01/2022.",
        ),
        (
            [
                version_item(
                    "TEST-V", valid_from=date(2023, 1, 1), replaces_valid_from=date(2020, 1, 1)
                )
            ],
            "Không có phiên bản TEST-V có hiệu lực từ 01/01/2020 để sửa đổi.",
        ),
    ],
)
def test_rows_the_services_would_refuse_are_errors_of_the_preview(db, rows, expected):
    provision_version(code="TEST-V", amending=None)
    provision_version(code="TEST-U", amending=None, verified=False)
    actions, messages = plan_of(rows)
    assert actions[-1] is None
    assert any(expected in message for message in messages[len(rows)]), messages


def test_a_known_document_with_another_date_is_an_error(db):
    legal_document("05/2024/NĐ-CP", issued_on=date(2024, 5, 2))
    rows = catalogue_io.read(
        encode("json", [document_item("05/2024/NĐ-CP", issued_on=date(2024, 5, 3))], []), "json"
    )
    errors = check_rows(rows).errors
    assert [(e["sheet"], e["row"], e["field"]) for e in errors] == [("documents", 1, "issued_on")]


def test_every_content_field_is_a_column():
    columns = set(catalogue_io.PROVISION_COLUMNS)
    assert set(provisions.CONTENT_FIELDS) <= columns
    assert columns - set(provisions.CONTENT_FIELDS) == {"replaces_valid_from"}


# --- Round trips ----------------------------------------------------------------------------


@pytest.fixture
def catalogue(db):
    """Verified versions (one amended, one with an organisation exception), a pending
    one, a returned one, and the two seeded by the migrations."""
    old = provision_version(code="TEST-A", valid_from=date(2022, 1, 1), valid_to=date(2023, 12, 31))
    provision_version(
        code="TEST-A",
        valid_from=date(2024, 1, 1),
        replaces=old,
        fine_max_vnd=30_000_000,
        remedial_measures=["recall", "relabel"],
        additional_penalties=["confiscation"],
    )
    provision_version(
        code="TEST-B",
        amending=None,
        organisation_fine_min_vnd=40_000_000,
        organisation_fine_max_vnd=60_000_000,
        organisation_fine_basis="Khoản 3 Điều 4",
        act='=HYPERLINK("http://example.com") không phải công thức',
        title_en="Labels",
        fine_note="Ghi chú\nnhiều dòng",
    )
    provision_version(code="TEST-C", verified=False, point="")
    returned = provision_version(code="TEST-D", verified=False, amending=None)
    LegalProvision.objects.filter(pk=returned.pk).update(status="returned")


@pytest.mark.parametrize("fmt", ["json", "xlsx"])
def test_an_export_imports_back_unchanged(catalogue, lan, fmt):
    client = client_for(lan)
    response = client.get(f"/provisions/export.{fmt}")
    assert response.status_code == 200
    assert re.match(
        rf'attachment; filename="danh-muc-dieu-khoan-\d{{4}}-\d{{2}}-\d{{2}}\.{fmt}"',
        response["Content-Disposition"],
    )
    before = catalogue_counts()
    location = upload(client, fmt, response.content)["Location"]
    staged = ProvisionImport.objects.get()
    assert staged.errors == []
    assert {row["action"] for row in staged.plan["provisions"]} == {"unchanged"}
    assert staged.plan["counts"]["unchanged"] == LegalProvision.objects.count() == 7
    assert {row["action"] for row in staged.plan["documents"]} == {"existing"}
    page = client.get(location).content.decode()
    assert "Tệp không thay đổi gì trong danh mục" in page
    assert "/apply/" not in page
    assert catalogue_counts() == before


def test_the_export_is_deterministic(catalogue, alice):
    client = client_for(alice)  # an inspector may read, and so export, the catalogue
    first = client.get("/provisions/export.json").content
    assert client.get("/provisions/export.json").content == first
    payload = json.loads(first)
    assert payload["format"] == "legal-catalogue/1"
    keys = [(p["code"], p["valid_from"]) for p in payload["provisions"]]
    assert keys == sorted(keys)
    amended = [p for p in payload["provisions"] if p["code"] == "TEST-A"]
    assert amended[1]["replaces_valid_from"] == "2022-01-01"
    assert {p["status"] for p in payload["provisions"]} == {"verified", "pending", "returned"}

    def cells(content):
        book = load_workbook(io.BytesIO(content))
        return {
            name: [[c.value for c in row] for row in book[name].iter_rows()]
            for name in book.sheetnames
        }

    xlsx = cells(client.get("/provisions/export.xlsx").content)
    assert cells(client.get("/provisions/export.xlsx").content) == xlsx
    assert list(xlsx) == ["documents", "provisions", "huong_dan"]
    header = xlsx["provisions"][0]
    row = dict(
        zip(header, next(r for r in xlsx["provisions"][1:] if r[0] == "TEST-B"), strict=True)
    )
    assert row["act"].startswith("'=HYPERLINK")  # never a formula in a spreadsheet
    assert row["organisation_fine_max_vnd"] == 60_000_000
    assert row["valid_from"].date() == date(2022, 1, 1)
    guide = {r[1]: r for r in xlsx["huong_dan"][1:] if r[1]}
    assert set(guide) == {
        *catalogue_io.DOCUMENT_COLUMNS,
        *catalogue_io.PROVISION_COLUMNS,
        *INFORMATIONAL,
    }
    assert guide["status"][3] == "Bỏ qua khi nhập"


def test_export_and_preview_take_a_fixed_number_of_queries(
    catalogue, lan, django_assert_max_num_queries
):
    client = client_for(lan)
    # Each count includes the second-factor check's two queries (her roles, her devices:
    # registry/second_factor_middleware.py): a legal officer needs no second factor, so
    # her session is never marked as having passed one, and every page asks.
    with django_assert_max_num_queries(10):
        export = client.get("/provisions/export.xlsx").content
    location = upload(client, "xlsx", export)["Location"]
    with django_assert_max_num_queries(8):
        assert client.get(location).status_code == 200


def _content(export: bytes) -> dict:
    payload = json.loads(export)
    for item in payload["provisions"]:
        for key in INFORMATIONAL:
            item.pop(key)
    return payload


def _wipe():
    LegalProvision.objects.filter(replaces__isnull=False).delete()
    LegalProvision.objects.all().delete()
    LegalDocument.objects.all().delete()


def _verify_pending(by):
    for version in LegalProvision.objects.filter(status="pending").order_by("valid_from"):
        provisions.provision_verify(by=by, provision=version)


def test_export_wipe_import_verify_export_gives_the_same_catalogue(db, lan, minh, tmp_path):
    old = provision_version(code="TEST-A", valid_from=date(2022, 1, 1), valid_to=date(2023, 12, 31))
    provision_version(code="TEST-A", valid_from=date(2024, 1, 1), replaces=old, fine_max_vnd=9**9)
    provision_version(
        code="TEST-B",
        amending=None,
        organisation_fine_min_vnd=40_000_000,
        organisation_fine_max_vnd=60_000_000,
        organisation_fine_basis="Khoản 3 Điều 4",
        remedial_measures=["destruction"],
    )
    LegalProvision.objects.exclude(code__startswith="TEST").update(
        status="verified", verified_by=minh
    )
    client = client_for(lan)
    export = client.get("/provisions/export.json").content
    _wipe()

    # An amendment cannot come in with the version it amends: that one is not verified yet.
    staged = provision_import_stage(by=lan, file_name="all.json", data=export)
    assert [e["messages"]["vi"] for e in staged.errors] == [
        "Phiên bản được sửa đổi (TEST-A từ 01/01/2022) ở mục 3 của tệp chưa được xác minh: "
        "hãy nhập phiên bản sửa đổi này sau khi phiên bản đó được xác minh."
    ]
    first = json.loads(export)
    first["provisions"] = [p for p in first["provisions"] if not p["replaces_valid_from"]]
    provision_import_apply(
        by=lan,
        staged=provision_import_stage(
            by=lan, file_name="first.json", data=json.dumps(first).encode()
        ),
    )
    _verify_pending(minh)
    staged = provision_import_stage(by=lan, file_name="all.json", data=export)
    assert staged.plan["counts"] | {"amend": 1, "unchanged": 4} == staged.plan["counts"]
    provision_import_apply(by=lan, staged=staged)
    _verify_pending(minh)

    again = client.get("/provisions/export.json").content
    assert _content(again) == _content(export)
    assert {p["entered_by"] for p in json.loads(again)["provisions"]} == {"lan"}


def test_xlsx_accepts_dates_and_amounts_typed_as_text(lan):
    legal_document()
    content = encode(
        "xlsx",
        [],
        [version_item("TEST-T", valid_from="01/01/2022", fine_min_vnd="10.000.000", article="18")],
    )
    staged = provision_import_stage(by=lan, file_name="tay.xlsx", data=content)
    assert staged.errors == []
    values = staged.rows["provisions"][0]["values"]
    assert (values["valid_from"], values["fine_min_vnd"], values["article"]) == (
        "2022-01-01",
        10_000_000,
        18,
    )


def test_a_formula_in_an_imported_workbook_is_a_row_error(lan):
    legal_document()
    book = load_workbook(io.BytesIO(encode("xlsx", [], [version_item("TEST-F")])))
    sheet = book["provisions"]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=header.index("fine_max_vnd") + 1, value="=A1*2")
    buffer = io.BytesIO()
    book.save(buffer)
    staged = provision_import_stage(by=lan, file_name="cong-thuc.xlsx", data=buffer.getvalue())
    assert [(e["row"], e["field"], e["messages"]["vi"]) for e in staged.errors] == [
        (2, "fine_max_vnd", "Ô chứa công thức: hãy ghi giá trị.")
    ]


# --- Files refused whole --------------------------------------------------------------------


def workbook(**sheets: list[list]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("lon.json", b" " * (5 * 1024 * 1024 + 1), "Tệp lớn hơn 5 MB"),
        (
            "nhieu.json",
            json.dumps({"format": "legal-catalogue/1", "provisions": [{}] * 5001}).encode(),
            "Tệp có hơn 5.000 dòng",
        ),
        ("danh-muc.txt", b"code,act", "Chỉ nhận tệp .json hoặc .xlsx"),
        ("hong.xlsx", b"PK\x03\x04 not a workbook", "Không đọc được tệp XLSX."),
        ("cu.json", b'[{"code": "X"}]', 'Tệp JSON phải là một đối tượng có "format"'),
        (
            "cot-la.xlsx",
            workbook(documents=[["so_hieu"], ["1"]], provisions=[["code"]]),
            "Trang tính “documents” có cột không có trong mẫu hoặc lặp lại: so_hieu.",
        ),
    ],
)
def test_a_file_that_is_not_a_catalogue_is_refused_on_the_form(lan, name, content, message):
    response = upload(client_for(lan), "json", content, name=name)
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    assert not ProvisionImport.objects.exists()


# --- Who may ---------------------------------------------------------------------------------


@pytest.fixture
def staged(lan):
    legal_document()
    content = encode("json", [], [version_item("TEST-S")])
    return provision_import_stage(by=lan, file_name="lan.json", data=content)


def test_an_inspector_may_not_import(alice, staged):
    client = client_for(alice)
    assert client.get("/provisions/import/").status_code == 403
    assert upload(client, "json", b"{}").status_code == 403
    assert client.get(f"/provisions/imports/{staged.pk}/").status_code == 403
    assert client.post(f"/provisions/imports/{staged.pk}/apply/").status_code == 403
    assert client.get("/provisions/export.xlsx").status_code == 200


def test_another_legal_officer_cannot_see_or_apply_my_import(minh, staged):
    client = client_for(minh)
    for url in ("", "apply/", "discard/"):
        method = client.get if not url else client.post
        assert method(f"/provisions/imports/{staged.pk}/{url}").status_code == 404
    with pytest.raises(PermissionDenied):
        provision_import_apply(by=minh, staged=staged)
    assert not LegalProvision.objects.filter(code="TEST-S").exists()


@pytest.mark.parametrize(
    "url",
    ["/provisions/import/", "/provisions/imports/1/", "/provisions/export.json"],
)
def test_anonymous_is_sent_to_login(db, url):
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_uploader_may_discard(lan, staged):
    response = client_for(lan).post(f"/provisions/imports/{staged.pk}/discard/")
    assert response["Location"] == "/provisions/import/"
    staged.refresh_from_db()
    assert staged.status == ProvisionImport.Status.DISCARDED
    with pytest.raises(Conflict):
        provision_import_apply(by=lan, staged=staged)


def test_the_upload_page_links_the_current_catalogue_as_a_template(lan):
    page = client_for(lan).get("/provisions/import/").content.decode()
    assert 'href="/provisions/export.xlsx"' in page
    assert 'href="/provisions/export.json"' in page
    assert 'accept=".json,.xlsx' in page


# --- The commands ---------------------------------------------------------------------------


def test_the_import_command_prints_every_error_and_fails(lan, tmp_path, capsys):
    legal_document()
    path = tmp_path / "loi.json"
    path.write_bytes(
        encode(
            "json",
            [],
            [version_item("TEST-OK"), version_item("TEST-BAD", fine_min_vnd=30_000_000, point="A")],
        )
    )
    before = catalogue_counts()
    with pytest.raises(CommandError, match="1 row") as raised:
        call_command("provisions_import", str(path), by="lan")
    assert raised.value.returncode == 1
    err = capsys.readouterr().err
    assert "provisions row 2, point: Điểm là một chữ cái thường" in err
    assert "provisions row 2, fine_min_vnd: Mức tối thiểu lớn hơn mức tối đa." in err
    assert catalogue_counts() == before


def test_the_import_command_imports_a_good_file(lan, tmp_path, capsys):
    legal_document()
    path = tmp_path / "tot.xlsx"
    path.write_bytes(encode("xlsx", [], [version_item("TEST-OK")]))
    call_command("provisions_import", str(path), by="lan")
    assert "Imported: 0 new document(s); versions: 1 new" in capsys.readouterr().out
    assert LegalProvision.objects.get(code="TEST-OK").entered_by == lan


def test_the_shipped_file_is_the_seeded_catalogue(lan, capsys):
    """registry/data/legal_provisions.json is what the migrations loaded: importing it
    changes nothing."""
    call_command("provisions_import", "registry/data/legal_provisions.json", by="lan", dry_run=True)
    assert "versions: 0 new, 0 amendment(s), 0 corrected, 2 unchanged" in capsys.readouterr().out


def test_the_export_command_writes_what_the_import_reads(catalogue, lan, tmp_path, capsys):
    for suffix in ("json", "xlsx"):
        path = tmp_path / f"danh-muc.{suffix}"
        call_command("provisions_export", str(path))
        assert "7 version(s)" in capsys.readouterr().out
        call_command("provisions_import", str(path), by="lan")
        assert "7 unchanged" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("provisions_export", str(tmp_path / "danh-muc.csv"))
