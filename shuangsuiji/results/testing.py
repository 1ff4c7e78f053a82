"""Builders for result tests: a drawn joint task whose first visit has a linked inspector on each team."""

from __future__ import annotations

import io

from shuangsuiji.accounts.models import Role
from shuangsuiji.accounts.testing import make_user
from shuangsuiji.draws.models import TeamMember
from shuangsuiji.draws.testing import COMMIT_AT, REVEALED, SOURCES, make_published_item
from shuangsuiji.plans import services as plan_services
from shuangsuiji.plans.models import Task
from shuangsuiji.plans.testing import approved_joint_task
from shuangsuiji.results import vocabulary
from shuangsuiji.results.models import ResultCode


def field_visit(personas, *, two_lead_items: bool = False, **task_fields):
    """(visit, partner_inspector): the lead's inspector dave and a new 卫健 inspector are on the visit's teams."""
    vocabulary.load(ResultCode)  # a transactional test's flush removes the migration's rows
    extra = []
    if two_lead_items:
        second = make_published_item(personas.lead_dept, "食品经营者食品安全管理制度检查")
        second.basis = "《中华人民共和国食品安全法》第四十四条"
        second.save()
        extra.append(second)
    task = approved_joint_task(personas, extra_items=extra, **task_fields)
    plan_services.commit(personas.lead_admin, task, SOURCES, now=COMMIT_AT)
    task = plan_services.reveal(personas.lead_admin, Task.objects.get(pk=task.pk), REVEALED)
    visit = task.visits.order_by("number").first()
    partner_user = make_user("fay", Role.INSPECTOR, personas.partner_dept, display_name="卫健执法 菲")
    for user, dept in ((personas.inspector, personas.lead_dept), (partner_user, personas.partner_dept)):
        member = TeamMember.objects.filter(draw=visit.draw, entity=visit.entity, department=dept, active=True).first()
        member.inspector.user = user
        member.inspector.save()
    return visit, partner_user


def png_bytes(width: int = 2400, height: int = 1600) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()
