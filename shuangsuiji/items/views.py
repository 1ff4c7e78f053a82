"""Pages of the item lists: browse versions, import, edit drafts, publish; each write is one service call."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from shuangsuiji.common.errors import Forbidden, Refused, refuse

from . import services
from .forms import ImportForm, ItemForm, ListFilterForm, NewVersionForm, RatioCapForm
from .models import InspectionItem, ItemClass, ItemList, ListStatus


def _refused(request, exc: Refused, fallback: str):
    refuse(request, exc)
    return redirect(fallback)


def _visible_lists(user):
    return ItemList.objects.visible_to(user).select_related("department", "created_by", "published_by")


def _get_list(request, pk: int) -> ItemList:
    return get_object_or_404(_visible_lists(request.user), pk=pk)


def _get_item(request, pk: int) -> InspectionItem:
    item = get_object_or_404(InspectionItem.objects.select_related("item_list", "item_list__department",
                                                                   "lead_department"), pk=pk)
    if not _visible_lists(request.user).filter(pk=item.item_list_id).exists():
        raise Http404
    return item


def list_index(request):
    """Every list version the user may see, filterable by department, level, kind and status."""
    form = ListFilterForm(request.GET or None)
    lists = _visible_lists(request.user).annotate(item_count=Count("items")).order_by(*ItemList._meta.ordering, "pk")
    if form.is_valid():
        data = form.cleaned_data
        if data["department"]:
            lists = lists.filter(department=data["department"])
        for key in ("level", "kind", "status"):
            if data[key]:
                lists = lists.filter(**{key: data[key]})
    page = Paginator(lists, 30).get_page(request.GET.get("page"))
    return render(request, "items/list_index.html", {"page": page, "filter": form, "can_import": request.user.is_admin})


def list_detail(request, pk: int):
    """One version: its items (search, category, class), the version history and the change summary."""
    lst = _get_list(request, pk)
    items = lst.items.select_related("lead_department").prefetch_related("partner_departments")
    q = request.GET.get("q", "").strip()
    category = request.GET.get("category", "").strip()
    item_class = request.GET.get("item_class", "")
    if q:
        items = items.filter(Q(name__icontains=q) | Q(category__icontains=q) | Q(object_type__icontains=q)
                             | Q(basis__icontains=q) | Q(body__icontains=q))
    if category:
        items = items.filter(category=category)
    if item_class in ItemClass.values:
        items = items.filter(item_class=item_class)
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    versions = (_visible_lists(request.user).same_key(lst).annotate(item_count=Count("items"))
                .order_by("-version"))
    previous = lst.previous_version()
    diff = services.diff_versions(previous, lst) if previous else None
    counts = lst.items.aggregate(total=Count("id"), key=Count("id", filter=Q(item_class=ItemClass.KEY)))
    return render(request, "items/list_detail.html", {
        "list": lst, "page": page, "q": q, "category": category, "item_class": item_class,
        "categories": lst.items.order_by("category").values_list("category", flat=True).distinct(),
        "classes": ItemClass.choices, "versions": versions, "previous": previous, "diff": diff,
        "counts": counts, "can_manage": request.user.manages(lst.department),
        "needs_approval": services.needs_approval(request.user, lst),
        "ratio_form": RatioCapForm(), "version_form": NewVersionForm(),
    })


def list_diff(request, pk: int):
    """Added, removed and changed items between this version and another (by default the one before)."""
    lst = _get_list(request, pk)
    against_pk = request.GET.get("against")
    versions = _visible_lists(request.user).same_key(lst).exclude(pk=lst.pk).order_by("-version")
    other = versions.filter(pk=against_pk).first() if against_pk and against_pk.isdigit() else lst.previous_version()
    if other is not None and not versions.filter(pk=other.pk).exists():
        other = None
    diff = None
    if other is not None:
        old, new = (other, lst) if other.version < lst.version else (lst, other)
        diff = services.diff_versions(old, new)
    return render(request, "items/list_diff.html", {"list": lst, "other": other, "diff": diff,
                                                    "versions": versions})


def import_form(request):
    """Upload a list file; the import runs as a background job whose page shows progress and errors."""
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.start_import(form.cleaned_data["file"], kind=form.cleaned_data["kind"],
                                        level=form.cleaned_data["level"], actor=request.user,
                                        department=form.scope(), note=form.cleaned_data["note"])
        except Refused as exc:
            refuse(request, exc, form)
        else:
            return redirect("common:job_detail", pk=job.pk)
    return render(request, "items/import_form.html", {"form": form})


def list_publish(request, pk: int):
    """GET: what publishing will change (confirmation), or for a department's change to a published list what
    the office will review; POST: publish (the office approving a submitted change publishes it)."""
    lst = _get_list(request, pk)
    if request.method == "POST":
        return _step(request, lst, lambda: services.publish_list(lst, actor=request.user),
                     f"已公布{lst}，公示门户即时更新。")
    if not request.user.manages(lst.department):
        raise Forbidden("只能公布本部门的清单。")
    current = ItemList.objects.same_key(lst).filter(status=ListStatus.PUBLISHED).first()
    diff = services.diff_versions(current, lst) if current and current.version < lst.version else None
    approval = services.needs_approval(request.user, lst)
    reviewing = lst.status == ListStatus.SUBMITTED and request.user.is_office
    title = f"报送审核{lst}" if approval else f"审核{lst}" if reviewing else f"公布{lst}"
    return render(request, "items/confirm.html", {
        "list": lst, "action": "submit" if approval else "publish", "title": title, "current": current,
        "diff": diff, "reviewing": reviewing, "count": lst.items.count(),
        "button": "报送联席会议办公室审核" if approval else "审核通过并公布" if reviewing else "确认公布",
    })


@require_POST
def list_submit(request, pk: int):
    """A department sends its change to a published list to the office."""
    lst = _get_list(request, pk)
    return _step(request, lst, lambda: services.submit_list(lst, actor=request.user),
                 f"已报送联席会议办公室审核{lst}；审核通过后公布，期间清单不能修改。")


@require_POST
def list_return(request, pk: int):
    """The office returns a submitted change with its comment."""
    lst = _get_list(request, pk)
    return _step(request, lst, lambda: services.return_list(lst, actor=request.user,
                                                            comment=request.POST.get("comment", "")),
                 f"已退回{lst}，意见已通知{lst.owner_name}。", back=reverse("items:list_publish", args=[lst.pk]))


def _step(request, lst, run, done: str, back: str = ""):
    """Run one step on a list: success goes to the list with ``done``; a refusal to ``back`` (the list) with its
    message."""
    try:
        run()
    except Refused as exc:
        return _refused(request, exc, back or lst_url(lst))
    messages.success(request, done)
    return redirect(lst_url(lst))


@require_POST
def list_new_version(request, pk: int):
    lst = _get_list(request, pk)
    form = NewVersionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        draft = services.new_version_from(lst, actor=request.user, note=note)
    except Refused as exc:
        return _refused(request, exc, lst_url(lst))
    messages.success(request, f"已新建草稿第{draft.version}版，可在其中修改后公布。")
    return redirect(lst_url(draft))


def list_delete(request, pk: int):
    lst = _get_list(request, pk)
    if request.method == "POST":
        try:
            services.delete_draft(lst, actor=request.user)
        except Refused as exc:
            return _refused(request, exc, lst_url(lst))
        messages.success(request, f"已删除草稿{lst}。")
        return redirect("items:list_index")
    if not request.user.manages(lst.department):
        raise Forbidden("只能删除本部门的草稿。")
    return render(request, "items/confirm.html", {"list": lst, "action": "delete", "title": f"删除草稿{lst}",
                                                  "button": "确认删除", "count": lst.items.count()})


@require_POST
def list_ratio_caps(request, pk: int):
    lst = _get_list(request, pk)
    form = RatioCapForm(request.POST)
    if not form.is_valid():
        messages.error(request, "抽查比例上限应为 0 到 100 之间的数字。")
        return redirect(lst_url(lst))
    try:
        count = services.set_ratio_caps(lst, actor=request.user, cap=form.cleaned_data["cap"],
                                        only_blank=form.cleaned_data["only_blank"])
    except Refused as exc:
        return _refused(request, exc, lst_url(lst))
    messages.success(request, f"已为 {count} 条一般检查事项设置抽查比例上限。")
    return redirect(lst_url(lst))


def item_detail(request, pk: int):
    """One item, its change history (who, what, when) and the same item in other versions."""
    item = _get_item(request, pk)
    records = list(item.history.select_related("history_user").order_by("-history_date", "-history_id"))
    history = []
    for record in records:
        changes = []
        prev = record.prev_record
        if prev is not None and record.history_type == "~":
            delta = record.diff_against(prev, included_fields=list(services.DIFF_FIELDS) + ["seq"])
            changes = [{"label": InspectionItem._meta.get_field(c.field).verbose_name,
                        "old": _readable(c.field, c.old), "new": _readable(c.field, c.new)} for c in delta.changes]
        history.append({"record": record, "changes": changes})
    others = (InspectionItem.objects.filter(code=item.code, item_list__in=_visible_lists(request.user)
                                            .same_key(item.item_list))
              .exclude(pk=item.pk).select_related("item_list").order_by("-item_list__version"))
    return render(request, "items/item_detail.html", {
        "item": item, "list": item.item_list, "history": history, "others": others,
        "can_edit": item.item_list.is_editable and request.user.manages(item.item_list.department),
    })


def item_edit(request, pk: int):
    item = _get_item(request, pk)
    lst = item.item_list
    if not request.user.manages(lst.department):
        raise Forbidden("只能修改本部门清单中的事项。")
    if not lst.is_editable:
        messages.error(request, "已公布或已替代的版本不能修改，请先基于该版本新建草稿。")
        return redirect("items:item_detail", pk=item.pk)
    form = ItemForm(request.POST or None, instance=item, item_list=lst)
    if request.method == "POST" and form.is_valid():
        fields = {k: form.cleaned_data[k] for k in form.fields}
        try:
            services.update_item(item, actor=request.user, **fields)
        except Refused as exc:
            refuse(request, exc, form)
        else:
            messages.success(request, "事项已保存。")
            return redirect("items:item_detail", pk=item.pk)
    return render(request, "items/item_form.html", {"form": form, "list": lst, "item": item})


def item_add(request, pk: int):
    lst = _get_list(request, pk)
    if not request.user.manages(lst.department):
        raise Forbidden("只能在本部门的清单中新增事项。")
    if not lst.is_editable:
        messages.error(request, "已公布或已替代的版本不能修改，请先基于该版本新建草稿。")
        return redirect(lst_url(lst))
    form = ItemForm(request.POST or None, item_list=lst)
    if request.method == "POST" and form.is_valid():
        fields = {k: form.cleaned_data[k] for k in form.fields}
        try:
            item = services.add_item(lst, actor=request.user, **fields)
        except Refused as exc:
            refuse(request, exc, form)
        else:
            messages.success(request, "事项已新增。")
            return redirect("items:item_detail", pk=item.pk)
    return render(request, "items/item_form.html", {"form": form, "list": lst, "item": None})


def item_delete(request, pk: int):
    item = _get_item(request, pk)
    lst = item.item_list
    if request.method == "POST":
        try:
            services.delete_item(item, actor=request.user)
        except Refused as exc:
            return _refused(request, exc, lst_url(lst))
        messages.success(request, "事项已从草稿中删除。")
        return redirect(lst_url(lst))
    if not request.user.manages(lst.department):
        raise Forbidden("只能修改本部门清单中的事项。")
    return render(request, "items/confirm.html", {"list": lst, "item": item, "action": "delete_item",
                                                  "title": "删除事项", "button": "确认删除"})


def _readable(field: str, value):
    if field == "item_class" and value in ItemClass.values:
        return ItemClass(value).label
    return value


def lst_url(lst: ItemList) -> str:
    return reverse("items:list_detail", args=[lst.pk])
