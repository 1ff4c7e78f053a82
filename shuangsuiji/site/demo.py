"""The demo district, 菏泽市定陶区: the order in which each app's demo data is made (departments, towns,
accounts, item lists, entities, inspectors, draws, plans, results). Each app holds its own demo data."""

from __future__ import annotations

import time

from django.db import transaction

from shuangsuiji.accounts.demo import ensure_users
from shuangsuiji.accounts.reference import ensure_departments
from shuangsuiji.clues.demo import ensure_clues, ensure_special
from shuangsuiji.common import audit
from shuangsuiji.credit.demo import ensure_credit, ensure_facts
from shuangsuiji.directory import search
from shuangsuiji.directory.demo import DEFAULT_COUNT, ensure_entities
from shuangsuiji.directory.reference import load_towns
from shuangsuiji.draws.demo import ensure_demo_draws
from shuangsuiji.inspectors import demo as inspector_demo
from shuangsuiji.items.demo import import_item_lists
from shuangsuiji.meeting.demo import ensure_meeting, ensure_meetings, ensure_reports
from shuangsuiji.plans.demo import ensure_demo_plans
from shuangsuiji.results import deadlines
from shuangsuiji.results.demo import ensure_demo_results, ensure_minor_violations


def seed(stdout=None, *, entities: int | None = None) -> None:
    """Idempotent: creates only what is missing, so a re-run takes a moment."""
    def say(text: str) -> None:
        if stdout is not None:
            stdout.write(text)

    ensure_departments()
    load_towns()
    ensure_users()
    import_item_lists(say)
    started = time.monotonic()
    with transaction.atomic():
        made = ensure_entities(entities or DEFAULT_COUNT)
        if not made.skipped:
            audit.record(None, "demo.seed", None, summary=f"演示数据：生成市场主体 {made.created} 户")
    if not made.skipped:
        search.refresh()
        say(f"市场主体：生成 {made.created} 户（{time.monotonic() - started:.1f} 秒）")
    created = inspector_demo.ensure_inspectors()
    if created:
        say(f"执法检查人员名录库：登记 {created} 名（含第三方专家/机构）")
    for line in inspector_demo.link_demo_users():
        say(f"演示执法账号关联：{line}")
    conflicts = inspector_demo.ensure_conflicts()
    if conflicts:
        say(f"回避关系：登记 {conflicts} 条")
    ensure_facts()
    ensure_demo_draws(say)
    ensure_demo_plans(say)
    ensure_minor_violations(say)
    ensure_demo_results(say)
    ensure_credit(say)
    ensure_clues(say)
    ensure_special(say)
    ensure_meeting(say)
    ensure_meetings(say)
    ensure_reports(say)
    sent = deadlines.remind()
    if sent:
        say(f"公开期限提醒：发出 {sent} 条站内通知")
