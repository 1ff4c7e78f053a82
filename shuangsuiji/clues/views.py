"""Pages of the clue register (internal): the list with overdue clues, intake (a form, the 12315 import), a clue with
its triage and disposal, and the 专项整治联查 proposals."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from shuangsuiji.common.charts import bar, columns, lines, numbered
from shuangsuiji.common.errors import Refused, refuse
from shuangsuiji.common.models import Job
from shuangsuiji.common.tabular import template_download, xlsx_attachment, xlsx_book
from shuangsuiji.draws.services import scope_lines

from . import importer, proposals, services, stats
from .forms import (
    AcceptForm,
    CaseCloseForm,
    CaseForm,
    CheckForm,
    CloseForm,
    ClueForm,
    DismissForm,
    ImportForm,
    RuleForm,
    TriageForm,
)
from .models import Case, CaseStatus, Clue, ClusterRule, Proposal, ProposalStatus, Source, Status


def clue_list(request):
    today = timezone.localdate()
    clues = Clue.objects.visible_to(request.user).select_related("entity", "received_by", "department")
    state = request.GET.get("state", "")
    if state == "overdue":
        clues = clues.overdue(today)
    elif state in Status.values:
        clues = clues.filter(status=state)
    source = request.GET.get("source", "")
    if source in Source.values:
        clues = clues.filter(source=source)
    page = Paginator(clues, 50).get_page(request.GET.get("page"))
    return render(request, "clues/clue_list.html", {
        "page": page, "state": state, "source": source, "today": today, "states": Status.choices,
        "sources": Source.choices, "overdue": Clue.objects.visible_to(request.user).overdue(today).count(),
        "can_receive": request.user.is_office or request.user.is_admin,
        "sees_proposals": request.user.sees_all_departments,
        "proposals": Proposal.objects.filter(status=ProposalStatus.OPEN).count()})


def clue_new(request):
    form = ClueForm(request.POST or None)

    def check():
        d = form.cleaned_data
        services.check(source=d.get("source", ""), received_on=d.get("received_on"), content=d.get("content", ""),
                       uscc=d.get("uscc", ""))

    if request.method == "POST" and form.is_valid_with(check):
        d = form.cleaned_data
        try:
            clue = services.receive(request.user, source=d["source"], received_on=d["received_on"],
                                    content=d["content"], uscc=d["uscc"], entity_name=d["entity_name"],
                                    township=d["township"], industry=d["industry"], items=d["items"],
                                    complainant=d["complainant"], complainant_phone=d["complainant_phone"],
                                    case_type=d["case_type"])
        except Refused as exc:
            refuse(request, exc, form)
        else:
            messages.success(request, f"已登记线索 {clue.number}，请在 {clue.due_on:%Y-%m-%d} 前分办。")
            return redirect("clues:detail", clue.number)
    return render(request, "clues/clue_form.html", {"form": form})


def _visible(request, number: str) -> Clue:
    clue = (Clue.objects.visible_to(request.user)
            .select_related("entity", "township", "industry", "received_by", "department", "merged_into",
                            "created_by", "task", "case__organ")
            .filter(number=number).first())
    if clue is None:
        raise Http404
    return clue


def _case(clue: Clue) -> Case | None:
    try:
        return clue.case
    except Case.DoesNotExist:
        return None


def _detail(request, clue: Clue, **bound):
    """The clue's page with the forms its reader may use now; ``bound`` holds a posted form with its errors."""
    user, case = request.user, _case(clue)
    forms = {}
    if clue.status == Status.NEW and user.manages(clue.received_by):
        forms["triage"] = TriageForm()
    handles = clue.department is not None and user.manages(clue.department)
    if handles and clue.status == Status.ASSIGNED:
        forms["check"] = CheckForm(initial={"uscc": clue.entity.uscc if clue.entity_id else "",
                                            "items": list(clue.items.values_list("pk", flat=True))})
        forms["case"] = CaseForm(initial={"organ": clue.department_id})
    if handles and (clue.status == Status.ASSIGNED
                    or (clue.status == Status.CHECKING and clue.task.status in services.CHECK_DONE)):
        forms["close"] = CloseForm()
    if case is not None and case.status == CaseStatus.OPEN and user.manages(case.organ):
        forms["case_close"] = CaseCloseForm()
    forms.update(bound)
    return render(request, "clues/clue_detail.html", {
        "clue": clue, "case": case, "today": timezone.localdate(), "items": clue.items.select_related("department"),
        "forms": forms, "merged": clue.merged.order_by("number"), "unlicensed": clue.case_type == "unlicensed",
        "visits": clue.task.visits.filter(void=False).select_related("entity") if clue.task_id else (),
        "clue_proposals": clue.proposals.select_related("industry", "township", "item", "task")
        if user.sees_all_departments else (),
        # Complainants' data stay inside the receiving department.
        "sees_complainant": user.department_id == clue.received_by_id and not user.is_leader})


