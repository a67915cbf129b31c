"""inspections.quantity: T, sampling plans and lot verdicts, every case computed by hand.

No database: plain functions on Decimals (gettext runs with the test settings, Vietnamese).
"""

from decimal import Decimal as D

import pytest

from inspections.quantity import (
    LotResult,
    SamplingPlan,
    Tolerance,
    evaluate_lot,
    permitted_shortage,
    sampling_plan,
    tolerance_for,
)

# --- T, mass and volume ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("nominal", "unit", "expected"),
    [
        # 0 < Qn <= 50: 9 %, rounded up to the next 0.1 g
        ("5", "g", "0.5"),  # 9 % x 5 = 0.45 -> 0.5
        ("7", "g", "0.7"),  # 9 % x 7 = 0.63 -> 0.7
        ("50", "g", "4.5"),  # 9 % x 50 = 4.50 (top of the band)
        # 100 < Qn <= 200: 4.5 %
        ("100.1", "g", "4.6"),  # 4.5 % x 100.1 = 4.5045 -> 4.6 (just past the 4.5 g band)
        ("150", "ml", "6.8"),  # 4.5 % x 150 = 6.75 -> 6.8
        ("200", "g", "9.0"),  # 4.5 % x 200 = 9.00
        # 300 < Qn <= 500: 3 %
        ("333", "g", "10.0"),  # 3 % x 333 = 9.99 -> 10.0
        ("400", "ml", "12.0"),  # 3 % x 400 = 12.00
        ("500", "g", "15.0"),  # 3 % x 500 = 15.00
        # 1 000 < Qn <= 10 000: 1.5 %
        ("1234", "g", "18.6"),  # 1.5 % x 1234 = 18.51 -> 18.6
        # 15 000 < Qn <= 50 000: 1 %
        ("20000", "g", "200.0"),  # 1 % x 20 000 = 200
        ("50000", "ml", "500.0"),  # 1 % x 50 000 = 500 (end of the table)
    ],
)
def test_percentage_bands_round_up_to_a_tenth(nominal, unit, expected):
    assert permitted_shortage(D(nominal), unit) == D(expected)


@pytest.mark.parametrize(
    ("nominal", "expected"),
    [
        ("50.1", "4.5"),  # 50 < Qn <= 100: 4.5 g
        ("100", "4.5"),
        ("200.5", "9"),  # 200 < Qn <= 300: 9 g
        ("300", "9"),
        ("501", "15"),  # 500 < Qn <= 1 000: 15 g
        ("1000", "15"),
        ("10001", "150"),  # 10 000 < Qn <= 15 000: 150 g
        ("15000", "150"),
    ],
)
def test_fixed_bands(nominal, expected):
    assert permitted_shortage(D(nominal), "g") == D(expected)


@pytest.mark.parametrize(
    ("nominal", "unit", "expected"),
    [
        ("1", "l", "0.015"),  # 1 000 ml: 15 ml = 0.015 l
        ("1.5", "kg", "0.0225"),  # 1.5 % x 1 500 g = 22.5 g
        ("2.345", "kg", "0.0352"),  # 1.5 % x 2 345 g = 35.175 -> 35.2 g
        ("10", "kg", "0.15"),  # 1.5 % x 10 000 g = 150 g
        ("12", "L", "0.15"),  # 150 ml, whatever the case of the unit
        ("50", "kg", "0.5"),  # 1 % x 50 000 g = 500 g
    ],
)
def test_kilograms_and_litres_are_computed_in_grams_and_millilitres(nominal, unit, expected):
    assert permitted_shortage(D(nominal), unit) == D(expected)


def test_tolerance_for_normalises_the_unit():
    assert tolerance_for(D("750"), "mL") == Tolerance(D("750"), "ml", D("15"))


@pytest.mark.parametrize(
    ("nominal", "unit"),
    [("50.001", "kg"), ("50001", "g"), ("0", "g"), ("-5", "g"), ("1", "oz"), ("1", "lb")],
)
def test_outside_the_table_or_unknown_unit_raises(nominal, unit):
    with pytest.raises(ValueError):
        permitted_shortage(D(nominal), unit)


def test_floats_are_refused():
    with pytest.raises(TypeError):
        permitted_shortage(500.0, "g")


# --- T, length, area and count ---------------------------------------------------------


@pytest.mark.parametrize(
    ("nominal", "unit", "expected"),
    [
        ("5", "m", "0"),  # up to 5 m no shortage at all
        ("10", "m", "0.2"),  # 2 % x 10 m
        ("2", "m2", "0.06"),  # 3 % x 2 m²
        ("50", "count", "0"),  # up to 50 items no shortage at all
        ("51", "count", "1"),  # 1 % x 51 = 0.51 -> 1 (up to a whole item)
        ("100", "count", "1"),  # 1 % x 100 = 1
        ("120", "count", "2"),  # 1 % x 120 = 1.2 -> 2
        ("250", "count", "3"),  # 1 % x 250 = 2.5 -> 3
    ],
)
def test_length_area_and_count(nominal, unit, expected):
    assert permitted_shortage(D(nominal), unit) == D(expected)


