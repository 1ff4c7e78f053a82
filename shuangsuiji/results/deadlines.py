"""The 20-working-day clock on results: which approved results are due soon or past due, per department,
and the reminders sent to the department 5 and 1 working days before.

A result is produced when its department part is approved (``VisitPart.publish_due_on`` is set then);
publishing clears it from these lists, and a publication past its date is recorded as late.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from shuangsuiji.accounts.models import Department
from shuangsuiji.common.workdays import Calendar, add_working_days
from shuangsuiji.notices.services import notify

from .models import PartStatus, Publication, VisitPart

NEAR = 5  # working days: "nearing the deadline"
REMIND_AT = (5, 1)  # working days before the deadline a department is reminded
STATES = {"near": "临近期限", "late": "已逾期未公开", "waiting": "全部待公开", "published_late": "逾期公开（本年）"}


@dataclass(frozen=True)
class Bounds:
    """Today's thresholds: due on or before ``near_by`` is near, before ``today`` is late."""

    today: dt.date
    near_by: dt.date

    @classmethod
    def of(cls, today: dt.date | None = None) -> Bounds:
        today = today or timezone.localdate()
        return cls(today, add_working_days(today, NEAR))


def waiting(user=None):
    """Approved parts not yet published (each with a due date), those of the user's department unless the
    user sees every department."""
    qs = VisitPart.objects.filter(status=PartStatus.APPROVED, publish_due_on__isnull=False)
    if user is not None and not user.sees_all_departments:
        qs = qs.filter(department_id=user.department_id)
    return qs


def in_state(state: str, bounds: Bounds, user=None, department: Department | None = None):
    """The rows of one list: parts for near/late/waiting, publications for published_late."""
    if state == "published_late":
        qs = Publication.objects.filter(late=True, published_at__year=bounds.today.year)
        if user is not None and not user.sees_all_departments:
            qs = qs.filter(department_id=user.department_id)
        if department is not None:
            qs = qs.filter(department=department)
        return qs.select_related("entity", "department", "task", "part__visit").order_by("-published_at")
    qs = waiting(user)
    if department is not None:
        qs = qs.filter(department=department)
    if state == "near":
        qs = qs.filter(publish_due_on__gte=bounds.today, publish_due_on__lte=bounds.near_by)
    elif state == "late":
        qs = qs.filter(publish_due_on__lt=bounds.today)
    return qs.select_related("visit__entity", "visit__task", "department").order_by("publish_due_on", "id")


def with_days_left(parts, today: dt.date) -> list[VisitPart]:
    """Each part with ``days_left``: working days to its due date (0 = due today, negative = days late)."""
    rows = list(parts)
    if rows:
        dues = [p.publish_due_on for p in rows]
        cal = Calendar.around(min(min(dues), today), max(max(dues), today))
        for p in rows:
            p.days_left = cal.between(today, p.publish_due_on)
    return rows


def per_department(bounds: Bounds) -> list[dict]:
    """For the office: per department, results waiting, near, late, and published late this year."""
    counts = {row["department"]: row for row in waiting().values("department").annotate(
        waiting=Count("id"),
        near=Count("id", filter=Q(publish_due_on__gte=bounds.today, publish_due_on__lte=bounds.near_by)),
        late=Count("id", filter=Q(publish_due_on__lt=bounds.today)))}
    published_late = dict(Publication.objects.filter(late=True, published_at__year=bounds.today.year)
                          .values("department").annotate(n=Count("id")).values_list("department", "n"))
    out = []
    for dept in Department.objects.filter(pk__in=set(counts) | set(published_late)).order_by("order", "code"):
        row = counts.get(dept.pk, {})
        out.append({"department": dept, "waiting": row.get("waiting", 0), "near": row.get("near", 0),
                    "late": row.get("late", 0), "published_late": published_late.get(dept.pk, 0)})
    return out


def export_rows(state: str, rows) -> tuple[list[str], list[list]]:
    """The header and rows of a list as a spreadsheet."""
    if state == "published_late":
        header = ["检查实施机关", "企业名称", "统一社会信用代码", "任务编号", "公开期限", "公开时间", "版本"]
        return header, [[p.department.name, p.entity.name, p.entity.uscc, p.task.number,
                         p.due_on.isoformat() if p.due_on else "", timezone.localtime(p.published_at).strftime(
                             "%Y-%m-%d %H:%M"), p.version] for p in rows]
    header = ["检查实施机关", "检查单号", "企业名称", "统一社会信用代码", "任务编号", "审核通过", "公开期限", "剩余工作日"]
    return header, [[p.department.name, p.visit.number, p.visit.entity.name, p.visit.entity.uscc, p.visit.task.number,
                     timezone.localtime(p.reviewed_at).strftime("%Y-%m-%d") if p.reviewed_at else "",
                     p.publish_due_on.isoformat(), p.days_left] for p in rows]


def remind(today: dt.date | None = None) -> int:
    """Tell each department of its results 5 and 1 working days from the deadline, and once when one is
    late. Run daily; a reminder already sent (same part, due date and threshold) is not sent again."""
    today = today or timezone.localdate()
    sent = 0
    parts = waiting().filter(publish_due_on__lte=add_working_days(today, max(REMIND_AT)))
    for part in with_days_left(parts.select_related("visit__entity", "department"), today):
        if part.days_left < 0:
            mark, title = "late", f"检查结果已逾期未公开：{part.visit.entity.name}"
        else:
            mark = min((n for n in REMIND_AT if part.days_left <= n), default=None)
            title = f"检查结果还有 {part.days_left} 个工作日到期：{part.visit.entity.name}"
            if part.days_left == 0:
                title = f"检查结果今日到期：{part.visit.entity.name}"
        body = (f"检查单 {part.visit.number} 已于 {timezone.localtime(part.reviewed_at):%Y-%m-%d} 审核通过，"
                f"应于 {part.publish_due_on:%Y-%m-%d} 前公开。")
        key = f"publish-due:{part.pk}:{part.publish_due_on}:{mark}"
        if notify(part.department, key, title, body, reverse("results:visit", args=[part.visit.number])):
            sent += 1
    return sent
