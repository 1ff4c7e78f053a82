"""JSON API of inspection results (/api/v1/results): the inspector's visits, a visit's parts, saving
and submitting a part, the department's review, follow-ups. Same services and refusals as the pages."""

from __future__ import annotations

import datetime
from typing import Any

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from shuangsuiji.accounts.permissions import ADMINS, ANY_STAFF, WORKERS
from shuangsuiji.common.schemas import ErrorOut

from . import services
from .models import ResultCode, VisitPart

router = Router(tags=["检查与结果"])


ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


class CodeOut(Schema):
    code: str
    label: str
    problem: bool
    exclusive: bool


class RowOut(Schema):
    id: int
    item_code: str
    item_name: str
    codes: list[str]
    findings: str
    has_problem: bool
    unlicensed: bool
    evidence: list[dict[str, Any]]


class ResultPartOut(Schema):
    id: int
    department: str
    status: str
    status_label: str
    revision: int
    arrived_at: datetime.datetime | None
    left_at: datetime.datetime | None
    publish_due_on: datetime.date | None  # set when approved: the last day to publish it (20 working days)
    can_edit: bool
    results: list[RowOut]


class ResultVisitOut(Schema):
    number: str
    task: str
    uscc: str
    name: str
    ends_on: datetime.date | None
    parts: list[ResultPartOut]


class MyVisitOut(Schema):
    number: str
    task: str
    uscc: str
    name: str
    ends_on: datetime.date | None


class ResultIn(Schema):
    item_id: int
    codes: list[str] = []
    findings: str = ""
    unlicensed: bool = False


class PartIn(Schema):
    revision: int
    results: list[ResultIn] = []
    arrived_at: datetime.datetime | None = None
    left_at: datetime.datetime | None = None
    submit: bool = False


class ReviewIn(Schema):
    approve: bool
    comment: str = ""


class FollowUpOut(Schema):
    id: int
    visit: str
    item_code: str
    kind: str
    kind_label: str
    owner: str
    status: str
    status_label: str
    due_on: datetime.date


def part_out(user, part: VisitPart) -> dict[str, Any]:
    rows = part.results.select_related("item").prefetch_related("evidence").order_by("item__code")
    return {
        "id": part.pk, "department": part.department.code, "status": part.status,
        "status_label": part.get_status_display(), "revision": part.revision,
        "arrived_at": part.arrived_at, "left_at": part.left_at, "publish_due_on": part.publish_due_on,
        "can_edit": part.editable and services.is_assigned(user, part),
        "results": [{"id": r.pk, "item_code": r.item.code, "item_name": r.item.name, "codes": r.codes,
                     "findings": r.findings, "has_problem": r.has_problem, "unlicensed": r.unlicensed,
                     "evidence": [{"kind": e.kind, "name": e.name, "size": e.size, "sha256": e.sha256,
                                   "source": e.source} for e in r.evidence.all()]}
                    for r in rows],
    }


def _visible_part(request, part_id: int) -> VisitPart:
    part = get_object_or_404(VisitPart.objects.select_related("visit", "department"), pk=part_id)
    get_object_or_404(services.visits_visible_to(request.user), pk=part.visit_id)
    return part


@router.get("/vocabulary", response=list[CodeOut], url_name="results_vocabulary")
def vocabulary(request):
    """The standard result vocabulary in use (标准检查结果用语)."""
    return list(ResultCode.objects.filter(active=True))


@router.get("/my-visits", response=list[MyVisitOut], url_name="results_my_visits")
def my_visits(request):
    """Visits the signed-in inspector is matched to (empty for anyone else)."""
    return [{"number": v.number, "task": v.task.number, "uscc": v.entity.uscc, "name": v.entity.name,
             "ends_on": v.task.ends_on} for v in services.my_visits(request.user)[:1000]]


@router.get("/visits/{number}", response={200: ResultVisitOut, **ERRORS}, url_name="results_visit")
def visit_detail(request, number: str):
    """Every department's part of a visit (结果互认: read-only for the other departments)."""
    visit = get_object_or_404(services.visits_visible_to(request.user), number=number)
    parts = services.ensure_parts(visit)
    return Status(200, {"number": visit.number, "task": visit.task.number, "uscc": visit.entity.uscc,
                        "name": visit.entity.name, "ends_on": visit.task.ends_on,
                        "parts": [part_out(request.user, p) for p in parts]})


@router.put("/parts/{part_id}", response={200: ResultPartOut, **ERRORS}, url_name="results_part_save")
def save_part(request, part_id: int, payload: PartIn):
    """Save a draft or submit (``submit``: every item answered). ``revision`` must be the part's current one;
    a stale one is refused, so a retried or second-device request never writes twice."""
    part = _visible_part(request, part_id)
    results = {r.item_id: {"codes": r.codes, "findings": r.findings, "unlicensed": r.unlicensed}
               for r in payload.results}
    part = services.save_part(request.user, part, revision=payload.revision, results=results,
                              arrived_at=payload.arrived_at, left_at=payload.left_at, submit=payload.submit)
    return Status(200, part_out(request.user, part))


@router.post("/parts/{part_id}/review", response={200: ResultPartOut, **ERRORS}, url_name="results_part_review")
def review_part(request, part_id: int, payload: ReviewIn):
    """The department approves a submitted part or returns it with a comment."""
    part = _visible_part(request, part_id)
    part = services.review(request.user, part, approve=payload.approve, comment=payload.comment)
    return Status(200, part_out(request.user, part))


@router.get("/followups", response=list[FollowUpOut], url_name="results_followups")
def followups(request, overdue: bool = False):
    """Follow-ups the user's department owns or started (all of them for the office)."""
    qs = services.followups_visible_to(request.user)
    if overdue:
        qs = services.overdue(qs)
    qs = qs.select_related("result__item", "result__part__visit", "owner")[:1000]
    return [{"id": f.pk, "visit": f.result.part.visit.number, "item_code": f.result.item.code, "kind": f.kind,
             "kind_label": f.get_kind_display(), "owner": f.owner.code, "status": f.status,
             "status_label": f.get_status_display(), "due_on": f.due_on} for f in qs]


PERMISSIONS = {
    "results_vocabulary": ANY_STAFF,
    "results_my_visits": ANY_STAFF,
    "results_visit": ANY_STAFF,
    "results_part_save": WORKERS,
    "results_part_review": ADMINS,
    "results_followups": ANY_STAFF,
}
