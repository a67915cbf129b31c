"""Public statistics (/thong-ke/): no login, the dashboard's totals, small counts hidden
so that they cannot be worked out, the same cells in the CSV, bad input never a 500."""

import csv
import io
import random
from datetime import date, datetime, time

import pytest
from django.utils import timezone

from complaints.models import Complaint
from inspections.models import Inspection, Sample
from registry.models import Unit
from review import dashboard, disclosure, public_stats
from tests.factories import OperatorFactory, unit
from violations.models import ProductAlert

pytestmark = pytest.mark.django_db

YEAR = 2025
_serial = iter(range(10**6))


def _moment(day: date):
    return timezone.make_aware(datetime.combine(day, time(10)))


def reports(code: str, n: int, *, status=Complaint.Status.RECEIVED, day=date(YEAR, 3, 2)):
    """`n` reports received by the unit `code` on `day`, standing at `status`."""
    made = []
    for _ in range(n):
        k = next(_serial)
        made.append(
            Complaint.objects.create(
                tracking_number=f"PA-T-{k}",
                receipt_digest=f"{k:064d}",
                unit=unit(code),
                kind=Complaint.Kind.QUALITY,
                product_name="Nước mắm",
                seller_name="Tạp hóa",
                description="Không được công bố",
                status=status,
            )
        )
    Complaint.objects.filter(pk__in=[c.pk for c in made]).update(received_at=_moment(day))
    return made


def inspections(code: str, n: int, *, by, day=date(YEAR, 4, 1)):
    made = [
        Inspection.objects.create(
            unit=unit(code), legal_ground="warning", operator=OperatorFactory(), created_by=by
        )
        for _ in range(n)
    ]
    Inspection.objects.filter(pk__in=[i.pk for i in made]).update(created_at=_moment(day))
    return made


def failed_samples(inspection, n: int, *, by, day=date(YEAR, 5, 1)):
    for _ in range(n):
        k = next(_serial)
        Sample.objects.create(
            inspection=inspection,
            product_name="Nước mắm",
            test_unit_seal=f"T{k}",
            retained_unit_seal=f"R{k}",
            sampling_record_number=f"{k}/BB",
            sampled_at=_moment(day),
            sampled_by=by,
            status=Sample.Status.TESTED,
            conforming=False,
            result_on=day,
        )


def alerts(inspection, n: int, *, by, day=date(YEAR, 6, 1)):
    for _ in range(n):
        ProductAlert.objects.create(
            inspection=inspection,
            product_name="Nước mắm",
            operator_name="Công ty A",
            defect="Đạm thấp",
            published_on=day,
            published_by=by,
        )


@pytest.fixture
def country(nadia, bob, charlie):
    """2025: Hà Nội 17 reports (5 resolved, 6 answered, 6 in progress), 6 inspections,
    2 failed samples, 1 alert; Hồ Chí Minh City 20 reports (all in progress), 7
    inspections, 8 failed samples, 6 alerts; Đà Nẵng 9 reports (resolved), 5
    inspections. No national total is under 5. 2024: Hà Nội 8 reports, Hồ Chí Minh
    City 20."""
    reports("01", 5, status=Complaint.Status.RESOLVED)
    reports("01", 3, status=Complaint.Status.REJECTED)
    reports("01", 3, status=Complaint.Status.MERGED)
    reports("01", 6, status=Complaint.Status.TRIAGED)
    reports("79", 20)
    reports("48", 9, status=Complaint.Status.RESOLVED)
    hanoi = inspections("01", 6, by=bob)
    saigon = inspections("79", 7, by=charlie)
    inspections("48", 5, by=nadia)
    failed_samples(hanoi[0], 2, by=bob)
    failed_samples(saigon[0], 8, by=charlie)
    alerts(hanoi[0], 1, by=bob)
    alerts(saigon[0], 6, by=charlie)
    reports("01", 8, day=date(YEAR - 1, 7, 1))
    reports("79", 20, day=date(YEAR - 1, 7, 1))


