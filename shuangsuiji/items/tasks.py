"""Background work of the items app: importing list files."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from shuangsuiji.accounts.models import Department
from shuangsuiji.common import jobs

from . import services


@jobs.handler("items.import")
def import_items(job, progress) -> str:
    """Import an uploaded list file; a file with any invalid row fails the job with the full report."""
    params = job.params
    department = Department.objects.filter(pk=params.get("department_id")).first() if params.get(
        "department_id") else None
    outcome = services.run_import(
        Path(settings.MEDIA_ROOT) / params["path"], kind=params["kind"], level=params["level"],
        actor=job.created_by, department=department, note=params.get("note", ""),
        filename=params.get("filename", ""), progress=progress,
    )
    if not outcome.ok:
        raise jobs.JobError(outcome.message, outcome.report())
    jobs.set_report(job, outcome.report())
    return outcome.message
