"""The office's working-day calendar: override rows over the shipped one, checked as a whole; the time
limits as data; the trial count on the page; the deployment check for a year nobody has entered."""

import datetime as dt

import pytest

from shuangsuiji.common import holidays, workdays
from shuangsuiji.common.errors import Forbidden
from shuangsuiji.common.models import AuditEvent, CalendarOverride
from shuangsuiji.site.deployment import check_calendar

ANNOUNCEMENT = """2028-02-05,2028-02-11,放假,春节
2028-02-12,2028-02-12,调休上班,春节
"""


def test_override_rows_make_holidays_and_weekend_workdays(personas):
    before = workdays.add_working_days(dt.date(2028, 2, 4), 1)
    assert before == dt.date(2028, 2, 7)  # a year nobody announced: Monday to Friday
    assert not workdays.covers(2028)
    rows = holidays.add_overrides(personas.office, ANNOUNCEMENT)
    assert [r.days for r in rows] == [7, 1]
    assert workdays.covers(2028)
    assert not workdays.is_workday(dt.date(2028, 2, 7))
    assert workdays.is_workday(dt.date(2028, 2, 12))  # a Saturday worked in exchange
    assert workdays.add_working_days(dt.date(2028, 2, 4), 1) == dt.date(2028, 2, 12)
    assert workdays.add_working_days(dt.date(2028, 2, 4), 2) == dt.date(2028, 2, 14)
    assert workdays.working_days_between(dt.date(2028, 2, 14), dt.date(2028, 2, 4)) == -2
    assert AuditEvent.objects.filter(action="calendar.add").count() == 2


@pytest.mark.parametrize(("text", "message"), [
    ("2028-02-02,2028-02-08,放假,春节\n2028-02-08,2028-02-09,调休上班,春节", "第 2 行与第 1 行日期重叠（2028-02-08）"),
    ("2028-02-30,2028-03-01,放假,春节", "第 1 行：起始日期“2028-02-30”不是有效日期"),
    ("\n2028-02-08,2028-02-02,放假,春节", "第 2 行：截止日期 2028-02-02 早于起始日期 2028-02-08"),
    ("2028-02-02,2028-02-08,休假吧,春节", "第 1 行：类型“休假吧”应为“放假”或“调休上班”"),
    ("2028-02-02,2028-02-08,放假", "第 1 行：应为“起始日期,截止日期,类型,名称”四项"),
    ("2028-01-01,2028-03-01,放假,整个冬天", "第 1 行：一段不超过 31 天"),
    ("1990-01-01,1990-01-01,放假,元旦", "第 1 行：年份 1990 不在可调整的范围内"),
    ("   \n# 注释\n", "没有可登记的行"),
])
def test_bad_rows_are_named_and_nothing_is_kept(personas, text, message):
    with pytest.raises(holidays.CalendarError) as caught:
        holidays.add_overrides(personas.office, text)
    assert message in caught.value.message
    assert not CalendarOverride.objects.exists()


def test_a_row_overlapping_one_already_entered_is_refused(personas):
    holidays.add_overrides(personas.office, "2028-10-01,2028-10-07,放假,国庆节")
    with pytest.raises(holidays.CalendarError, match="第 2 行与已登记的“国庆节 2028-10-01–2028-10-07 放假”重叠"):
        holidays.add_overrides(personas.office, "2028-09-30,2028-09-30,调休上班,国庆节\n2028-10-07,2028-10-08,放假,x")
    assert CalendarOverride.objects.count() == 1  # the good first line was not kept either


def test_only_the_office_edits_the_calendar_and_the_time_limits(personas):
    with pytest.raises(Forbidden):
        holidays.add_overrides(personas.lead_admin, ANNOUNCEMENT)
    with pytest.raises(Forbidden):
        holidays.set_deadline(personas.lead_admin, "result_publication", 10)


def test_the_time_limit_is_data(personas):
    assert workdays.due_date("result_publication", dt.date(2026, 3, 2)) == dt.date(2026, 3, 30)
    for bad, message in (("二十", "不是整数"), ("0", "应在 1 到 60 之间"), ("61", "应在 1 到 60 之间")):
        with pytest.raises(holidays.CalendarError, match=message):
            holidays.set_deadline(personas.office, "result_publication", bad)
    holidays.set_deadline(personas.office, "result_publication", "15")
    assert workdays.due_date("result_publication", dt.date(2026, 3, 2)) == dt.date(2026, 3, 23)
    event = AuditEvent.objects.get(action="deadline.set")
    assert (event.before, event.after) == ({"working_days": 20}, {"working_days": 15})


def test_the_page_keeps_a_rejected_paste_and_shows_the_trial_count(personas, client_for):
    client = client_for(personas.office)
    page = client.post("/calendar/", {"action": "add", "rows": "2028-02-30,2028-03-01,放假,春节"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "第 1 行：起始日期“2028-02-30”不是有效日期" in text and "2028-02-30,2028-03-01" in text
    assert client.post("/calendar/", {"action": "add", "rows": ANNOUNCEMENT}).status_code == 302
    # 2026's Spring Festival: 15–23 February off, Saturdays 14 and 28 February worked.
    text = client.get("/calendar/", {"start": "2026-02-06", "days": "20"}).content.decode()
    assert "期限为 <strong>2026-03-12</strong>" in text
    assert "不计入的工作日（节假日）：02-16、02-17、02-18、02-19、02-20、02-23" in text
    assert "计入的周末调休上班日：02-14、02-28" in text
    assert "春节" in text and "调休上班" in text


def test_a_department_reads_the_calendar_but_cannot_change_it(personas, client_for):
    client = client_for(personas.lead_admin)
    assert client.get("/calendar/").status_code == 200
    assert client.post("/calendar/", {"action": "add", "rows": ANNOUNCEMENT}).status_code == 403
    assert not CalendarOverride.objects.exists()


def test_check_deployment_warns_until_next_years_holidays_are_entered(personas):
    findings = check_calendar(dt.date(2027, 12, 1))
    assert [f.check for f in findings] == ["calendar", "calendar"]
    assert "2028 年节假日安排尚未登记" in findings[1].message
    holidays.add_overrides(personas.office, ANNOUNCEMENT)
    assert [f.message[:4] for f in check_calendar(dt.date(2027, 12, 1))] == ["2027"]
    assert check_calendar(dt.date(2025, 12, 1)) == []  # 2025 and 2026 ship with chinesecalendar
