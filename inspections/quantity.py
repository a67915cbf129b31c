"""Quantity of prepackaged goods (hàng đóng gói sẵn): permitted shortage, sampling, lot verdict.

Pure Python (no models, no database). It does the arithmetic an inspector needs when
checking a lot under Circular 21/2014/TT-BKHCN ("Quy định về đo lường đối với lượng của
hàng đóng gói sẵn"), which follows OIML R 87 ("Quantity of product in prepackages").

The three criteria for a lot (Circular 21/2014, Article 5)
----------------------------------------------------------
With Qn the nominal (labelled) quantity, T the permitted shortage (lượng thiếu cho phép) for
one unit, x̄ the mean of the measured actual quantities and s their standard deviation:

1. mean:       n < N (sampling):      x̄ ≥ Qn - k·s
               n = N (whole lot):     x̄ ≥ Qn
2. defectives: units short by more than T (Qn - x > T) may not exceed
               c from the sampling plan (n < N), or 2.5 % of the lot size (n = N);
3. gross:      no unit may be short by more than 2T.

A unit short by more than 2T also counts as short by more than T. A unit short by exactly T
is not defective ("lớn hơn", strictly greater).

Sources, and what was verified
------------------------------
The full text of the circular's annexes could not be read (the stored copies of
thuvienphapluat.vn, luatvietnam.vn and the English translation stop before them), so each
number below says where it came from. Anything marked RECALLED should be checked against
the official text (vbpl.vn / Công báo) before the module is relied on in a decision.

* Article 5 (the three criteria; n = N: x̄ ≥ Qn, at most 2.5 % of N non-conforming, none
  short by more than 2T; n < N: x̄ ≥ Qn - k·s, with s and k defined in an annex) —
  VERIFIED from a secondary summary of the circular (vietpat.vn, "Yêu cầu về đo lường đối
  với hàng đóng gói sẵn"). That summary cites the T table as "Phụ lục IV"; which annex
  number holds which table was not verified.
* Quantities may be stated by mass, volume, area, length or count (Article 3) — VERIFIED
  (thuvienphapluat.vn Q&A quoting Article 3).
* Table of T for mass and volume (Qn in g or ml; a band "a-b" means a < Qn ≤ b):

      0 - 50       9 % of Qn          1 000 - 10 000    1.5 % of Qn
      50 - 100     4.5 g (ml)         10 000 - 15 000   150 g (ml)
      100 - 200    4.5 % of Qn        15 000 - 50 000   1 % of Qn
      200 - 300    9 g (ml)
      300 - 500    3 % of Qn
      500 - 1 000  15 g (ml)

  VERIFIED as the OIML R 87 table through three national copies of it: New Zealand Weights
  and Measures Regulations 1999, Schedule 7A Table 2 (which states "more than a to not more
  than b"); the Chinese regulation on prepackaged goods (the same nine bands, 0-50 000); the
  UK SI 2000/388 (OIML R 61 in-service limits, the same values). That Vietnam's annex has
  exactly this table is RECALLED (corroborated by a Vietnamese QC article applying TT 21:
  200 g → units under 191 g are short, i.e. T = 9 g). The table is continuous (9 % of 50 =
  4.5; 4.5 % of 100 = 4.5; … 1 % of 15 000 = 150), so which band a boundary value falls in
  does not change T. Above 50 kg (50 l) the table stops and permitted_shortage raises.
* Rounding of T taken as a percentage: rounded UP to the next 0.1 g (ml) — RECALLED from
  OIML R 87 / EU Directive 76/211/EEC ("rounded up to the next one-tenth of a gram or
  millilitre"). Not seen in the Vietnamese text. NOTE: the Chinese copy of the table rounds
  differently above 1 kg (to whole grams); if the Vietnamese annex does too, change
  _MASS_VOLUME_STEP.
* Length, area, count (OIML R 87 tables for other units) — VERIFIED in the Chinese copy;
  presence in the Vietnamese annex RECALLED:
      length  Qn ≤ 5 m: no shortage allowed (T = 0);  Qn > 5 m: T = 2 % of Qn
      area    every Qn: T = 3 % of Qn
      count   Qn ≤ 50: T = 0;  Qn > 50: T = 1 % of Qn rounded UP to a whole number
  No rounding is applied to T for length or area.
* Correction factor k = t(0.995; n - 1) / √n — formula VERIFIED (UK SI 2006/659 Schedule 2
  and the French arrêté of 20 October 1978, art. 10, both give 0.379 for n = 50); the values
  0.379 (n = 50), 0.295 (n = 80), 0.234 (n = 125) were recomputed from Student's t.
* Sampling plan (lot size N → sample n, k, c = units allowed short by more than T):
      100 - 500    n = 50    k = 0.379   c = 3
      501 - 3 200  n = 80    k = 0.295   c = 5
      > 3 200      n = 125   k = 0.234   c = 7
  RECALLED from OIML R 87:2004 (and, to the best of recollection, the circular's annex);
  the row 501-3 200 → 80 units, c = 5 is corroborated by the same Vietnamese QC article
  (lot of 1 000 → 80 units, at most 5 short by more than T).
* Lots under 100 units: checked in full (n = N), judged with x̄ ≥ Qn, at most
  floor(2.5 % of N) defectives ("không được vượt quá 2,5 % cỡ lô": 39 units → 0, 40 → 1,
  99 → 2), none short by more than 2T. The n = N criteria are VERIFIED (Article 5 summary);
  that the whole-lot rule starts below 100 units is RECALLED (OIML R 87:2004 starts its
  plans at 100; OIML R 87:2016 adds sampling plans for smaller lots which the circular,
  from 2014, is believed not to use).
* Amendments: none to these tables was found (searched for amending circulars, 2016-2025);
  not proven absent.

Arithmetic and rounding
-----------------------
All arithmetic is Decimal in a local context of 28 significant digits (independent of the
caller's context); floats are refused. s is the sample standard deviation (divisor n - 1),
None when n = 1. The verdict is made on these unrounded values. The numbers returned in
LotResult (mean, std_dev, mean_limit) are then rounded half-up to a fine, fixed resolution
(0.001 g, ml or unit counted; 0.000001 kg or l; 0.0001 m or m²) that is below any scale's
reading, so it does not hide a digit that was measured. T is exact as computed (0.1 g steps
for percentages). The Vietnamese reasons show quantities with a decimal comma and a dot
between thousands, to 0.1 g (ml) — 0.0001 kg (l), 0.001 m, 0.0001 m², 0.1 for counts — and,
when a mean and its limit would print alike at that precision, with as many more decimals as
it takes to show which is smaller.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, localcontext

from django.utils.translation import gettext

__all__ = [
    "LotResult",
    "SamplingPlan",
    "Tolerance",
    "evaluate_lot",
    "permitted_shortage",
    "sampling_plan",
    "tolerance_for",
]

_PRECISION = 28

# unit -> (kind, factor to the unit the table is written in: g, ml, m, m², items)
_UNITS: dict[str, tuple[str, Decimal]] = {
    "g": ("mass", Decimal(1)),
    "kg": ("mass", Decimal(1000)),
    "ml": ("volume", Decimal(1)),
    "l": ("volume", Decimal(1000)),
    "m": ("length", Decimal(1)),
    "m2": ("area", Decimal(1)),
    "count": ("count", Decimal(1)),
}
_ALIASES = {"m²": "m2", "pcs": "count", "items": "count"}
UNITS = tuple(_UNITS)  # the units a nominal quantity may be given in

# (lower bound, excluded; upper bound, included; percent of Qn or None; fixed T or None),
# Qn and fixed T in g or ml.
_MASS_VOLUME_BANDS: tuple[tuple[Decimal, Decimal, Decimal | None, Decimal | None], ...] = (
    (Decimal(0), Decimal(50), Decimal(9), None),
    (Decimal(50), Decimal(100), None, Decimal("4.5")),
    (Decimal(100), Decimal(200), Decimal("4.5"), None),
    (Decimal(200), Decimal(300), None, Decimal(9)),
    (Decimal(300), Decimal(500), Decimal(3), None),
    (Decimal(500), Decimal(1000), None, Decimal(15)),
    (Decimal(1000), Decimal(10000), Decimal("1.5"), None),
    (Decimal(10000), Decimal(15000), None, Decimal(150)),
    (Decimal(15000), Decimal(50000), Decimal(1), None),
)
_MASS_VOLUME_STEP = Decimal("0.1")  # T from a percentage is rounded up to this (g or ml)

_LENGTH_FREE_UP_TO = Decimal(5)  # m: no shortage allowed up to and including 5 m
_LENGTH_PERCENT = Decimal(2)
_AREA_PERCENT = Decimal(3)
_COUNT_FREE_UP_TO = Decimal(50)  # items: no shortage allowed up to and including 50
_COUNT_PERCENT = Decimal(1)

# (smallest lot, largest lot or None, sample size, k, units allowed short by more than T)
_PLANS: tuple[tuple[int, int | None, int, Decimal, int], ...] = (
    (100, 500, 50, Decimal("0.379"), 3),
    (501, 3200, 80, Decimal("0.295"), 5),
    (3201, None, 125, Decimal("0.234"), 7),
)
_WHOLE_LOT_DEFECTIVE_PERCENT = Decimal("2.5")

# Resolution of the numbers returned in LotResult, and of the numbers in the reasons.
_RESULT_PLACES = {"g": 3, "ml": 3, "count": 3, "kg": 6, "l": 6, "m": 4, "m2": 4}
_DISPLAY_PLACES = {"g": 1, "ml": 1, "count": 1, "kg": 4, "l": 4, "m": 3, "m2": 4}
_DISPLAY_SYMBOL = {"g": "g", "ml": "ml", "kg": "kg", "l": "l", "m": "m", "m2": "m²", "count": ""}


@dataclass(frozen=True)
class Tolerance:
    """The permitted shortage T of one unit, in the unit of its nominal quantity."""

    nominal: Decimal
    unit: str
    tolerance: Decimal


@dataclass(frozen=True)
class SamplingPlan:
    """How many units to measure for a lot and how many may be short by more than T.

    k_factor is None when the whole lot is measured (lots under 100 units): the mean is then
    compared with Qn itself.
    """

    lot_size: int
    sample_size: int
    k_factor: Decimal | None
    max_defectives: int


@dataclass(frozen=True)
class LotResult:
    nominal: Decimal
    unit: str
    tolerance: Decimal
    sample_size: int
    mean: Decimal
    std_dev: Decimal | None
    mean_limit: Decimal | None  # lowest acceptable mean: Qn - k·s, or Qn when the lot is whole
    defectives: int  # units short by more than T
    gross_defectives: int  # units short by more than 2T
    max_defectives: int
    mean_ok: bool
    defectives_ok: bool
    gross_ok: bool
    conforming: bool
    reasons: list[str]  # Vietnamese, one per failed criterion; empty when conforming


def _decimal(value: object, what: str) -> Decimal:
    if isinstance(value, bool | float):
        raise TypeError(f"{what} must be a Decimal, int or str, not {type(value).__name__}")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int | str):
        try:
            number = Decimal(value)
        except ArithmeticError:
            raise ValueError(f"{what} is not a number: {value!r}") from None
    else:
        raise TypeError(f"{what} must be a Decimal, int or str, not {type(value).__name__}")
    if not number.is_finite():
        raise ValueError(f"{what} must be a finite number, got {value!r}")
    if number <= 0:
        raise ValueError(f"{what} must be greater than zero, got {value!r}")
    return number


def _unit(unit: str) -> str:
    if not isinstance(unit, str):
        raise TypeError(f"unit must be a str, not {type(unit).__name__}")
    key = unit.strip()
    key = _ALIASES.get(key, key.lower())
    key = _ALIASES.get(key, key)
    if key not in _UNITS:
        raise ValueError(f"Unknown unit {unit!r}; expected one of {', '.join(_UNITS)}.")
    return key


def _whole(number: Decimal, what: str) -> None:
    if number != number.to_integral_value():
        raise ValueError(f"{what} must be a whole number of items, got {number}")


def tolerance_for(nominal: Decimal, unit: str) -> Tolerance:
    """T for one unit of nominal quantity `nominal` in `unit`, with the unit normalised."""
    unit = _unit(unit)
    qn = _decimal(nominal, "Nominal quantity")
    kind, factor = _UNITS[unit]
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        base = qn * factor
        if kind in ("mass", "volume"):
            for low, high, percent, fixed in _MASS_VOLUME_BANDS:
                if low < base <= high:
                    if fixed is not None:
                        t_base = fixed
                    else:
                        t_base = (base * percent / 100).quantize(
                            _MASS_VOLUME_STEP, rounding=ROUND_CEILING
                        )
                    break
            else:
                largest = _MASS_VOLUME_BANDS[-1][1] / factor
                raise ValueError(
                    f"Nominal quantity {qn} {unit} is outside the table of permitted "
                    f"shortages (more than 0 and at most {largest.normalize():f} {unit})."
                )
            tolerance = t_base / factor
        elif kind == "length":
            tolerance = Decimal(0) if qn <= _LENGTH_FREE_UP_TO else qn * _LENGTH_PERCENT / 100
        elif kind == "area":
            tolerance = qn * _AREA_PERCENT / 100
        else:
            _whole(qn, "Nominal count")
            if qn <= _COUNT_FREE_UP_TO:
                tolerance = Decimal(0)
            else:
                tolerance = (qn * _COUNT_PERCENT / 100).to_integral_value(rounding=ROUND_CEILING)
    return Tolerance(nominal=qn, unit=unit, tolerance=tolerance)


def permitted_shortage(nominal: Decimal, unit: str) -> Decimal:
    """T (lượng thiếu cho phép) for one unit, in `unit`.

    unit: "g", "kg", "ml", "l" (mass/volume table, up to 50 kg or 50 l), "m" (length),
    "m2" (area) or "count". Raises ValueError outside the table or for an unknown unit.
    """
    return tolerance_for(nominal, unit).tolerance


def sampling_plan(lot_size: int) -> SamplingPlan:
    """Sample size, correction factor k and allowed defectives for a lot of `lot_size` units."""
    if isinstance(lot_size, bool) or not isinstance(lot_size, int):
        raise TypeError(f"lot_size must be an int, not {type(lot_size).__name__}")
    if lot_size < 1:
        raise ValueError(f"lot_size must be at least 1, got {lot_size}")
    smallest = _PLANS[0][0]
    if lot_size < smallest:
        allowed = int(lot_size * _WHOLE_LOT_DEFECTIVE_PERCENT / 100)  # floor: "không vượt quá"
        return SamplingPlan(lot_size, lot_size, None, allowed)
    for low, high, sample_size, k, allowed in _PLANS:
        if low <= lot_size and (high is None or lot_size <= high):
            return SamplingPlan(lot_size, sample_size, k, allowed)
    raise AssertionError("unreachable: the last plan has no upper bound")  # pragma: no cover


def _round(value: Decimal, places: int) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _vi_number(value: Decimal, places: int) -> str:
    """1234.5 -> "1.234,5" (Vietnamese: dot between thousands, decimal comma)."""
    rounded = _round(value, places)
    text = f"{abs(rounded):,.{places}f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"-{text}" if rounded < 0 else text


def _vi_quantity(value: Decimal, unit: str, places: int) -> str:
    symbol = _DISPLAY_SYMBOL[unit]
    number = _vi_number(value, places)
    return f"{number} {symbol}" if symbol else number


def _places_to_tell_apart(low: Decimal, high: Decimal, places: int) -> int:
    """Enough decimals for `low` (< high) to print smaller than `high`."""
    while places < _PRECISION and _round(low, places) >= _round(high, places):
        places += 1
    return places


def evaluate_lot(*, nominal: Decimal, unit: str, lot_size: int, actual: list[Decimal]) -> LotResult:
    """Judge a lot from the actual quantities of the units measured.

    `actual` holds one actual (net) quantity per measured unit, in `unit`; there must be
    exactly sampling_plan(lot_size).sample_size of them (every unit for lots under 100).
    """
    tol = tolerance_for(nominal, unit)
    unit, qn, t = tol.unit, tol.nominal, tol.tolerance
    plan = sampling_plan(lot_size)
    if isinstance(actual, str | bytes) or not isinstance(actual, Iterable):
        raise TypeError("actual must be a list of Decimal quantities")
    values = [_decimal(v, f"Actual quantity #{i}") for i, v in enumerate(actual, start=1)]
    if len(values) != plan.sample_size:
        if plan.k_factor is None:
            needed = f"all {plan.sample_size} units (lots under 100 units are checked in full)"
        else:
            needed = f"a sample of {plan.sample_size} units"
        raise ValueError(
            f"A lot of {lot_size} units needs {needed}; got {len(values)} measured quantities."
        )
    if unit == "count":
        for i, v in enumerate(values, start=1):
            _whole(v, f"Actual count #{i}")

    n = len(values)
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        mean = sum(values, Decimal(0)) / n
        std_dev = (
            (sum(((v - mean) ** 2 for v in values), Decimal(0)) / (n - 1)).sqrt() if n > 1 else None
        )
        # Whole lot: the mean must reach Qn itself. Sample: Qn - k*s.
        k_s = Decimal(0) if plan.k_factor is None else plan.k_factor * (std_dev or Decimal(0))
        mean_limit = qn - k_s
        shortages = [qn - v for v in values]
        defectives = sum(1 for d in shortages if d > t)
        gross_defectives = sum(1 for d in shortages if d > 2 * t)
        t2 = 2 * t

    mean_ok = mean >= mean_limit
    defectives_ok = defectives <= plan.max_defectives
    gross_ok = gross_defectives == 0

    reasons: list[str] = []
    shown = _DISPLAY_PLACES[unit]
    if not mean_ok:
        places = _places_to_tell_apart(mean, mean_limit, shown)
        if plan.k_factor is None:
            reasons.append(
                gettext("Lượng trung bình của lô %(mean)s thấp hơn lượng danh định %(nominal)s.")
                % {
                    "mean": _vi_quantity(mean, unit, places),
                    "nominal": _vi_quantity(qn, unit, places),
                }
            )
        else:
            reasons.append(
                gettext(
                    "Lượng trung bình của mẫu %(mean)s thấp hơn giới hạn %(limit)s "
                    "(Qn - k·s, với k = %(k)s và s = %(s)s)."
                )
                % {
                    "mean": _vi_quantity(mean, unit, places),
                    "limit": _vi_quantity(mean_limit, unit, places),
                    "k": _vi_number(plan.k_factor, 3),
                    "s": _vi_quantity(std_dev or Decimal(0), unit, shown + 1),
                }
            )
    # T is shown with all its decimals (0.1 g steps, or exact for length and area).
    t_places = 0 if unit == "count" else max(shown, -t.normalize().as_tuple().exponent)
    if not defectives_ok:
        reasons.append(
            gettext(
                "Số đơn vị có lượng thiếu lớn hơn lượng thiếu cho phép T = %(t)s là %(count)s, "
                "vượt quá số cho phép %(max)s."
            )
            % {
                "t": _vi_quantity(t, unit, t_places),
                "count": defectives,
                "max": plan.max_defectives,
            }
        )
    if not gross_ok:
        reasons.append(
            gettext(
                "Có %(count)s đơn vị có lượng thiếu lớn hơn 2T = %(t2)s; "
                "không được có đơn vị nào như vậy."
            )
            % {"count": gross_defectives, "t2": _vi_quantity(t2, unit, t_places)}
        )

    places = _RESULT_PLACES[unit]
    return LotResult(
        nominal=qn,
        unit=unit,
        tolerance=t,
        sample_size=n,
        mean=_round(mean, places),
        std_dev=None if std_dev is None else _round(std_dev, places),
        mean_limit=_round(mean_limit, places),
        defectives=defectives,
        gross_defectives=gross_defectives,
        max_defectives=plan.max_defectives,
        mean_ok=mean_ok,
        defectives_ok=defectives_ok,
        gross_ok=gross_ok,
        conforming=mean_ok and defectives_ok and gross_ok,
        reasons=reasons,
    )
