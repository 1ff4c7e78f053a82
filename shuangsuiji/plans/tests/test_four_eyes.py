"""Issue 26, finding 8: a department admin created, submitted and approved its own task, and registered and
decided a recusal. A second person now approves and decides (another admin of the department, or the office);
both people are recorded; a district may switch the rule off (SSJ_FOUR_EYES=0)."""

import pytest

from shuangsuiji.accounts.models import Role
from shuangsuiji.accounts.testing import make_user
from shuangsuiji.common.errors import Forbidden
from shuangsuiji.draws import recusals
from shuangsuiji.draws.models import RecusalStatus, TeamMember
from shuangsuiji.draws.testing import DECIDE_AT, LATER_ROUND
from shuangsuiji.draws.tests.test_draw_matching import joint, revealed  # noqa: F401 - the fixture
from shuangsuiji.plans import services
from shuangsuiji.plans.models import TaskStatus
from shuangsuiji.plans.testing import joint_items

pytestmark = pytest.mark.django_db


def submitted(personas):
    task = services.create_task(personas.lead_admin, personas.lead_dept, kind="joint_risk", title="联查",
                                items=joint_items(personas), rules={"default": {"ratio": "0.05", "minimum": 1}})
    return services.submit(personas.lead_admin, task)


def test_the_admin_who_created_and_submitted_a_task_cannot_approve_it(personas):
    task = submitted(personas)
    with pytest.raises(Forbidden, match="须由另一人"):
        services.approve(personas.lead_admin, task)
    task.refresh_from_db()
    assert task.status == TaskStatus.SUBMITTED and task.approved_by is None


def test_another_admin_of_the_department_approves_and_both_are_recorded(personas):
    task = submitted(personas)
    colleague = make_user("bob2", Role.DEPT_ADMIN, personas.lead_dept)
    task = services.approve(colleague, task)
    assert (task.status, task.submitted_by, task.approved_by) == (TaskStatus.APPROVED, personas.lead_admin, colleague)


def test_a_district_may_let_one_admin_do_both(personas, settings):
    settings.SSJ_FOUR_EYES = False
    assert services.approve(personas.lead_admin, submitted(personas)).status == TaskStatus.APPROVED


def test_the_admin_who_registered_a_recusal_cannot_decide_it(personas, joint):  # noqa: F811
    draw = revealed(personas, joint[0])
    member = TeamMember.objects.filter(draw=draw, department=personas.partner_dept).first()
    recusal = recusals.request_recusal(personas.partner_admin, member, applicant="business", reason="亲属")
    with pytest.raises(Forbidden, match="登记人以外的另一人"):
        recusals.decide_recusal(personas.partner_admin, recusal, approve=True, reason="属实", round_no=LATER_ROUND,
                                now=DECIDE_AT)
    colleague = make_user("carol2", Role.DEPT_ADMIN, personas.partner_dept)
    decided = recusals.decide_recusal(colleague, recusal, approve=True, reason="属实", round_no=LATER_ROUND,
                                      now=DECIDE_AT)
    assert decided.status == RecusalStatus.AWAITING
    assert (decided.recorded_by, decided.decided_by) == (personas.partner_admin, colleague)
