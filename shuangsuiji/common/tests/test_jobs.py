import pytest

from shuangsuiji.common import jobs
from shuangsuiji.common.models import Job, JobStatus


@jobs.handler("test.ok")
def _ok(job, progress):
    progress(5, 10, force=True)
    jobs.set_report(job, {"count": 10})
    return "导入完成"


@jobs.handler("test.refused")
def _refused(job, progress):
    raise jobs.JobError("第3行“名称”为空", {"errors": [{"row": 3, "column": "名称", "message": "不能为空"}]})


@jobs.handler("test.crash")
def _crash(job, progress):
    raise RuntimeError("boom")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("kind", "status", "message"),
    [("test.ok", JobStatus.DONE, "导入完成"), ("test.refused", JobStatus.FAILED, "第3行“名称”为空"),
     ("test.crash", JobStatus.FAILED, "后台任务因系统错误中止，数据未作任何改动。请联系联席会议办公室（参考编号 ")],
)
def test_a_job_ends_with_its_status_and_a_message_for_the_user(kind, status, message):
    job = jobs.start(kind, "测试任务")
    job.refresh_from_db()
    assert job.status == status and job.message.startswith(message)
    assert job.finished_at is not None
    if kind == "test.crash":  # the reference finds the trace in the server log; the user sees no trace
        assert job.message.endswith(f"{job.report['reference']}）。") and "boom" not in str(job.report)


@pytest.mark.django_db(transaction=True)
def test_a_finished_job_keeps_its_report_and_is_not_run_again():
    job = jobs.start("test.ok", "测试任务")
    jobs.run_job.call(job.pk)
    job.refresh_from_db()
    assert job.report == {"count": 10} and job.percent == 100
    assert Job.objects.count() == 1


def test_an_unknown_job_kind_is_refused():
    with pytest.raises(LookupError):
        jobs.start("nope", "x")
