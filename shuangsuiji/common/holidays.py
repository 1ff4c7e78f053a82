"""The office's edits of the working-day calendar: override rows (holidays and 调休 workdays) and the time
limits. Rows arrive pasted from the State Council's announcement, one stretch per line, and are checked
together: one bad line and nothing is kept, with the line and the field named."""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction
from django.utils import timezone

from . import audit
from .errors import Forbidden, NotFound, Refused
from .models import CalendarOverride, DayKind, Deadline
from .workdays import DEFAULT_DEADLINES

MAX_DAYS = 31
KIND_WORDS = {"放假": DayKind.HOLIDAY, "休": DayKind.HOLIDAY, "休息": DayKind.HOLIDAY, "holiday": DayKind.HOLIDAY,
              "调休上班": DayKind.WORKDAY, "上班": DayKind.WORKDAY, "班": DayKind.WORKDAY,
              "workday": DayKind.WORKDAY}
EXAMPLE = "2026-02-15,2026-02-23,放假,春节"  # as the State Council announced 2026


class CalendarError(Refused):
    """A calendar row or time limit the office typed that cannot be kept."""


def _may_edit(user) -> None:
    if not user.is_office:
        raise Forbidden("节假日调整和办理时限由联席会议办公室维护。")


def _date(text: str, where: str, label: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip().replace("/", "-").replace(".", "-"))
    except ValueError:
        raise CalendarError(f"{where}：{label}“{text.strip()}”不是有效日期（例如 2027-02-06）。",
                            {"rows": f"{where}：{label}无效"}) from None


def parse(text: str) -> list[CalendarOverride]:
    """Rows from pasted lines ``起始日期,截止日期,类型,名称`` (commas, tabs or spaces; 类型 放假 or 调休上班)."""
    rows: list[tuple[int, CalendarOverride]] = []
    this_year = timezone.localdate().year
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where = f"第 {number} 行"
        fields = [f for f in re.split(r"[,，\t]+|\s+|至|~", line.strip()) if f]
        if len(fields) != 4:
            raise CalendarError(f"{where}：应为“起始日期,截止日期,类型,名称”四项（例如 {EXAMPLE}），现有 {len(fields)} 项。",
                                {"rows": f"{where}：项数不对"})
        starts, ends = _date(fields[0], where, "起始日期"), _date(fields[1], where, "截止日期")
        kind = KIND_WORDS.get(fields[2].strip().lower())
        if kind is None:
            raise CalendarError(f"{where}：类型“{fields[2]}”应为“放假”或“调休上班”。", {"rows": f"{where}：类型无效"})
        name = fields[3].strip()[:40]
        if ends < starts:
            raise CalendarError(f"{where}：截止日期 {ends} 早于起始日期 {starts}。", {"rows": f"{where}：日期颠倒"})
        if (ends - starts).days + 1 > MAX_DAYS:
            raise CalendarError(f"{where}：一段不超过 {MAX_DAYS} 天（现为 {(ends - starts).days + 1} 天），请分段填写。",
                                {"rows": f"{where}：跨度过长"})
        if not 2000 <= starts.year <= this_year + 2:
            raise CalendarError(f"{where}：年份 {starts.year} 不在可调整的范围内（2000 年至 {this_year + 2} 年）。",
                                {"rows": f"{where}：年份超出范围"})
        rows.append((number, CalendarOverride(starts_on=starts, ends_on=ends, kind=kind, name=name)))
    if not rows:
        raise CalendarError(f"没有可登记的行。每行一段：起始日期,截止日期,类型,名称（例如 {EXAMPLE}）。",
                            {"rows": "请填写至少一行"})
    for i, (n, a) in enumerate(rows):
        for m, b in rows[i + 1:]:
            if a.starts_on <= b.ends_on and b.starts_on <= a.ends_on:
                day = max(a.starts_on, b.starts_on)
                raise CalendarError(f"第 {m} 行与第 {n} 行日期重叠（{day}）；同一天只能属于一段。",
                                    {"rows": f"第 {m} 行与第 {n} 行重叠"})
    for n, a in rows:
        clash = CalendarOverride.objects.filter(starts_on__lte=a.ends_on, ends_on__gte=a.starts_on).first()
        if clash:
            raise CalendarError(f"第 {n} 行与已登记的“{clash}”重叠；请先删除已登记的一段再重新填写。",
                                {"rows": f"第 {n} 行与已登记的一段重叠"})
    return [row for _, row in rows]


@transaction.atomic
def add_overrides(user, text: str) -> list[CalendarOverride]:
    """Keep every pasted row, or none (the first problem is named)."""
    _may_edit(user)
    rows = parse(text)
    for row in rows:
        row.created_by = user
        row.save()
        audit.record(user, "calendar.add", row, after={"starts_on": str(row.starts_on), "ends_on": str(row.ends_on),
                                                       "kind": row.kind, "name": row.name})
    return rows


@transaction.atomic
def remove_override(user, pk: int) -> None:
    """Remove one row; deadlines already computed keep their dates (they were fixed when produced)."""
    _may_edit(user)
    row = CalendarOverride.objects.filter(pk=pk).first()
    if row is None:
        raise NotFound("没有这一段节假日调整（可能已被删除）。")
    audit.record(user, "calendar.remove", row, before={"starts_on": str(row.starts_on), "ends_on": str(row.ends_on),
                                                       "kind": row.kind, "name": row.name})
    row.delete()


def deadlines() -> list[Deadline]:
    """Every time limit, the shipped ones included if a row is missing."""
    rows = {d.key: d for d in Deadline.objects.all()}
    return [rows.get(key) or Deadline(key=key, label=label, working_days=days, basis=basis)
            for key, (label, days, basis) in DEFAULT_DEADLINES.items()]


@transaction.atomic
def set_deadline(user, key: str, value) -> Deadline:
    """Change one time limit (1–60 working days); what was already due keeps its date."""
    _may_edit(user)
    if key not in DEFAULT_DEADLINES:
        raise NotFound(f"没有名为“{key}”的办理时限。")
    label, shipped, basis = DEFAULT_DEADLINES[key]
    try:
        days = int(str(value).strip())
    except ValueError:
        raise CalendarError(f"{label}：工作日数“{value}”不是整数。", {"working_days": "请填写整数"}) from None
    if not 1 <= days <= 60:
        raise CalendarError(f"{label}：工作日数应在 1 到 60 之间（现为 {days}）。", {"working_days": "应在 1 到 60 之间"})
    row, _ = Deadline.objects.select_for_update().get_or_create(
        key=key, defaults={"label": label, "working_days": shipped, "basis": basis})
    before = row.working_days
    row.working_days = days
    row.save()
    audit.record(user, "deadline.set", row, before={"working_days": before}, after={"working_days": days})
    return row
