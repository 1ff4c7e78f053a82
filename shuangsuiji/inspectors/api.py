"""JSON API of the inspector directory (/api/v1/inspectors): the same services and scope as the pages.

Personal fields (id_number, phone) appear only for the owning department and the office; for anyone else
the keys are absent, not merely empty.
"""

from __future__ import annotations

import datetime
import math
from typing import Any

from django.db.models import Q
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status

from shuangsuiji.accounts.models import Department
from shuangsuiji.accounts.permissions import ADMINS, ANY_STAFF, READERS, WORKERS
from shuangsuiji.common.errors import Forbidden, NotFound
from shuangsuiji.common.schemas import ErrorOut, Id, PageNumber
from shuangsuiji.directory.models import Entity, Township

from . import services
from .filters import InspectorFilter
from .importer import parse_date
from .models import Conflict, Inspector
from .services import InspectorError
from .validation import InspectorData, compact

router = Router(tags=["执法检查人员名录库"])


class DepartmentRef(Schema):
    code: str
    name: str


class InspectorOut(Schema):
    id: int
    name: str
    department: DepartmentRef
    kind: str
    kind_label: str
    counts_as_officer: bool
    category: str
    category_label: str
    cert_no: str | None
    organisation: str
    domains: list[str]
    status: str
    status_label: str
    status_from: datetime.date | None
    status_until: datetime.date | None
    township: str | None
    township_name: str | None
    qualification_expires: datetime.date | None
    # Present only for the owning department and the office.
    id_number: str | None = None
    phone: str | None = None


class InspectorPage(Schema):
    count: int
    page: int
    pages: int
    items: list[InspectorOut]


class InspectorIn(Schema):
    """Fields to set; on update, fields left out keep their value. Dates as 2026-01-31."""

    name: str | None = None
    department: str | None = None
    kind: str | None = None
    category: str | None = None
    cert_no: str | None = None
    organisation: str | None = None
    domains: list[str] | None = None
    township: str | None = None
    qualification_expires: str | None = None
    id_number: str | None = None
    phone: str | None = None
    status: str | None = None
    status_from: str | None = None
    status_until: str | None = None


class StatusIn(Schema):
    status: str
    starts_on: str | None = None
    ends_on: str | None = None
    reason: str = ""


class ConflictIn(Schema):
    entity_id: int | None = None
    entity_uscc: str | None = None
    relation: str = ""
    reason: str = ""
    valid_from: str | None = None
    valid_until: str | None = None


class EndIn(Schema):
    ends_on: str | None = None


class ConflictOut(Schema):
    id: int
    inspector_id: int
    inspector_name: str
    department: DepartmentRef
    entity_id: int
    entity_uscc: str
    entity_name: str
    relation: str
    reason: str
    valid_from: datetime.date
    valid_until: datetime.date | None
    state: str


class ListParams(Schema):
    department: str | None = None
    kind: str | None = None
    category: str | None = None
    status: str | None = None
    domain: str | None = None
    q: str | None = None
    page: PageNumber = 1
    page_size: int = 50


ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def _dept(d: Department) -> dict[str, str]:
    return {"code": d.code, "name": d.name}


def inspector_out(inspector: Inspector, user) -> dict[str, Any]:
    out = {
        "id": inspector.pk, "name": inspector.name, "department": _dept(inspector.department),
        "kind": inspector.kind, "kind_label": inspector.get_kind_display(),
        "counts_as_officer": inspector.counts_as_officer, "category": inspector.category,
        "category_label": inspector.get_category_display() if inspector.category else "",
        "cert_no": inspector.cert_no, "organisation": inspector.organisation, "domains": inspector.domains,
        "status": inspector.status, "status_label": inspector.get_status_display(),
        "status_from": inspector.status_from, "status_until": inspector.status_until,
        "township": inspector.township_id, "township_name": inspector.township.name if inspector.township else None,
        "qualification_expires": inspector.qualification_expires,
    }
    if inspector.personal_visible_to(user):
        out.update(id_number=inspector.id_number, phone=inspector.phone)
    return out


def conflict_out(c: Conflict) -> dict[str, Any]:
    return {
        "id": c.pk, "inspector_id": c.inspector_id, "inspector_name": c.inspector.name,
        "department": _dept(c.inspector.department), "entity_id": c.entity_id, "entity_uscc": c.entity.uscc,
        "entity_name": c.entity.name, "relation": c.relation, "reason": c.reason, "valid_from": c.valid_from,
        "valid_until": c.valid_until, "state": c.state,
    }


