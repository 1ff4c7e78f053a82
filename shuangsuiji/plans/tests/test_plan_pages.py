"""The pages: the office's year, filing and publishing, a task from draft to visit sheets, PDF and Excel."""

import io
import json

import time_machine
from openpyxl import load_workbook

from shuangsuiji.draws.testing import COMMIT_AT, REVEALED, make_published_item
from shuangsuiji.plans import services
from shuangsuiji.plans.models import AnnualPlan, PlanStatus, Task, TaskStatus
from shuangsuiji.plans.testing import approved_joint_task, joint_items


def test_a_department_drafts_and_files_and_the_office_publishes_and_the_public_reads(personas, client_for, client):
    item = make_published_item(personas.lead_dept)
    c = client_for(personas.lead_admin)
    answer = c.post("/plans/new/", {"year": 2027})
    plan = AnnualPlan.objects.get(department=personas.lead_dept)
    assert answer.status_code == 302 and answer["Location"] == f"/plans/{plan.pk}/"
    answer = c.post(f"/plans/{plan.pk}/", {"title": "食品经营抽查", "kind": "internal", "items": [item.pk],
                                          "scope_text": "全区", "ratio_text": "5%", "timing": "二季度",
                                          "lead_department": personas.lead_dept.pk})
    assert answer.status_code == 302 and plan.entries.count() == 1
    c.post(f"/plans/{plan.pk}/file/")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.FILED
    office = client_for(personas.office)
    page = office.get("/plans/?year=2027").content.decode()
    assert "计划报备情况" in page and ("逾期未报备" in page or "尚未报备" in page)
    office.post(f"/plans/{plan.pk}/publish/")
    client.logout()
    public = client.get("/public/plans/?year=2027").content.decode()
    assert "食品经营抽查" in public and "现行第1版" in public
    rows = list(load_workbook(io.BytesIO(client.get("/public/plans/export/2027.xlsx").content)).active.values)
    assert rows[1][2] == "食品经营抽查"


def test_a_form_error_names_the_field_and_keeps_the_plan(personas, client_for):
    plan = services.create_plan(personas.lead_admin, personas.lead_dept, 2027)
    answer = client_for(personas.lead_admin).post(f"/plans/{plan.pk}/", {"title": "x", "kind": "internal"})
    assert answer.status_code == 200
    assert "抽查事项（仅限已公布清单）：" in answer.content.decode()
    assert plan.entries.count() == 0


def test_filing_an_empty_plan_says_why(personas, client_for):
    plan = services.create_plan(personas.lead_admin, personas.lead_dept, 2027)
    c = client_for(personas.lead_admin)
    page = c.post(f"/plans/{plan.pk}/file/", follow=True).content.decode()
    assert "还没有任何抽查批次" in page


