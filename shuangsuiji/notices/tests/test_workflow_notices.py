"""Issue 29, finding: "意见已通知部门" — but nothing reached the department. Each return, each piece of work
waiting for someone, each 抄告 and each recusal application now reaches the right inbox."""

from shuangsuiji.draws.models import TeamMember
from shuangsuiji.draws.recusals import request_recusal
from shuangsuiji.draws.testing import make_published_item
from shuangsuiji.notices.models import Notice
from shuangsuiji.plans import services as plans
from shuangsuiji.results import services as results
from shuangsuiji.results.models import FollowUpKind
from shuangsuiji.results.testing import field_visit
from shuangsuiji.results.tests.test_results import lead_part, submitted


def inbox(user) -> list[str]:
    return list(Notice.objects.for_user(user).order_by("id").values_list("title", flat=True))


def test_a_returned_plan_reaches_its_department_and_a_filed_one_the_office(personas, client_for):
    plan = plans.create_plan(personas.partner_admin, personas.partner_dept, 2027)
    plans.add_entry(personas.partner_admin, plan, title="公共场所卫生检查", kind="internal",
                    items=[make_published_item(personas.partner_dept, "公共场所卫生检查")], scope_text="全区公共场所",
                    ratio_text="5%", timing="二季度", lead_department=personas.partner_dept)
    plans.file_plan(personas.partner_admin, plan)
    assert inbox(personas.office) == ["区卫生健康局报备了 2027 年度抽查计划（第 1 版）"]
    assert inbox(personas.lead_admin) == []  # the office's notices are not the host department's
    plans.return_plan(personas.office, plan, "抽查比例偏低，请按清单上限调整")
    [notice] = Notice.objects.filter(department=personas.partner_dept)
    assert notice.title == "2027 年度抽查计划被联席会议办公室退回"
    assert notice.body == "修改意见：抽查比例偏低，请按清单上限调整" and notice.url == f"/plans/{plan.pk}/"
    page = client_for(personas.partner_admin).get("/notices/").content.decode()
    assert "抽查比例偏低" in page and 'data-testid="notices"' in page


def test_a_task_waiting_for_review_and_a_returned_task_reach_the_department(personas):
    from shuangsuiji.draws.testing import make_directory
    from shuangsuiji.plans.testing import joint_items

    make_directory(50, inactive=0)
    task = plans.create_task(personas.lead_admin, personas.lead_dept, kind="joint_risk", title="风险分类联查",
                             items=joint_items(personas), rules={"default": {"ratio": "0.05", "minimum": 1}})
    plans.submit(personas.lead_admin, task)
    plans.return_task(personas.office, task, "请补充企业需准备的材料")
    assert inbox(personas.lead_admin) == ["抽查任务待审核：风险分类联查", "抽查任务被退回修改：风险分类联查"]
    assert Notice.objects.get(title__startswith="抽查任务被退回").body == "意见：请补充企业需准备的材料"


def test_results_waiting_returned_and_a_notice_to_another_department(personas):
    visit, _ = field_visit(personas)
    part = submitted(personas, visit, codes=("other_rules",), findings="从业人员未取得健康证明")
    row = part.results.get()
    results.create_followup(personas.lead_admin, row, kind=FollowUpKind.NOTIFY, owner=personas.partner_dept)
    results.review(personas.lead_admin, lead_part(visit, personas), approve=False, comment="请补充现场照片")
    name = visit.entity.name
    assert inbox(personas.lead_admin)[-2:] == [f"检查结果待审核：{name}", f"检查结果被退回修改：{name}"]
    assert inbox(personas.partner_admin)[-1] == f"抄告待签收：{name}（区市场监督管理局）"


def test_a_recusal_application_reaches_the_inspectors_department(personas):
    visit, _ = field_visit(personas)
    member = TeamMember.objects.filter(draw=visit.draw, entity=visit.entity, department=personas.partner_dept,
                                       active=True).first()
    request_recusal(personas.partner_admin, member, applicant="business", reason="系其近亲属")
    assert inbox(personas.partner_admin)[-1] == f"回避申请待决定：{member.inspector.name}（{visit.draw.number}）"
