"""Large draws run as background jobs: freezing and selecting over millions of entities takes a while."""

from shuangsuiji.accounts.models import User
from shuangsuiji.common import jobs

from . import services
from .models import Draw

# Pools above this many entities are committed and revealed by the worker, with the job page's progress.
BACKGROUND_POOL = 200_000


def _run(job, step):
    draw = Draw.objects.get(pk=job.params["draw"])
    actor = User.objects.get(pk=job.params["actor"])
    step(actor, draw)  # a refusal fails the job with its message
    jobs.set_report(job, {"link": f"/draws/{draw.number}/", "link_label": "返回抽取页面"})


@jobs.handler("draws.commit")
def commit_job(job, progress):
    _run(job, lambda actor, draw: services.commit(actor, draw, job.params["sources"],
                                                             rehearsal=job.params.get("rehearsal", False)))
    return "承诺已发布：抽取池和规则已冻结。"


@jobs.handler("draws.reveal")
def reveal_job(job, progress):
    _run(job, lambda actor, draw: services.reveal(actor, draw, job.params["revealed"]))
    return "随机源验证通过，抽取结果已确定，不可更改。"
