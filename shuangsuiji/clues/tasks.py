"""Background work of the clue register: importing a clue file (the 12315 export)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.urls import reverse

from shuangsuiji.common import jobs

from . import services


@jobs.handler(services.IMPORT_JOB)
def import_clues(job, progress) -> str:
    """Register the rows of an uploaded clue file; a file with any problem fails the job with the full report."""
    path = Path(settings.MEDIA_ROOT) / job.params["path"]
    try:
        made, checked = services.import_file(path, job.params["source"], actor=job.created_by,
                                             filename=job.params.get("filename", ""), progress=progress)
    finally:
        path.unlink(missing_ok=True)  # the audit event keeps the file name and the counts
    jobs.set_report(job, {"skipped": checked.skipped, "link": reverse("clues:list") + "?state=new",
                          "link_label": "去分办新登记的线索"})
    text = f"导入完成：共 {checked.rows:,} 行，登记线索 {len(made):,} 条"
    if made:
        text += f"（{made[0].number} 至 {made[-1].number}）"
    if checked.skipped:
        text += f"，略过 {len(checked.skipped):,} 行（见下方列表）"
    if checked.ignored:
        text += "。未使用的列：" + "、".join(checked.ignored[:10])
    return text + "。"
