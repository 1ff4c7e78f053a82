"""Deadlines count working days: weekends, national holidays and 调休 workdays as announced."""

import datetime as dt

import pytest

from shuangsuiji.common.workdays import add_working_days, is_workday

pytestmark = pytest.mark.django_db  # the office's override rows are read first


def test_the_national_day_week_is_skipped_and_its_weekend_workday_counts():
    assert not is_workday(dt.date(2026, 10, 1))
    assert is_workday(dt.date(2026, 10, 10))  # a Saturday worked in exchange (调休)
    assert add_working_days(dt.date(2026, 9, 29), 1) == dt.date(2026, 9, 30)
    assert add_working_days(dt.date(2026, 9, 30), 1) == dt.date(2026, 10, 8)  # the holiday runs to 10-07
    assert add_working_days(dt.date(2026, 9, 30), 3) == dt.date(2026, 10, 10)


def test_twenty_working_days_are_four_weeks_in_an_ordinary_month():
    assert add_working_days(dt.date(2026, 3, 2), 20) == dt.date(2026, 3, 30)


def test_a_year_without_an_announcement_counts_monday_to_friday():
    assert add_working_days(dt.date(2030, 1, 4), 1) == dt.date(2030, 1, 7)  # Friday → Monday


def test_a_year_without_an_announcement_still_keeps_the_statutory_days_on_fixed_dates():
    assert not is_workday(dt.date(2030, 1, 1))  # a Tuesday, 元旦
    assert not is_workday(dt.date(2030, 10, 2))
    assert add_working_days(dt.date(2029, 12, 31), 1) == dt.date(2030, 1, 2)
