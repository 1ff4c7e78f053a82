"""Background jobs with a progress bar: one task entry point, handlers registered by kind.

A view calls ``start(...)``; the worker (``manage.py db_worker``) runs the handler, which reports
progress through the ``Progress`` it is given. A handler that raises ``JobError`` (or any other
``common.errors.Refused``) fails the job with that message and its report (nothing else is kept: handlers
do their writes in one transaction).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .errors import Refused
from .models import Job, JobStatus

logger = logging.getLogger(__name__)

Handler = Callable[[Job, "Progress"], str]
_HANDLERS: dict[str, Handler] = {}


class JobError(Refused):
    """A failure to show the user: ``message`` in Chinese, ``report`` with row-level errors."""

    def __init__(self, message: str, report: dict[str, Any] | None = None):
        super().__init__(message)
        self.report = report or {}


def handler(kind: str):
    """Register the function that runs jobs of ``kind``."""

    def register(fn: Handler) -> Handler:
        _HANDLERS[kind] = fn
        return fn

    return register


class Progress:
    """Writes progress to the job row at most every half second."""

    def __init__(self, job: Job):
        self.job = job
        self._last = 0.0

    def __call__(self, done: int, total: int | None = None, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < 0.5:
            return
        self._last = now
        fields = {"done": done}
        if total is not None:
            fields["total"] = total
        Job.objects.filter(pk=self.job.pk).update(**fields)


def start(kind: str, title: str, *, user=None, department=None, params: dict | None = None) -> Job:
    """Create the job row and enqueue it once the surrounding transaction commits."""
    if kind not in _HANDLERS:
        raise LookupError(f"no handler for job kind {kind!r}")
    job = Job.objects.create(kind=kind, title=title, created_by=user, department=department, params=params or {})
    transaction.on_commit(lambda: run_job.enqueue(job.pk))
    return job


@task()
def run_job(job_id: int) -> None:
    """Run a queued job once: its handler's message on success, its refusal or a reference on failure."""
    job = Job.objects.get(pk=job_id)
    if job.status != JobStatus.QUEUED:
        return  # already picked up: a job never runs twice
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=timezone.now())
    try:
        message = _HANDLERS[job.kind](job, Progress(job))
    except Refused as exc:
        _finish(job, JobStatus.FAILED, exc.message, getattr(exc, "report", {}))
    except Exception:  # the user sees a plain message and a reference; the trace goes to the server log
        reference = uuid.uuid4().hex[:10]
        logger.exception("job %s (%s) failed, reference %s", job.pk, job.kind, reference)
        _finish(job, JobStatus.FAILED, f"后台任务因系统错误中止，数据未作任何改动。请联系联席会议办公室"
                                       f"（参考编号 {reference}）。", {"reference": reference})
    else:
        job.refresh_from_db(fields=["report"])
        _finish(job, JobStatus.DONE, message or "已完成。", None)


def _finish(job: Job, status: str, message: str, report: dict | None) -> None:
    fields: dict[str, Any] = {"status": status, "message": message, "finished_at": timezone.now()}
    if report is not None:
        fields["report"] = report
    Job.objects.filter(pk=job.pk).update(**fields)


def set_report(job: Job, report: dict[str, Any]) -> None:
    """Store a handler's report (counts, skipped rows, a link to the result)."""
    Job.objects.filter(pk=job.pk).update(report=report)
