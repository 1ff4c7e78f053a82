"""The member units' June and December work reports (annex 2, 二(四)): each unit's figures for the half-year from
the platform, its own account, who is late, reminders before the due date, and the office's summary for the
conveners as a page, a PDF (Chinese font) and an Excel workbook."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from shuangsuiji.accounts.models import Department
from shuangsuiji.clues.models import Clue
from shuangsuiji.common import audit
from shuangsuiji.common.errors import Forbidden, WrongState
from shuangsuiji.common.pdf import cjk_pdf, line
from shuangsuiji.common.tabular import xlsx_book
from shuangsuiji.notices.services import notify
from shuangsuiji.plans.models import Task
from shuangsuiji.results.models import FollowUp, ItemResult, PartStatus, VisitPart

from .models import Half, WorkReport
from .services import MeetingError

REMIND_DAYS = 10  # the reminder goes out this many days before the due date
FIGURES = {  # key: label, in the order reports show them
    "tasks": "牵头的抽查任务（个）", "joint_tasks": "其中联合抽查（个）", "businesses": "检查市场主体（户）",
    "problems": "发现问题（户）", "followups": "后续处置（件）", "followups_closed": "其中已办结（件）",
    "published": "公示检查结果（份）", "published_late": "其中逾期公示（份）", "clues": "办理线索（条）",
}


def period(year: int, half: int) -> tuple[dt.date, dt.date]:
    return (dt.date(year, 1, 1), dt.date(year, 6, 30)) if half == Half.FIRST else (dt.date(year, 7, 1),
                                                                                   dt.date(year, 12, 31))


def due_on(year: int, half: int) -> dt.date:
    """Reports are filed in June and in December: by the last day of the month."""
    return period(year, half)[1]


def current_half(today: dt.date) -> tuple[int, int]:
    return today.year, Half.FIRST if today.month <= 6 else Half.SECOND


def last_due(today: dt.date) -> tuple[int, int]:
    """The half-year whose report fell due last (on or before today)."""
    year, half = current_half(today)
    if today >= due_on(year, half):
        return year, half
    return (year, Half.FIRST) if half == Half.SECOND else (year - 1, Half.SECOND)


def figures(department: Department, year: int, half: int) -> dict[str, int]:
    """What the platform holds of the unit's work in the half-year (to date, for the half under way)."""
    start, end = period(year, half)
    zone = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    tasks = Task.objects.filter(department=department, starts_on__range=(start, end)).exclude(status="draft")
    parts = VisitPart.objects.filter(department=department, reviewed_at__gte=since, reviewed_at__lt=until,
                                     status__in=(PartStatus.APPROVED, PartStatus.PUBLISHED))
    problems = ItemResult.objects.filter(part__in=parts, has_problem=True)
    published = VisitPart.objects.filter(department=department, published_at__gte=since, published_at__lt=until)
    followups = FollowUp.objects.filter(owner=department, created_at__gte=since, created_at__lt=until)
    return {
        "tasks": tasks.count(), "joint_tasks": tasks.exclude(kind__in=("internal", "targeted")).count(),
        "businesses": parts.values("visit__entity").distinct().count(),
        "problems": problems.values("part__visit__entity").distinct().count(),
        "followups": followups.count(), "followups_closed": followups.filter(closed_at__isnull=False).count(),
        "published": published.count(),
        "published_late": published.filter(publish_due_on__lt=F("published_at__date")).count(),
        "clues": Clue.objects.filter(Q(department=department) | Q(department__isnull=True, received_by=department),
                                     received_on__range=(start, end)).count(),
    }


@transaction.atomic
def submit(actor, department: Department, year: int, half: int, text: str) -> WorkReport:
    """The unit's report for the half-year, with the platform's figures frozen as they are now; once only."""
    if department is None or not actor.is_admin or actor.department_id != department.pk:
        raise Forbidden("工作情况由成员单位自行报送：只有本单位的管理员可以报送。")
    if WorkReport.objects.filter(department=department, year=year, half=half).exists():
        raise WrongState(f"{department.short_name}{year}年{Half(half).label}的工作情况已报送。")
    if not text.strip():
        raise MeetingError("请填写工作情况。", errors={"text": "请填写本单位的工作情况（开展情况、问题和下一步打算）。"})
    report = WorkReport.objects.create(department=department, year=year, half=half, text=text.strip(),
                                       figures=figures(department, year, half), submitted_at=timezone.now(),
                                       submitted_by=actor)
    late = report.submitted_at.date() > due_on(year, half)
    audit.record(actor, "meeting.report", report, department=department, after={"year": year, "half": half, "late": late},
                 summary=f"{department.short_name}报送{year}年{Half(half).label}工作情况{'（逾期）' if late else ''}")
    return report


