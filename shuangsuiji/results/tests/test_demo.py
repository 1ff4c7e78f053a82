"""The demo gives both demo inspector accounts a visit of the joint task, and the office a 免罚清单."""

import io

from django.core.management import call_command

from shuangsuiji.accounts.models import User
from shuangsuiji.draws.models import TeamMember
from shuangsuiji.inspectors.models import Conflict
from shuangsuiji.plans.models import Task
from shuangsuiji.results import services
from shuangsuiji.results.models import MinorViolation


def test_the_demo_inspectors_each_have_the_first_joint_visit(db):
    call_command("seed_demo", "--entities", "300", stdout=io.StringIO())
    task = Task.objects.get(kind="joint_risk")
    visit = task.visits.order_by("number").first()
    teams_before = sorted(TeamMember.objects.filter(draw=visit.draw).values_list("entity_id", "inspector_id"))
    for username in ("inspector_scjgj", "inspector_wjj"):
        user = User.objects.get(username=username)
        assert visit in services.my_visits(user)
        part = next(p for p in services.ensure_parts(visit) if p.department_id == user.department_id)
        assert services.is_assigned(user, part)
    for conflict in Conflict.objects.filter(inspector__user__username="inspector_scjgj"):
        assert not TeamMember.objects.filter(inspector=conflict.inspector, entity=conflict.entity).exists()
    assert MinorViolation.objects.filter(active=True).count() >= 3
    call_command("seed_demo", "--entities", "300", stdout=io.StringIO())
    assert sorted(TeamMember.objects.filter(draw=visit.draw).values_list("entity_id", "inspector_id")) == teams_before
