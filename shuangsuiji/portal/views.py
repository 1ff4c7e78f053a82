import datetime as dt

from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone

from shuangsuiji.accounts.models import Department
from shuangsuiji.common.models import AuditDay, AuditHour
from shuangsuiji.results.models import Publication


def home(request):
    """The public portal's front page: no login, nothing internal."""
    return render(request, "portal/home.html", {"departments": Department.objects.members(),
                                                "recent_results": Publication.objects.current().count()})


def _hours(day: dt.date | None):
    """One day's hourly heads (local time), or the latest 48."""
    hours = AuditHour.objects.values("hour", "count", "head_hash", "first_id", "last_id")
    if day is None:
        return list(hours[:48])
    start = timezone.make_aware(dt.datetime.combine(day, dt.time()))
    return list(hours.filter(hour__gte=start, hour__lt=start + dt.timedelta(days=1)))


def _day(request) -> dt.date | None:
    try:
        return dt.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return None


def audit_heads(request):
    """The audit chain's daily and hourly heads: anyone can keep a copy and later catch a rewritten history."""
    page = Paginator(AuditDay.objects.all(), 60).get_page(request.GET.get("page"))
    day = _day(request)
    return render(request, "portal/audit_heads.html", {"page": page, "day": day, "hours": _hours(day)})


def audit_heads_json(request):
    days = AuditDay.objects.values("day", "count", "head_hash", "first_id", "last_id")
    hours = [{**h, "hour": timezone.localtime(h["hour"]).isoformat()} for h in _hours(_day(request))]
    return JsonResponse({"algorithm": "sha256, docs/architecture.md#audit-chain",
                         "days": [{**d, "day": d["day"].isoformat()} for d in days], "hours": hours},
                        json_dumps_params={"ensure_ascii": False})
