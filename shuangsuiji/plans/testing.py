"""Builders for plan and task tests: a joint task of the lead and partner departments, ready to commit."""

from __future__ import annotations

from shuangsuiji.draws.testing import make_directory, make_published_item, make_team

from . import services


def joint_items(personas):
    """One published 重点 item of each department, with its legal basis; teams qualified for both."""
    make_team(personas.lead_dept, 10, "食品经营")
    make_team(personas.partner_dept, 10, "公共场所卫生")
    food = make_published_item(personas.lead_dept)
    food.basis = "《中华人民共和国食品安全法》第八十七条"
    food.save()
    health = make_published_item(personas.partner_dept, "公共场所卫生检查")
    health.category, health.basis = "公共场所卫生", "《公共场所卫生管理条例》第十条"
    health.save()
    return [food, health]


def approved_joint_task(personas, n: int = 200, extra_items=(), **kwargs):
    make_directory(n, inactive=0)
    items = joint_items(personas) + list(extra_items)
    fields = {"kind": "joint_risk", "title": "食品经营与公共场所卫生风险分类联查", "items": items,
              "rules": {"default": {"ratio": "0.05", "minimum": 1}}, "documents": "营业执照\n食品经营许可证\n卫生许可证"}
    fields.update(kwargs)
    task = services.create_task(personas.lead_admin, personas.lead_dept, **fields)
    services.submit(personas.lead_admin, task)
    task = services.approve(personas.office, task)  # four eyes: not the admin who created it
    if task.partners.filter(pk=personas.partner_dept.pk).exists():  # 会商: the partner confirms
        services.consult(personas.partner_admin, task, personas.partner_dept, "confirm")
    return task
