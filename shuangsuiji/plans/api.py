"""JSON API of plans and tasks (/api/v1/plans): the same services, scope and refusals as the pages."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from shuangsuiji.accounts.models import Department
from shuangsuiji.accounts.permissions import ADMINS, ANY_STAFF, WORKERS
from shuangsuiji.common.errors import Forbidden, NotFound
from shuangsuiji.common.schemas import ErrorOut, Id, Offset
from shuangsuiji.items.models import InspectionItem

from . import services
from .models import AnnualPlan, PlanEntry, Task, Visit

router = Router(tags=["年度计划与抽查任务"])


ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


class EntryOut(Schema):
    title: str
    kind: str
    items: list[str]
    scope_text: str
    ratio_text: str
    timing: str
    lead_department: str
    partner_departments: list[str]


class PlanOut(Schema):
    id: int
    year: int
    department: str | None
    version: int
    title: str
    status: str
    status_label: str
    filed_late: bool
    adjustment_reason: str
    return_comment: str
    entries: list[EntryOut]


class PlanIn(Schema):
    year: int
    title: str = ""
    joint: bool = False


class EntryIn(Schema):
    title: str
    kind: str
    item_ids: list[int]
    scope_text: str
    ratio_text: str
    timing: str
    lead_department: str
    partner_departments: list[str] = []


class ReasonIn(Schema):
    reason: str = ""


class TaskIn(Schema):
    kind: str
    title: str
    item_ids: list[Id]
    methods: dict[int, str] = {}
    partners: list[str] = []
    scope: dict[str, Any] = {}
    strata_by: list[str] = []
    rules: dict[str, Any] = {}
    yearly_cap: Annotated[int, Field(ge=1, le=1000)] | None = None
    exclusion_days: Annotated[int, Field(ge=0, le=3660)] = 0
    team_size: Annotated[int, Field(ge=2, le=20)] = 2
    targeted_reason: str = ""
    targeted_note: str = ""
    targets: list[str] = []
    documents: str = ""
    plan_entry_id: Id | None = None  # the batch of a published plan the task carries out
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None


class TaskOut(Schema):
    number: str
    year: int
    title: str
    kind: str
    kind_label: str
    department: str
    partners: list[str]
    status: str
    status_label: str
    items: list[dict[str, str]]
    draw: str | None
    visits: int
    consultations: list[dict[str, str]]  # 会商: {department, status, status_label, note} per partner
    plan_entry: dict[str, Any] | None  # {id, title, plan_id}: the plan batch it carries out


class ConsultIn(Schema):
    department: str  # the partner department's code
    action: str  # confirm | object | override (the office)
    note: str = ""


class SourcesIn(Schema):
    sources: list[dict[str, Any]]


class RevealIn(Schema):
    revealed: list[Any]


class VisitOut(Schema):
    number: str
    uscc: str
    name: str
    sheet: list[dict[str, Any]]


def _sees_return_comment(plan: AnnualPlan, user) -> bool:
    """The office's opinion on a returned plan is internal: the office, the leader and the plan's own
    department read it, other departments never (not even once the plan is published; issue 26)."""
    return user.sees_all_departments or (
        plan.department_id is not None and plan.department_id == user.department_id)


def plan_out(plan: AnnualPlan, user) -> dict[str, Any]:
    return {
        "id": plan.pk, "year": plan.year, "department": plan.department.code if plan.department else None,
        "version": plan.version, "title": plan.title, "status": plan.status, "status_label": plan.get_status_display(),
        "filed_late": plan.filed_late, "adjustment_reason": plan.adjustment_reason,
        "return_comment": plan.return_comment if _sees_return_comment(plan, user) else "",
        "entries": [{"title": e.title, "kind": e.kind, "items": [i.code for i in e.items.all()],
                     "scope_text": e.scope_text, "ratio_text": e.ratio_text, "timing": e.timing,
                     "lead_department": e.lead_department.code,
                     "partner_departments": [d.code for d in e.partner_departments.all()]}
                    for e in plan.entries.select_related("lead_department")],
    }


def task_out(task: Task) -> dict[str, Any]:
    return {
        "number": task.number, "year": task.year, "title": task.title, "kind": task.kind,
        "kind_label": task.get_kind_display(), "department": task.department.code,
        "partners": [d.code for d in task.partners.order_by("order")], "status": task.status,
        "status_label": task.get_status_display(),
        "items": [{"code": ti.item.code, "name": ti.item.name, "method": ti.method}
                  for ti in task.task_items.select_related("item")],
        "draw": task.draw.number if task.draw_id else None, "visits": task.visits.filter(void=False).count(),
        "consultations": [{"department": c.department.code, "status": c.status, "status_label": c.get_status_display(),
                           "note": c.note} for c in task.consultations.select_related("department")],
        "plan_entry": ({"id": task.plan_entry_id, "title": task.plan_entry.title, "plan_id": task.plan_entry.plan_id}
                       if task.plan_entry_id else None),
    }


def _departments(codes: list[str]) -> list[Department]:
    found = {d.code: d for d in Department.objects.filter(code__in=codes)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise services.PlanError(f"部门代码不存在：{'、'.join(missing)}")
    return [found[c] for c in codes]


def _items(ids: list[int]) -> list[InspectionItem]:
    found = {i.pk: i for i in InspectionItem.objects.filter(pk__in=ids)}
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise services.PlanError(f"抽查事项不存在：{'、'.join(missing)}")
    return [found[i] for i in ids]


def _readable_plan(request, plan_id: int) -> AnnualPlan:
    return get_object_or_404(AnnualPlan.objects.visible_to(request.user), pk=plan_id)


@router.get("/", response={200: list[PlanOut], **ERRORS}, url_name="plans_list")
def list_plans(request, year: int):
    services.check_year(year)
    plans = AnnualPlan.objects.visible_to(request.user).filter(year=year).select_related("department")
    return Status(200, [plan_out(p, request.user) for p in plans])


@router.post("/", response={201: PlanOut, **ERRORS}, url_name="plans_create")
def create_plan(request, payload: PlanIn):
    dept = None if payload.joint else request.user.department
    plan = services.create_plan(request.user, dept, payload.year, payload.title)
    return Status(201, plan_out(plan, request.user))


@router.post("/{int:plan_id}/entries", response={201: PlanOut, **ERRORS}, url_name="plans_add_entry")
def add_entry(request, plan_id: int, payload: EntryIn):
    plan = _readable_plan(request, plan_id)
    lead, = _departments([payload.lead_department])
    services.add_entry(request.user, plan, title=payload.title, kind=payload.kind, items=_items(payload.item_ids),
                       scope_text=payload.scope_text, ratio_text=payload.ratio_text, timing=payload.timing,
                       lead_department=lead, partner_departments=_departments(payload.partner_departments))
    return Status(201, plan_out(AnnualPlan.objects.get(pk=plan_id), request.user))


@router.post("/{int:plan_id}/{step}", response={200: PlanOut, **ERRORS}, url_name="plans_step")
def plan_step(request, plan_id: int, step: str, payload: ReasonIn):
    steps = {"file": lambda p: services.file_plan(request.user, p),
             "return": lambda p: services.return_plan(request.user, p, payload.reason),
             "publish": lambda p: services.publish_plan(request.user, p),
             "adjust": lambda p: services.adjust_plan(request.user, p, payload.reason)}
    if step not in steps:
        raise NotFound(f"未知的操作“{step}”，可用：file、return、publish、adjust")
    plan = steps[step](_readable_plan(request, plan_id))
    return Status(200, plan_out(plan, request.user))


@router.get("/tasks", response={200: list[TaskOut], **ERRORS}, url_name="tasks_list")
def list_tasks(request, year: int):
    services.check_year(year)
    tasks = Task.objects.visible_to(request.user).filter(year=year)
    return Status(200, [task_out(t) for t in tasks[:500]])


@router.post("/tasks", response={201: TaskOut, **ERRORS}, url_name="tasks_create")
def create_task(request, payload: TaskIn):
    if request.user.department is None:
        raise Forbidden("此账号不属于任何部门，不能创建任务。")
    data = payload.dict()
    items = _items(data.pop("item_ids"))
    partners = _departments(data.pop("partners"))
    methods = data.pop("methods")
    entry_id = data.pop("plan_entry_id")
    entry = PlanEntry.objects.filter(pk=entry_id).select_related("plan").first() if entry_id else None
    if entry_id and entry is None:
        raise services.PlanError(f"计划批次不存在：{entry_id}")
    task = services.create_task(request.user, request.user.department, items=items, partners=partners,
                                methods={int(k): v for k, v in methods.items()}, plan_entry=entry, **data)
    return Status(201, task_out(task))


def _task(request, number: str) -> Task:
    return get_object_or_404(Task.objects.visible_to(request.user), number=number)


@router.get("/tasks/{number}", response={200: TaskOut, **ERRORS}, url_name="tasks_detail")
def task_detail(request, number: str):
    return Status(200, task_out(_task(request, number)))


@router.post("/tasks/{number}/commit", response={200: TaskOut, **ERRORS}, url_name="tasks_commit")
def task_commit(request, number: str, payload: SourcesIn):
    task = services.commit(request.user, _task(request, number), payload.sources)
    return Status(200, task_out(task))


@router.post("/tasks/{number}/consultations", response={200: TaskOut, **ERRORS}, url_name="tasks_consult")
def task_consult(request, number: str, payload: ConsultIn):
    """会商: a partner confirms or objects before the draw; the office may decide not to wait, with a reason."""
    task = _task(request, number)
    [department] = _departments([payload.department])
    services.consult(request.user, task, department, payload.action, payload.note)
    return Status(200, task_out(_task(request, number)))


@router.post("/tasks/{number}/reveal", response={200: TaskOut, **ERRORS}, url_name="tasks_reveal")
def task_reveal(request, number: str, payload: RevealIn):
    task = services.reveal(request.user, _task(request, number), payload.revealed)
    return Status(200, task_out(task))


@router.post("/tasks/{number}/steps/{step}", response={200: TaskOut, **ERRORS}, url_name="tasks_step")
def task_step(request, number: str, step: str, payload: ReasonIn):
    task = _task(request, number)
    if step == "submit":
        task = services.submit(request.user, task)
    elif step == "approve":
        task = services.approve(request.user, task)
    elif step == "return":
        task = services.return_task(request.user, task, payload.reason)
    elif step == "issue":
        task = services.issue_targeted(request.user, task)
    elif step in ("start", "complete", "publish", "close"):
        task = services.advance(request.user, task, step)
    else:
        raise NotFound(f"未知的操作“{step}”")
    return Status(200, task_out(task))


@router.get("/tasks/{number}/visits", response={200: list[VisitOut], **ERRORS}, url_name="tasks_visits")
def task_visits(request, number: str, offset: Offset = 0, limit: int = 500):
    task = _task(request, number)
    if offset < 0 or not 1 <= limit <= 5000:
        raise services.PlanError("offset 不能为负，limit 应在 1 到 5000 之间")
    visits = Visit.objects.filter(task=task, void=False).select_related("entity").order_by("number")
    return Status(200, [{"number": v.number, "uscc": v.entity.uscc, "name": v.entity.name, "sheet": v.sheet}
                        for v in visits[offset:offset + limit]])


PERMISSIONS = {
    "plans_list": ANY_STAFF,
    "plans_create": ADMINS,
    "plans_add_entry": ADMINS,
    "plans_step": ADMINS,
    "tasks_list": ANY_STAFF,
    "tasks_create": ADMINS,
    "tasks_detail": ANY_STAFF,
    "tasks_commit": ADMINS,
    "tasks_consult": ADMINS,
    "tasks_reveal": ADMINS,
    "tasks_step": WORKERS,
    "tasks_visits": ANY_STAFF,
}
