"""Pages every app shares: background jobs and the audit log."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from .models import AuditEvent, Job


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
