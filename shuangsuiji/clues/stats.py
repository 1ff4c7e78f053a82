"""Figures of the clue register for its dashboard: clues per month by source, department, industry or town, and
how long triage and disposal took. Every figure counts only the clues the reader may read
(``Clue.objects.visible_to``), over the twelve months up to this one."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from .models import Clue, Source, Status

# by: (label in words, the field grouped on, what a clue without it is called)
DIMENSIONS = {
    "source": ("来源", "source", ""),
    "department": ("承办部门", "department__short_name", "待分办"),
    "industry": ("行业", "industry__name", "未注明行业"),
    "town": ("乡镇（街道）", "township__name", "未注明乡镇"),
}
TOP = 6  # groups drawn one by one; the rest are summed as 其他
SOURCES = dict(Source.choices)


def months_to(today: dt.date, count: int = 12) -> list[dt.date]:
    """The first days of the ``count`` months up to today's, oldest first."""
    first, out = today.replace(day=1), []
    for _ in range(count):
        out.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return out[::-1]


def by_month(clues, by: str, months: list[dt.date]) -> dict[str, list[int]]:
    """Clues received per month for each group of ``by`` (the largest first, the rest as 其他)."""
    _label, field, missing = DIMENSIONS[by]
    counts: dict[str, Counter] = defaultdict(Counter)
    rows = (clues.annotate(month=TruncMonth("received_on")).values("month", field).annotate(n=Count("id"))
            .order_by())
    for row in rows:
        month = row["month"].date() if isinstance(row["month"], dt.datetime) else row["month"]
        value = row[field]
        name = SOURCES.get(value, value) if by == "source" else (value or missing)
        counts[name][month] += row["n"]
    ranked = sorted(counts, key=lambda name: (-sum(counts[name].values()), name))
    series = {name: [counts[name][m] for m in months] for name in ranked[:TOP]}
    if len(ranked) > TOP:
        series["其他"] = [sum(counts[name][m] for name in ranked[TOP:]) for m in months]
    return series


def _days(start: dt.date, end: dt.datetime | None) -> int | None:
    """Whole days from a clue's receipt to a moment (its triage or closure), or None when it has not happened."""
    return None if end is None else (timezone.localtime(end).date() - start).days


def durations(clues, months: list[dt.date]) -> dict:
    """Days from receipt to triage and to closure: the medians and averages, and the monthly averages."""
    triage: dict[dt.date, list[int]] = defaultdict(list)
    closure: dict[dt.date, list[int]] = defaultdict(list)
    for received, decided, closed in clues.values_list("received_on", "decided_at", "closed_at"):
        month = received.replace(day=1)
        if (days := _days(received, decided)) is not None:
            triage[month].append(days)
        if (days := _days(received, closed)) is not None:
            closure[month].append(days)

    def summary(values: dict) -> dict:
        flat = [d for days in values.values() for d in days]
        return {"count": len(flat), "median": statistics.median(flat) if flat else None,
                "mean": round(statistics.fmean(flat), 1) if flat else None}

    def monthly(values: dict) -> list:
        return [round(statistics.fmean(values[m]), 1) if values.get(m) else None for m in months]

    return {"triage": summary(triage), "closure": summary(closure),
            "monthly": {"分办（平均天数）": monthly(triage), "办结（平均天数）": monthly(closure)}}


def per_department(clues, today: dt.date) -> list[dict]:
    """Per responsible department (or the receiving one while waiting): clues by state, overdue triage."""
    rows: dict[str, Counter] = defaultdict(Counter)
    for handling, receiving, status, due in clues.values_list("department__short_name", "received_by__short_name",
                                                               "status", "due_on"):
        row = rows[handling or receiving]
        row["total"] += 1
        row[status] += 1
        if status == Status.NEW and due < today:
            row["overdue"] += 1
    keys = ("total", "overdue", *Status.values)
    return [{"department": name, **{k: counts[k] for k in keys},
             "handling": sum(counts[k] for k in (Status.ASSIGNED, Status.CHECKING, Status.CASE))}
            for name, counts in sorted(rows.items(), key=lambda kv: (-kv[1]["total"], kv[0]))]


def window(user, today: dt.date):
    """The reader's clues received in the twelve months up to this one, and those months."""
    months = months_to(today)
    return Clue.objects.visible_to(user).filter(received_on__gte=months[0]), months
