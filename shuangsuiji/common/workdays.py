"""Working days (工作日) and the time limits counted in them.

A day is a working day by, in order: the office's override table (``CalendarOverride``, entered when the
State Council announces next year's holidays, each November), the calendar ``chinesecalendar`` ships
(holidays and 调休 workdays as announced), and, for a year neither knows, Monday to Friday less the
statutory holidays on fixed dates (1 January, 1–2 May, 1–3 October; the lunar ones need the announcement,
which ``check_deployment`` asks for). The time limits
(20 working days to publish a result, …) are rows of ``Deadline`` the office edits.
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar
from chinese_calendar import constants as _shipped

# key: (label, working days, basis) — the time limits a new installation starts with.
DEFAULT_DEADLINES = {
    "result_publication": ("检查结果公示", 20, "《企业信息公示暂行条例》第六条"),
    "draw_publication": ("抽取结果公布", 20, "与检查结果公示同一时限"),
    "followup_rectify": ("责令改正跟踪", 20, ""),
    "followup_case": ("移送办案机构", 20, ""),
    "followup_notify": ("抄告相关部门", 7, ""),
    "followup_judicial": ("移送司法机关", 10, ""),
    "followup_other": ("其他后续处置", 20, ""),
    "clue_triage": ("线索分办", 7, "《市场监督管理投诉举报处理暂行办法》第十五条（七个工作日内决定是否受理）"),
}
SHIPPED_LAST_YEAR = max(d.year for d in _shipped.holidays)
# 《全国年节及纪念日放假办法》: the statutory holidays that fall on the same date every year.
FIXED_HOLIDAYS = {(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)}


class Calendar:
    """Working days over a stretch of dates, with the override rows of that stretch loaded once."""

    def __init__(self, overrides: dict[dt.date, bool]):
        self.overrides = overrides

    @classmethod
    def around(cls, lo: dt.date, hi: dt.date) -> Calendar:
        from .models import CalendarOverride, DayKind

        days: dict[dt.date, bool] = {}
        for row in CalendarOverride.objects.filter(starts_on__lte=hi, ends_on__gte=lo):
            day = row.starts_on
            while day <= row.ends_on:
                days[day] = row.kind == DayKind.WORKDAY
                day += dt.timedelta(days=1)
        return cls(days)

    def is_workday(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:  # a year the library has no announcement for
            return day.isoweekday() <= 5 and (day.month, day.day) not in FIXED_HOLIDAYS

    def add(self, start: dt.date, days: int) -> dt.date:
        """The ``days``-th working day after ``start`` (``start`` itself does not count)."""
        day, left = start, days
        while left > 0:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                left -= 1
        return day

    def between(self, start: dt.date, end: dt.date) -> int:
        """Working days from ``start`` to ``end``: those after ``start`` up to and including ``end``;
        negative (the working days ``end`` is past) when ``end`` is before ``start``."""
        if end < start:
            return -self.between(end, start)
        return sum(self.is_workday(start + dt.timedelta(days=n)) for n in range(1, (end - start).days + 1))


def _span(start: dt.date, days: int) -> dt.date:
    # Wide enough for any run of holidays (the longest is nine days) at two working days in three.
    return start + dt.timedelta(days=days * 2 + 40)


def is_workday(day: dt.date) -> bool:
    """Whether ``day`` is a working day (overrides, then the shipped calendar, then Monday to Friday)."""
    return Calendar.around(day, day).is_workday(day)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The ``days``-th working day after ``start`` (``start`` itself does not count)."""
    return Calendar.around(start, _span(start, days)).add(start, days)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """See ``Calendar.between``."""
    return Calendar.around(min(start, end), max(start, end)).between(start, end)


def deadline_days(key: str) -> int:
    """The working days of the time limit ``key`` (the office's value, else the shipped one)."""
    from .models import Deadline

    days = Deadline.objects.filter(key=key).values_list("working_days", flat=True).first()
    return days if days is not None else DEFAULT_DEADLINES[key][1]


def due_date(key: str, produced_on: dt.date) -> dt.date:
    """The last day of the time limit ``key`` for something produced on ``produced_on``."""
    return add_working_days(produced_on, deadline_days(key))


def covers(year: int) -> bool:
    """Whether the holidays of ``year`` are known: shipped with the library or entered by the office."""
    from .models import CalendarOverride, DayKind

    if year <= SHIPPED_LAST_YEAR:
        return True
    return CalendarOverride.objects.filter(kind=DayKind.HOLIDAY, starts_on__year=year).exists()
