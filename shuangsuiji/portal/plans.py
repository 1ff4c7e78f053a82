"""Public annual plans: the year's published plans, and the same rows as a spreadsheet."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from shuangsuiji.common.tabular import xlsx_attachment
from shuangsuiji.plans import services, sheets


def _year(request) -> int:
    try:
        return services.check_year(int(request.GET.get("year") or timezone.localdate().year))
    except (ValueError, services.PlanError):
        return timezone.localdate().year


def index(request):
    year = _year(request)
    return render(request, "portal/plans.html", {"plans": services.current_plans(year), "year": year,
                                                 "years": range(timezone.localdate().year + 1, 2019, -1)})


def export(request, year: int):
    try:
        services.check_year(year)
    except services.PlanError as exc:
        raise Http404(str(exc)) from exc
    return xlsx_attachment(f"plans-{year}.xlsx", sheets.plans_xlsx(year))
