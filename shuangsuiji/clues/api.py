"""JSON API of the clue register (/api/v1/clues): another system — a monitoring system, a hotline — registers a clue
with an idempotency key, and reads a clue's state. Same services and refusals as the pages."""

from __future__ import annotations

import datetime

from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Router, Schema, Status

from shuangsuiji.accounts.permissions import ADMINS, READERS
from shuangsuiji.common.schemas import ErrorOut

from . import services
from .models import Clue

router = Router(tags=["线索"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
KEY_HEADER = "Idempotency-Key"


class ClueIn(Schema):
    source: str  # complaint, assigned, monitoring, transferred, found
    received_on: datetime.date
    content: str
    uscc: str = ""
    entity_name: str = ""
    township: str = ""  # the town's name
    industry: str = ""  # a GB/T 4754 division: its code ("52") or name
    items: list[str] = []  # codes of published inspection items
    complainant: str = ""
    complainant_phone: str = ""
    case_type: str = "general"  # or "unlicensed" (无证无照经营)
    external_ref: str = ""  # the sending system's own number


class ClueOut(Schema):
    number: str
    status: str
    status_label: str
    source: str
    received_on: datetime.date
    due_on: datetime.date
    department: str | None
    external_ref: str
    duplicate: bool = False  # True: the same call was made before; this is the clue it registered
    url: str


def clue_out(clue: Clue, duplicate: bool = False) -> dict:
    return {"number": clue.number, "status": clue.status, "status_label": clue.get_status_display(),
            "source": clue.source, "received_on": clue.received_on, "due_on": clue.due_on,
            "department": clue.department.code if clue.department_id else None, "external_ref": clue.external_ref,
            "duplicate": duplicate, "url": reverse("clues:detail", args=[clue.number])}


@router.post("", response={201: ClueOut, 200: ClueOut, **ERRORS}, url_name="clues_submit",
             openapi_extra={"parameters": [{"name": KEY_HEADER, "in": "header", "required": True,
                                            "schema": {"type": "string", "maxLength": 100},
                                            "description": "本次提交的唯一标识；网络重试时使用同一个值"}]})
def submit(request, payload: ClueIn):
    """Register a clue received by the caller's department. The ``Idempotency-Key`` header makes a retry safe:
    the same key with the same content answers the clue registered the first time (200, ``duplicate``); the same
    key with other content is refused (409); a new clue needs a new key (201)."""
    clue, new = services.submit(request.user, key=request.headers.get(KEY_HEADER, ""), sent=payload.dict())
    return Status(201 if new else 200, clue_out(clue, duplicate=not new))


@router.get("/{number}", response={200: ClueOut, **ERRORS}, url_name="clues_get")
def get(request, number: str):
    """A clue the caller may read: its state, due date and responsible department."""
    return Status(200, clue_out(get_object_or_404(Clue.objects.visible_to(request.user), number=number)))


PERMISSIONS = {"clues_submit": ADMINS, "clues_get": READERS}
