"""Public pages and open-data downloads of the published item lists (no login, never drafts)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from shuangsuiji.accounts.models import Department
from shuangsuiji.items import exports
from shuangsuiji.items.models import InspectionItem, ItemList, ListStatus


def _department(code: str) -> Department | None:
    """The department a public URL names; "joint" and "all" name no department."""
    if code in ("joint", "all"):
        return None
    department = Department.objects.filter(code=code).first()
    if department is None:
        raise Http404("没有这个部门。")
    return department


@login_not_required
def items_index(request):
    """Which departments have published lists, with links to each page and the open-data files."""
    published = ItemList.objects.filter(status=ListStatus.PUBLISHED)
    departments = (Department.objects.annotate(
        list_count=Count("item_lists", filter=Q(item_lists__status=ListStatus.PUBLISHED)),
        item_count=Count("item_lists__items", filter=Q(item_lists__status=ListStatus.PUBLISHED)),
    ).filter(list_count__gt=0))
    joint = published.filter(department__isnull=True).annotate(item_count=Count("items"))
    return render(request, "portal/items/index.html", {
        "departments": departments, "joint": joint,
        "total": InspectionItem.objects.published().count(),
    })


@login_not_required
def items_department(request, code: str):
    """One department's (or the joint) published lists, item by item, with publication date and version."""
    department = _department(code)
    if code == "all":
        raise Http404
    lists = exports.published_lists(code)
    sections = [{"list": lst, "items": list(lst.items.order_by("id"))} for lst in lists]
    involved = []
    if department is not None:
        involved = (InspectionItem.objects.published().filter(item_list__department__isnull=True)
                    .filter(Q(lead_department=department) | Q(co_lead_departments=department)
                            | Q(partner_departments=department)).distinct().order_by("id"))
    return render(request, "portal/items/department.html", {
        "department": department, "code": code, "sections": sections, "involved": involved,
    })


@login_not_required
def items_csv(request, code: str):
    _department(code)
    lists = exports.published_lists(None if code == "all" else code)
    response = HttpResponse(exports.to_csv(lists), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="items-{code}.csv"'
    return response


@login_not_required
def items_json(request, code: str):
    _department(code)
    data = exports.to_json(exports.published_lists(None if code == "all" else code))
    data["generated_at"] = timezone.now().isoformat()
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
