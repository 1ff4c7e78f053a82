"""Pages of the inspector workbench, the department's review and the follow-ups."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from shuangsuiji.accounts.models import Department, Role
from shuangsuiji.common.errors import Refused, form_errors, refuse
from shuangsuiji.common.tabular import xlsx_download
from shuangsuiji.common.workdays import deadline_days, working_days_between

from . import deadlines, services
from . import evidence as evidence_files
from .forms import EvidenceForm, FollowUpForm, FollowUpStepForm, MinorViolationForm
from .models import Evidence, ItemResult, MinorViolation, PartStatus, ResultCode, VisitPart


def _url(visit) -> str:
    return reverse("results:visit", args=[visit.number])


def workbench(request):
    """An inspector's visits by today / upcoming / overdue; a department its reviews and follow-ups."""
    user, today = request.user, timezone.localdate()
    context: dict = {"today": today}
    if user.effective_role == Role.INSPECTOR:
        context["groups"] = services.my_visit_groups(user, today)
    if user.effective_role in (Role.OFFICE, Role.DEPT_ADMIN, Role.LEADER):
        parts = VisitPart.objects.filter(status=PartStatus.SUBMITTED).select_related("visit", "visit__entity",
                                                                                     "department")
        if not user.sees_all_departments:
            parts = parts.filter(department_id=user.department_id)
        context["to_review"] = parts[:100]
        context["to_publish"] = parts.model.objects.filter(
            status=PartStatus.APPROVED, **({} if user.sees_all_departments
                                           else {"department_id": user.department_id})).count()
    followups = services.followups_visible_to(user)
    context["overdue"] = services.overdue(followups)[:50]
    context["incoming"] = followups.filter(owner_id=user.department_id, status="open")[:50]
    return render(request, "results/workbench.html", context)


def _visit(request, number: str):
    return get_object_or_404(services.visits_visible_to(request.user), number=number)


def visit_page(request, number: str):
    visit = _visit(request, number)
    parts = services.ensure_parts(visit)
    user = request.user
    codes = list(ResultCode.objects.all())
    vocab = [c for c in codes if c.active]
    labels = {c.code: c.label for c in codes}
    sheet = {p["code"]: p for p in visit.sheet}
    blocks = []
    today = timezone.localdate()
    for part in parts:
        if part.status == PartStatus.APPROVED and part.publish_due_on:
            part.days_left = working_days_between(today, part.publish_due_on)
        elif part.status == PartStatus.PUBLISHED:
            part.publication = part.publications.order_by("-version").first()
        assigned = services.is_assigned(user, part)
        if assigned:
            services.record_opened(user, part)
        rows = list(part.results.select_related("item").prefetch_related("evidence", "followups__owner"))
        for row in rows:
            row.minor = services.minor_matches(row) if row.has_problem else []
            row.labels = [labels.get(c, c) for c in row.codes]
        blocks.append({"part": part, "rows": rows, "on_site": services.on_site(part), "team": sheet.get(part.department.code, {}).get("team", []),
                       "can_edit": assigned and part.editable, "can_review": services.may_review(user, part),
                       "can_decide": (services.may_review(user, part) or assigned)
                       and part.status != PartStatus.PUBLISHED})
    return render(request, "results/visit.html", {
        "visit": visit, "task": visit.task, "blocks": blocks, "vocab": vocab,
        "process": visit.process.select_related("actor", "part__department"),
        "evidence_form": EvidenceForm(), "followup_form": FollowUpForm(),
        "now": timezone.localtime().strftime("%Y-%m-%dT%H:%M")})


def _part(request, pk: int) -> VisitPart:
    part = get_object_or_404(VisitPart.objects.select_related("visit", "department"), pk=pk)
    if not services.visits_visible_to(request.user).filter(pk=part.visit_id).exists():
        raise Http404
    return part


