"""JSON API of the target directory under /api/v1/directory: the same filter and services as the pages.

Lists page by id (keyset: ``?cursor=<last id>``), never by OFFSET, so the millionth entity costs what
the first does. Credit-risk classes are returned only to the roles that may see them.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.urls import reverse
from ninja import File, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from shuangsuiji.accounts.permissions import ADMINS, ANY_STAFF, READERS
from shuangsuiji.common.errors import Forbidden, NotFound
from shuangsuiji.common.models import Job
from shuangsuiji.common.views import visible_jobs

from . import services, uscc
from .access import sees_credit_class
from .filters import ALL_FIELDS, MULTI_FIELDS, EntityFilter
from .models import Entity, SubLibrary

router = Router(tags=["检查对象名录库"])

MAX_LIMIT = 1000


class EntityOut(Schema):
    id: int
    uscc: str
    name: str
    entity_type: str
    entity_type_label: str
    industry: str | None
    industry_name: str | None
    township: str | None
    township_name: str | None
    address: str
    legal_rep: str
    registered_on: dt.date | None
    status: str
    status_label: str
    scale: str
    credit_class: str | None = None
    updated_at: dt.datetime


class EntityPage(Schema):
    items: list[EntityOut]
    next_cursor: int | None = None


class SubLibraryOut(Schema):
    id: int
    name: str
    department: str
    department_name: str
    kind: str
    description: str
    rule: dict
    member_count: int


class JobOut(Schema):
    id: int
    status: str
    status_label: str
    done: int
    total: int
    percent: int
    message: str
    report: dict
    page_url: str


class UsccOut(Schema):
    code: str
    valid: bool
    message: str | None = None


def _entity(e: Entity, credit: bool) -> dict:
    return {
        "id": e.pk, "uscc": e.uscc, "name": e.name, "entity_type": e.entity_type,
        "entity_type_label": e.get_entity_type_display(), "industry": e.industry_id,
        "industry_name": e.industry.name if e.industry_id else None, "township": e.township_id,
        "township_name": e.township.name if e.township_id else None, "address": e.address,
        "legal_rep": e.legal_rep, "registered_on": e.registered_on, "status": e.status,
        "status_label": e.get_status_display(), "scale": e.scale,
        "credit_class": e.credit_class if credit else None, "updated_at": e.updated_at,
    }


def _page(request: HttpRequest, queryset, cursor: int | None, limit: int) -> dict:
    """One keyset page: entities with id > cursor, and the cursor of the next page (None at the end)."""
    if not 1 <= limit <= MAX_LIMIT:
        raise services.DirectoryError(f"limit 应在 1 到 {MAX_LIMIT} 之间。")
    queryset = queryset.select_related("industry", "township").order_by("id")
    if cursor is not None:
        queryset = queryset.filter(id__gt=cursor)
    rows = list(queryset[: limit + 1])
    credit = sees_credit_class(request.user)
    items = [_entity(e, credit) for e in rows[:limit]]
    return {"items": items, "next_cursor": rows[limit - 1].pk if len(rows) > limit else None}


def _filter_data(request: HttpRequest) -> dict:
    """The filter parameters of the query string, each list field as a list (``?township=a&township=b``)."""
    data: dict = {name: request.GET.getlist(name) for name in MULTI_FIELDS if name in request.GET}
    if "q" in request.GET:
        data["q"] = request.GET["q"]
    return data


@router.get("/entities", response=EntityPage, url_name="directory_list_entities",
            summary="检查对象列表（可筛选，按 id 游标分页）")
def list_entities(request: HttpRequest, cursor: int | None = None, limit: int = 100, q: str = "",
                  township: str = "", industry: str = "", entity_type: str = "", status: str = "",
                  scale: str = "", credit_class: str = ""):
    """Filters take one or more values each (repeat the parameter); all given filters must match."""
    filt = EntityFilter(_filter_data(request), user=request.user, fields=ALL_FIELDS)
    if not filt.is_valid():
        raise (Forbidden if filt.forbidden else services.DirectoryError)(filt.error_text())
    return _page(request, filt.apply(Entity.objects.all()), cursor, limit)


@router.get("/entities/{uscc_code}", response=EntityOut, url_name="directory_get_entity",
            summary="按统一社会信用代码查询检查对象")
def get_entity(request: HttpRequest, uscc_code: str):
    entity = Entity.objects.select_related("industry", "township").filter(uscc=uscc.normalise(uscc_code)).first()
    if entity is None:
        raise NotFound(f"名录库中没有统一社会信用代码为 {uscc_code} 的主体。")
    return _entity(entity, sees_credit_class(request.user))


@router.post("/imports", response={202: JobOut}, url_name="directory_import_entities",
             summary="上传 CSV/XLSX 导入或更新检查对象（后台任务）")
def import_entities(request: HttpRequest, file: File[UploadedFile]):
    job = services.start_import(file, actor=request.user)
    job.refresh_from_db()
    return Status(202, _job(job))


@router.get("/imports/{job_id}", response=JobOut, url_name="directory_import_status",
            summary="导入任务的进度和结果")
def import_status(request: HttpRequest, job_id: int):
    job = visible_jobs(request.user).filter(pk=job_id, kind=services.IMPORT_JOB).first()
    if job is None:
        raise NotFound("没有这个导入任务，或您无权查看。")
    return _job(job)


def _job(job: Job) -> dict:
    return {"id": job.pk, "status": job.status, "status_label": job.get_status_display(), "done": job.done,
            "total": job.total, "percent": job.percent, "message": job.message, "report": job.report or {},
            "page_url": reverse("common:job_detail", args=[job.pk])}


def _library(lib: SubLibrary) -> dict:
    return {"id": lib.pk, "name": lib.name, "department": lib.department.code,
            "department_name": lib.department.name, "kind": lib.kind, "description": lib.description,
            "rule": lib.rule, "member_count": lib.entities().count()}


@router.get("/sublibraries", response=list[SubLibraryOut], url_name="directory_list_sublibraries",
            summary="名录分库列表")
def list_sublibraries(request: HttpRequest, department: str = ""):
    libraries = SubLibrary.objects.select_related("department")
    if department:
        libraries = libraries.filter(department__code=department)
    return [_library(lib) for lib in libraries]


@router.get("/sublibraries/{library_id}", response=SubLibraryOut, url_name="directory_get_sublibrary",
            summary="名录分库详情")
def get_sublibrary(request: HttpRequest, library_id: int):
    return _library(_get_library(library_id))


@router.get("/sublibraries/{library_id}/members", response=EntityPage, url_name="directory_sublibrary_members",
            summary="名录分库成员（按 id 游标分页）")
def sublibrary_members(request: HttpRequest, library_id: int, cursor: int | None = None, limit: int = 100):
    return _page(request, _get_library(library_id).entities(), cursor, limit)


def _get_library(library_id: int) -> SubLibrary:
    library = SubLibrary.objects.select_related("department").filter(pk=library_id).first()
    if library is None:
        raise NotFound("没有这个名录分库。")
    return library


@router.get("/uscc/{code}", response=UsccOut, url_name="directory_check_uscc",
            summary="校验统一社会信用代码（GB 32100-2015，含组织机构代码校验）")
def check_uscc(request: HttpRequest, code: str):
    normal = uscc.normalise(code)
    message = uscc.validate(normal) if normal else "统一社会信用代码为空"
    return {"code": normal, "valid": message is None, "message": message}


PERMISSIONS = {
    "directory_list_entities": ANY_STAFF,
    "directory_get_entity": ANY_STAFF,
    "directory_import_entities": ADMINS,
    "directory_import_status": ADMINS,
    "directory_list_sublibraries": READERS,
    "directory_get_sublibrary": READERS,
    "directory_sublibrary_members": READERS,
    "directory_check_uscc": ANY_STAFF,
}
