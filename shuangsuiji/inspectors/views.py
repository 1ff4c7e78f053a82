"""Pages of the inspector directory: views check scope, call one service, render."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from shuangsuiji.accounts.models import Department
from shuangsuiji.common import jobs, uploads
from shuangsuiji.common.errors import Forbidden, Refused, refuse
from shuangsuiji.directory.models import Entity

from . import importer, services
from .filters import InspectorFilter, search_entities
from .forms import RELATIONS, ConflictForm, EndConflictForm, ImportForm, InspectorForm, StatusForm
from .models import Category, Conflict, DutyStatus, Inspector, InspectorKind


def inspector_list(request):
    base = Inspector.objects.listed_for(request.user)
    filt = InspectorFilter(request.GET, user=request.user, queryset=base)
    qs = filt.queryset().select_related("department", "township").prefetch_related("qualifications")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    totals = base.aggregate(officers=Count("id", filter=Q(kind=InspectorKind.OFFICER)),
                            third=Count("id", filter=Q(kind=InspectorKind.THIRD_PARTY)))
    return render(request, "inspectors/inspector_list.html", {
        "page": page, "filter": filt, "totals": totals, "today": datetime.date.today(),
        "categories": Category.choices, "statuses": DutyStatus.choices,
        "can_add": request.user.manages(request.user.department) or request.user.is_office,
    })


def _with_end_rights(conflicts, user) -> list[Conflict]:
    rows = list(conflicts)
    for c in rows:
        c.can_end = c.endable_by(user)
    return rows


def _readable(request, pk: int) -> Inspector:
    qs = Inspector.objects.visible_to(request.user).select_related("department", "township", "user")
    return get_object_or_404(qs, pk=pk)


def inspector_detail(request, pk: int):
    inspector = _readable(request, pk)
    # Conflicts (who is related to whom, and why) and the reasons for leave are personal: another
    # department reading the record for a joint team sees the status, not them (issue 26).
    personal = inspector.personal_visible_to(request.user)
    conflicts = _with_end_rights(inspector.conflicts.select_related("entity", "inspector"), request.user) if personal else []
    manage = inspector.manageable_by(request.user)
    return render(request, "inspectors/inspector_detail.html", {
        "inspector": inspector,
        "show_personal": personal,
        "can_manage": manage,
        "can_declare": manage or (inspector.user_id == request.user.pk),
        "conflicts": conflicts,
        "history": inspector.status_changes.select_related("recorded_by")[:20] if personal else [],
        "status_form": StatusForm(initial={"status": inspector.status, "starts_on": datetime.date.today()}),
        "today": datetime.date.today(),
        "suggested_username": services.suggested_username(inspector) if manage and not inspector.user_id else "",
    })


@never_cache
@require_POST
def inspector_account(request, pk: int):
    """The department's administrator creates the officer's login, linked to the record; the first password
    is shown on this answer only (not stored anywhere readable, not sent by redirect)."""
    inspector = _readable(request, pk)
    try:
        user, password = services.create_account(request.user, inspector, request.POST.get("username", ""))
    except Refused as exc:
        refuse(request, exc)
        return redirect("inspectors:inspector_detail", pk=inspector.pk)
    return render(request, "inspectors/account_created.html", {"inspector": inspector, "account": user,
                                                               "password": password})


def _department_for_new(request) -> tuple[Department | None, bool]:
    """The office picks a department (first step of the form); an admin always adds to their own."""
    if request.user.is_office:
        code = request.POST.get("department") or request.GET.get("department")
        dept = Department.objects.filter(pk=code).first() if code and code.isdigit() else None
        return dept, True
    return request.user.department, False


def inspector_create(request):
    department, choose = _department_for_new(request)
    if not choose and not request.user.manages(department):
        raise Forbidden("只有部门管理员和联席会议办公室可以登记执法检查人员。")
    form = InspectorForm(request.POST or None, department=department, choose_department=choose,
                         initial={"department": department, "kind": InspectorKind.OFFICER})
    if request.method == "POST" and form.is_valid():
        try:
            inspector = services.create_inspector(request.user, form.to_data())
        except Refused as exc:
            refuse(request, exc, form)
        else:
            messages.success(request, f"已登记：{inspector.name}")
            return redirect("inspectors:inspector_detail", pk=inspector.pk)
    return render(request, "inspectors/inspector_form.html", {
        "form": form, "department": department, "choose_department": choose, "departments": Department.objects.all(),
    })


def inspector_edit(request, pk: int):
    inspector = _readable(request, pk)
    if not inspector.manageable_by(request.user):
        raise Forbidden("只能修改本部门的执法检查人员。")
    form = InspectorForm(request.POST or None, department=inspector.department, instance=inspector)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_inspector(request.user, inspector, form.to_data())
        except Refused as exc:
            refuse(request, exc, form)
        else:
            messages.success(request, "已保存。")
            return redirect("inspectors:inspector_detail", pk=inspector.pk)
    return render(request, "inspectors/inspector_form.html", {"form": form, "inspector": inspector,
                                                              "department": inspector.department})


@require_POST
def inspector_status(request, pk: int):
    inspector = _readable(request, pk)
    if not inspector.manageable_by(request.user):
        raise Forbidden("只能变更本部门人员的在岗状态。")
    form = StatusForm(request.POST)
    if form.is_valid():
        c = form.cleaned_data
        try:
            services.change_status(request.user, inspector, status=c["status"], starts_on=c["starts_on"],
                                   ends_on=c["ends_on"], reason=c["reason"])
        except Refused as exc:
            refuse(request, exc, form)
    if form.errors:
        for errors in form.errors.values():
            messages.error(request, "在岗状态未变更：" + "；".join(errors))
    else:
        messages.success(request, "在岗状态已变更。")
    return redirect("inspectors:inspector_detail", pk=inspector.pk)


def conflict_create(request, pk: int):
    inspector = _readable(request, pk)
    if not (inspector.manageable_by(request.user) or inspector.user_id == request.user.pk):
        raise Forbidden("只能为本部门人员或本人登记回避关系。")
    form = ConflictForm(request.POST or None, initial={"valid_from": datetime.date.today()})
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            services.declare_conflict(request.user, inspector, entity=c["entity"], relation=c["relation"],
                                      reason=c["reason"], valid_from=c["valid_from"], valid_until=c["valid_until"])
        except Refused as exc:
            refuse(request, exc, form)
        else:
            messages.success(request, "回避关系已登记。")
            return redirect("inspectors:inspector_detail", pk=inspector.pk)
    chosen = None
    if form.is_bound and form.data.get("entity", "").isdigit():
        chosen = Entity.objects.filter(pk=form.data["entity"]).first()
    return render(request, "inspectors/conflict_form.html", {"form": form, "inspector": inspector,
                                                             "chosen": chosen, "relations": RELATIONS})


@require_POST
def conflict_end(request, pk: int):
    conflict = get_object_or_404(Conflict.objects.visible_to(request.user).select_related("inspector"), pk=pk)
    form = EndConflictForm(request.POST)
    if form.is_valid():
        try:
            services.end_conflict(request.user, conflict, ends_on=form.cleaned_data["ends_on"])
        except Refused as exc:
            refuse(request, exc, form)
    if form.errors:
        messages.error(request, "回避关系未截止：" + "；".join(m for ms in form.errors.values() for m in ms))
    else:
        messages.success(request, "回避关系已截止。")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = conflict.inspector.get_absolute_url()
    return redirect(target)


def conflict_list(request):
    """Conflicts in the user's scope, or those of one entity found by USCC or name."""
    q = request.GET.get("q", "").strip()
    conflicts = Conflict.objects.visible_to(request.user).select_related("inspector__department", "entity")
    entity = None
    candidates: list[Entity] = []
    if request.GET.get("entity", "").isdigit():
        entity = Entity.objects.filter(pk=request.GET["entity"]).first()
        if entity is None:
            raise Http404("市场主体不存在")
    elif q:
        candidates = list(search_entities(q)[:20])
        if len(candidates) == 1:
            entity = candidates[0]
    if entity is not None:
        conflicts = conflicts.filter(entity=entity)
    elif q:
        conflicts = conflicts.filter(entity__in=candidates)
    if request.GET.get("active") == "1":
        conflicts = conflicts.active_on(datetime.date.today())
    page = Paginator(conflicts, 50).get_page(request.GET.get("page"))
    page.object_list = _with_end_rights(page.object_list, request.user)
    return render(request, "inspectors/conflict_list.html", {
        "page": page, "q": q, "entity": entity, "candidates": candidates if entity is None else [],
        "active": request.GET.get("active") == "1", "today": datetime.date.today(),
        "conflicts": page.object_list,
    })


