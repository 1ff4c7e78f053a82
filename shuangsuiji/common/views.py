"""Pages every app shares: background jobs and the working-day calendar (the audit log's page is the site's)."""

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from . import holidays, workdays
from .errors import NotFound, Refused, refuse
from .models import CalendarOverride, Job


def visible_jobs(user):
    jobs = Job.objects.select_related("created_by", "department")
    if user.is_office:
        return jobs
    return jobs.filter(created_by=user)


def job_list(request):
    page = Paginator(visible_jobs(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "common/job_list.html", {"page": page})


def job_detail(request, pk: int):
    job = get_object_or_404(visible_jobs(request.user), pk=pk)
    template = "common/_job_progress.html" if request.htmx else "common/job_detail.html"
    return render(request, template, {"job": job})


def calendar_page(request):
    """Working days: the override rows, the time limits, and a trial count of a due date."""
    text = ""
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "add":
                text = request.POST.get("rows", "")
                rows = holidays.add_overrides(request.user, text)
                messages.success(request, f"已登记 {len(rows)} 段节假日调整。")
                text = ""
            elif action == "remove":
                holidays.remove_override(request.user, _int(request.POST.get("pk")))
                messages.success(request, "已删除这一段节假日调整。")
            elif action == "deadline":
                row = holidays.set_deadline(request.user, request.POST.get("key", ""),
                                            request.POST.get("working_days", ""))
                messages.success(request, f"{row.label}时限已改为 {row.working_days} 个工作日。")
            else:
                raise holidays.CalendarError("未知的操作。")
        except Refused as exc:
            refuse(request, exc)
        if not text:
            return redirect("calendar")
    today = timezone.localdate()
    years = [today.year, today.year + 1]
    return render(request, "common/calendar.html", {
        "rows": CalendarOverride.objects.filter(ends_on__gte=dt.date(today.year - 1, 1, 1)).select_related("created_by"),
        "deadlines": holidays.deadlines(), "coverage": [(y, workdays.covers(y)) for y in years],
        "text": text, "example": holidays.EXAMPLE, "trial": _trial(request.GET), "today": today,
    })


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound("没有这一段节假日调整。") from None


def _trial(params) -> dict | None:
    """试算: the due date ``days`` working days after ``start``, with the days skipped and the 调休 days counted."""
    if not params.get("start"):
        return None
    try:
        start = dt.date.fromisoformat(params["start"])
        days = int(params.get("days") or 20)
    except ValueError:
        return {"error": "请填写有效的起始日期（例如 2026-02-06）和工作日数。"}
    if not 1 <= days <= 60:
        return {"error": "工作日数应在 1 到 60 之间。"}
    due = workdays.add_working_days(start, days)
    cal = workdays.Calendar.around(start, due)
    span = [start + dt.timedelta(days=n) for n in range(1, (due - start).days + 1)]
    skipped = [d for d in span if not cal.is_workday(d) and d.isoweekday() <= 5]
    worked = [d for d in span if cal.is_workday(d) and d.isoweekday() > 5]
    return {"start": start, "days": days, "due": due, "skipped": skipped, "worked": worked}
