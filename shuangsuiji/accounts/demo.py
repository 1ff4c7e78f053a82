"""Demo accounts of the demo district: the office, the leader, each member unit's administrator and two
inspectors, all with one shared password (printed by ``make run``)."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.db import transaction

from .models import Department, Role, User
from .reference import OFFICE_HOST

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
