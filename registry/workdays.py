"""The Vietnamese working-day calendar that every legal clock counts on.

A working day is Monday to Friday, except public holidays (the `holidays` library's
Vietnamese calendar: New Year, lunar Tết, Hùng Kings, 30/4, 1/5, National Day, Vietnam
Culture Day, with the Government's substitutions), except extra days off recorded as
`CalendarDay` rows; and a weekend day becomes a working day when the Government moves a
working day onto it (in the library or as a `CalendarDay` make-up row).

Counting follows the Civil Code (Art. 147-148): the day an event happens is not
counted; a period in days ends at the end of its last day, and when that day is not a
working day the period ends on the next working day.
"""

from datetime import date, datetime, timedelta
from functools import cached_property

import holidays
from django.utils import timezone
from django.utils.translation import gettext as _


class WorkCalendar:
    """One snapshot of the calendar: load it once and ask it many questions."""

    def __init__(self, overrides: dict[date, str] | None = None):
        # date -> CalendarDay.Kind value ("day_off" or "working_day")
        self.overrides = overrides or {}

    @cached_property
    def _public(self) -> holidays.HolidayBase:
        return holidays.country_holidays("VN", language="vi")

    def holiday_name(self, day: date) -> str | None:
        return self._public.get(day)

    def is_working_day(self, day: date) -> bool:
        override = self.overrides.get(day)
        if override is not None:
            return override == "working_day"
        if day in self._public:
            return False
        if day.weekday() >= 5:
            return day in self._public.weekend_workdays
        return True

    def next_working_day(self, day: date) -> date:
        """`day` itself if it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, start: date, days: int) -> date:
        """The working day that ends a period of `days` working days counted from the day
        after `start`. With days=0, the first working day from `start`."""
        if days < 0:
            raise ValueError("days must not be negative")
        if days == 0:
            return self.next_working_day(start)
        day, counted = start, 0
        while counted < days:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day

    def add_days(self, start: date, days: int) -> date:
        """A period of calendar days; when it ends on a day off it runs to the next
        working day (Civil Code Art. 148)."""
        return self.next_working_day(start + timedelta(days=days))

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (0 if end <= start)."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count

    def days_off(self, year: int) -> list[tuple[date, str]]:
        """Public holidays and extra days off in a year that fall on a would-be working
        day or are holidays in their own right; weekends are not listed."""
        result = dict(holidays.country_holidays("VN", years=year, language="vi"))
        for day, kind in self.overrides.items():
            if day.year != year:
                continue
            if kind == "day_off":
                result.setdefault(day, _("Ngày nghỉ thêm"))
            else:
                result.pop(day, None)
        return sorted(result.items())


CACHE_KEY = "workdays:overrides:v1"
CACHE_SECONDS = 300


def current_calendar() -> WorkCalendar:
    """The calendar with every recorded change (a few dozen rows a year), read from the
    cache: lists that count working days (the "due soon" queue) then cost no query. A
    change of a CalendarDay row clears it (`forget_calendar`, connected in apps.py); in
    processes that do not share the cache (no CACHE_URL) it is at most 5 minutes old."""
    from django.core.cache import cache

    from registry.models import CalendarDay

    overrides = cache.get(CACHE_KEY)
    if overrides is None:
        overrides = dict(CalendarDay.objects.values_list("date", "kind"))
        cache.set(CACHE_KEY, overrides, CACHE_SECONDS)
    return WorkCalendar(overrides)


def forget_calendar(**kwargs) -> None:
    """Clear the cached calendar now and once the change commits (a read in between
    would otherwise cache the old rows again)."""
    from django.core.cache import cache
    from django.db import transaction

    cache.delete(CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(CACHE_KEY))


def local_date(moment: datetime) -> date:
    """The calendar date in Asia/Ho_Chi_Minh of an aware datetime."""
    return timezone.localtime(moment).date()


def is_working_day(day: date) -> bool:
    return current_calendar().is_working_day(day)


def next_working_day(day: date) -> date:
    return current_calendar().next_working_day(day)


def add_working_days(start: date, days: int) -> date:
    return current_calendar().add_working_days(start, days)


def add_days(start: date, days: int) -> date:
    return current_calendar().add_days(start, days)


def working_days_between(start: date, end: date) -> int:
    return current_calendar().working_days_between(start, end)


def days_off(year: int) -> list[tuple[date, str]]:
    return current_calendar().days_off(year)
