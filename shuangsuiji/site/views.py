"""The site's own pages: the signed-in home page, the health check, the favicon and the 404 answer."""

from django.db import connection
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import timezone
from django.views.defaults import page_not_found

from shuangsuiji.accounts.models import Role
from shuangsuiji.common.charts import numbered
from shuangsuiji.common.errors import NotFound, refusal_page
from shuangsuiji.inspectors.models import Inspector

from . import dashboards


def home(request):
    """Each role's starting page: the office and the leader the year's progress, a department what waits
    for it, an inspector their own visits (site/dashboards.py)."""
    user, today = request.user, timezone.localdate()
    role = user.effective_role
    if role == Role.INSPECTOR or (user.department_id is None and not user.sees_all_departments):
        context = dashboards.inspector(user, today)
        context["linked"] = Inspector.objects.filter(user=user).exists()
        return render(request, "site/home_inspector.html", {**context, "today": today})
    if user.sees_all_departments:
        context = dashboards.office(user, today)
        if user.is_leader:
            context.update(heading=f"{today.year} 年度概览", read_only=True)
        else:
            context["heading"] = "工作台 · 联席会议办公室"
    else:
        context = dashboards.department(user, today)
        context["heading"] = f"工作台 · {user.department.name}"
    context["waiting_any"] = any(len(rows) for rows in context.get("waiting", {}).values())
    numbered(context["charts"])
    return render(request, "site/home.html", {**context, "today": today})


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
