"""The dashboard's figures, their exports (totals equal) and what they never carry."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from complaints.models import Complaint
from review import dashboard
from tests.complaints.helpers import file_complaint
from tests.factories import api_client, provision_version
from tests.inspections.helpers import decided_inspection
from violations.models import PenaltyDecision, Violation, ViolationRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(alice, bob, olga):
    """Hà Nội: 5 reports (1 resolved, 2 answered, 2 in progress), an inspection of two
    scopes, one approved decision of 4.000.000 đồng; Hồ Chí Minh City: 2 reports."""
    hanoi = [file_complaint(network_key=f"h{n}").complaint for n in range(5)]
    for complaint, status in zip(hanoi, ("resolved", "rejected", "merged"), strict=False):
        Complaint.objects.filter(pk=complaint.pk).update(status=status)
    for n in range(2):
        file_complaint(province_code="79", network_key=f"s{n}")
    inspection = decided_inspection(supervisor=bob, lead=alice)
    provision = provision_version(
        code="DASH-1",
        point="",
        amending=None,
        article=18,
        clause=1,
        title="Nhãn hàng hóa",
        act="Không ghi hạn sử dụng trên nhãn",
        fine_min_vnd=1_000_000,
        fine_max_vnd=3_000_000,
    )
    record = ViolationRecord.objects.create(
        inspection=inspection,
        violator=inspection.operator,
        place="Hà Nội",
        representative_name="Bà Lan",
        status=ViolationRecord.Status.DECIDED,
        number="1/BB-VPHC",
        signed_at=timezone.now(),
        decision_due=timezone.localdate() + timedelta(days=7),
        created_by=alice,
    )
    Violation.objects.create(
        record=record,
        provision=provision,
        committed_on=timezone.localdate(),
        description="Thiếu hạn dùng",
    )
    PenaltyDecision.objects.create(
        record=record,
        status=PenaltyDecision.Status.APPROVED,
        number="1/QĐ-XPHC",
        decided_on=timezone.localdate(),
        total_fine_vnd=4_000_000,
        created_by=alice,
    )
    return hanoi


def test_a_supervisor_sees_the_units_figures(figures, bob):
    board = dashboard.dashboard_get(user=bob, period=dashboard.Period.year_to_date())
    assert [row.unit.code for row in board.by_unit] == ["01"]
    assert (board.received, board.resolved, board.answered, board.in_progress) == (5, 1, 2, 2)
    assert board.inspections == 1
    assert dict((key, n) for key, _label, n in board.inspections_by_scope) == {
        "goods_quality": 1,
        "label": 1,
        "metrology": 0,
        "prepackaged_quantity": 0,
    }
    assert board.violations_by_provision == [
        ("khoản 1 Điều 18 Nghị định 119/2017/NĐ-CP", "Không ghi hạn sử dụng trên nhãn", 1)
    ]
    assert (board.decisions, board.fines_vnd, board.fines_paid_vnd) == (1, 4_000_000, 0)
    acknowledge = next(row for row in board.clocks if row.kind == "acknowledge")
    # Five started; the closed ones ended in time, the two open ones still run.
    assert (acknowledge.started, acknowledge.running) == (5, 5)


def test_the_national_body_sees_every_unit_and_filters_one(figures, nadia):
    board = dashboard.dashboard_get(user=nadia, period=dashboard.Period.year_to_date())
    assert board.received == 7
    assert {row.unit.code: row.received for row in board.by_unit if row.received} == {
        "01": 5,
        "79": 2,
    }
    hcm = next(row.unit for row in board.by_unit if row.unit.code == "79")
    only = dashboard.dashboard_get(
        user=nadia, period=dashboard.Period.year_to_date(), unit_id=hcm.pk
    )
    assert only.received == 2 and only.fines_vnd == 0


def test_a_period_before_the_reports_counts_nothing(figures, bob):
    board = dashboard.dashboard_get(
        user=bob, period=dashboard.Period(date(2025, 1, 1), date(2025, 12, 31))
    )
    assert (board.received, board.inspections, board.fines_vnd) == (0, 0, 0)


def test_the_page_draws_its_charts_without_script(figures, bob, alice, client_for):
    page = client_for(bob).get("/review/")
    html = page.content.decode()
    assert page.status_code == 200
    assert '<dd id="fig-received">5</dd>' in html and '<dd id="fig-answered">2</dd>' in html
    assert "<svg" in html and "<script" not in html
    assert "4.000.000 đồng" in html
    assert client_for(alice).get("/review/").status_code == 403
    reversed_ = client_for(bob).get("/review/?from=2026-12-01&to=2026-01-01")
    assert reversed_.status_code == 400
    assert client_for(bob).get("/review/?to=9999-12-31").status_code == 400
    far = api_client(bob).get("/api/v1/dashboard?date_to=9999-12-31")
    assert far.status_code == 400 and far.json()["code"] == "period_out_of_range"


def test_the_xlsx_and_csv_exports_total_what_the_dashboard_shows(figures, bob, client_for):
    board = dashboard.dashboard_get(user=bob, period=dashboard.Period.year_to_date())
    client = client_for(bob)
    response = client.get("/review/export/?format=xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="so-lieu-')
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    summary = dict(book["Tổng hợp"].iter_rows(min_row=2, values_only=True))
    assert summary["Phản ánh tiếp nhận"] == board.received == 5
    assert summary["Đã giải quyết"] == board.resolved
    assert summary["Đã trả lời"] == board.answered
    assert summary["Đang giải quyết"] == board.in_progress
    assert summary["Tổng tiền phạt (đồng)"] == board.fines_vnd == 4_000_000
    units = list(book["Theo đơn vị"].iter_rows(min_row=2, values_only=True))
    total = units[-1]
    assert total[0] == "Tổng cộng"
    assert total[1:] == (5, 1, 2, 2, 1, 1, 4_000_000)
    assert [sum(row[i] for row in units[:-1]) for i in range(1, 8)] == list(total[1:])
    text = b"".join(client.get("/review/export/?format=csv").streaming_content).decode()
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][0] == "Đơn vị" and rows[-1] == [
        "Tổng cộng",
        "5",
        "1",
        "2",
        "2",
        "1",
        "1",
        "4000000",
    ]
    # The API answers the same figures.
    api = api_client(bob).get("/api/v1/dashboard").json()
    assert (api["received"], api["resolved"], api["answered"], api["in_progress"]) == (5, 1, 2, 2)
    assert api["fines_vnd"] == 4_000_000


def test_the_case_export_holds_no_identity_nor_description_and_no_formula(olga, client_for):
    identity = {"full_name": "Trần Thị Bí Mật", "phone": "0912345678", "email": "", "id_number": ""}
    file_complaint(
        network_key="x",
        identity=identity,
        product_name='=HYPERLINK("http://example.com","bấm")',
        description="Tôi là Trần Thị Bí Mật, ở số 5 phố Huế, gọi 0912345678.",
    )
    file_complaint(network_key="y", product_name="+84 hàng\x0b giả")
    client = client_for(olga)
    response = client.get("/review/export/cases/?format=xlsx&queue=all")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Số theo dõi" and len(rows) == 3
    flat = " ".join(str(v) for row in rows for v in row if v is not None)
    assert "Bí Mật" not in flat and "0912345678" not in flat and "phố Huế" not in flat
    assert "'=HYPERLINK" in flat
    assert "+84 hàng giả" in flat  # no control character; a "+" is text in XLSX
    text = b"".join(client.get("/review/export/cases/?format=csv&queue=all").streaming_content)
    assert "Bí Mật".encode() not in text and b"0912345678" not in text
    assert "'+84 hàng giả".encode() in text  # a CSV cell a spreadsheet would not run
    # Filters apply: the new queue of another unit's officer is empty.
    assert client.get("/review/export/cases/?format=csv&kind=label").status_code == 200
