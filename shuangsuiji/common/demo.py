"""The demo district, 菏泽市定陶区: departments, users per role, towns, entities, inspectors, item lists."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction

from shuangsuiji.accounts.models import Department, Role, User
from shuangsuiji.accounts.reference import OFFICE_HOST, ensure_departments
from shuangsuiji.common import audit
from shuangsuiji.directory.reference import load_towns

DEMO_PASSWORD = "Dingtao-2026"

# (username, role, department code or None, display name)
FIXED_USERS = [
    ("office", Role.OFFICE, OFFICE_HOST, "联席办 郭主任"),
    ("leader", Role.LEADER, None, "区政府 杨副区长"),
]


def demo_users() -> list[tuple[str, str, str | None, str]]:
    users = list(FIXED_USERS)
    for dept in Department.objects.members():
        users.append((f"admin_{dept.code}", Role.DEPT_ADMIN, dept.code, f"{dept.short_name}管理员"))
    for code in ("scjgj", "wjj"):
        dept = Department.objects.get(code=code)
        users.append((f"inspector_{code}", Role.INSPECTOR, code, f"{dept.short_name}执法人员"))
    return users


@transaction.atomic
def ensure_users() -> None:
    existing = set(User.objects.values_list("username", flat=True))
    missing = [u for u in demo_users() if u[0] not in existing]
    if not missing:
        return
    # One hash for the shared demo password: PBKDF2 costs ~0.5 s a call, twenty of them made the seed slow.
    password = make_password(DEMO_PASSWORD)
    departments = {d.code: d for d in Department.objects.all()}
    for username, role, dept_code, display in missing:
        User.objects.create(username=username, password=password, role=role, department=departments.get(dept_code),
                            display_name=display)


# Sample item lists shipped in data/ (government documents, 著作权法 §5), imported through the real importer.
DEMO_LISTS = [
    ("hainan_random_check_items_2020.csv", "random", "演示数据：海南省市场监管领域随机抽查事项清单（2020年版）"),
    ("hainan_joint_check_items_v2.csv", "joint", "演示数据：部门联合抽查事项清单（第二版）"),
]


def import_item_lists(say) -> None:
    """Import and publish the sample lists once, if the items app offers its importer yet."""
    from shuangsuiji.items.models import ItemList, Level

    try:
        from shuangsuiji.items import services as item_services
    except ImportError:
        item_services = None
    import_file = getattr(item_services, "import_file", None)
    if import_file is None:
        say("抽查事项清单：导入服务（items.services.import_file）尚未提供，跳过。")
        return
    office = User.objects.get(username="office")
    for filename, kind, note in DEMO_LISTS:
        if ItemList.objects.filter(kind=kind).exists():
            continue
        outcome = import_file(settings.SSJ_DATA_DIR / filename, kind=kind, level=Level.PROVINCE, actor=office,
                              publish=True, note=note)
        ok = getattr(outcome, "ok", True)
        say(f"抽查事项清单 {filename}：" + (getattr(outcome, "message", "") or ("已导入" if ok else "导入失败")))


def seed(stdout=None, *, entities: int | None = None) -> None:
    """Idempotent: creates only what is missing, so a re-run takes a moment."""
    from shuangsuiji.common.demo_entities import DEFAULT_COUNT, ensure_entities
    from shuangsuiji.inspectors import demo as inspector_demo

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
        from shuangsuiji.directory import search

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
    from shuangsuiji.draws.demo import ensure_demo_draws

    ensure_demo_draws(say)
    from shuangsuiji.plans.demo import ensure_demo_plans

    ensure_demo_plans(say)
    from shuangsuiji.results.demo import ensure_demo_results, ensure_minor_violations

    ensure_minor_violations(say)
    ensure_demo_results(say)
