"""Pages for plans and tasks: the office's year, a department's plan and tasks, visit sheets."""

from __future__ import annotations

from collections import Counter

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from shuangsuiji.accounts.models import Department
from shuangsuiji.common.errors import Forbidden, Refused, WrongState, form_errors, refuse
from shuangsuiji.common.pdf import PdfError
from shuangsuiji.common.tabular import xlsx_attachment
from shuangsuiji.draws import services as draw_services
from shuangsuiji.draws.forms import CommitForm, RevealForm

from . import services, sheets
from .forms import EntryForm, PlanCreateForm, ReasonForm, TaskForm
from .models import AnnualPlan, PlanEntry, PlanStatus, Task, TaskStatus, Visit


def _year(request) -> int:
    try:
        return services.check_year(int(request.GET.get("year") or timezone.localdate().year))
    except (ValueError, services.PlanError):
        return timezone.localdate().year


def year_view(request):
    """The office sees the district's year; a department its plan, its tasks and what is due."""
    year, user = _year(request), request.user
    tasks = Task.objects.visible_to(user).filter(year=year)
    context = {
        "year": year, "years": range(timezone.localdate().year + 1, 2019, -1),
        "deadline": services.plan_year(year).filing_deadline,
        "by_state": [(TaskStatus(s).label, n) for s, n in
                     sorted(Counter(tasks.values_list("status", flat=True)).items())],
        "tasks": tasks.order_by("status", "number")[:50], "task_count": tasks.count(),
        "create_form": PlanCreateForm(initial={"year": year}),
    }
    if user.sees_all_departments:
        rows = services.filing_status(year)
        for row in rows:
            row["label"] = services.FILING_LABELS[row["state"]]
        context.update(filing=rows, coverage=services.coverage(year), overlaps=services.overlaps(year),
                       joint_plans=AnnualPlan.objects.filter(year=year, department__isnull=True))
    if user.department_id and not user.is_office:
        context["my_plans"] = AnnualPlan.objects.filter(year=year, department_id=user.department_id)
        context["due"] = tasks.filter(status__in=[TaskStatus.DRAWN, TaskStatus.IN_PROGRESS],
                                      ends_on__isnull=False).order_by("ends_on")[:10]
    return render(request, "plans/year.html", context)


def _plan_for(request, pk: int) -> AnnualPlan:
    return get_object_or_404(AnnualPlan.objects.visible_to(request.user).select_related("department", "previous"),
                             pk=pk)


@require_POST
def plan_create(request):
    form = PlanCreateForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect("plans:year")
    department = None if request.user.is_office and request.POST.get("joint") else request.user.department
    try:
        plan = services.create_plan(request.user, department, form.cleaned_data["year"], form.cleaned_data["title"])
    except Refused as exc:
        refuse(request, exc)
        return redirect("plans:year")
    messages.success(request, f"已创建 {plan.title}。请添加抽查批次后报备。")
    return redirect("plans:plan_detail", pk=plan.pk)


def plan_detail(request, pk: int):
    plan = _plan_for(request, pk)
    can_edit = plan.is_editable and services.may_edit_plan(request.user, plan)
    form = EntryForm(request.POST or None, initial={"lead_department": plan.department or request.user.department})
    if request.method == "POST" and form.is_valid_with(
            lambda: services.checked_entry(request.user, plan, **form.service_kwargs())):
        try:
            services.add_entry(request.user, plan, **form.service_kwargs())
        except Refused as exc:
            refuse(request, exc, form)
        else:
            messages.success(request, "已添加批次。")
            return redirect("plans:plan_detail", pk=plan.pk)
    entries = list(plan.entries.select_related("lead_department").prefetch_related("items", "partner_departments"))
    progress = services.entry_progress([e.pk for e in entries])
    for entry in entries:
        entry.progress = progress[entry.pk]
    return render(request, "plans/plan_detail.html", {
        "plan": plan, "entries": entries, "show_progress": plan.status == PlanStatus.PUBLISHED, "form": form, "can_edit": can_edit, "reason_form": ReasonForm(),
        "can_adjust": plan.status == PlanStatus.PUBLISHED and not AnnualPlan.objects.filter(previous=plan).exists()
        and (request.user.is_office or request.user.can_act_for(plan.department)),
    })


@require_POST
def plan_step(request, pk: int, step: str):
    plan = _plan_for(request, pk)
    reason = request.POST.get("reason", "")
    actions = {
        "file": (lambda: services.file_plan(request.user, plan), "计划已报备联席会议办公室。"),
        "return": (lambda: services.return_plan(request.user, plan, reason), "已退回，意见已通知部门。"),
        "publish": (lambda: services.publish_plan(request.user, plan), "计划已向社会公布。"),
        "adjust": (lambda: services.adjust_plan(request.user, plan, reason), "已生成调整版本，修改后重新报备。"),
    }
    if step not in actions:
        raise Http404
    run, message = actions[step]
    try:
        result = run()
    except Refused as exc:
        refuse(request, exc)
        return redirect("plans:plan_detail", pk=plan.pk)
    messages.success(request, message)
    return redirect("plans:plan_detail", pk=result.pk)


