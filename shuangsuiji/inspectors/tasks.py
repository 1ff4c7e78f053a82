"""Background jobs of the inspector directory."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.urls import reverse

from shuangsuiji.accounts.models import Department
from shuangsuiji.common import jobs

from . import importer, services


@jobs.handler("inspectors.import")
def import_inspectors(job, progress) -> str:
    """Read the uploaded roster, check every row, then write all rows in one transaction or none."""
    params = job.params
    department = Department.objects.filter(pk=params.get("department_id")).first()
    table = importer.read_table(Path(settings.MEDIA_ROOT) / params["path"])  # FileRefused fails the job
    planned, errors = importer.check_rows(job.created_by, table, department, progress)
    if not planned and not errors:
        raise jobs.JobError("文件中没有人员数据：表头下方没有任何非空行。")
    if errors:
        rows = len({e["row"] for e in errors})
        raise jobs.JobError(
            f"共发现 {len(errors)} 处错误（涉及 {rows} 行），未导入任何人员。请按错误明细修改后重新上传。",
            {"errors": errors, "error_count": len(errors)},
        )
    # A row refused on writing (RowRefused) fails the job with that row's problems.
    created, updated = services.import_roster(job.created_by, planned, source=f"（{params.get('filename', '')}）")
    progress(len(planned), len(planned), force=True)
    jobs.set_report(job, {"created": created, "updated": updated, "link": reverse("inspectors:inspector_list"),
                          "link_label": "查看执法检查人员名录库"})
    return f"导入完成：新增 {created} 人，更新 {updated} 人。"