def entity_search(request):
    """HTMX: entities matching a USCC or name, to pick one for a conflict."""
    q = request.GET.get("q", "").strip()
    entities = list(search_entities(q)[:15]) if len(q) >= 2 else []
    return render(request, "inspectors/_entity_choices.html", {"entities": entities, "q": q})


def inspector_import(request):
    choose = request.user.is_office
    if not choose and not request.user.manages(request.user.department):
        raise Forbidden("只有部门管理员和联席会议办公室可以导入人员名单。")
    form = ImportForm(request.POST or None, request.FILES or None, choose_department=choose)
    if request.method == "POST" and form.is_valid():
        department = form.cleaned_data.get("department") if choose else request.user.department
        upload = form.cleaned_data["file"]
        try:
            path, kind = uploads.store_upload(upload, "inspectors")
        except Refused as exc:
            refuse(request, exc, form)
        else:
            job = jobs.start("inspectors.import", f"导入执法检查人员名单：{upload.name}", user=request.user,
                             department=department or request.user.department,
                             params={"path": str(path), "format": kind, "filename": upload.name,
                                     "department_id": department.pk if department else None})
            return redirect("common:job_detail", pk=job.pk)
    return render(request, "inspectors/import.html", {"form": form})


def import_template(request):
    response = HttpResponse(importer.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="inspectors_template.csv"'
    return response

