"""The site's own pages: the signed-in home page, the health check, the favicon and the 404 answer."""

from django.db import connection
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.defaults import page_not_found

from shuangsuiji.accounts.models import Department
from shuangsuiji.common.errors import NotFound, refusal_page
from shuangsuiji.common.views import visible_jobs
from shuangsuiji.directory.models import Entity, EntityStatus
from shuangsuiji.inspectors.models import Inspector
from shuangsuiji.items.models import InspectionItem


def home(request):
    """The signed-in user's starting page: what exists and what needs attention."""
    user = request.user
    dept = user.department if not user.is_office else None
    items = InspectionItem.objects.published()
    inspectors = Inspector.objects.all()
    if dept is not None:
        items = items.filter(department=dept)
        inspectors = inspectors.filter(department=dept)
    context = {
        "department": dept,
        "entity_count": Entity.objects.count(),
        "active_count": Entity.objects.filter(status=EntityStatus.ACTIVE).count(),
        "item_count": items.count(),
        "inspector_count": inspectors.count(),
        "department_count": Department.objects.members().count(),
        "jobs": visible_jobs(user)[:5],
    }
    return render(request, "site/home.html", context)


def healthz(request):
    """For load balancers and monitoring: 200 when the database (which also holds the task queue) answers,
    503 otherwise; the queue's backlog is reported beside it (a stalled worker does not take the web down)."""
    from django.db import DatabaseError

    from .deployment import queue_state

    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
        queue = queue_state()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok", "queue": queue})


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


def not_found(request, exception=None):
    """404 as JSON under /api/ (clients parse it), the site's page elsewhere."""
    if request.path.startswith("/api/"):
        return refusal_page(request, NotFound("对象或地址不存在。"))
    return page_not_found(request, exception)