def status(year: int, half: int, today: dt.date) -> list[dict]:
    """Every member unit's report for the half-year: submitted (on time or late), late, or not yet due."""
    reports = {r.department_id: r for r in WorkReport.objects.filter(year=year, half=half)}
    due = due_on(year, half)
    rows = []
    for unit in Department.objects.members():
        report = reports.get(unit.pk)
        if report is not None:
            state = "late_submitted" if timezone.localtime(report.submitted_at).date() > due else "submitted"
        else:
            state = "late" if today > due else "waiting"
        rows.append({"department": unit, "report": report, "state": state})
    return rows


def remind(today: dt.date | None = None) -> int:
    """Tell each member unit that has not reported, once when the due date is near and once when it is late."""
    today = today or timezone.localdate()
    sent = 0
    for year, half in {current_half(today), current_half(today - dt.timedelta(days=31))}:
        due = due_on(year, half)
        if today < due - dt.timedelta(days=REMIND_DAYS) or period(year, half)[0] > today:
            continue
        mark = "late" if today > due else "near"
        for row in status(year, half, today):
            if row["report"] is not None:
                continue
            title = (f"{year}年{Half(half).label}工作情况已逾期未报送" if mark == "late"
                     else f"请于 {due:%m月%d日} 前报送{year}年{Half(half).label}工作情况")
            if notify(row["department"], f"work-report:{year}:{half}:{row['department'].pk}:{mark}", title,
                      "报送联席会议办公室；平台数据已自动汇总，请补充本单位的工作情况。", reverse("meeting:reports")):
                sent += 1
    return sent


def summary_rows(year: int, half: int, today: dt.date) -> list[dict]:
    """The summary for the conveners: every unit's figures (frozen in its report, or the platform's to date)."""
    rows = []
    for row in status(year, half, today):
        report = row["report"]
        rows.append({**row, "figures": report.figures if report else figures(row["department"], year, half)})
    return rows


def totals(rows: list[dict]) -> dict[str, int]:
    return {key: sum(r["figures"].get(key, 0) for r in rows) for key in FIGURES}


STATES = {"submitted": "已按时报送", "late_submitted": "逾期报送", "late": "逾期未报送", "waiting": "未到期"}


def summary_pdf(year: int, half: int, today: dt.date) -> bytes:
    rows = summary_rows(year, half, today)
    pdf = cjk_pdf(f"{year}年{Half(half).label}工作情况汇总")
    pdf.add_page()
    line(pdf, f"“双随机、一公开”监管工作联席会议成员单位 {year} 年{Half(half).label}工作情况汇总", 14, 8)
    start, end = period(year, half)
    line(pdf, f"统计期间：{start:%Y年%m月%d日}至{end:%Y年%m月%d日}；报送期限：{due_on(year, half):%Y年%m月%d日}；"
              f"汇总日期：{today:%Y年%m月%d日}。联席会议办公室汇总，报总召集人、召集人。", 9, 5)
    sums = totals(rows)
    pdf.ln(2)
    line(pdf, "一、总体情况", 12, 7)
    line(pdf, "；".join(f"{label}{sums[key]}" for key, label in FIGURES.items()) + "。")
    late = [r["department"].short_name for r in rows if r["state"] == "late"]
    line(pdf, f"报送情况：{sum(1 for r in rows if r['report'])} 个单位已报送" +
         (f"；逾期未报送：{'、'.join(late)}。" if late else "。"))
    pdf.ln(2)
    line(pdf, "二、各成员单位情况", 12, 7)
    for row in rows:
        figures_text = "，".join(f"{label}{row['figures'].get(key, 0)}" for key, label in FIGURES.items())
        line(pdf, f"{row['department'].name}（{STATES[row['state']]}）", 10, 6)
        line(pdf, figures_text + "。", 9, 5)
        if row["report"]:
            line(pdf, row["report"].text, 9, 5)
        pdf.ln(1)
    return bytes(pdf.output())


def summary_xlsx(year: int, half: int, today: dt.date) -> bytes:
    rows = summary_rows(year, half, today)
    header = ["成员单位", "报送情况", "报送时间", *FIGURES.values(), "工作情况"]
    return xlsx_book([(f"{year}年{'上' if half == 1 else '下'}半年", header, [
        [r["department"].name, STATES[r["state"]],
         timezone.localtime(r["report"].submitted_at).strftime("%Y-%m-%d") if r["report"] else "",
         *(r["figures"].get(k, 0) for k in FIGURES), r["report"].text if r["report"] else ""] for r in rows])])
