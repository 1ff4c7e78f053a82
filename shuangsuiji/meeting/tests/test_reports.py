"""Issue 32, slice 3: the June and December work reports. Each member unit files its report with the platform's
figures for the half-year (frozen when sent) and its own account, once; the office sees who is late and is told
nothing — the units are reminded before the due date and once when late; the summary for the conveners is a page,
a PDF whose Chinese text is there, and an Excel workbook, with the same figures."""

import datetime as dt
import io

import openpyxl
import pytest
from django.utils import timezone
from pypdf import PdfReader

from shuangsuiji.common.errors import Forbidden, WrongState
from shuangsuiji.meeting import reports
from shuangsuiji.meeting.models import WorkReport
from shuangsuiji.notices.models import Notice
from shuangsuiji.results.testing import field_visit


def test_a_unit_files_its_report_once_with_the_platforms_figures(personas, client_for):
    visit, _ = field_visit(personas)
    task = visit.task
    year, half = reports.current_half(task.starts_on or timezone.localdate())
    figures = reports.figures(personas.lead_dept, year, half)
    assert set(figures) == set(reports.FIGURES) and all(isinstance(v, int) for v in figures.values())
    c = client_for(personas.partner_admin)
    page = c.get(f"/meeting/reports/?year={year}&half={half}").content.decode()
    assert "报送卫健工作情况" in page and "检查市场主体（户）" in page
    c.post(f"/meeting/reports/?year={year}&half={half}", {"text": ""})
    assert not WorkReport.objects.exists()
    c.post(f"/meeting/reports/?year={year}&half={half}", {"text": "上半年完成公共场所卫生抽查 3 批次。"})
    report = WorkReport.objects.get()
    assert report.department == personas.partner_dept and report.figures == reports.figures(
        personas.partner_dept, year, half)
    with pytest.raises(WrongState):
        reports.submit(personas.partner_admin, personas.partner_dept, year, half, "再报一次")
    with pytest.raises(Forbidden):  # the office compiles; each unit files its own
        reports.submit(personas.office, personas.partner_dept, year, half, "代报")


def test_late_units_are_listed_and_reminded_and_the_summary_downloads(personas, client_for):
    today = timezone.localdate()
    last_june = dt.date(today.year - (1 if today.month <= 6 else 0), 6, 1)
    year, half = last_june.year, 1
    WorkReport.objects.create(department=personas.partner_dept, year=year, half=half, text="卫健上半年工作情况。",
                              figures=reports.figures(personas.partner_dept, year, half),
                              submitted_at=timezone.make_aware(dt.datetime(year, 6, 20, 10)),
                              submitted_by=personas.partner_admin)
    after = dt.date(year, 7, 3)
    rows = {r["department"].code: r["state"] for r in reports.status(year, half, after)}
    assert rows[personas.partner_dept.code] == "submitted" and rows[personas.lead_dept.code] == "late"
    before = {r["department"].code: r["state"] for r in reports.status(year, half, dt.date(year, 6, 10))}
    assert before[personas.lead_dept.code] == "waiting"
    near = reports.remind(dt.date(year, 6, 25))
    assert near >= 1 and Notice.objects.filter(department=personas.lead_dept, title__contains="前报送").exists()
    assert not Notice.objects.filter(department=personas.partner_dept, title__contains="报送").exists()
    assert reports.remind(dt.date(year, 6, 26)) == 0  # once
    assert reports.remind(after) >= 1
    assert Notice.objects.filter(department=personas.lead_dept, title__contains="逾期未报送").exists()
    office = client_for(personas.office)
    page = office.get(f"/meeting/reports/summary/?year={year}&half={half}").content.decode()
    assert "逾期未报送" in page and "卫健上半年工作情况" in page
    pdf = office.get(f"/meeting/reports/summary/?year={year}&half={half}&format=pdf")
    assert pdf["Content-Type"] == "application/pdf"
    # pypdf reads fpdf2's two-byte CJK glyph codes back with a NUL before each character
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages).replace("\x00", "")
    assert "工作情况汇总" in text and "卫健上半年工作情况" in text and "逾期未报送" in text
    book = openpyxl.load_workbook(io.BytesIO(office.get(
        f"/meeting/reports/summary/?year={year}&half={half}&format=xlsx").content))
    sheet = book.active
    assert sheet["A1"].value == "成员单位" and any(row[1] == "逾期未报送" for row in sheet.iter_rows(values_only=True))
    assert client_for(personas.lead_admin).get("/meeting/reports/summary/").status_code == 403


def test_the_report_last_due_and_the_offices_home_page(personas, client_for):
    assert reports.last_due(dt.date(2026, 6, 29)) == (2025, 2)
    assert reports.last_due(dt.date(2026, 6, 30)) == (2026, 1)
    assert reports.last_due(dt.date(2026, 12, 8)) == (2026, 1)
    assert reports.last_due(dt.date(2026, 12, 31)) == (2026, 2)
    page = client_for(personas.office).get("/").content.decode()
    assert "上一期工作情况逾期未报送的单位" in page and "逾期未办结的议定事项" in page