def test_a_joint_task_from_the_form_to_visit_sheets(personas, client_for):
    from shuangsuiji.draws.testing import make_directory

    make_directory(120, inactive=0)
    items = joint_items(personas)
    c = client_for(personas.lead_admin)
    answer = c.post("/plans/tasks/new/", {
        "kind": "joint_risk", "title": "风险分类联查", "items": [i.pk for i in items], "method": "onsite",
        "ratio": "5", "rounding": "half_up", "minimum": "1", "exclusion_days": "0", "team_size": "2",
        "documents": "营业执照\n许可证"})
    task = Task.objects.get()
    assert answer.status_code == 302, answer.content.decode()[:2000]
    c.post(f"/plans/tasks/{task.number}/step/submit/")
    own = c.get(f"/plans/tasks/{task.number}/").content.decode()
    assert "须由本部门另一名管理员或联席会议办公室审核锁定" in own  # four eyes: no approve button for bob
    client_for(personas.office).post(f"/plans/tasks/{task.number}/step/approve/")
    c = client_for(personas.lead_admin)
    page = c.get(f"/plans/tasks/{task.number}/").content.decode()
    assert "尚待确认：卫健" in page and "冻结并发布承诺" not in page  # 会商 first
    with time_machine.travel(COMMIT_AT, tick=False):
        early = c.post(f"/plans/tasks/{task.number}/commit/", {"use_drand": "on", "drand_round": "1000"}, follow=True)
    assert "联合抽查须经会商：区卫生健康局（待确认）尚未确认参加" in early.content.decode()
    partner = client_for(personas.partner_admin)
    assert "确认参加" in partner.get(f"/plans/tasks/{task.number}/").content.decode()
    partner.post(f"/plans/tasks/{task.number}/consult/", {"department": "wjj", "action": "confirm", "note": "同意"})
    c = client_for(personas.lead_admin)
    page = c.get(f"/plans/tasks/{task.number}/").content.decode()
    assert "冻结并发布承诺" in page and "已确认" in page
    witness_only = c.post(f"/plans/tasks/{task.number}/commit/", {
        "use_witness": "on", "witness_name": "公证员现场掷骰", "witness_numbers": "4 1 6"}, follow=True)
    assert "仅用现场见证人号码的抽取只能作为演练" in witness_only.content.decode()
    with time_machine.travel(COMMIT_AT, tick=False):
        c.post(f"/plans/tasks/{task.number}/commit/", {"use_drand": "on", "drand_round": "1000", "use_witness": "on",
                                                       "witness_name": "公证员现场掷骰", "witness_numbers": "4 1 6"})
    task.refresh_from_db()
    assert task.status == TaskStatus.COMMITTED, c.get(f"/plans/tasks/{task.number}/").content.decode()[-3000:]
    answer = c.post(f"/plans/tasks/{task.number}/reveal/", {"s0": json.dumps(REVEALED[0])})
    task.refresh_from_db()
    assert task.status == TaskStatus.DRAWN
    visits = list(task.visits.all())
    assert visits and all(len(v.sheet) == 2 for v in visits)
    partner = client_for(personas.partner_admin)
    sheet = partner.get(f"/plans/visits/{visits[0].number}/").content.decode()
    assert personas.lead_dept.name in sheet and personas.partner_dept.name in sheet and "执法证号" in sheet
    pdf = partner.get(f"/plans/tasks/{task.number}/visits.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    xlsx = load_workbook(io.BytesIO(partner.get(f"/plans/tasks/{task.number}/visits.xlsx").content)).active
    assert xlsx.max_row == 1 + 2 * len(visits)
    refused = partner.post(f"/plans/tasks/{task.number}/step/start/", follow=True).content.decode()
    assert "只有发起部门" in refused


def test_skipping_a_state_from_the_page_is_refused_with_a_message(personas, client_for):
    task = approved_joint_task(personas, n=40)
    page = client_for(personas.lead_admin).post(f"/plans/tasks/{task.number}/step/close/", follow=True)
    assert "不能办结" in page.content.decode()
    task.refresh_from_db()
    assert task.status == TaskStatus.APPROVED


def test_another_department_does_not_see_an_internal_task(personas, client_for):
    from shuangsuiji.draws.testing import make_directory

    make_directory(20, inactive=0)
    task = services.create_task(personas.lead_admin, personas.lead_dept, kind="internal", title="内部",
                                items=[make_published_item(personas.lead_dept)], rules={"default": {"count": 2}})
    assert client_for(personas.partner_admin).get(f"/plans/tasks/{task.number}/").status_code == 404


def test_the_form_and_the_service_report_their_problems_in_one_round(personas, client_for):
    """Issue 29: when a form had both a field error (a required field left empty) and a problem only the service
    finds (an internal task citing another department's item), the user saw the first, fixed it, and only then
    the second. One submit now names both, next to their fields, and nothing is saved."""
    items = joint_items(personas)
    c = client_for(personas.lead_admin)
    page = c.post("/plans/tasks/new/", {
        "kind": "internal", "title": "", "items": [i.pk for i in items], "method": "onsite", "ratio": "5",
        "rounding": "half_up", "minimum": "1", "exclusion_days": "0", "team_size": "2",
        "starts_on": "2027-03-01", "ends_on": "2027-02-01"}).content.decode()
    assert "任务名称：这个字段是必填项。" in page
    assert "部门内部抽查只能引用本部门的抽查事项" in page
    assert "结束日期早于开始日期" in page
    assert not Task.objects.exists()
    plan = services.create_plan(personas.lead_admin, personas.lead_dept, 2027)
    page = c.post(f"/plans/{plan.pk}/", {"title": "", "kind": "joint_general", "items": [items[0].pk],
                                         "scope_text": "全区", "ratio_text": "5%", "timing": "二季度",
                                         "lead_department": personas.lead_dept.pk}).content.decode()
    assert "批次/任务名称：" in page and "联合抽查批次须有至少一个配合部门" in page
    assert plan.entries.count() == 0
