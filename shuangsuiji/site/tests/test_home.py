"""Issue 29, finding 2: the office's home showed four counts and an empty job list, the inspector's department
statistics instead of their own visits, and the leader had no overview. Each role now starts on its own page."""

from shuangsuiji.accounts.models import Role
from shuangsuiji.accounts.testing import make_user
from shuangsuiji.plans import services as plan_services
from shuangsuiji.plans.testing import joint_items
from shuangsuiji.results.testing import field_visit


def home(client_for, user) -> str:
    answer = client_for(user).get("/")
    assert answer.status_code == 200
    return answer.content.decode()


def test_what_waits_reaches_the_office_and_the_partner_and_the_leader_only_reads(personas, client_for):
    visit, _ = field_visit(personas)
    waiting = plan_services.create_task(personas.lead_admin, personas.lead_dept, kind="joint_general", title="待审联查",
                                        items=joint_items(personas), rules={"default": {"ratio": "0.05"}})
    plan_services.submit(personas.lead_admin, waiting)
    office = home(client_for, personas.office)
    assert "工作台 · 联席会议办公室" in office and waiting.number in office  # 待审核锁定的任务
    assert visit.task.number in office and "已完成 0/" in office  # the task under way, with its progress
    assert office.count('data-chart="chart-') == 3 and 'id="chart-1" type="application/json"' in office
    # each figure opens the list it counts
    assert 'href="/results/followups/?state=overdue"' in office and 'href="/results/deadlines/?state=late"' in office
    plan_services.approve(personas.office, waiting)
    partner = home(client_for, personas.partner_admin)
    assert "待会商确认" in partner and waiting.number in partner
    leader = home(client_for, personas.leader)
    assert "年度概览" in leader and "待我处理" not in leader and leader.count('data-chart="') == 3


def test_the_inspector_sees_their_own_visits_and_an_unlinked_account_is_told(personas, client_for):
    visit, _ = field_visit(personas)
    page = home(client_for, personas.inspector)
    assert "我的检查" in page and visit.entity.name in page and "尚未关联" not in page
    newcomer = make_user("nina", Role.INSPECTOR, personas.lead_dept, display_name="新来的 妮娜")
    page = home(client_for, newcomer)
    assert "尚未关联执法检查人员名录" in page and visit.entity.name not in page
