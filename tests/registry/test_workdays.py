"""Expected dates are computed by hand from the 2026-2027 calendar:

- 2026: 01/01 (Thu); Tết 16-20/02 (Mon-Fri, so 14-22/02 off with the weekends);
  Hùng Kings 26/04 is a Sunday, off on Mon 27/04; 30/04 (Thu), 01/05 (Fri);
  Mon 31/08 off in exchange for working Sat 22/08; 01-02/09 (Tue-Wed);
  Vietnam Culture Day 24/11 (Tue).
- 2027: 01/01 (Fri); Tết 04-10/02 (Thu to Wed, New Year's Day on Sat 06/02).

The day of the event is not counted (Civil Code Art. 147).
"""

from datetime import date

import pytest

from registry import workdays
from registry.models import CalendarDay
from registry.workdays import WorkCalendar

D = date


@pytest.mark.parametrize(
    ("start", "days", "due", "why"),
    [
        (D(2026, 2, 12), 1, D(2026, 2, 13), "Thu + 1 is Fri before Tết"),
        (D(2026, 2, 12), 2, D(2026, 2, 23), "the second day jumps Tết 14-22/02"),
        (
            D(2026, 2, 13),
            2,
            D(2026, 2, 24),
            "suspension notice 2 working days after a Fri test report",
        ),
        (D(2026, 2, 13), 5, D(2026, 2, 27), "notify acceptance 5 working days after Fri 13/02"),
        (D(2026, 2, 10), 7, D(2026, 2, 26), "7 working days across Tết 2026"),
        (D(2026, 12, 25), 7, D(2027, 1, 6), "7 working days across New Year 2027"),
        (D(2027, 2, 2), 3, D(2027, 2, 12), "3 working days across Tết 2027 (04-10/02)"),
        (D(2027, 2, 3), 1, D(2027, 2, 11), "the day before Tết 2027 + 1"),
        (D(2026, 8, 21), 1, D(2026, 8, 22), "Sat 22/08/2026 is a make-up working day"),
        (D(2026, 8, 28), 1, D(2026, 9, 3), "31/08, 01/09 and 02/09/2026 are off"),
        (D(2026, 4, 24), 1, D(2026, 4, 28), "Hùng Kings on a Sunday is off on Monday 27/04"),
        (D(2026, 11, 23), 1, D(2026, 11, 25), "Vietnam Culture Day 24/11"),
        (D(2026, 2, 15), 0, D(2026, 2, 23), "zero days from a day of Tết is the next working day"),
    ],
)
def test_add_working_days(db, start, days, due, why):
    assert workdays.add_working_days(start, days) == due, why


@pytest.mark.parametrize(
    ("start", "days", "due", "why"),
    [
        (
            D(2026, 2, 9),
            7,
            D(2026, 2, 23),
            "penalty decision 7 days after a record on 09/02: 16/02 is Tết",
        ),
        (
            D(2027, 1, 30),
            7,
            D(2027, 2, 11),
            "7 days end on Tết 2027 New Year's Day, run to Thu 11/02",
        ),
        (D(2026, 1, 16), 30, D(2026, 2, 23), "30 days end on Sun 15/02 inside Tết 2026"),
        (D(2026, 3, 2), 7, D(2026, 3, 9), "an ordinary week"),
    ],
)
def test_add_calendar_days_rolls_to_the_next_working_day(db, start, days, due, why):
    assert workdays.add_days(start, days) == due, why


def test_working_days_between_skips_tet(db):
    assert workdays.working_days_between(D(2026, 2, 13), D(2026, 2, 27)) == 5
    assert workdays.working_days_between(D(2026, 2, 27), D(2026, 2, 13)) == 0


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 2, 17), False),  # Tết Nguyên Đán
        (D(2026, 2, 21), False),  # Saturday
        (D(2026, 8, 22), True),  # make-up Saturday
        (D(2026, 8, 31), False),
        (D(2027, 2, 10), False),  # fifth day of Tết 2027
        (D(2027, 2, 11), True),
    ],
)
def test_is_working_day(db, day, working):
    assert workdays.is_working_day(day) is working


def test_extra_day_off_and_make_up_day_recorded_by_an_admin(db):
    CalendarDay.objects.create(
        date=D(2027, 2, 11), kind="day_off", reason="Nghỉ bù Tết 2027 (giả định)"
    )
    CalendarDay.objects.create(
        date=D(2027, 2, 20), kind="working_day", reason="Làm bù cho 11/02/2027"
    )
    assert workdays.add_working_days(D(2027, 2, 3), 1) == D(2027, 2, 12)
    assert workdays.add_working_days(D(2027, 2, 19), 1) == D(2027, 2, 20)
    days_off = dict(workdays.days_off(2027))
    assert D(2027, 2, 11) in days_off
    assert D(2027, 2, 6) in days_off


def test_a_make_up_row_can_cancel_a_library_day_off():
    calendar = WorkCalendar({D(2026, 8, 31): "working_day"})
    assert calendar.is_working_day(D(2026, 8, 31))
    assert D(2026, 8, 31) not in dict(calendar.days_off(2026))


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        WorkCalendar().add_working_days(D(2026, 1, 5), -1)


def test_days_off_lists_tet_in_vietnamese(db):
    names = dict(workdays.days_off(2026))
    assert names[D(2026, 2, 17)] == "Tết Nguyên Đán"
    assert D(2026, 2, 21) not in names  # weekends are not listed
