"""The demo district, 菏泽市定陶区: departments, users per role, towns, entities, inspectors, item lists."""

from __future__ import annotations

from django.db import transaction

from shuangsuiji.accounts.models import Department, Role, User
from shuangsuiji.accounts.reference import OFFICE_HOST, ensure_departments
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
    for username, role, dept_code, display in demo_users():
        if User.objects.filter(username=username).exists():
            continue
        dept = Department.objects.get(code=dept_code) if dept_code else None
        User.objects.create_user(username=username, password=DEMO_PASSWORD, role=role, department=dept,
                                 display_name=display)


def seed(stdout=None) -> None:
    """Idempotent: creates only what is missing."""
    ensure_departments()
    load_towns()
    ensure_users()
