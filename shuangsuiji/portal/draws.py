"""Public draw pages: every committed draw with its state, a draw's ceremony record and outcome with the
in-browser ticket check, its kit, the verifier and how to verify."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from shuangsuiji.accounts.models import Department
from shuangsuiji.common.workdays import deadline_days
from shuangsuiji.draws import services
from shuangsuiji.draws.models import Draw, DrawnEntity, DrawStatus

from . import tickets


def index(request):
    """Every committed draw with its state, so a draw revealed and never published cannot go unnoticed."""
    draws = Draw.objects.public().select_related("department").only(
        "number", "title", "department__name", "status", "committed_at", "publish_by", "rehearsal", "revealed_at")
    overdue = draws.overdue(timezone.localdate())
    if request.GET.get("overdue"):
        draws = overdue
    page = Paginator(draws, 30).get_page(request.GET.get("page"))
    services.mark_overdue(page.object_list)
    return render(request, "portal/draws/index.html", {"page": page, "overdue_count": overdue.count(),
                                                       "only_overdue": bool(request.GET.get("overdue")),
                                                       "working_days": deadline_days("draw_publication")})


def detail(request, number: str):
    draw = get_object_or_404(Draw.objects.public().select_related("department", "replaces"), number=number)
    drawn = []
    if draw.status in (DrawStatus.PUBLISHED, DrawStatus.VOID) and draw.seed:
        drawn = DrawnEntity.objects.filter(draw=draw).select_related("entity").only(
            "stratum", "ticket", "rank", "entity__uscc", "entity__name")
        if draw.blinded:  # listed by code: the order by stratum would group them
            drawn = drawn.order_by("entity__uscc")
    draw.overdue_days = draw.days_overdue(timezone.localdate())
    swaps = (draw.matching or {}).get("swaps", []) if draw.teams_published_at else []
    if swaps:
        names = dict(Department.objects.filter(code__in={w["dept"] for w in swaps}).values_list("code", "name"))
        swaps = [{**w, "dept_name": names.get(w["dept"], w["dept"])} for w in swaps]
    return render(request, "portal/draws/detail.html", {
        "draw": draw, "drawn": drawn, "swaps": swaps, "check": tickets.check_data(draw),
        "redraw": Draw.objects.public().filter(replaces=draw).first()})


def kit(request, number: str):
    draw = get_object_or_404(Draw.objects.public(), number=number)
    if draw.seed and draw.status == DrawStatus.REVEALED:
        raise Http404  # revealed but not yet published by the department
    try:
        data = services.kit_zip(draw)
    except services.DrawServiceError:
        raise Http404 from None
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="draw-{draw.number}-kit.zip"'
    return response


def verifier(request):
    response = HttpResponse(services.verifier_bytes(), content_type="text/x-python; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="verify_draw.py"'
    return response


def howto(request):
    return render(request, "portal/draws/howto.html")
