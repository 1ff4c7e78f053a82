"""The export file adapter: for platforms that take uploads, the changes of one day and one department as a
spreadsheet in the layout of the 公示系统's 抽查检查结果 (columns in docs/push.md)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from .models import Action, OutboxMessage

HEADER = ["记录编号", "操作", "检查实施机关", "检查类型", "检查日期", "检查结果", "统一社会信用代码", "企业名称",
          "公示日期", "更正或撤回理由", "幂等键"]
ACTION_WORDS = dict(Action.choices)


def batches(days: int = 31) -> list[dict]:
    """(day, department, count) of the last ``days`` days that have changes, newest first."""
    since = timezone.now() - dt.timedelta(days=days)
    tz = timezone.get_current_timezone()
    return list(OutboxMessage.objects.filter(created_at__gte=since)
                .annotate(day=TruncDate("created_at", tzinfo=tz))
                .values("day", "department__code", "department__name").annotate(n=Count("id"))
                .order_by("-day", "department__code"))


def rows(day: dt.date, department) -> list[list]:
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(dt.datetime.combine(day, dt.time()), tz)
    messages = OutboxMessage.objects.filter(department=department, created_at__gte=start,
                                            created_at__lt=start + dt.timedelta(days=1)).order_by("id")
    out = []
    for m in messages.iterator(chunk_size=2000):
        p = m.payload
        reason = p.get("correction_reason") or p.get("withdrawal_reason") or ""
        out.append([p["record_id"], ACTION_WORDS.get(m.action, m.action), p["inspecting_authority"], p["check_type"],
                    p["check_date"], p["result"], p["uscc"], p["enterprise_name"], p["published_at"][:10], reason,
                    m.key])
    return out