def test_a_count_must_be_whole():
    with pytest.raises(ValueError, match="whole number"):
        permitted_shortage(D("10.5"), "count")


# --- sampling plans --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lot_size", "expected"),
    [
        # under 100 units: the whole lot, at most floor(2.5 % x N) defectives
        (1, (1, None, 0)),
        (39, (39, None, 0)),  # 2.5 % x 39 = 0.975 -> 0
        (40, (40, None, 1)),  # 2.5 % x 40 = 1
        (99, (99, None, 2)),  # 2.5 % x 99 = 2.475 -> 2
        (100, (50, D("0.379"), 3)),
        (500, (50, D("0.379"), 3)),
        (501, (80, D("0.295"), 5)),
        (3200, (80, D("0.295"), 5)),
        (3201, (125, D("0.234"), 7)),
        (1_000_000, (125, D("0.234"), 7)),
    ],
)
def test_sampling_plan(lot_size, expected):
    assert sampling_plan(lot_size) == SamplingPlan(lot_size, *expected)


@pytest.mark.parametrize(
    ("lot_size", "t_0995"),
    # t(0.995; n - 1) from Student's table for n = 50, 80, 125 (df 49, 79, 124)
    [(100, "2.67995"), (501, "2.63950"), (3201, "2.61606")],
)
def test_k_is_t_over_root_n(lot_size, t_0995):
    # 2.67995 / sqrt(50) = 0.37900; 2.63950 / sqrt(80) = 0.29511; 2.61606 / sqrt(125) = 0.23399
    plan = sampling_plan(lot_size)
    assert abs(D(t_0995) / D(plan.sample_size).sqrt() - plan.k_factor) < D("0.0005")


@pytest.mark.parametrize("lot_size", [0, -3])
def test_empty_lot_raises(lot_size):
    with pytest.raises(ValueError):
        sampling_plan(lot_size)


# --- whole lots ------------------------------------------------------------------------


def test_conforming_lot_with_one_unit_short_by_more_than_t():
    # Qn 500 g, T = 3 % x 500 = 15 g, 2T = 30 g; N 200 -> n 50, k 0.379, c 3.
    # 49 x 502 g and 1 x 484 g (short 16 g: > T, < 2T).
    # mean = (49 x 502 + 484) / 50 = 25 082 / 50 = 501.64
    # squares: 49 x 0.36² = 6.3504; 17.64² = 311.1696; sum 317.52; / 49 = 6.48
    # s = sqrt(6.48) = 2.54558...; k*s = 0.96478; limit = 499.03522 -> mean passes
    result = evaluate_lot(nominal=D(500), unit="g", lot_size=200, actual=[D(502)] * 49 + [D(484)])
    assert result == LotResult(
        nominal=D(500),
        unit="g",
        tolerance=D(15),
        sample_size=50,
        mean=D("501.640"),
        std_dev=D("2.546"),
        mean_limit=D("499.035"),
        defectives=1,
        gross_defectives=0,
        max_defectives=3,
        mean_ok=True,
        defectives_ok=True,
        gross_ok=True,
        conforming=True,
        reasons=[],
    )


def test_lot_failing_the_mean():
    # Qn 500 g, N 200 -> n 50, k 0.379. 25 x 499 g and 25 x 497 g.
    # mean = 498; every deviation is 1, squares sum to 50; s = sqrt(50 / 49) = 1.010153
    # limit = 500 - 0.379 x 1.010153 = 500 - 0.382848 = 499.617 > 498 -> fails.
    # Shortages 1 g and 3 g are within T = 15 g.
    result = evaluate_lot(
        nominal=D(500), unit="g", lot_size=200, actual=[D(499)] * 25 + [D(497)] * 25
    )
    assert (result.mean, result.std_dev, result.mean_limit) == (D(498), D("1.010"), D("499.617"))
    assert not result.mean_ok
    assert (result.defectives, result.gross_defectives) == (0, 0)
    assert result.defectives_ok and result.gross_ok and not result.conforming
    assert result.reasons == [
        "Lượng trung bình của mẫu 498,0 g thấp hơn giới hạn 499,6 g "
        "(Qn - k·s, với k = 0,379 và s = 1,01 g)."
    ]


def test_lot_failing_the_count_of_defectives():
    # Qn 200 g, T = 4.5 % x 200 = 9 g, 2T = 18 g; N 1 000 -> n 80, k 0.295, c 5.
    # 74 x 205 g and 6 x 190 g (short 10 g: > T, < 2T).
    # mean = (74 x 205 + 6 x 190) / 80 = 16 310 / 80 = 203.875
    # squares: 74 x 1.125² = 93.65625; 6 x 13.875² = 1 155.09375; sum 1 248.75; / 79 = 15.80696
    # s = 3.97580; limit = 200 - 0.295 x 3.97580 = 198.82714 -> mean passes; 6 > 5 defectives.
    result = evaluate_lot(
        nominal=D(200), unit="g", lot_size=1000, actual=[D(205)] * 74 + [D(190)] * 6
    )
    assert (result.mean, result.std_dev, result.mean_limit) == (
        D("203.875"),
        D("3.976"),
        D("198.827"),
    )
    assert result.mean_ok and result.gross_ok
    assert (result.defectives, result.max_defectives, result.defectives_ok) == (6, 5, False)
    assert not result.conforming
    assert result.reasons == [
        "Số đơn vị có lượng thiếu lớn hơn lượng thiếu cho phép T = 9,0 g là 6, "
        "vượt quá số cho phép 5."
    ]


