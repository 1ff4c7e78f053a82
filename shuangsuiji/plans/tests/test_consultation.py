"""Issue 29: 会商 (seed §二(五)). A joint task's partners confirm their participation, items and team size before
the draw; the lead cannot commit until they have, or the office decides not to wait, with a reason on record."""

import pytest
import time_machine

from shuangsuiji.common.errors import Forbidden, WrongState
from shuangsuiji.common.models import AuditEvent
from shuangsuiji.draws.testing import COMMIT_AT, SOURCES, make_directory
from shuangsuiji.notices.models import Notice
from shuangsuiji.plans import services
from shuangsuiji.plans.models import ConsultationStatus, TaskStatus
from shuangsuiji.plans.testing import joint_items


@pytest.fixture
def approved(personas):
    make_directory(60, inactive=0)
    task = services.create_task(personas.lead_admin, personas.lead_dept, kind="joint_risk", title="联查",
                                items=joint_items(personas), rules={"default": {"ratio": "0.05", "minimum": 1}})
    services.submit(personas.lead_admin, task)
    return services.approve(personas.office, task)


def commit(personas, task):
    with time_machine.travel(COMMIT_AT, tick=False):
        return services.commit(personas.lead_admin, task, SOURCES, now=COMMIT_AT)


def test_approval_asks_each_partner_and_the_draw_waits(personas, approved):
    [row] = approved.consultations.all()
    assert row.department == personas.partner_dept and row.status == ConsultationStatus.PENDING
    assert Notice.objects.filter(department=personas.partner_dept, title__startswith="联合抽查会商").exists()
    with pytest.raises(WrongState, match="区卫生健康局（待确认）尚未确认参加"):
        commit(personas, approved)
    services.consult(personas.partner_admin, approved, personas.partner_dept, "object", "检查组人数不足")
    with pytest.raises(WrongState, match="有异议"):
        commit(personas, approved)
    assert Notice.objects.filter(to_office=True, title__startswith="会商异议").exists()
    services.consult(personas.partner_admin, approved, personas.partner_dept, "confirm")
    assert commit(personas, approved).status == TaskStatus.COMMITTED
    with pytest.raises(WrongState, match="会商只在审核锁定后、抽取前进行"):
        services.consult(personas.partner_admin, approved, personas.partner_dept, "confirm")


def test_only_the_partner_confirms_and_only_the_office_overrides_with_a_reason(personas, approved):
    with pytest.raises(Forbidden, match="只有区卫生健康局的管理员"):
        services.consult(personas.lead_admin, approved, personas.partner_dept, "confirm")
    with pytest.raises(Forbidden, match="只有联席会议办公室"):
        services.consult(personas.lead_admin, approved, personas.partner_dept, "override", "急")
    with pytest.raises(services.PlanError, match="请写明不待确认即抽取的理由"):
        services.consult(personas.office, approved, personas.partner_dept, "override", " ")
    services.consult(personas.office, approved, personas.partner_dept, "override", "卫健部门负责人出差，已电话确认")
    event = AuditEvent.objects.get(action="task.consult_override")
    assert event.after["note"] == "卫健部门负责人出差，已电话确认"
    assert commit(personas, approved).status == TaskStatus.COMMITTED
