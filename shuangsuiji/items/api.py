"""JSON API of the item lists (/api/v1/items/…): the same services and scope rules as the pages."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal

from django.db.models import Count
from django.urls import reverse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from shuangsuiji.accounts.models import Department
from shuangsuiji.accounts.permissions import ADMINS, READERS
from shuangsuiji.common.errors import NotFound
from shuangsuiji.common.schemas import ErrorOut

from . import importer, services
from .models import ItemList, Level, ListKind, ListStatus

router = Router(tags=["抽查事项清单"])


class DepartmentOut(Schema):
    code: str
    name: str


class ItemListOut(Schema):
    id: int
    kind: str
    kind_label: str
    department: DepartmentOut | None
    level: str
    level_label: str
    version: int
    title: str
    status: str
    status_label: str
    note: str
    source_filename: str
    created_by: str | None
    created_at: datetime
    published_by: str | None
    published_at: datetime | None
    item_count: int


class ItemOut(Schema):
    id: int
    code: str
    seq: str
    category: str
    name: str
    object_type: str
    item_class: str
    methods: str
    body: str
    basis: str
    ratio_cap: Decimal | None
    department: str | None
    lead_text: str
    lead_department: str | None
    partner_text: str
    partner_departments: list[str]


class ItemListDetailOut(ItemListOut):
    items: list[ItemOut]


class ImportJobOut(Schema):
    job_id: int
    status: str
    url: str


class NewVersionIn(Schema):
    note: str = ""


class DiffItemOut(Schema):
    code: str
    category: str
    name: str
    object_type: str


class FieldChangeOut(Schema):
    field: str
    label: str
    old: str
    new: str


class ChangedItemOut(DiffItemOut):
    changes: list[FieldChangeOut]


class VersionRef(Schema):
    id: int
    version: int


class DiffOut(Schema):
    old: VersionRef
    new: VersionRef
    added: list[DiffItemOut]
    removed: list[DiffItemOut]
    changed: list[ChangedItemOut]


def _list_out(lst: ItemList, item_count: int | None = None) -> dict:
    return {
        "id": lst.pk, "kind": lst.kind, "kind_label": lst.get_kind_display(),
        "department": {"code": lst.department.code, "name": lst.department.name} if lst.department else None,
        "level": lst.level, "level_label": lst.get_level_display(), "version": lst.version, "title": lst.title,
        "status": lst.status, "status_label": lst.get_status_display(), "note": lst.note,
        "source_filename": lst.source_filename,
        "created_by": str(lst.created_by) if lst.created_by else None, "created_at": lst.created_at,
        "published_by": str(lst.published_by) if lst.published_by else None, "published_at": lst.published_at,
        "item_count": item_count if item_count is not None else lst.items.count(),
    }


def _visible(request):
    return ItemList.objects.visible_to(request.user).select_related("department", "created_by", "published_by")


def _get_list(request, list_id: int) -> ItemList:
    lst = _visible(request).filter(pk=list_id).first()
    if lst is None:
        raise NotFound("清单不存在，或您无权查看。")
    return lst


@router.get("/lists", response=list[ItemListOut], url_name="items_list_lists")
def list_lists(request, department: str | None = None, level: str | None = None, kind: str | None = None,
               status: str | None = None):
    """List versions visible to the caller, filtered like the list page."""
    lists = _visible(request).annotate(n=Count("items"))
    if department == "joint":
        lists = lists.filter(department__isnull=True)
    elif department:
        lists = lists.filter(department__code=department)
    for key, value, allowed in (("level", level, Level.values), ("kind", kind, ListKind.values),
                                ("status", status, ListStatus.values)):
        if value:
            if value not in allowed:
                raise services.ItemsError(f"参数 {key}=“{value}”无效，可选：{'、'.join(allowed)}。")
            lists = lists.filter(**{key: value})
    return [_list_out(lst, lst.n) for lst in lists]


@router.get("/lists/{list_id}", response={200: ItemListDetailOut, 404: ErrorOut}, url_name="items_get_list")
def get_list(request, list_id: int):
    """One version with all its items."""
    lst = _get_list(request, list_id)
    items = list(lst.items.select_related("department", "lead_department").prefetch_related("partner_departments"))
    data = _list_out(lst, len(items))
    data["items"] = [{
        "id": i.pk, "code": i.code, "seq": i.seq, "category": i.category, "name": i.name,
        "object_type": i.object_type, "item_class": i.item_class, "methods": i.methods, "body": i.body,
        "basis": i.basis, "ratio_cap": i.ratio_cap, "department": i.department.code if i.department else None,
        "lead_text": i.lead_text, "lead_department": i.lead_department.code if i.lead_department else None,
        "partner_text": i.partner_text, "partner_departments": [d.code for d in i.partner_departments.all()],
    } for i in items]
    return data


@router.post("/imports", response={202: ImportJobOut, 400: ErrorOut, 403: ErrorOut}, url_name="items_import")
def import_list(request, file: File[UploadedFile] = None, kind: Form[str] = ListKind.RANDOM,
                level: Form[str] = Level.PROVINCE, department: Form[str] = "", note: Form[str] = ""):
    """Upload a list file (multipart); the import runs as a background job whose id is returned."""
    if file is None:
        raise services.ItemsError("请上传清单文件（字段名 file）。")
    user = request.user
    scope = None
    if department:
        scope = Department.objects.filter(code=department).first()
        if scope is None:
            raise services.ItemsError(f"部门代码“{department}”不存在。")
    elif not user.is_office:
        scope = user.department
    job = services.start_import(file, kind=kind, level=level, actor=user, department=scope, note=note)
    job.refresh_from_db()
    return Status(202, {"job_id": job.pk, "status": job.status, "url": reverse("common:job_detail", args=[job.pk])})


@router.post("/lists/{list_id}/publish", response={200: ItemListOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             url_name="items_publish")
def publish(request, list_id: int):
    """Publish a draft; the version in force until now is superseded."""
    lst = services.publish_list(_get_list(request, list_id), actor=request.user)
    return _list_out(lst)


class CommentIn(Schema):
    comment: str = ""


@router.post("/lists/{list_id}/submit", response={200: ItemListOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                                                  409: ErrorOut}, url_name="items_submit")
def submit(request, list_id: int):
    """A department sends its change to a published list to the joint-meeting office (§二(二))."""
    return _list_out(services.submit_list(_get_list(request, list_id), actor=request.user))


@router.post("/lists/{list_id}/return", response={200: ItemListOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                                                  409: ErrorOut}, url_name="items_return")
def return_list(request, list_id: int, payload: CommentIn):
    """The office returns a submitted change with a comment; approving it is ``publish``."""
    return _list_out(services.return_list(_get_list(request, list_id), actor=request.user, comment=payload.comment))


@router.post("/lists/{list_id}/new-version",
             response={201: ItemListOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             url_name="items_new_version")
def new_version(request, list_id: int):
    """Copy a published version into a new draft; the JSON body {"note": "…"} is optional."""
    note = request.POST.get("note", "") if request.content_type != "application/json" else ""
    if request.content_type == "application/json" and request.body:
        try:
            note = str(NewVersionIn.model_validate(json.loads(request.body)).note)
        except (ValueError, TypeError) as exc:
            raise services.ItemsError("请求体应为 JSON，例如 {\"note\": \"版本说明\"}。") from exc
    lst = services.new_version_from(_get_list(request, list_id), actor=request.user, note=note)
    return Status(201, _list_out(lst))


@router.get("/lists/{list_id}/diff", response={200: DiffOut, 400: ErrorOut, 404: ErrorOut}, url_name="items_diff")
def diff(request, list_id: int, against: int | None = None):
    """Items added, removed and changed against another version (by default the previous one)."""
    lst = _get_list(request, list_id)
    other = _get_list(request, against) if against else lst.previous_version()
    if other is None:
        raise services.ItemsError("这是该清单的第一个版本，没有可比较的版本。")
    old, new = (other, lst) if other.version < lst.version else (lst, other)
    return services.diff_versions(old, new).as_dict()


PERMISSIONS = {
    "items_list_lists": READERS,
    "items_get_list": READERS,
    "items_diff": READERS,
    "items_import": ADMINS,
    "items_publish": ADMINS,
    "items_submit": ADMINS,
    "items_return": ADMINS,
    "items_new_version": ADMINS,
}

UPLOAD_LIMITS = {"items_import": importer.max_file_bytes}  # see site.routes.UploadLimitMiddleware
