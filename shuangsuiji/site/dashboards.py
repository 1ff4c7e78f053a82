"""What each role sees first (the home page): the year's progress, what waits for the user, and charts.

Every figure is a count over the same querysets the lists behind it use, so a number on the home page is the
length of the list its link opens. Charts are ECharts options built here and drawn by static/js/charts.js;
each chart carries its data as a table too (for screen readers and for copying into a report)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.db.models.functions import ExtractMonth
from django.urls import reverse
from django.utils.http import urlencode

from shuangsuiji.clues import proposals
from shuangsuiji.clues.models import Clue
from shuangsuiji.clues.models import Status as ClueStatus
from shuangsuiji.common.charts import DONE_COLOUR, PROBLEM_COLOUR, bar, line_by_month, pie
from shuangsuiji.common.views import visible_jobs
from shuangsuiji.items.models import ItemList, ListStatus
from shuangsuiji.meeting import reports as meeting_reports
from shuangsuiji.meeting.models import Decision
from shuangsuiji.plans.models import (
    AnnualPlan,
    Consultation,
    ConsultationStatus,
    PlanStatus,
    Task,
    TaskStatus,
    Visit,
)
from shuangsuiji.plans.services import coverage, filing_status
from shuangsuiji.results import deadlines
from shuangsuiji.results import services as results
from shuangsuiji.results.models import ItemResult, PartStatus, VisitPart
from shuangsuiji.results.progress import DONE, task_progress

# 未开始填写, then PartStatus in order: 填写中, 待审核, 已退回修改, 已审核, 已公开
STATE_COLOURS = ["#ced4da", "#0dcaf0", "#ffc107", "#fd7e14", "#20c997", "#198754"]
OPEN_TASKS = (TaskStatus.DRAWN, TaskStatus.IN_PROGRESS, TaskStatus.RESULTS_COMPLETE)


def link(name: str, **query) -> str:
    """The address of the list a figure counts."""
    return reverse(name) + (f"?{urlencode(query)}" if query else "")


# ---------------------------------------------------------------- the pieces

def _year_charts(year: int) -> list[dict]:
    """The office's and the leader's charts: coverage per department, inspections per month, findings."""
    cov = coverage(year)
    depts = cov["departments"][:16]
    charts = [bar("各部门检查进度（户）", [r["name"] for r in depts],
                  {"已检查": [r["n"] for r in depts], "已抽取未完成": [r["drawn"] - r["n"] for r in depts]},
                  ("部门", "已检查", "已抽取未完成"), stack=True)]
    done = _parts_of_year(year).filter(status__in=DONE, reviewed_at__isnull=False)
    by_month = dict(done.annotate(m=ExtractMonth("reviewed_at")).values("m").annotate(n=Count("id")).values_list("m", "n"))
    found = dict(done.filter(results__has_problem=True).annotate(m=ExtractMonth("reviewed_at")).values("m")
                 .annotate(n=Count("id", distinct=True)).values_list("m", "n"))
    charts.append(line_by_month(f"{year} 年每月完成的检查（份）", year, {"审核通过": by_month, "其中发现问题": found},
                                ("月份", "审核通过", "其中发现问题")))
    results_of_year = ItemResult.objects.filter(part__in=done)
    problems = results_of_year.filter(has_problem=True).count()
    charts.append(pie("检查事项结果（已审核）", {"未发现问题": results_of_year.count() - problems, "发现问题": problems},
                      ("结果", "事项数"), [DONE_COLOUR, PROBLEM_COLOUR]))
    return charts


def _parts_of_year(year: int, department_id: int | None = None):
    parts = VisitPart.objects.filter(visit__void=False, visit__task__year=year)
    return parts.filter(department_id=department_id) if department_id else parts


def _task_rows(tasks, department_id: int | None = None) -> list[dict]:
    tasks = list(tasks)
    progress = task_progress([t.pk for t in tasks], department_id)
    return [{"task": t, **progress.get(t.pk, {"visits": 0, "done": 0})} for t in tasks]


def _clues_to_triage(user):
    """Clues waiting for the user to triage: the office all, an administrator those its department received."""
    clues = Clue.objects.filter(status=ClueStatus.NEW)
    if not user.is_office:
        clues = clues.filter(received_by=user.department_id)
    return clues.select_related("entity").order_by("due_on", "number")[:10]


def _late_reports(today: dt.date) -> int:
    year, half = meeting_reports.last_due(today)
    return sum(row["state"] == "late" for row in meeting_reports.status(year, half, today))


def office(user, today: dt.date) -> dict:
    year = today.year
    tasks = Task.objects.visible_to(user).filter(year=year)
    bounds = deadlines.Bounds.of(today)
    filing = filing_status(year, today)
    followups = results.followups_visible_to(user)
    return {
        "year": year, "charts": _year_charts(year),
        "figures": [
            ("计划已报备部门", sum(r["state"] in ("on_time", "late") for r in filing), len(filing), link("plans:year")),
            ("进行中的任务", tasks.filter(status__in=OPEN_TASKS).count(), None, link("plans:task_list")),
            ("临近公开期限的结果", deadlines.in_state("near", bounds).count(), None,
             link("results:deadlines", state="near")),
            ("逾期未公开的结果", deadlines.in_state("late", bounds).count(), None, link("results:deadlines", state="late")),
            ("逾期未办结的后续处置", results.overdue(followups, today).count(), None,
             link("results:followup_list", state="overdue")),
            ("逾期未分办的线索", Clue.objects.overdue(today).count(), None, link("clues:list", state="overdue")),
            ("逾期未办结的议定事项", Decision.objects.overdue(today).count(), None, link("meeting:meetings")),
            ("上一期工作情况逾期未报送的单位", _late_reports(today), None, link("meeting:reports", **dict(zip(
                ("year", "half"), meeting_reports.last_due(today), strict=True)))),
        ],
        # the leader reads and decides nothing: no work waits for them
        "waiting": {} if user.is_leader else {
            "clues": _clues_to_triage(user),
            "proposals": proposals.refresh(today) if user.is_office else [],
            "lists": ItemList.objects.filter(status=ListStatus.SUBMITTED).select_related("department")[:10],
            "plans": AnnualPlan.objects.filter(status=PlanStatus.FILED).select_related("department")[:10],
            "tasks": tasks.filter(status=TaskStatus.SUBMITTED).order_by("number")[:10],
            "consultations": (Consultation.objects.filter(status__in=(ConsultationStatus.PENDING,
                                                                       ConsultationStatus.OBJECTED),
                                                          task__status=TaskStatus.APPROVED)
                              .select_related("task", "department")[:10]),
        },
        "late_by_department": [r for r in deadlines.per_department(bounds) if r["late"] or r["near"]],
        "task_rows": _task_rows(tasks.filter(status__in=OPEN_TASKS).order_by("ends_on", "number")[:10]),
        "jobs": visible_jobs(user)[:5] if user.is_office else [],
    }


def department(user, today: dt.date) -> dict:
    year, dept = today.year, user.department
    tasks = Task.objects.visible_to(user).filter(year=year)
    bounds = deadlines.Bounds.of(today)
    followups = results.followups_visible_to(user)
    to_review = VisitPart.objects.filter(status=PartStatus.SUBMITTED, department=dept)
    approvals = tasks.filter(status=TaskStatus.SUBMITTED, department=dept)
    rows = _task_rows(tasks.filter(status__in=OPEN_TASKS).order_by("ends_on", "number")[:12], dept.pk)
    charts = []
    if rows:
        charts.append(bar("本部门任务进度（户，本部门结果已审核）", [r["task"].number for r in rows],
                          {"已完成": [r["done"] for r in rows], "未完成": [r["visits"] - r["done"] for r in rows]},
                          ("任务", "已完成", "未完成"), stack=True))
    by_state = dict(_parts_of_year(year, dept.pk).values("status").annotate(n=Count("id")).values_list("status", "n"))
    visits = (Visit.objects.filter(void=False, task__year=year).filter(Q(task__department=dept) | Q(task__partners=dept))
              .distinct().count())
    states = {"未开始填写": max(visits - sum(by_state.values()), 0),
              **{PartStatus(s).label: by_state.get(s, 0) for s in PartStatus.values}}
    if visits:
        charts.append(pie("本部门检查单状态（份）", states, ("状态", "份数"), STATE_COLOURS))
    return {
        "year": year, "charts": charts, "task_rows": rows,
        "figures": [
            ("待审核的检查结果", to_review.count(), None, link("results:workbench")),
            ("待审核锁定的任务", approvals.count(), None, link("plans:task_list")),
            ("临近公开期限", deadlines.in_state("near", bounds, user).count(), None, link("results:deadlines", state="near")),
            ("逾期未公开", deadlines.in_state("late", bounds, user).count(), None, link("results:deadlines", state="late")),
            ("待签收的后续处置", followups.filter(owner=dept, status="open").count(), None,
             link("results:followup_list", state="incoming")),
            ("逾期未办结的后续处置", results.overdue(followups.filter(owner=dept), today).count(), None,
             link("results:followup_list", state="overdue")),
        ],
        "waiting": {
            "clues": _clues_to_triage(user),
            "tasks": approvals.order_by("number")[:10],
            "consultations": (Consultation.objects.filter(department=dept, status=ConsultationStatus.PENDING,
                                                          task__status=TaskStatus.APPROVED)
                              .select_related("task", "task__department")[:10]),
            "review": to_review.select_related("visit", "visit__entity").order_by("submitted_at")[:10],
        },
        "jobs": visible_jobs(user)[:5],
    }


def inspector(user, today: dt.date) -> dict:
    groups = results.my_visit_groups(user, today)
    return {"groups": groups, "open_count": len(groups["overdue"]) + len(groups["today"])}
