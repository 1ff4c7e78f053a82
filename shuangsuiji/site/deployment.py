"""What a deployment needs, checked one by one (``manage.py check_deployment`` and, in part, ``/healthz``).

Each check returns findings; an ``error`` means the platform will misbehave (or refuses to start), a
``warning`` is worth an operator's look. Messages are for the operator, in Chinese like the rest of the UI.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core import checks
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

ERROR, WARNING = "error", "warning"
STALE_QUEUE = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class Finding:
    level: str
    check: str
    message: str


def check_settings() -> list[Finding]:
    out = []
    if settings.DEBUG:
        out.append(Finding(ERROR, "settings", "SSJ_DEBUG 未设为 0：正在以开发模式运行，不能用于生产。"))
    from shuangsuiji.settings import DEV_SECRET_KEY

    if settings.SECRET_KEY == DEV_SECRET_KEY or len(settings.SECRET_KEY) < 40:
        out.append(Finding(ERROR, "settings", "SSJ_SECRET_KEY 仍是开发用默认值或少于 40 个字符。"))
    local = {"127.0.0.1", "localhost", "testserver"}
    if not set(settings.ALLOWED_HOSTS) - local:
        out.append(Finding(ERROR, "settings", "SSJ_ALLOWED_HOSTS 只有本机地址，请填写平台对外的域名。"))
    if connection.vendor != "postgresql":
        out.append(Finding(WARNING, "database", f"数据库是 {connection.vendor}；生产环境建议使用 PostgreSQL（DATABASE_URL）。"))
    for message in checks.run_checks(include_deployment_checks=True):
        if message.level >= checks.WARNING:
            level = ERROR if message.level >= checks.ERROR else WARNING
            out.append(Finding(level, "django", f"{message.id}: {message.msg}"))
    return out


def check_database() -> list[Finding]:
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
    except Exception as exc:  # any driver error: the operator needs its text
        return [Finding(ERROR, "database", f"数据库无法连接：{exc}")]
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        names = "、".join(f"{m.app_label}.{m.name}" for m, _ in pending[:5])
        more = f" 等 {len(pending)} 个" if len(pending) > 5 else ""
        return [Finding(ERROR, "migrations", f"有未执行的数据库迁移：{names}{more}。请运行 manage.py migrate。")]
    return []


def queue_state() -> dict:
    """Waiting background tasks and the age of the oldest (the ORM backend keeps the queue in the database)."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.ready()
    oldest = waiting.order_by("run_after").values_list("run_after", flat=True).first()
    age = (timezone.now() - oldest).total_seconds() if oldest else 0.0
    return {"waiting": waiting.count(), "oldest_waiting_seconds": round(max(age, 0.0), 1)}


def check_queue() -> list[Finding]:
    backend = settings.TASKS["default"]["BACKEND"]
    if backend != "django_tasks_db.DatabaseBackend":
        return []
    state = queue_state()
    if state["oldest_waiting_seconds"] > STALE_QUEUE.total_seconds():
        return [Finding(WARNING, "queue", f"有 {state['waiting']} 个后台任务在等待，最早的已等待 "
                                          f"{state['oldest_waiting_seconds'] / 60:.0f} 分钟：后台进程（db_worker）可能没有运行。")]
    return []


def check_fonts() -> list[Finding]:
    from shuangsuiji.common.fonts import find_cjk_font

    if find_cjk_font() is None:
        return [Finding(ERROR, "fonts", "找不到中文字体，PDF 检查单无法生成：请安装 fonts-noto-cjk，或用 SSJ_CJK_FONT 指定字体文件。")]
    return []


def check_calendar(today: dt.date | None = None) -> list[Finding]:
    """Deadlines count working days: this year's and next year's holidays must be known (shipped with
    chinesecalendar or entered by the office once the State Council announces them, each November)."""
    from shuangsuiji.common.workdays import covers

    today = today or timezone.localdate()
    return [Finding(WARNING, "calendar", f"{year} 年节假日安排尚未登记，该年的公开期限将按周一至周五计算：国务院公布后请由"
                                         f"联席会议办公室在“工作日与办理时限”页面登记，或升级 chinesecalendar。")
            for year in (today.year, today.year + 1) if not covers(year)]


def check_push(now: dt.datetime | None = None) -> list[Finding]:
    """The push to the publicity platform: configured, nothing failed, nothing waiting for a day."""
    from shuangsuiji.push.delivery import config_problem
    from shuangsuiji.push.models import OutboxMessage, State

    out = []
    problem = config_problem()
    if problem:
        out.append(Finding(ERROR if settings.PUSH_ENDPOINT else WARNING, "push", problem))
    failed = OutboxMessage.objects.filter(state=State.FAILED).count()
    if failed:
        out.append(Finding(WARNING, "push", f"有 {failed} 条推送发送失败：请在“公示推送”页面查看接收方答复并重试。"))
    oldest = OutboxMessage.objects.filter(state=State.PENDING).order_by("created_at").values_list(
        "created_at", flat=True).first()
    waited = (now or timezone.now()) - oldest if oldest else dt.timedelta()
    if not problem and waited > dt.timedelta(days=1):
        out.append(Finding(WARNING, "push", f"最早的待发送推送已等待 {waited.total_seconds() / 3600:.0f} 小时：推送进程"
                                            f"（push_outbox）可能没有运行，或接收方长时间不可用。"))
    return out


def check_files(deep: bool = False) -> list[Finding]:
    """The var directory is writable and every committed draw still has its frozen pool (the kit needs it)."""
    from shuangsuiji.draws.models import Draw, DrawStatus
    from shuangsuiji.draws.services import pool_path

    out = []
    var = settings.VAR_DIR
    if not var.is_dir() or not os.access(var, os.W_OK):
        out.append(Finding(ERROR, "files", f"数据目录 {var} 不存在或不可写（SSJ_VAR_DIR）。"))
        return out
    for draw in Draw.objects.exclude(status=DrawStatus.PREPARED).exclude(committed_at__isnull=True).only(
            "number", "pool_sha256"):
        path = pool_path(draw)
        if not path.is_file():
            out.append(Finding(ERROR, "files", f"抽取 {draw.number} 的抽取池文件缺失：{path}（从备份恢复数据目录）。"))
        elif deep and hashlib.sha256(path.read_bytes()).hexdigest() != draw.pool_sha256:
            out.append(Finding(ERROR, "files", f"抽取 {draw.number} 的抽取池文件与承诺的摘要不一致：{path}。"))
    static = Path(settings.STATIC_ROOT)
    if not settings.DEBUG and not (static.is_dir() and any(static.iterdir())):
        out.append(Finding(ERROR, "files", "静态文件尚未收集：请运行 manage.py collectstatic。"))
    return out


def run_all(deep: bool = False) -> list[Finding]:
    found = check_database()
    if any(f.check == "database" for f in found):
        return found  # nothing else can be checked without the database
    return (check_settings() + found + check_queue() + check_fonts() + check_calendar() + check_push()
            + check_files(deep))
