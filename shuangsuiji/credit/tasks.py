"""Background work of the credit app: recomputing every business's class (monthly, and on demand)."""

from __future__ import annotations

from django.urls import reverse

from shuangsuiji.common import jobs

from . import services


@jobs.handler(services.RECOMPUTE_JOB)
def recompute(job, progress) -> str:
    summary = services.recompute(job.created_by, progress=progress)
    counts = "，".join(f"{k} 类 {n:,} 户" for k, n in summary["classes"].items())
    jobs.set_report(job, {**summary, "link": reverse("credit:overview"), "link_label": "查看信用风险分类"})
    return f"已按第 {summary['version']} 版方案重新分类 {summary['rated']:,} 户（{counts}），{summary['changed']:,} 户分类有变化。"
