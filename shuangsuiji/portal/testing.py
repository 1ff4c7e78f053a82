"""Builders for portal tests: a drawn joint task whose first visit has both departments' results published."""

from __future__ import annotations

import datetime as dt

from shuangsuiji.accounts.models import Role
from shuangsuiji.accounts.testing import make_user
from shuangsuiji.results import services
from shuangsuiji.results.testing import field_visit

TIMES = {"arrived_at": "2026-05-08T09:30:00+08:00", "left_at": "2026-05-08T10:20:00+08:00"}


def _sign_in_as_the_team(personas, visit) -> None:
    """The two test inspectors take the places of the officers matched to this visit (as field_visit does
    for the first one), so that they may enter its results."""
    from shuangsuiji.draws.models import TeamMember
    from shuangsuiji.inspectors.models import Inspector

    for user, dept in ((personas.inspector, personas.lead_dept), (personas.partner_inspector, personas.partner_dept)):
        member = TeamMember.objects.filter(draw=visit.draw, entity=visit.entity, department=dept, active=True).first()
        Inspector.objects.filter(user=user).exclude(pk=member.inspector_id).update(user=None)
        member.inspector.user = user
        member.inspector.save()


def publish_visit(personas, visit, codes=("no_problem",), findings=""):
    """Both departments' parts of the visit entered, approved and published; returns the parts."""
    _sign_in_as_the_team(personas, visit)
    parts = services.ensure_parts(visit)
    for part in parts:
        lead = part.department_id == personas.lead_dept.pk
        results = {r.item_id: {"codes": list(codes), "findings": findings} for r in part.results.all()}
        services.save_part(personas.inspector if lead else personas.partner_inspector, part, revision=part.revision,
                           results=results, submit=True, **TIMES)
        admin = personas.lead_admin if lead else personas.partner_admin
        for row in part.results.filter(has_problem=True):
            services.create_followup(admin, row, kind="rectify", rectify_deadline=dt.date.today() + dt.timedelta(days=10))
        services.review(admin, part, approve=True)
        services.publish(admin, part)
    return parts


def published_visit(personas, codes=("pending",), findings="后厨未设置防鼠设施，联系人手机 13912345678",
                    **task_fields):
    """(visit, parts): the first visit of a drawn joint task, both parts published (a problem by default)."""
    visit, partner_inspector = field_visit(personas, **task_fields)
    personas.partner_inspector = partner_inspector
    personas.partner_admin = make_user("gus", Role.DEPT_ADMIN, personas.partner_dept)
    return visit, publish_visit(personas, visit, codes=codes, findings=findings)