def entry_edit(request, pk: int):
    """Change a batch of a draft (or returned) plan."""
    entry = get_object_or_404(PlanEntry.objects.select_related("plan"), pk=pk)
    plan = _plan_for(request, entry.plan_id)
    if not services.may_edit_plan(request.user, plan):
        raise Forbidden("只能修改本部门（区联合抽查计划：联席会议办公室）的计划。")
    if not plan.is_editable:
        refuse(request, WrongState(f"计划当前状态为“{plan.get_status_display()}”，不能修改。"))
        return redirect("plans:plan_detail", pk=plan.pk)
    initial = {"title": entry.title, "kind": entry.kind, "items": list(entry.items.values_list("pk", flat=True)),
               "scope_text": entry.scope_text, "ratio_text": entry.ratio_text, "timing": entry.timing,
               "lead_department": entry.lead_department_id,
               "partner_departments": list(entry.partner_departments.values_list("pk", flat=True))}
    form = EntryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid_with(
            lambda: services.checked_entry(request.user, plan, **form.service_kwargs())):
        try:
            services.update_entry(request.user, entry, **form.service_kwargs())
        except Refused as exc:
            refuse(request, exc, form)
        else:
            messages.success(request, f"已修改批次“{form.cleaned_data['title']}”。")
            return redirect("plans:plan_detail", pk=plan.pk)
    return render(request, "plans/entry_form.html", {"form": form, "entry": entry, "plan": plan})


@require_POST
def entry_remove(request, pk: int):
    entry = get_object_or_404(PlanEntry, pk=pk)
    _plan_for(request, entry.plan_id)
    try:
        services.remove_entry(request.user, entry)
    except Refused as exc:
        refuse(request, exc)
    return redirect("plans:plan_detail", pk=entry.plan_id)


# ---------------------------------------------------------------- tasks

def _task_for(request, number: str) -> Task:
    return get_object_or_404(Task.objects.visible_to(request.user), number=number)


def task_create(request):
    user = request.user
    if user.department is None:
        raise Http404
    form = TaskForm(request.POST or None, department=user.department)
    if request.method == "POST" and form.is_valid_with(
            lambda: services.checked_task(user.department, **form.service_kwargs())):
        try:
            task = services.create_task(user, user.department, **form.service_kwargs())
        except Refused as exc:
            refuse(request, exc, form)
        else:
            messages.success(request, f"任务 {task.number} 已创建（草稿）。核对后提交审核。")
            return redirect("plans:task_detail", number=task.number)
    return render(request, "plans/task_form.html", {"form": form})


VISITS_PER_PAGE = 50


def task_edit(request, number: str):
    """Change a draft task (new, or returned for changes) on the same form it was created with."""
    task = _task_for(request, number)
    if not request.user.manages(task.department):
        raise Forbidden("只有本部门的管理员可以修改本部门的任务。")
    if task.status != TaskStatus.DRAFT:
        refuse(request, WrongState(f"任务当前状态为“{task.get_status_display()}”，只有草稿（含退回修改的）可以修改。"))
        return redirect("plans:task_detail", number=task.number)
    form = TaskForm(request.POST or None, department=task.department, initial=TaskForm.initial_for(task))
    if request.method == "POST" and form.is_valid_with(
            lambda: services.checked_task(task.department, **{**form.service_kwargs(), "year": task.year})):
        try:
            services.update_task(request.user, task, **form.service_kwargs())
        except Refused as exc:
            refuse(request, exc, form)
        else:
            messages.success(request, f"任务 {task.number} 已修改。核对后提交审核。")
            return redirect("plans:task_detail", number=task.number)
    return render(request, "plans/task_form.html", {"form": form, "task": task})


def task_detail(request, number: str):
    task = _task_for(request, number)
    visits = Paginator(task.visits.filter(void=False).select_related("entity").order_by("number"), VISITS_PER_PAGE)
    visit_page = visits.get_page(request.GET.get("page"))
    context = {
        "task": task, "task_items": task.task_items.select_related("item", "item__department"),
        "partners": task.partners.order_by("order"), "visit_count": visits.count, "visits": visit_page,
        "scope_lines": [] if task.kind == "targeted" else draw_services.scope_lines(task.scope),
        "void_visits": task.visits.filter(void=True).count(),
        "can_act": request.user.can_act_for(task.department), "reason_form": ReasonForm(),
        "is_admin": request.user.is_admin,
        "own_work": services.own_work(request.user, task),
        "consultations": task.consultations.select_related("department", "decided_by"),
        "unconfirmed": services.unconfirmed(task) if task.status == TaskStatus.APPROVED else [],
    }
    if task.status == TaskStatus.APPROVED and task.is_random:
        context["commit_form"] = CommitForm()
        context["exclusions"] = services.exclusions_for(task)
    if task.status == TaskStatus.COMMITTED:
        context["reveal_form"] = RevealForm(declared=task.draw.commitment["sources"])
    return render(request, "plans/task_detail.html", context)


