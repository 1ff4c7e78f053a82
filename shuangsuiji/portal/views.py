from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render

from shuangsuiji.accounts.models import Department
from shuangsuiji.common.models import AuditDay


def home(request):
    """The public portal's front page: no login, nothing internal."""
    return render(request, "portal/home.html", {"departments": Department.objects.members()})


def audit_heads(request):
    """The audit chain's daily heads: anyone can keep a copy and later catch a rewritten history."""
    page = Paginator(AuditDay.objects.all(), 60).get_page(request.GET.get("page"))
    return render(request, "portal/audit_heads.html", {"page": page})


def audit_heads_json(request):
    days = AuditDay.objects.values("day", "count", "head_hash", "first_id", "last_id")
    return JsonResponse({"algorithm": "sha256, docs/architecture.md#audit-chain",
                         "days": [{**d, "day": d["day"].isoformat()} for d in days]},
                        json_dumps_params={"ensure_ascii": False})
