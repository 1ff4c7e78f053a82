"""Public tasks and their results: the announcement once the draw is committed (a targeted check only
once it has results public, so nobody is forewarned), then each business's result line."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.shortcuts import get_object_or_404, render

from shuangsuiji.accounts.models import Department
from shuangsuiji.plans.models import Task, TaskKind, TaskStatus
from shuangsuiji.results import public as results
from shuangsuiji.results.models import Publication

from .businesses import page_number

ANNOUNCED = (TaskStatus.COMMITTED, TaskStatus.DRAWN, TaskStatus.IN_PROGRESS, TaskStatus.RESULTS_COMPLETE,
             TaskStatus.PUBLISHED, TaskStatus.CLOSED)
RESULTS_PER_PAGE = 50


def public_tasks():
    """Random tasks from their commitment on; targeted ones once a result of theirs is public."""
    has_results = Exists(Publication.objects.public().filter(task=OuterRef("pk")))
    return (Task.objects.filter(status__in=ANNOUNCED)
            .filter(~Q(kind=TaskKind.TARGETED) | Q(has_results)))


def year_and_department(request) -> tuple[int | None, Department | None]:
    """The ?year= and ?department= filters; unknown values are ignored, not errors."""
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isascii() and raw.isdigit() and len(raw) == 4 else None
    code = request.GET.get("department", "")
    department = Department.objects.filter(code=code).first() if code else None
    return year, department


def task_list(request):
    year, department = year_and_department(request)
    tasks = public_tasks().select_related("department").annotate(
        checked=Count("publications__entity", filter=Q(publications__corrected_at__isnull=True,
                                                                  publications__withdrawn_at__isnull=True),
                      distinct=True))
    if year:
        tasks = tasks.filter(year=year)
    if department:
        tasks = tasks.filter(Q(department=department) | Q(partners=department)).distinct()
    page = Paginator(tasks.order_by("-year", "-id"), 30).get_page(page_number(request))
    return render(request, "portal/tasks/list.html", {
        "page": page, "year": year, "department": department, "departments": Department.objects.members(),
        "years": sorted(set(Task.objects.filter(status__in=ANNOUNCED).values_list("year", flat=True)), reverse=True),
    })


def task_detail(request, number: str):
    task = get_object_or_404(public_tasks().select_related("department", "draw"), number=number)
    current = Publication.objects.current().filter(task=task)
    counts = current.aggregate(checked=Count("entity", distinct=True),
                               problems=Count("entity", filter=Q(has_problem=True), distinct=True))
    rows = current.for_display().order_by("entity__name", "department__order")
    page = Paginator(rows, RESULTS_PER_PAGE).get_page(page_number(request))
    corrected = (Publication.objects.filter(task=task, corrected_at__isnull=False)
                 .for_display())
    draw = task.draw if task.draw and task.draw.committed_at else None
    return render(request, "portal/tasks/detail.html", {
        "task": task, "draw": draw, "counts": counts, "page": page,
        "rows": results.with_followups(page.object_list), "corrected": results.with_followups(corrected),
        "partners": task.partners.order_by("order"),
        "items": task.task_items.select_related("item", "item__department").order_by("item__code"),
        "visits": task.visits.filter(void=False).count() if task.status != TaskStatus.COMMITTED else None,
    })


def result_list(request):
    """Every result made public, newest first, filterable by year and department."""
    year, department = year_and_department(request)
    rows = Publication.objects.current().for_display()
    if year:
        rows = rows.filter(task__year=year)
    if department:
        rows = rows.filter(department=department)
    page = Paginator(rows.order_by("-published_at", "-id"), RESULTS_PER_PAGE).get_page(page_number(request))
    return render(request, "portal/results.html", {
        "page": page, "rows": results.with_followups(page.object_list), "year": year, "department": department,
        "departments": Department.objects.members(),
        "years": sorted(set(Task.objects.filter(status__in=ANNOUNCED).values_list("year", flat=True)), reverse=True),
    })
