"""The push status page: the outbox by state with the receiver's answers, retry, and the export files."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from shuangsuiji.accounts.models import Department
from shuangsuiji.common import audit
from shuangsuiji.common.errors import NotFound
from shuangsuiji.common.tabular import xlsx_download

from . import delivery, exports
from .models import OutboxMessage, State


def status(request):
    state = request.GET.get("state") if request.GET.get("state") in State.values else ""
    rows = OutboxMessage.objects.select_related("department").order_by("-id")
    if state:
        rows = rows.filter(state=state)
    counts = dict(OutboxMessage.objects.values("state").annotate(n=Count("id")).values_list("state", "n"))
    page = Paginator(rows.defer("payload"), 50).get_page(request.GET.get("page"))
    return render(request, "push/status.html", {
        "page": page, "state": state, "counts": counts,
        "tabs": [(key, label, counts.get(key, 0)) for key, label in State.choices],
        "problem": delivery.config_problem(), "batches": exports.batches(), "now": timezone.now(),
    })


@require_POST
def retry(request, pk: int | None = None):
    """Send failed messages again, from the first attempt's wait (all failed ones, or one)."""
    failed = OutboxMessage.objects.filter(state=State.FAILED)
    if pk is not None:
        failed = failed.filter(pk=pk)
        get_object_or_404(OutboxMessage, pk=pk)
    keys = list(failed.values_list("key", flat=True)[:10000])
    n = OutboxMessage.objects.filter(key__in=keys, state=State.FAILED).update(
        state=State.PENDING, attempts=0, next_attempt_at=timezone.now(), lease_until=None, lease_token="")
    if n:
        audit.record(request.user, "push.retry", None, summary=f"重新发送 {n} 条推送：{'、'.join(keys[:5])}"
                                                              f"{' 等' if n > 5 else ''}")
        if not delivery.config_problem():
            from .tasks import deliver_outbox

            deliver_outbox.enqueue()
        messages.success(request, f"已将 {n} 条推送重新排入发送。")
    else:
        messages.info(request, "没有需要重试的推送。")
    return redirect("push:status")


def export(request, day: str, department: str):
    try:
        date = dt.date.fromisoformat(day)
    except ValueError:
        raise NotFound(f"日期“{day}”无效。") from None
    dept = Department.objects.filter(code=department).first()
    if dept is None:
        raise NotFound(f"没有代码为“{department}”的部门。")
    return xlsx_download(f"publicity-{date:%Y%m%d}-{dept.code}.xlsx", "抽查检查结果", exports.HEADER,
                         exports.rows(date, dept))
