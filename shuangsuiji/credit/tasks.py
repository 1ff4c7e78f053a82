"""Background work of the credit app: recomputing every business's class (monthly, and on demand) and importing
credit facts."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.urls import reverse

from shuangsuiji.common import jobs

from . import facts, services


@jobs.handler(services.RECOMPUTE_JOB)
def recompute(job, progress) -> str:
    summary = services.recompute(job.created_by, progress=progress)
    counts = "，".join(f"{k} 类 {n:,} 户" for k, n in summary["classes"].items())
    jobs.set_report(job, {**summary, "link": reverse("credit:overview"), "link_label": "查看信用风险分类"})
    return f"已按第 {summary['version']} 版方案重新分类 {summary['rated']:,} 户（{counts}），{summary['changed']:,} 户分类有变化。"


@jobs.handler(facts.IMPORT_JOB)
def import_facts(job, progress) -> str:
    """Import an uploaded credit file; a file with any problem fails the job with the full report."""
    path = Path(settings.MEDIA_ROOT) / job.params["path"]
    try:
        outcome = facts.import_facts(path, job.params["kind"], actor=job.created_by,
                                     filename=job.params.get("filename", ""), progress=progress)
    finally:
        path.unlink(missing_ok=True)  # the audit event keeps the file name and the counts
    jobs.set_report(job, {"skipped": outcome.skipped_rows, "link": reverse("credit:overview"),
                          "link_label": "去重新计算信用风险分类"})
    return outcome.message
