"""Issue 31, slice 5: the clue dashboard. Clues per month by source, department, industry or town, per department by
state, and the days triage and closure took — counted over the clues the reader may read, as charts with their
tables and as Excel."""

import datetime as dt
import io

import openpyxl
from django.utils import timezone

from shuangsuiji.clues import services, stats
from shuangsuiji.directory.testing import make_entity


def received(personas, days_ago, source="complaint", actor=None, **fields):
    return services.receive(actor or personas.lead_admin, source=source,
                            received_on=timezone.localdate() - dt.timedelta(days=days_ago), content="线索", **fields)


def test_months_run_back_twelve_months_from_this_one():
    months = stats.months_to(dt.date(2026, 3, 15))
    assert months[0] == dt.date(2025, 4, 1) and months[-1] == dt.date(2026, 3, 1) and len(months) == 12


def test_clues_are_counted_by_month_and_group_and_the_reader_sees_only_their_own(personas, client_for):
    today = timezone.localdate()
    months = stats.months_to(today)
    shop = make_entity()
    a = received(personas, 0, uscc=shop.uscc)
    received(personas, 0, source="monitoring")
    old = received(personas, 400)  # before the twelve months
    other = received(personas, 0, actor=personas.partner_admin)
    services.assign(personas.lead_admin, a, personas.lead_dept)
    clues, _ = stats.window(personas.office, today)
    series = stats.by_month(clues, "source", months)
    assert series == {"投诉举报": [0] * 11 + [2], "数据监测": [0] * 11 + [1]}
    assert old.pk not in set(clues.values_list("pk", flat=True))
    by_department = stats.by_month(clues, "department", months)
    assert by_department[personas.lead_dept.short_name][-1] == 1 and by_department["待分办"][-1] == 2
    mine, _ = stats.window(personas.lead_admin, today)
    assert other.pk not in set(mine.values_list("pk", flat=True)) and mine.count() == 2
    rows = {r["department"]: r for r in stats.per_department(clues, today)}
    assert rows[personas.lead_dept.short_name]["total"] == 2 and rows[personas.lead_dept.short_name]["assigned"] == 1
    assert rows[personas.partner_dept.short_name]["new"] == 1


def test_triage_and_closure_times_are_measured_from_receipt(personas):
    today = timezone.localdate()
    first = received(personas, 10)
    second = received(personas, 4)
    services.assign(personas.lead_admin, first, personas.lead_dept)
    services.assign(personas.lead_admin, second, personas.lead_dept)
    services.close(personas.lead_admin, first, outcome="unfounded", note="经核实不属实")
    clues, months = stats.window(personas.office, today)
    times = stats.durations(clues, months)
    assert times["triage"] == {"count": 2, "median": 7, "mean": 7.0}
    assert times["closure"] == {"count": 1, "median": 10, "mean": 10.0}


def test_the_dashboard_draws_its_charts_and_exports_them(personas, client_for):
    received(personas, 0)
    c = client_for(personas.lead_admin)
    page = c.get("/clues/dashboard/?by=town").content.decode()
    assert "每月收到的线索（按乡镇（街道））" in page and 'data-chart="chart-3"' in page and "办理时长" in page
    assert c.get("/clues/dashboard/?by=nonsense").status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(c.get("/clues/dashboard/?format=xlsx").content))
    assert book.sheetnames == ["按月按来源", "按承办部门", "办理时长"]
    assert [cell.value for cell in book["按承办部门"][2]][:3] == [personas.lead_dept.short_name, 1, 1]
    assert client_for(personas.inspector).get("/clues/dashboard/").status_code == 403