def results_from_post(post, part: VisitPart) -> dict:
    out = {}
    for row in part.results.all():
        key = f"r{row.item_id}"
        out[row.item_id] = {"codes": post.getlist(f"{key}-codes"), "findings": post.get(f"{key}-findings", ""),
                            "unlicensed": post.get(f"{key}-unlicensed") == "on"}
    return out


@require_POST
def part_save(request, pk: int):
    part = _part(request, pk)
    submit = request.POST.get("action") == "submit"
    try:
        revision = int(request.POST.get("revision", ""))
    except ValueError:
        revision = -1
    try:
        services.save_part(request.user, part, revision=revision, results=results_from_post(request.POST, part),
                           arrived_at=request.POST.get("arrived_at", ""), left_at=request.POST.get("left_at", ""),
                           submit=submit)
    except Refused as exc:
        refuse(request, exc)
    else:
        messages.success(request, "已提交，等待部门审核。" if submit else "草稿已保存。")
    return redirect(f"{_url(part.visit)}#part-{part.pk}")


@require_POST
def evidence_upload(request, pk: int):
    row = get_object_or_404(ItemResult.objects.select_related("part", "part__visit", "item"), pk=pk)
    _part(request, row.part_id)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        form_errors(request, form)
    else:
        try:
            ev = evidence_files.attach(request.user, row, form.cleaned_data["file"], kind=form.cleaned_data["kind"],
                                       source=form.cleaned_data["source"])
        except Refused as exc:
            refuse(request, exc)
        else:
            messages.success(request, f"已上传 {ev.name}（SHA-256 {ev.sha256[:16]}…）。")
    return redirect(f"{_url(row.part.visit)}#result-{row.pk}")


def evidence_file(request, pk: int):
    ev = get_object_or_404(Evidence.objects.select_related("result__part"), pk=pk)
    _part(request, ev.result.part_id)
    path = evidence_files.file_path(ev, display=request.GET.get("display") == "1")
    if not path.exists():
        raise Http404("证据文件缺失，请联系管理员从备份恢复。")
    response = FileResponse(path.open("rb"), content_type="image/jpeg" if path.name.endswith(".display.jpg")
                            else ev.content_type)
    response["Content-Disposition"] = f'inline; filename="evidence-{ev.pk}{path.suffix}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def part_review(request, pk: int):
    part = _part(request, pk)
    action = request.POST.get("action")
    try:
        if action == "publish":
            services.publish(request.user, part)
            messages.success(request, "检查结果已公开。")
        elif action == "correct":
            services.reopen_for_correction(request.user, part, request.POST.get("comment", ""))
            messages.success(request, "已退回检查组更正；更正后的结果审核公开前，原结果继续公开。")
        elif action == "withdraw":
            services.withdraw(request.user, part, request.POST.get("comment", ""))
            messages.success(request, "已撤回：该结果已从公示门户移除，并将通知公示系统撤回；检查记录已退回检查组。")
        else:
            services.review(request.user, part, approve=action == "approve", comment=request.POST.get("comment", ""))
            messages.success(request, "已审核通过。" if action == "approve" else "已退回修改。")
    except Refused as exc:
        refuse(request, exc)
    return redirect(f"{_url(part.visit)}#part-{part.pk}")


@require_POST
def followup_create(request, pk: int):
    row = get_object_or_404(ItemResult.objects.select_related("part", "part__visit"), pk=pk)
    _part(request, row.part_id)
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
    else:
        d = form.cleaned_data
        minor = MinorViolation.objects.filter(pk=d["minor_violation"], active=True).first() if d["minor_violation"] else None
        try:
            services.create_followup(request.user, row, kind=d["kind"], owner=d["owner"], due_on=d["due_on"],
                                     note=d["note"], rectify_deadline=d["rectify_deadline"], case_type=d["case_type"],
                                     judicial_organ=d["judicial_organ"], referral_number=d["referral_number"],
                                     minor_violation=minor, education=d["education"])
        except Refused as exc:
            refuse(request, exc)
        else:
            messages.success(request, "后续处置已登记。")
    return redirect(f"{_url(row.part.visit)}#result-{row.pk}")


