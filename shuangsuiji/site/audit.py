"""The office's audit log page: every change in words, filtered by department, person, action and date."""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone

from shuangsuiji.accounts.models import Department
from shuangsuiji.common.models import AuditEvent

from .audit_labels import GROUPS, LABELS


def label(action: str) -> str:
    return LABELS.get(action, action)


def _day(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def audit_list(request):
    g = request.GET
    events = AuditEvent.objects.select_related("actor", "department")
    filters = {"q": g.get("q", "").strip(), "department": g.get("department", ""), "actor": g.get("actor", "").strip(),
               "action": g.get("action", ""), "since": g.get("since", ""), "until": g.get("until", "")}
    problems = []
    if filters["q"]:
        events = events.filter(Q(object_repr__icontains=filters["q"]) | Q(summary__icontains=filters["q"])
                               | Q(object_id=filters["q"]))
    if filters["department"]:
        events = events.filter(department__code=filters["department"])
    if filters["actor"]:
        events = events.filter(Q(actor__username__icontains=filters["actor"])
                               | Q(actor__display_name__icontains=filters["actor"]))
    if filters["action"]:
        events = events.filter(action=filters["action"]) if "." in filters["action"] else events.filter(
            action__startswith=filters["action"] + ".")
    tz = timezone.get_current_timezone()
    for key, label_text, op in (("since", "起始日期", "gte"), ("until", "截止日期", "lt")):
        day = _day(filters[key])
        if filters[key] and day is None:
            problems.append(f"{label_text}“{filters[key]}”不是有效日期（例如 2026-12-01），未按它筛选。")
        elif day is not None:
            moment = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=op == "lt"), dt.time()), tz)
            events = events.filter(**{f"at__{op}": moment})
    page = Paginator(events, 50).get_page(g.get("page"))
    for e in page.object_list:
        e.label = label(e.action)
    groups: dict[str, list[tuple[str, str]]] = {}
    for code, text in LABELS.items():
        prefix = code.split(".")[0]
        groups.setdefault(GROUPS.get(prefix, prefix), []).append((code, text))
    return render(request, "site/audit_list.html", {
        "page": page, "filters": filters, "problems": problems, "groups": groups,
        "departments": Department.objects.order_by("order", "code"), "total": page.paginator.count})
