from django_tasks import task


@task()
def deliver_outbox() -> str:
    """One sweep of the outbox (enqueued after a change commits; `manage.py push_outbox` sweeps on a timer)."""
    from .delivery import deliver

    stats = deliver()
    return stats.problem or f"送达 {stats.sent}，待重试 {stats.retried}，失败 {stats.failed}"
