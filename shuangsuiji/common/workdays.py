"""Working days (工作日) for publication deadlines: the State Council's holidays and 调休 workdays.

``chinesecalendar`` carries each year's announced holidays; a year it does not know yet (the
announcement comes each November) counts Monday to Friday, which a deadline shows as such.
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar


def is_workday(day: dt.date) -> bool:
    """Whether ``day`` is a working day in China's calendar (with 调休)."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # a year the library has no announcement for yet
        return day.isoweekday() <= 5


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The ``days``-th working day after ``start`` (``start`` itself does not count)."""
    day, left = start, days
    while left > 0:
        day += dt.timedelta(days=1)
        if is_workday(day):
            left -= 1
    return day
