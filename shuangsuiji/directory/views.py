"""Pages of the target directory: browse and filter entities, import files, manage sub-libraries.

Views validate input, call one service for any write, and render; filtering goes through the same
``EntityFilter`` the API and sub-library rules use.
"""

from __future__ import annotations

from functools import cached_property

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from shuangsuiji.accounts.models import Department
from shuangsuiji.common.errors import Forbidden, Refused, refuse
from shuangsuiji.common.models import Job
from shuangsuiji.common.tabular import XLSX

from . import importer, services
from .access import sees_credit_class
from .filters import RULE_FIELDS, EntityFilter
from .forms import SubLibraryForm
from .models import Entity, EntityChange, SubLibrary, SubLibraryKind

PAGE_SIZE = 50
COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """Counts at most COUNT_CAP + 1 rows, so a page of a million-row table costs what a page of ten thousand does."""

    cap = COUNT_CAP

    @cached_property
    def count(self) -> int:
        return min(self.object_list[: self.cap + 1].count(), self.cap + 1)

    @property
    def capped(self) -> bool:
        return self.count > self.cap


def _results_context(request, queryset, filt: EntityFilter) -> dict:
    page = CappedPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return {"page": page, "filter": filt, "form": filt.form, "show_credit": sees_credit_class(request.user),
            "query": filt.query_string()}


def entity_list(request):
    """All entities, filtered and paged; an HTMX request gets only the results table."""
    filt = EntityFilter(request.GET, user=request.user)
    entities = filt.apply(Entity.objects.select_related("industry", "township"))
    context = _results_context(request, entities, filt)
    context["can_import"] = request.user.is_admin
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "directory/_entity_results.html", context)
    return render(request, "directory/entity_list.html", context)


def entity_detail(request, uscc: str):
    entity = get_object_or_404(Entity.objects.select_related("industry", "industry__parent", "township"), uscc=uscc)
    libraries = [lib for lib in SubLibrary.objects.select_related("department")
                 if lib.entities().filter(pk=entity.pk).exists()
                 and (sees_credit_class(request.user) or not lib.uses_credit_class)]
    show_credit = sees_credit_class(request.user)
    changes = []
    for change in EntityChange.objects.filter(uscc=entity.uscc).order_by("-id")[:50]:
        fields = change.changed_fields(with_credit=show_credit)
        if fields:
            changes.append({"batch": change.batch, "fields": fields})
    return render(request, "directory/entity_detail.html", {
        "entity": entity, "show_credit": show_credit, "libraries": libraries, "changes": changes,
    })


def entity_import(request):
    """Upload a CSV/XLSX file; the import runs as a background job with a progress bar."""
    if request.method == "POST":  # a file above the limit never gets here (site.routes.UploadLimitMiddleware)
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, "请选择要上传的 CSV 或 Excel 文件。")
        else:
            try:
                job = services.start_import(upload, actor=request.user)
            except Refused as exc:
                refuse(request, exc)
            else:
                return redirect("common:job_detail", job.pk)
    jobs = Job.objects.filter(kind=services.IMPORT_JOB, created_by=request.user)[:10]
    return render(request, "directory/entity_import.html", {
        "columns": importer.COLUMNS, "jobs": jobs, "max_mb": settings.SSJ_MAX_UPLOAD_BYTES // 1048576,
    })


def import_template(request, fmt: str):
    if fmt == "csv":
        body, content_type = importer.template_csv(), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        body = importer.template_xlsx()
        content_type = XLSX
    else:
        raise Http404
    return HttpResponse(body, content_type=content_type, headers={
        "Content-Disposition": content_disposition_header(True, f"检查对象导入模板.{fmt}")})


# -------------------------------------------------------------------------------------- sub-libraries


def sublibrary_list(request):
    libraries = list(SubLibrary.objects.select_related("department", "created_by"))
    for lib in libraries:
        lib.count = lib.entities().count()
        lib.editable = request.user.manages(lib.department)
    return render(request, "directory/sublibrary_list.html", {
        "libraries": libraries, "can_create": request.user.is_admin})


def sublibrary_detail(request, pk: int):
    library = get_object_or_404(SubLibrary.objects.select_related("department", "created_by"), pk=pk)
    filt = EntityFilter.from_rule(library.rule)
    members = library.entities().select_related("industry", "township")
    page = CappedPaginator(members, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "directory/sublibrary_detail.html", {
        "library": library, "rule": filt.describe() if library.kind == SubLibraryKind.RULE else [],
        "page": page, "show_credit": sees_credit_class(request.user),
        "editable": request.user.manages(library.department),
    })


def sublibrary_create(request):
    return _sublibrary_form(request, None)


def sublibrary_edit(request, pk: int):
    library = get_object_or_404(SubLibrary.objects.select_related("department"), pk=pk)
    if not request.user.manages(library.department):
        raise Forbidden("只能管理本部门的名录分库。")
    return _sublibrary_form(request, library)


def _departments_for(user):
    return Department.objects.all() if user.is_office else Department.objects.filter(pk=user.department_id)


def _sublibrary_form(request, library: SubLibrary | None):
    user = request.user
    data = request.POST if request.method == "POST" else None
    initial_rule = library.rule if library else {}
    form = SubLibraryForm(data, request.FILES or None, library=library, departments=_departments_for(user))
    rule_filter = EntityFilter(data if data is not None else initial_rule, user=user, fields=RULE_FIELDS)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["kind"] == SubLibraryKind.RULE and not rule_filter.is_valid():
            messages.error(request, rule_filter.error_text())
        else:
            try:
                library, report = services.save_sublibrary(
                    actor=user, library=library, department=form.cleaned_data["department"],
                    name=form.cleaned_data["name"], kind=form.cleaned_data["kind"],
                    description=form.cleaned_data["description"], rule=rule_filter.to_rule(),
                    codes=form.member_codes())
            except Refused as exc:
                refuse(request, exc)
            else:
                if report and (report.unknown or report.invalid):
                    messages.warning(request, report.message)
                else:
                    messages.success(request, f"已保存名录分库“{library.name}”。")
                return redirect("directory:sublibrary_detail", library.pk)
    count = EntityFilter.from_rule(rule_filter.to_rule()).apply(Entity.objects.drawable()).count()
    return render(request, "directory/sublibrary_form.html", {
        "form": form, "library": library, "rule_form": rule_filter.form, "count": count,
    })


def sublibrary_rule_count(request):
    """HTMX fragment: how many drawable entities the rule being edited selects right now."""
    filt = EntityFilter(request.GET, user=request.user, fields=RULE_FIELDS)
    count = filt.apply(Entity.objects.drawable()).count() if filt.is_valid() else None
    return render(request, "directory/_rule_count.html", {"count": count, "error": None if filt.is_valid()
                                                           else filt.error_text()})


@require_POST
def sublibrary_delete(request, pk: int):
    library = get_object_or_404(SubLibrary, pk=pk)
    services.delete_sublibrary(actor=request.user, library=library)  # Forbidden → the 403 page
    messages.success(request, f"已删除名录分库“{library.name}”。")
    return redirect("directory:sublibrary_list")