def clue_detail(request, number: str):
    return _detail(request, _visible(request, number))


def _act(request, number: str, name: str, form_class, act, done: str):
    """A disposal step posted from the clue's page: the form, then the service, errors on the form."""
    clue = _visible(request, number)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            answer = act(clue, form.cleaned_data)
        except Refused as exc:
            refuse(request, exc, form)
        else:
            messages.success(request, done.format(answer=answer))
            return redirect("clues:detail", clue.number)
    return _detail(request, clue, **{name: form})


@require_POST
def clue_check(request, number: str):
    def act(clue, d):
        return services.open_check(request.user, clue, items=d["items"], uscc=d["uscc"], title=d["title"],
                                   starts_on=d["starts_on"], ends_on=d["ends_on"])
    return _act(request, number, "check", CheckForm, act,
                "已立定向检查任务 {answer.number}（草稿）：请在任务页提交审核、确定检查对象。")


@require_POST
def clue_case(request, number: str):
    def act(clue, d):
        return services.open_case(request.user, clue, kind=d["kind"], organ=d["organ"], note=d["note"])
    return _act(request, number, "case", CaseForm, act, "已立案 {answer.number}，移送{answer.organ.name}查处。")


@require_POST
def clue_close(request, number: str):
    def act(clue, d):
        return services.close(request.user, clue, outcome=d["outcome"], note=d["closing_note"])
    return _act(request, number, "close", CloseForm, act, "线索已办结。")


@require_POST
def case_close(request, number: str):
    def act(clue, d):
        case = _case(clue)
        if case is None:
            raise Http404
        return services.close_case(request.user, case, d["result"])
    return _act(request, number, "case_close", CaseCloseForm, act, "案件 {answer.number} 已办结，线索随之办结。")


@require_POST
def clue_triage(request, number: str):
    clue = _visible(request, number)
    form = TriageForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            if d["action"] == "assign":
                services.assign(request.user, clue, d["department"], d["note"])
            elif d["action"] == "merge":
                services.merge(request.user, clue, d["into"], d["note"])
            else:
                services.reject(request.user, clue, d["note"])
        except Refused as exc:
            refuse(request, exc, form)
        else:
            clue.refresh_from_db()
            messages.success(request, f"线索 {clue.number}：{clue.get_status_display()}。")
            return redirect("clues:detail", clue.number)
    return _detail(request, clue, triage=form)


def clue_import(request):
    """Upload a clue file (the 12315 export); the rows are registered as a background job with a progress bar."""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.start_import(form.cleaned_data["file"], form.cleaned_data["source"], actor=request.user)
        except Refused as exc:
            refuse(request, exc, form)
        else:
            return redirect("common:job_detail", job.pk)
    jobs = Job.objects.filter(kind=services.IMPORT_JOB)
    if not request.user.is_office:
        jobs = jobs.filter(created_by=request.user)
    return render(request, "clues/clue_import.html", {
        "form": form, "jobs": jobs[:10], "columns": [
            (label, importer.heading_table().synonyms[name], name in importer.REQUIRED)
            for name, label in importer.LABELS.items()]})


def import_template(request, fmt: str):
    header, rows = importer.template_rows()
    return template_download(fmt, "线索", header, rows)


# --- 专项整治联查 proposals ----------------------------------------------------------------------------------------

def proposal_list(request):
    """Open proposals (brought in line with the clues on each visit), the rule, and the decided ones."""
    rule = ClusterRule.current()
    form = RuleForm(request.POST or None, initial={"threshold": rule.threshold, "window_days": rule.window_days})
    if request.method == "POST":
        if form.is_valid():
            try:
                proposals.set_rule(request.user, **form.cleaned_data)
            except Refused as exc:
                refuse(request, exc, form)
            else:
                messages.success(request, "已修改专项整治建议规则，建议已按新规则重新生成。")
                return redirect("clues:proposals")
    open_ones = proposals.refresh()
    return render(request, "clues/proposal_list.html", {
        "rule": rule, "form": form if request.user.is_office else None,
        "open": [(p, p.clues.count(), proposals.departments(p)) for p in open_ones],
        "decided": Proposal.objects.exclude(status=ProposalStatus.OPEN).select_related(
            "industry", "township", "item", "task", "decided_by")[:30]})