def table_for(year=YEAR):
    return public_stats.stats_table(public_stats.stats_period(year))


def row(table, code):
    return next(r for r in table.rows if r.code == code)


def test_anyone_reads_the_page_without_signing_in(country, client):
    response = client.get(f"/thong-ke/{YEAR}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<caption>" in html and '<th scope="row"' in html and '<th scope="col"' in html
    assert "Thành phố Hà Nội" in html
    # Counts only: no description, no report number, no name of a person.
    assert "Không được công bố" not in html and "PA-T-" not in html
    assert "<script" not in html


def test_the_public_totals_equal_the_dashboards_for_the_same_year(country, nadia):
    table = table_for()
    board = dashboard.dashboard_get(
        user=nadia, period=dashboard.Period(date(YEAR, 1, 1), date(YEAR, 12, 31))
    )
    total = table.total
    for name in ("received", "resolved", "answered", "in_progress", "inspections"):
        assert total.cell(name).value == getattr(board, name), name
    assert (total.cell("received").value, total.cell("inspections").value) == (46, 18)
    # Province by province, where shown, the dashboard's units' figures.
    by_unit = {r.unit.province.code: r for r in board.by_unit if r.unit.province}
    for name in ("received", "inspections"):
        for r in table.rows[:-1]:
            if r.cell(name).value is not None and r.code in by_unit:
                assert r.cell(name).value == getattr(by_unit[r.code], name)


def test_the_current_year_is_published_to_the_end_of_the_last_month(nadia):
    today = timezone.localdate()
    period = public_stats.stats_period(today.year)
    if today.month == 1:
        assert period is None
        return
    reports("01", 6, day=period.current.date_to)
    reports("01", 2, day=today)  # this month: not yet published
    table = public_stats.stats_table(period)
    board = dashboard.dashboard_get(user=nadia, period=period.current)
    assert table.total.cell("received").value == board.received == 6
    assert period.previous.date_to.month == period.current.date_to.month


def test_counts_of_one_to_four_read_less_than_five_and_cannot_be_subtracted(country, client):
    table = table_for()
    hanoi, saigon, danang = row(table, "01"), row(table, "79"), row(table, "48")
    # Failed samples: Hà Nội 2 is small; HCMC's 8, the only other, is hidden too,
    # since the national total (10) is published.
    assert hanoi.cell("samples_failed").display == "< 5"
    assert saigon.cell("samples_failed").display == "x"
    assert table.total.cell("samples_failed").display == "10"
    assert hanoi.cell("samples_failed").change_display == "—"
    assert hanoi.cell("alerts").display == "< 5"
    assert saigon.cell("alerts").display == "x"
    assert table.total.cell("alerts").display == "7"
    # 0 is shown as 0, and Đà Nẵng's figures stand.
    assert danang.cell("answered").display == "0"
    assert danang.cell("received").display == "9"
    # Nothing on the page lets a reader pin a "< 5".
    html = client.get(f"/thong-ke/{YEAR}/").content.decode()
    assert html.count("&lt; 5") >= 2
    assert _pinned_from_published(table) == []


def _pinned_from_published(table):
    """Rebuild what a reader sees (shown numbers, "< 5", "x") and check every equation."""
    rows = [r.code for r in table.rows[:-1]]
    cells, state = {}, {}
    for r in table.rows:
        key_row = disclosure.TOTAL if r.is_total else r.code
        for name, cell in zip(public_stats.NAMES, r.cells, strict=True):
            # The reader does not know a hidden value: 2 for "< 5", 50 for "x" stand in.
            cells[(key_row, name)] = (
                cell.value
                if cell.value is not None
                else (2 if cell.state == disclosure.SMALL else 50)
            )
            state[(key_row, name)] = cell.state
    equations = disclosure._equations(rows, public_stats.NAMES, public_stats.GROUPS)
    return disclosure.pinned(cells, state, equations)


def test_one_small_cell_in_a_column_hides_the_next_smallest():
    values = {("a", "n"): 3, ("b", "n"): 7, ("c", "n"): 9, ("d", "n"): 0}
    cells, state = disclosure.suppress(values, ["a", "b", "c", "d"], ["n"])
    assert state[("a", "n")] == disclosure.SMALL
    assert state[("b", "n")] == disclosure.HIDDEN  # 7, the smallest other count
    assert state[("c", "n")] == state[("d", "n")] == disclosure.SHOWN
    assert (cells[(disclosure.TOTAL, "n")], state[(disclosure.TOTAL, "n")]) == (19, "shown")


def test_a_small_part_of_a_row_hides_another_part():
    groups = [disclosure.Group("all", ("x", "y"))]
    values = {("a", "all"): 12, ("a", "x"): 3, ("a", "y"): 9}
    values |= {("b", "all"): 40, ("b", "x"): 20, ("b", "y"): 20}
    values |= {("c", "all"): 40, ("c", "x"): 20, ("c", "y"): 20}
    _cells, state = disclosure.suppress(values, ["a", "b", "c"], ["all", "x", "y"], groups)
    assert state[("a", "x")] == disclosure.SMALL
    hidden = {k for k, s in state.items() if s == disclosure.HIDDEN}
    assert hidden  # without them, x = 12 - 9 and x = 43 - 40
    assert not disclosure.pinned(
        _cells, state, disclosure._equations(["a", "b", "c"], ["all", "x", "y"], groups)
    )


def test_four_ones_and_a_total_of_four_do_not_give_each_away():
    values = {(r, "n"): 1 for r in "abcd"}
    cells, state = disclosure.suppress(values, list("abcd"), ["n"])
    assert state[(disclosure.TOTAL, "n")] == disclosure.HIDDEN
    assert not disclosure.pinned(cells, state, disclosure._equations(list("abcd"), ["n"], []))


def test_no_small_count_can_be_worked_out_in_random_tables():
    rng = random.Random(22)
    names = public_stats.NAMES
    for _ in range(150):
        rows = list(range(rng.choice([1, 2, 3, 6, 35])))
        values = {}
        for r in rows:
            parts = [rng.choice([0, rng.randint(0, 12), rng.randint(0, 200)]) for _ in range(3)]
            values |= dict(zip([(r, n) for n in names[1:4]], parts, strict=True))
            values[(r, "received")] = sum(parts)
            for n in names[4:]:
                values[(r, n)] = rng.choice([0, rng.randint(0, 6), rng.randint(0, 60)])
        cells, state = disclosure.suppress(values, rows, names, public_stats.GROUPS)
        equations = disclosure._equations(rows, names, public_stats.GROUPS)
        assert disclosure.pinned(cells, state, equations) == []
        assert all(
            state[k] != disclosure.SHOWN or not disclosure.is_small(v) for k, v in cells.items()
        )


def test_year_on_year_change(country):
    table = table_for()
    hanoi, saigon = row(table, "01"), row(table, "79")
    assert (hanoi.cell("received").value, hanoi.cell("received").previous) == (17, 8)
    assert hanoi.cell("received").change_display == "+112,5 %"
    assert saigon.cell("received").change_display == "0,0 %"
    assert row(table, "48").cell("received").change_display == "—"  # nothing in 2024


def test_the_csv_carries_the_same_cells_with_vietnamese_headers(country, client):
    response = client.get(f"/thong-ke/{YEAR}.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="thong-ke-{YEAR}.csv"'
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert lines[0][:4] == [
        "Tỉnh, thành phố",
        "Phản ánh tiếp nhận (01/01/2025 - 31/12/2025)",
        "Phản ánh tiếp nhận (01/01/2024 - 31/12/2024)",
        "Phản ánh tiếp nhận: thay đổi (%)",
    ]
    by_name = {line[0]: line for line in lines[1:]}
    table = table_for()
    for r in table.rows:
        line = by_name[r.name]
        for i, cell in enumerate(r.cells):
            assert line[1 + 3 * i] == (str(cell.value) if cell.value is not None else cell.display)
    hanoi = by_name["Thành phố Hà Nội"]
    assert hanoi[1:4] == ["17", "8", "112.5"]
    samples = 1 + 3 * public_stats.NAMES.index("samples_failed")
    assert hanoi[samples] == "< 5" and by_name["Thành phố Hồ Chí Minh"][samples] == "x"
    assert by_name["Cả nước"][samples] == "10"
    # The query form's CSV and a province's.
    same = client.get(f"/thong-ke/?nam={YEAR}&format=csv")
    assert b"".join(same.streaming_content).decode() == text
    one = client.get(f"/thong-ke/{YEAR}.csv?tinh=01")
    rows = list(csv.reader(io.StringIO(b"".join(one.streaming_content).decode().lstrip("\ufeff"))))
    assert [r[0] for r in rows[1:]] == ["Thành phố Hà Nội", "Cả nước"]


def test_a_province_chosen_with_the_form(country, client):
    response = client.get(f"/thong-ke/?nam={YEAR}&tinh=01")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Thành phố Hà Nội: năm 2025 so với cùng kỳ năm trước" in html
    assert "Thành phố Hồ Chí Minh" not in html.split('id="stats-total-h"')[1].split("Cách tính")[0]
    assert '<option value="01" selected>' in html
    national = Unit.objects.get(kind=Unit.Kind.NATIONAL)
    assert client.get(f"/thong-ke/{YEAR}/?tinh=TW").status_code == 200
    assert national.name in client.get(f"/thong-ke/{YEAR}/?tinh=TW").content.decode()


def test_a_year_with_no_data(client, roles):
    response = client.get("/thong-ke/2010/")
    assert response.status_code == 200
    table = table_for(2010)
    assert all(c.display == "0" and c.change_display == "—" for r in table.rows for c in r.cells)


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/thong-ke/1999/", 404),
        ("/thong-ke/2999/", 404),
        ("/thong-ke/1999.csv", 404),
        ("/thong-ke/2024.csv?tinh=zz", 404),
        ("/thong-ke/?nam=abc", 400),
        ("/thong-ke/?nam=1999", 400),
        ("/thong-ke/?tinh=zz", 400),
        ("/thong-ke/2024/?tinh=%00", 400),
        ("/thong-ke/?nam=2024&tinh=01&format=xml", 200),
    ],
)
def test_bad_years_and_provinces_are_refused_not_a_500(client, roles, url, status):
    response = client.get(url)
    assert response.status_code == status
    if status == 400:
        html = response.content.decode()
        assert 'aria-invalid="true"' in html and 'role="alert"' in html


def test_the_page_asks_a_bounded_number_of_queries(country, client, django_assert_max_num_queries):
    # Units, provinces for the form, and four measures for each of the two years.
    with django_assert_max_num_queries(14):
        assert client.get(f"/thong-ke/{YEAR}/").status_code == 200
    reports("01", 40)  # more rows change nothing; the cached table answers
    with django_assert_max_num_queries(4):
        assert client.get(f"/thong-ke/{YEAR}/").status_code == 200


def test_the_home_page_links_to_the_statistics(client, roles):
    assert 'href="/thong-ke/"' in client.get("/").content.decode()


def test_cancelled_inspections_are_counted_by_neither(country, nadia, bob):
    cancelled = inspections("01", 3, by=bob)
    Inspection.objects.filter(pk__in=[i.pk for i in cancelled]).update(
        status=Inspection.Status.CANCELLED
    )
    board = dashboard.dashboard_get(
        user=nadia, period=dashboard.Period(date(YEAR, 1, 1), date(YEAR, 12, 31))
    )
    table = table_for()
    assert table.total.cell("inspections").value == board.inspections == 18
    assert row(table, "01").cell("inspections").value == 6