def test_lot_with_a_unit_short_by_more_than_2t():
    # Qn 200 g, T 9 g, 2T 18 g; N 1 000 -> n 80, k 0.295, c 5.
    # 79 x 203 g and 1 x 181 g (short 19 g > 18 g).
    # mean = (79 x 203 + 181) / 80 = 16 218 / 80 = 202.725
    # squares: 79 x 0.275² = 5.974375; 21.725² = 471.975625; sum 477.95; / 79 = 6.05
    # s = sqrt(6.05) = 2.45967; limit = 200 - 0.295 x 2.45967 = 199.27440 -> mean passes.
    # One unit short by more than T (1 <= 5) but it is also short by more than 2T.
    result = evaluate_lot(nominal=D(200), unit="g", lot_size=1000, actual=[D(203)] * 79 + [D(181)])
    assert (result.mean, result.std_dev, result.mean_limit) == (
        D("202.725"),
        D("2.460"),
        D("199.274"),
    )
    assert result.mean_ok and result.defectives_ok
    assert (result.defectives, result.gross_defectives, result.gross_ok) == (1, 1, False)
    assert not result.conforming
    assert result.reasons == [
        "Có 1 đơn vị có lượng thiếu lớn hơn 2T = 18,0 g; không được có đơn vị nào như vậy."
    ]


def test_small_lot_is_checked_in_full_against_qn():
    # Qn 1 l, T = 15 ml = 0.015 l; N 10 -> all 10 units, limit Qn, c = floor(0.25) = 0.
    # 9 x 1.003 l and 1 x 0.984 l (short 0.016 l > T, < 2T = 0.030 l).
    # mean = (9.027 + 0.984) / 10 = 1.0011 >= 1 -> passes; 1 defective > 0 -> fails.
    result = evaluate_lot(
        nominal=D(1), unit="l", lot_size=10, actual=[D("1.003")] * 9 + [D("0.984")]
    )
    assert result.sample_size == 10 and result.mean_limit == D(1)
    assert result.mean == D("1.0011") and result.mean_ok
    assert (result.defectives, result.max_defectives) == (1, 0)
    assert not result.defectives_ok and result.gross_ok and not result.conforming


def test_mean_equal_to_qn_and_shortage_equal_to_t_are_accepted():
    # Qn 100 g, T 4.5 g; N 2 -> both units, limit Qn, c 0.
    # 95.5 g is short by exactly T (not "more than T"); mean = (95.5 + 104.5) / 2 = 100 = Qn.
    result = evaluate_lot(nominal=D(100), unit="g", lot_size=2, actual=[D("95.5"), D("104.5")])
    assert result.mean == D(100) and result.mean_ok
    assert result.defectives == 0 and result.conforming and result.reasons == []


def test_a_mean_just_under_qn_is_shown_with_enough_decimals():
    # Qn 1 000 g, N 10, every unit 999.96 g: mean 999.96 < 1 000. At 0.1 g both would read
    # "1.000,0 g", so the message shows two decimals; the dot separates thousands.
    result = evaluate_lot(nominal=D(1000), unit="g", lot_size=10, actual=[D("999.96")] * 10)
    assert not result.mean_ok and result.conforming is False
    assert result.std_dev == D(0)
    assert result.reasons == [
        "Lượng trung bình của lô 999,96 g thấp hơn lượng danh định 1.000,00 g."
    ]


def test_single_unit_lot_has_no_standard_deviation():
    result = evaluate_lot(nominal=D(250), unit="ml", lot_size=1, actual=[D(251)])
    assert result.std_dev is None and result.conforming


# --- input validation ------------------------------------------------------------------


def test_sample_must_match_the_plan():
    with pytest.raises(ValueError, match="needs a sample of 50 units; got 49"):
        evaluate_lot(nominal=D(500), unit="g", lot_size=200, actual=[D(500)] * 49)


def test_small_lot_must_be_measured_in_full():
    with pytest.raises(ValueError, match="needs all 10 units"):
        evaluate_lot(nominal=D(500), unit="g", lot_size=10, actual=[D(500)] * 9)


@pytest.mark.parametrize("bad", [D(0), D(-1)])
def test_zero_or_negative_quantities_are_refused(bad):
    with pytest.raises(ValueError, match="greater than zero"):
        evaluate_lot(nominal=D(500), unit="g", lot_size=2, actual=[D(500), bad])
