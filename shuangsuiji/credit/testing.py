"""Test helpers: an inspection in a business's history without running a whole draw."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from shuangsuiji.draws.testing import make_published_item
from shuangsuiji.plans.models import Task, TaskKind, TaskStatus, Visit
from shuangsuiji.results.models import FollowUp, ItemResult, PartStatus, VisitPart

_serial = itertools.count(1)


def inspected(entity, department, on: dt.date, *, problem: bool, followup_due: dt.date | None = None,
              closed_on: dt.date | None = None) -> ItemResult:
    """One approved inspection of ``entity`` by ``department`` reviewed on ``on``; with a follow-up if due given."""
    n = next(_serial)
    item = make_published_item(department, f"历史检查事项{n}")
    task = Task.objects.create(number=f"T-HIST-{n:04d}", year=on.year, title="历史检查", kind=TaskKind.INTERNAL,
                               department=department, status=TaskStatus.IN_PROGRESS)
    visit = Visit.objects.create(task=task, entity=entity, number=f"V-HIST-{n:04d}")
    at = timezone.make_aware(dt.datetime.combine(on, dt.time(10)))
    part = VisitPart.objects.create(visit=visit, department=department, status=PartStatus.APPROVED, reviewed_at=at)
    result = ItemResult.objects.create(part=part, item=item, has_problem=problem, codes=[])
    if followup_due:
        closed = timezone.make_aware(dt.datetime.combine(closed_on, dt.time(16))) if closed_on else None
        followup = FollowUp.objects.create(result=result, kind="rectify", owner=department, due_on=followup_due,
                                           status="closed" if closed else "open", closed_at=closed)
        FollowUp.objects.filter(pk=followup.pk).update(created_at=at)  # decided the day it was reviewed
    return result
