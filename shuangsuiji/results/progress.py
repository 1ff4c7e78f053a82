"""How far the year's inspections have got: coverage of the directory per department and item, and each plan
entry's tasks and finished visits. A business counts as inspected for a department once that department's
result for it is approved (审核通过, the result the public will see); registered with plans in results.apps."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q

from shuangsuiji.accounts.models import Department
from shuangsuiji.directory.models import Entity
from shuangsuiji.plans.models import Task, Visit

from .models import ItemResult, PartStatus, VisitPart

DONE = (PartStatus.APPROVED, PartStatus.PUBLISHED)


def coverage(year: int) -> dict:
    total = Entity.objects.drawable().count()
    visits = Visit.objects.filter(void=False, task__year=year)
    taking_part = Department.objects.filter(Q(tasks__year=year) | Q(partner_tasks__year=year)).distinct()
    inspected = dict(VisitPart.objects.filter(visit__void=False, visit__task__year=year, status__in=DONE)
                     .values("department").annotate(n=Count("visit__entity", distinct=True))
                     .values_list("department", "n"))
    departments = []
    for dept in taking_part.order_by("order", "id"):
        drawn = (visits.filter(Q(task__department=dept) | Q(task__partners=dept)).values("entity").distinct().count())
        n = inspected.get(dept.pk, 0)
        departments.append({"name": dept.name, "drawn": drawn, "n": n, "share": _percent(n, total)})
    departments.sort(key=lambda r: (-r["n"], -r["drawn"]))
    items = (ItemResult.objects.filter(part__visit__void=False, part__visit__task__year=year, part__status__in=DONE)
             .values("item__code", "item__name").annotate(n=Count("part__visit__entity", distinct=True))
             .order_by("-n", "item__code")[:30])
    return {"total": total, "departments": departments,
            "items": [{"code": r["item__code"], "name": r["item__name"], "n": r["n"],
                       "share": _percent(r["n"], total)} for r in items]}


def _percent(n: int, total: int) -> float:
    return 100 * n / total if total else 0.0


def task_progress(task_ids: list[int], department_id: int | None = None) -> dict[int, dict]:
    """Per task: ``{"visits": businesses to visit, "done": visits with every result approved}``; for one
    department, the visits with that department's result approved."""
    mine = Q(parts__department_id=department_id) if department_id else Q()
    visits = (Visit.objects.filter(task__in=task_ids, void=False)
              .annotate(parts_all=Count("parts", filter=mine),
                        parts_done=Count("parts", filter=mine & Q(parts__status__in=DONE))))
    progress: dict[int, dict] = defaultdict(lambda: {"visits": 0, "done": 0})
    for task_id, parts_all, parts_done in visits.values_list("task", "parts_all", "parts_done"):
        progress[task_id]["visits"] += 1
        progress[task_id]["done"] += int(parts_all > 0 and parts_all == parts_done)
    return {task_id: progress[task_id] for task_id in task_ids}


def entry_progress(entry_ids: list[int]) -> dict[int, dict]:
    tasks = list(Task.objects.filter(plan_entry__in=entry_ids).order_by("number"))
    by_task = task_progress([t.pk for t in tasks])
    progress = {entry_id: {"tasks": [], "visits": 0, "done": 0} for entry_id in entry_ids}
    for task in tasks:
        row = progress[task.plan_entry_id]
        row["tasks"].append(task)
        row["visits"] += by_task[task.pk]["visits"]
        row["done"] += by_task[task.pk]["done"]
    return progress
