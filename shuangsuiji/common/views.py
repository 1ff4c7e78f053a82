from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.views.defaults import page_not_found

from shuangsuiji.accounts.models import Department
from shuangsuiji.directory.models import Entity, EntityStatus
from shuangsuiji.inspectors.models import Inspector
from shuangsuiji.items.models import InspectionItem

from .models import AuditEvent, Job


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
    return render(request, "common/home.html", context)


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


def visible_jobs(user):
    jobs = Job.objects.select_related("created_by", "department")
    if user.is_office:
        return jobs
    return jobs.filter(created_by=user)


def job_list(request):
    page = Paginator(visible_jobs(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "common/job_list.html", {"page": page})


def job_detail(request, pk: int):
    job = get_object_or_404(visible_jobs(request.user), pk=pk)
    template = "common/_job_progress.html" if request.htmx else "common/job_detail.html"
    return render(request, template, {"job": job})


def audit_list(request):
    events = AuditEvent.objects.select_related("actor", "department")
    q = request.GET.get("q", "").strip()
    if q:
        events = events.filter(object_repr__icontains=q) | events.filter(action__icontains=q)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "common/audit_list.html", {"page": page, "q": q})


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


def not_found(request, exception=None):
    """404 as JSON under /api/ (clients parse it), the site's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "对象或地址不存在。"}, status=404)
    return page_not_found(request, exception)