@require_POST
def task_consult(request, number: str):
    """会商 on the task page: the partner confirms or objects; the office decides not to wait."""
    task = _task_for(request, number)
    department = Department.objects.filter(code=request.POST.get("department", "")).first()
    action = request.POST.get("action", "")
    try:
        if department is None:
            raise services.PlanError("请选择配合部门。")
        services.consult(request.user, task, department, action, request.POST.get("note", ""))
        messages.success(request, f"会商已记录：{department.name}{services.CONSULT_ACTIONS[action]}。")
    except Refused as exc:
        refuse(request, exc)
    return redirect("plans:task_detail", number=task.number)


STEP_MESSAGES = {
    "submit": "已提交审核。", "approve": "任务已审核锁定，事项、范围和规则不再改变。", "start": "任务已开始实施。",
    "complete": "已确认结果录入完毕。", "publish": "结果已公示。", "close": "任务已办结。",
    "issue": "已确定定向检查对象并生成检查单。", "return": "已退回修改。",
}


@require_POST
def task_step(request, number: str, step: str):
    task = _task_for(request, number)
    if step not in STEP_MESSAGES:
        raise Http404
    try:
        if step == "submit":
            services.submit(request.user, task)
        elif step == "approve":
            services.approve(request.user, task)
        elif step == "return":
            services.return_task(request.user, task, request.POST.get("reason", ""))
        elif step == "issue":
            services.issue_targeted(request.user, task)
        else:
            services.advance(request.user, task, step)
    except Refused as exc:
        refuse(request, exc)
    else:
        messages.success(request, STEP_MESSAGES[step])
    return redirect("plans:task_detail", number=number)


@require_POST
def task_commit(request, number: str):
    task = _task_for(request, number)
    form = CommitForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect("plans:task_detail", number=number)
    try:
        task = services.commit(request.user, task, form.cleaned_data["sources"])
    except Refused as exc:
        refuse(request, exc)
    else:
        messages.success(request, f"抽取 {task.draw.number} 的承诺已发布：抽取池、排除名单和规则已冻结。")
    return redirect("plans:task_detail", number=number)


@require_POST
def task_reveal(request, number: str):
    task = _task_for(request, number)
    if task.status != TaskStatus.COMMITTED:
        messages.error(request, f"任务 {task.number} 当前状态为“{task.get_status_display()}”，不能揭晓。")
        return redirect("plans:task_detail", number=number)
    form = RevealForm(request.POST, request.FILES, declared=task.draw.commitment["sources"])
    if not form.is_valid():
        form_errors(request, form)
        return redirect("plans:task_detail", number=number)
    try:
        task = services.reveal(request.user, task, form.cleaned_data["revealed"])
    except Refused as exc:
        refuse(request, exc)
    else:
        messages.success(request, f"抽取结果已确定，不可更改；已生成 {task.visits.filter(void=False).count()} 张检查单。")
    return redirect("plans:task_detail", number=number)


def task_list(request):
    tasks = (Task.objects.visible_to(request.user).filter(year=_year(request))
             .annotate(n_visits=Count("visits")).order_by("status", "number"))
    page = Paginator(tasks, 50).get_page(request.GET.get("page"))
    return render(request, "plans/task_list.html", {"tasks": page, "page": page, "year": _year(request)})


def _visits(task: Task, request):
    qs = task.visits.filter(void=False).select_related("task", "entity").order_by("number")
    if not (request.user.sees_all_departments
            or task.department_id == request.user.department_id):
        # A participating department prints the sheets too (one visit, every department's items).
        qs = qs.filter(task__partners=request.user.department_id)
    return qs


def visits_pdf(request, number: str):
    task = _task_for(request, number)
    try:
        data = sheets.visits_pdf(_visits(task, request))
    except PdfError as exc:
        messages.error(request, str(exc))
        return redirect("plans:task_detail", number=number)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{task.number}-visits.pdf"'
    return response


def visits_xlsx(request, number: str):
    task = _task_for(request, number)
    return xlsx_attachment(f"{task.number}-visits.xlsx", sheets.visits_xlsx(_visits(task, request)))


def visit_detail(request, number: str):
    visit = get_object_or_404(Visit.objects.select_related("task", "entity"), number=number)
    _task_for(request, visit.task.number)
    return render(request, "plans/visit_detail.html", {"visit": visit, "task": visit.task})
