"""Background work of the directory app: importing entity files."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.urls import reverse

from shuangsuiji.common import jobs

from . import search, services


@jobs.handler(services.IMPORT_JOB)
def import_entities(job, progress) -> str:
    """Import an uploaded entity file; a file with any invalid row fails the job with the full report."""
    path = Path(settings.MEDIA_ROOT) / job.params["path"]
    try:  # a refusal (ImportRejected with its report) fails the job with its message
        outcome = services.import_entities(path, actor=job.created_by, filename=job.params.get("filename", ""),
                                           progress=progress)
    finally:
        # The upload is only a vehicle: the audit event keeps the file name and the counts.
        path.unlink(missing_ok=True)
    # The public look-up's index, after the import's commit: the directory is usable meanwhile.
    search.refresh()
    jobs.set_report(job, {**outcome.report(), "link": reverse("directory:entity_list"),
                          "link_label": "查看检查对象名录库"})
    return outcome.message
