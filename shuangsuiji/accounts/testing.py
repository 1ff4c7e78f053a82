"""Personas shared by every app's tests (office, lead and partner departments, inspectors, public); the
root conftest's ``personas`` fixture also loads the district's towns."""

from __future__ import annotations

from dataclasses import dataclass

from .models import Department, Role, User
from .reference import ensure_departments

PASSWORD = "Ssj-test-2026!"


def make_user(username: str, role: str, department: Department | None, **extra) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, role=role, department=department,
                                    display_name=extra.pop("display_name", username), **extra)
    return user


@dataclass
class Personas:
    """alice runs the office; bob leads a joint task (市场监管); carol's department (卫健) takes part;
    dave inspects for bob's department; erin inspects too but has a declared conflict; leo only reads."""

    office: User
    lead_admin: User
    partner_admin: User
    inspector: User
    conflicted_inspector: User
    leader: User
    lead_dept: Department
    partner_dept: Department


def make_personas() -> Personas:
    depts = {d.code: d for d in ensure_departments()}
    lead, partner = depts["scjgj"], depts["wjj"]
    return Personas(
        office=make_user("alice", Role.OFFICE, depts["scjgj"], display_name="联席办 艾丽"),
        lead_admin=make_user("bob", Role.DEPT_ADMIN, lead, display_name="市场监管 鲍勃"),
        partner_admin=make_user("carol", Role.DEPT_ADMIN, partner, display_name="卫健 卡罗"),
        inspector=make_user("dave", Role.INSPECTOR, lead, display_name="执法 戴维"),
        conflicted_inspector=make_user("erin", Role.INSPECTOR, lead, display_name="执法 艾琳"),
        leader=make_user("leo", Role.LEADER, None, display_name="领导 李欧"),
        lead_dept=lead,
        partner_dept=partner,
    )