def _proposal_page(request, proposal: Proposal, **bound):
    departments, items = proposals.departments(proposal), proposals.items(proposal)
    forms = {}
    if proposal.status == ProposalStatus.OPEN and request.user.is_office:
        lead = departments[0][0] if departments else None
        forms = {"accept": AcceptForm(departments=[d for d, _n in departments], initial={
                     "department": lead.pk if lead else None, "items": [i.pk for i in items],
                     "title": f"{proposal.title}专项整治联查"}),
                 "dismiss": DismissForm()}
        forms.update(bound)
    return render(request, "clues/proposal_detail.html", {
        "proposal": proposal, "departments": departments, "items": items,
        "scope_lines": scope_lines(proposals.scope(proposal)) or ["全区存续市场主体"],
        "clues": proposal.clues.select_related("entity", "department", "received_by").order_by("received_on"),
        "forms": forms, "today": timezone.localdate()})


def _proposal(pk: int) -> Proposal:
    proposal = Proposal.objects.select_related("industry", "township", "item", "task").filter(pk=pk).first()
    if proposal is None:
        raise Http404
    return proposal


def proposal_detail(request, pk: int):
    return _proposal_page(request, _proposal(pk))


@require_POST
def proposal_accept(request, pk: int):
    proposal = _proposal(pk)
    form = AcceptForm(request.POST, departments=[d for d, _n in proposals.departments(proposal)])
    if form.is_valid():
        try:
            task = proposals.accept(request.user, proposal, **form.cleaned_data)
        except Refused as exc:
            refuse(request, exc, form)
        else:
            messages.success(request, f"已生成专项整治联查任务 {task.number}（草稿）：请提交审核，审核锁定、会商后发布抽取承诺并随机抽取。")
            return redirect("plans:task_detail", task.number)
    return _proposal_page(request, proposal, accept=form)


@require_POST
def proposal_dismiss(request, pk: int):
    proposal = _proposal(pk)
    form = DismissForm(request.POST)
    if form.is_valid():
        try:
            proposals.dismiss(request.user, proposal, form.cleaned_data["note"])
        except Refused as exc:
            refuse(request, exc, form)
        else:
            messages.success(request, "已记录：暂不立项。")
            return redirect("clues:proposals")
    return _proposal_page(request, proposal, dismiss=form)


# --- Dashboard ----------------------------------------------------------------------------------------------------

def _days(value) -> str:
    return "—" if value is None else f"{value:g} 天"


def clue_dashboard(request):
    """Clues per month by source, department, industry or town, by department and state, and how long triage
    and disposal took — over the reader's own clues of the last twelve months; as charts, tables and Excel."""
    today = timezone.localdate()
    clues, months = stats.window(request.user, today)
    by = request.GET.get("by") if request.GET.get("by") in stats.DIMENSIONS else "source"
    label = stats.DIMENSIONS[by][0]
    labels = [f"{m:%Y-%m}" for m in months]
    series = stats.by_month(clues, by, months)
    times = stats.durations(clues, months)
    departments = stats.per_department(clues, today)
    closed = ("closed", "rejected", "merged")
    if request.GET.get("format") == "xlsx":
        return xlsx_attachment(f"clues-{today:%Y-%m}.xlsx", xlsx_book([
            (f"按月按{label}", ["月份", *series], [(m, *(v[i] for v in series.values())) for i, m in enumerate(labels)]),
            ("按承办部门", ["部门", "线索", "待分办", "其中逾期", "办理中", "已办结", "不予受理", "已合并"],
             [(d["department"], d["total"], d["new"], d["overdue"], d["handling"],
               d["closed"], d["rejected"], d["merged"]) for d in departments]),
            ("办理时长", ["月份", *times["monthly"]],
             [(m, *("" if v[i] is None else v[i] for v in times["monthly"].values())) for i, m in enumerate(labels)]),
        ]))
    names = [d["department"] for d in departments[:15]]
    charts = numbered([
        columns(f"每月收到的线索（按{label}）", labels, series, ("月份", *series)),
        bar("各部门线索办理情况", names, {
            "已办结（含不予受理、合并）": [sum(d[k] for k in closed) for d in departments[:15]],
            "未办结": [d["total"] - sum(d[k] for k in closed) for d in departments[:15]]},
            ("部门", "已办结", "未办结"), stack=True),
        lines("办理时长（按收到月份，平均天数）", labels, times["monthly"], ("月份", *times["monthly"])),
    ])
    return render(request, "clues/dashboard.html", {
        "charts": charts, "by": by, "dimensions": [(k, v[0]) for k, v in stats.DIMENSIONS.items()],
        "since": months[0], "departments": departments, "figures": [
            ("近 12 个月收到的线索", clues.count(), ""),
            ("待分办", clues.filter(status=Status.NEW).count(), ""),
            ("逾期未分办", clues.overdue(today).count(), "danger"),
            ("分办用时（中位数）", _days(times["triage"]["median"]), ""),
            ("办结用时（中位数）", _days(times["closure"]["median"]), ""),
        ]})