def followup_list(request):
    qs = services.followups_visible_to(request.user)
    state = request.GET.get("state", "open")
    if state == "overdue":
        qs = services.overdue(qs)
    elif state == "open":
        qs = qs.exclude(status="closed")
    elif state == "incoming":
        qs = qs.filter(owner_id=request.user.department_id).exclude(status="closed")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "results/followup_list.html", {"followups": page, "page": page, "state": state,
                                                          "today": timezone.localdate()})


def followup_detail(request, pk: int):
    fu = get_object_or_404(services.followups_visible_to(request.user), pk=pk)
    user = request.user
    may_act = user.manages(fu.owner)
    return render(request, "results/followup_detail.html", {"fu": fu, "may_act": may_act, "form": FollowUpStepForm(),
                                                            "today": timezone.localdate()})


@require_POST
def followup_step(request, pk: int, action: str):
    fu = get_object_or_404(services.followups_visible_to(request.user), pk=pk)
    form = FollowUpStepForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
    else:
        try:
            services.act_on_followup(request.user, fu, action, **form.cleaned_data)
        except Refused as exc:
            refuse(request, exc)
        else:
            messages.success(request, "已办理。")
    return redirect("results:followup_detail", pk=fu.pk)


def minor_list(request):
    form = MinorViolationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.add_minor_violation(request.user, behaviour=d["behaviour"], keywords=d["keywords"],
                                         conditions=d["conditions"], basis=d["basis"], item=d["item_code"])
        except Refused as exc:
            refuse(request, exc, form)
        else:
            messages.success(request, "已加入免罚清单。")
            return redirect("results:minor_list")
    return render(request, "results/minor_list.html", {
        "entries": MinorViolation.objects.filter(active=True).select_related("item"), "form": form,
        "may_edit": request.user.is_office})


@require_POST
def minor_retire(request, pk: int):
    entry = get_object_or_404(MinorViolation, pk=pk, active=True)
    try:
        services.retire_minor_violation(request.user, entry)
    except Refused as exc:
        refuse(request, exc)
    else:
        messages.success(request, f"“{entry.behaviour}”已移出免罚清单（记录保留）。")
    return redirect("results:minor_list")


PAGE_ROWS = 500


def deadline_list(request):
    """公开时限: a department's results near and past the 20-working-day deadline; the office's counts per
    department with the same list; either as a spreadsheet."""
    user = request.user
    bounds = deadlines.Bounds.of()
    state = request.GET.get("state") if request.GET.get("state") in deadlines.STATES else "near"
    department = None
    if user.sees_all_departments and request.GET.get("department"):
        department = Department.objects.filter(code=request.GET["department"]).first()
    rows = deadlines.in_state(state, bounds, user, department)
    exporting = request.GET.get("format") == "xlsx"
    total = rows.count()
    shown = rows if exporting else rows[:PAGE_ROWS]  # the export has every row; the page the first ones
    if state != "published_late":
        shown = deadlines.with_days_left(shown, bounds.today)
    if exporting:
        header, data = deadlines.export_rows(state, shown)
        suffix = f"-{department.code}" if department else ""
        return xlsx_download(f"deadlines-{state}{suffix}-{bounds.today:%Y%m%d}.xlsx", deadlines.STATES[state],
                             header, data)
    context = {"state": state, "states": deadlines.STATES, "state_label": deadlines.STATES[state], "rows": shown,
               "total": total, "page_rows": PAGE_ROWS, "bounds": bounds, "near": deadlines.NEAR,
               "department": department, "days": deadline_days("result_publication")}
    if user.sees_all_departments:
        context["summary"] = deadlines.per_department(bounds)
    return render(request, "results/deadlines.html", context)