def _dates(payload: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """Parse date strings with the Chinese messages the import uses."""
    out: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name in names:
        if name in payload:
            try:
                out[name] = parse_date(payload[name])
            except ValueError as exc:
                errors[name] = str(exc)
    if errors:
        raise InspectorError(errors)
    return out


def _changes(payload: dict[str, Any]) -> dict[str, Any]:
    changes: dict[str, Any] = {k: ("" if v is None else v) for k, v in payload.items()
                               if k in ("name", "kind", "category", "cert_no", "organisation", "id_number", "phone",
                                        "status")}
    if "domains" in payload:
        changes["domains"] = payload["domains"] or []
    if "township" in payload:
        text = (payload["township"] or "").strip()
        town = Township.objects.filter(Q(code=text) | Q(name=text)).first() if text else None
        if text and town is None:
            raise InspectorError({"township": f"未找到乡镇（街道）“{text}”"})
        changes["township"] = town
    changes.update(_dates(payload, ("qualification_expires", "status_from", "status_until")))
    return changes


@router.get("/", response=InspectorPage, url_name="inspectors_list", exclude_unset=True)
def list_inspectors(request, params: Query[ListParams]):
    """Inspectors in the caller's scope, with the list page's filters."""
    filt = InspectorFilter(params.dict(), user=request.user, queryset=Inspector.objects.listed_for(request.user))
    qs = filt.queryset().select_related("department", "township").prefetch_related("qualifications")
    size = max(1, min(params.page_size, 200))
    count = qs.count()
    page = max(1, params.page)
    rows = qs[(page - 1) * size: page * size]
    return {"count": count, "page": page, "pages": max(1, math.ceil(count / size)),
            "items": [inspector_out(i, request.user) for i in rows]}


@router.post("/", response={201: InspectorOut, **ERRORS}, url_name="inspectors_create", exclude_unset=True)
def create_inspector(request, payload: InspectorIn):
    """Register an officer or third party; a department admin registers into their own department only."""
    data_in = payload.dict(exclude_unset=True)
    user = request.user
    if user.is_office:
        department = Department.objects.filter(code=data_in.get("department") or "").first()
        if department is None:
            raise InspectorError({"department": "部门不存在：请用部门代码（如 scjgj）指定所属部门"})
    else:
        department = user.department
        if data_in.get("department") and department and data_in["department"] != department.code:
            raise Forbidden("只能在本部门登记执法检查人员。")
    if not user.manages(department):
        raise Forbidden("只有部门管理员和联席会议办公室可以登记执法检查人员。")
    data = InspectorData(name="", department=department).with_changes(**_changes(data_in))
    inspector = services.create_inspector(user, data)
    return Status(201, inspector_out(inspector, user))


@router.get("/domains", response={200: list[str], **ERRORS}, url_name="inspectors_domains")
def domains(request, department: str | None = None):
    """Domain suggestions for a department: categories of its published items, then domains in use."""
    dept = Department.objects.filter(code=department).first() if department else request.user.department
    if dept is None:
        raise NotFound("部门不存在")
    if not request.user.manages(dept):
        raise Forbidden("只能查看本部门的领域建议。")
    return Status(200, services.domain_suggestions(dept))


@router.get("/conflicts", response={200: list[ConflictOut], **ERRORS}, url_name="inspectors_conflicts_search")
def conflicts_search(request, entity_id: Id | None = None, uscc: str | None = None, active: bool = False):
    """Conflicts in the caller's scope, optionally of one entity (by id or USCC)."""
    qs = Conflict.objects.visible_to(request.user).select_related("inspector__department", "entity")
    if entity_id is not None:
        qs = qs.filter(entity_id=entity_id)
    if uscc:
        qs = qs.filter(entity__uscc=compact(uscc))
    if active:
        qs = qs.active_on(datetime.date.today())
    return Status(200, [conflict_out(c) for c in qs[:500]])


@router.post("/conflicts/{int:conflict_id}/end", response={200: ConflictOut, **ERRORS},
             url_name="inspectors_conflict_end")
def end_conflict(request, conflict_id: int, payload: EndIn):
    """Close a conflict from a date on (today if none)."""
    conflict = get_object_or_404(Conflict.objects.visible_to(request.user), pk=conflict_id)
    ends_on = _dates(payload.dict(exclude_unset=True), ("ends_on",)).get("ends_on")
    conflict = services.end_conflict(request.user, conflict, ends_on=ends_on)
    return Status(200, conflict_out(conflict))


def _readable(request, inspector_id: int) -> Inspector:
    return get_object_or_404(Inspector.objects.visible_to(request.user).select_related("department", "township"),
                             pk=inspector_id)


@router.get("/{int:inspector_id}", response={200: InspectorOut, **ERRORS}, url_name="inspectors_detail",
            exclude_unset=True)
def detail(request, inspector_id: int):
    """One inspector; personal fields only for the owning department and the office."""
    return Status(200, inspector_out(_readable(request, inspector_id), request.user))


@router.patch("/{int:inspector_id}", response={200: InspectorOut, **ERRORS}, url_name="inspectors_update",
              exclude_unset=True)
def update(request, inspector_id: int, payload: InspectorIn):
    """Change the given fields; a changed status is recorded in the status history."""
    inspector = _readable(request, inspector_id)
    data_in = payload.dict(exclude_unset=True)
    if not inspector.manageable_by(request.user):
        raise Forbidden("只能修改本部门的执法检查人员。")
    if "department" in data_in and data_in["department"] != inspector.department.code:
        raise InspectorError({"department": "不能直接改变所属部门：请将本记录设为“调离”，再由新部门登记"})
    data_in.pop("department", None)
    data = InspectorData.of(inspector).with_changes(**_changes(data_in))
    inspector = services.update_inspector(request.user, inspector, data)
    return Status(200, inspector_out(inspector, request.user))


@router.post("/{int:inspector_id}/status", response={200: InspectorOut, **ERRORS},
             url_name="inspectors_change_status", exclude_unset=True)
def change_status(request, inspector_id: int, payload: StatusIn):
    """在岗 / 请假 (from–until) / 调离 (from), recorded with its dates."""
    inspector = _readable(request, inspector_id)
    dates = _dates(payload.dict(exclude_unset=True), ("starts_on", "ends_on"))
    inspector = services.change_status(request.user, inspector, status=payload.status,
                                       starts_on=dates.get("starts_on"), ends_on=dates.get("ends_on"),
                                       reason=payload.reason)
    return Status(200, inspector_out(inspector, request.user))


@router.get("/{int:inspector_id}/conflicts", response={200: list[ConflictOut], **ERRORS},
            url_name="inspectors_conflicts")
def inspector_conflicts(request, inspector_id: int):
    """The conflicts declared for one inspector: personal, so only for the owning department and the office."""
    inspector = _readable(request, inspector_id)
    if not inspector.personal_visible_to(request.user):
        raise Forbidden("回避申报属于个人信息，仅所属部门和联席会议办公室可以查看。")
    return Status(200, [conflict_out(c) for c in inspector.conflicts.select_related("inspector__department", "entity")])


@router.post("/{int:inspector_id}/conflicts", response={201: ConflictOut, **ERRORS},
             url_name="inspectors_declare_conflict")
def declare_conflict(request, inspector_id: int, payload: ConflictIn):
    """Declare a conflict with an entity given by id or USCC."""
    inspector = _readable(request, inspector_id)
    entity = None
    if payload.entity_id is not None:
        entity = Entity.objects.filter(pk=payload.entity_id).first()
    elif payload.entity_uscc:
        entity = Entity.objects.filter(uscc=compact(payload.entity_uscc)).first()
    dates = _dates(payload.dict(exclude_unset=True), ("valid_from", "valid_until"))
    conflict = services.declare_conflict(request.user, inspector, entity=entity, relation=payload.relation,
                                         reason=payload.reason, valid_from=dates.get("valid_from"),
                                         valid_until=dates.get("valid_until"))
    return Status(201, conflict_out(conflict))


# Who may call each operation; the permission middleware picks the rule of the operation that handles the
# request's method (operations sharing a path share one URL pattern). Department scope is each service's.
PERMISSIONS = {
    "inspectors_list": ANY_STAFF,
    "inspectors_create": ADMINS,
    "inspectors_domains": ADMINS,
    "inspectors_conflicts_search": READERS,
    "inspectors_conflict_end": ADMINS,
    "inspectors_detail": ANY_STAFF,
    "inspectors_update": ADMINS,
    "inspectors_change_status": ADMINS,
    "inspectors_conflicts": ANY_STAFF,
    "inspectors_declare_conflict": WORKERS,
}
