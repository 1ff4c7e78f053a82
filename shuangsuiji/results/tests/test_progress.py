"""Issue 29: the plan → task link and how far the year has got.

Found: the coverage table on /plans/ counted businesses drawn, not inspected, left out the partner departments
of joint tasks and showed 72 of 16,889 as 0%; a task could not name the plan entry (批次) it carries out, and
the plan did not show its entries' tasks and progress."""

import pytest
from django.utils import timezone

from shuangsuiji.draws.testing import make_published_item
from shuangsuiji.plans import services as plan_services
from shuangsuiji.plans.models import AnnualPlan, PlanStatus, Task
from shuangsuiji.plans.testing import joint_items
from shuangsuiji.results import services
from shuangsuiji.results.testing import field_visit
from shuangsuiji.results.tests.test_results import TIMES, submitted


def _approve_lead_part(personas, visit):
    part = submitted(personas, visit, codes=("no_problem",), findings="")
    services.review(personas.lead_admin, part, approve=True)


def test_coverage_counts_inspected_businesses_of_every_department_on_the_visits(personas, client_for):
    visit, _ = field_visit(personas)
    year = visit.task.year
    drawn = visit.task.visits.filter(void=False).count()
    before = {r["name"]: r for r in plan_services.coverage(year)["departments"]}
    assert before[personas.lead_dept.name]["drawn"] == drawn and before[personas.lead_dept.name]["n"] == 0
    assert before[personas.partner_dept.name]["drawn"] == drawn  # the partner of the joint task is counted
    _approve_lead_part(personas, visit)
    after = plan_services.coverage(year)
    rows = {r["name"]: r for r in after["departments"]}
    assert rows[personas.lead_dept.name]["n"] == 1 and rows[personas.partner_dept.name]["n"] == 0
    assert [r["n"] for r in after["items"] if r["code"] == visit.sheet[0]["items"][0]["code"]] == [1]
    page = client_for(personas.office).get(f"/plans/?year={year}").content.decode()
    share = 100 / after["total"]
    assert f"{share:.2f}%" in page  # 1 of 200 is 0.50%, not 0%


@pytest.fixture
def published_entry(personas):
    plan = plan_services.create_plan(personas.office, None, timezone.localdate().year)
    item = make_published_item(personas.lead_dept, "食品销售者检查")
    entry = plan_services.add_entry(personas.office, plan, title="食品经营联合抽查批次", kind="joint_risk",
                                    items=[item], scope_text="全区", ratio_text="5%", timing="四季度",
                                    lead_department=personas.lead_dept, partner_departments=[personas.partner_dept])
    plan_services.file_plan(personas.office, plan)
    plan_services.publish_plan(personas.office, plan)
    return entry


def _approve_partner_part(personas, visit, partner_user):
    part = next(p for p in services.ensure_parts(visit) if p.department_id == personas.partner_dept.pk)
    answers = {r.item_id: {"codes": ["no_problem"], "findings": ""} for r in part.results.all()}
    part = services.save_part(partner_user, part, revision=0, results=answers, submit=True, **TIMES)
    services.review(personas.partner_admin, part, approve=True)


def test_a_task_names_its_plan_entry_and_the_plan_shows_the_entrys_tasks_and_progress(personas, client_for,
                                                                                       published_entry):
    visit, partner_user = field_visit(personas, plan_entry=published_entry)
    task = visit.task
    page = client_for(personas.lead_admin).get(f"/plans/tasks/{task.number}/").content.decode()
    assert published_entry.title in page and f"/plans/{published_entry.plan_id}/" in page
    total = task.visits.filter(void=False).count()
    plan_page = client_for(personas.lead_admin).get(f"/plans/{published_entry.plan_id}/").content.decode()
    assert task.number in plan_page and f"已完成 0/{total} 户" in plan_page
    _approve_lead_part(personas, visit)  # a visit is done only when every department's part is
    assert plan_services.entry_progress([published_entry.pk])[published_entry.pk] == {
        "tasks": [task], "visits": total, "done": 0}
    _approve_partner_part(personas, visit, partner_user)
    plan_page = client_for(personas.office).get(f"/plans/{published_entry.plan_id}/").content.decode()
    assert f"已完成 1/{total} 户" in plan_page


def test_a_task_may_only_name_a_published_entry_of_its_year_that_its_department_takes_part_in(personas,
                                                                                            published_entry):
    year = timezone.localdate().year
    items = joint_items(personas)

    def task_for(entry, **kw):
        return plan_services.create_task(personas.lead_admin, personas.lead_dept, kind="joint_risk", title="联查",
                                         items=items, rules={"default": {"ratio": "0.05"}}, plan_entry=entry, **kw)

    draft = plan_services.create_plan(personas.lead_admin, personas.lead_dept, year)
    own = plan_services.add_entry(personas.lead_admin, draft, title="本部门批次", kind="internal",
                                  items=[make_published_item(personas.lead_dept, "食品生产者检查")],
                                  scope_text="全区", ratio_text="5%", timing="三季度", lead_department=personas.lead_dept)
    with pytest.raises(plan_services.PlanError, match="尚未公布"):
        task_for(own)
    with pytest.raises(plan_services.PlanError, match="年度计划，任务是"):
        task_for(published_entry, year=year + 1)
    theirs = plan_services.add_entry(personas.office, AnnualPlan.objects.create(year=year, title="另一计划"),
                                     title="卫健批次", kind="internal",
                                     items=[make_published_item(personas.partner_dept, "公共场所检查")],
                                     scope_text="全区", ratio_text="3%", timing="三季度",
                                     lead_department=personas.partner_dept)
    AnnualPlan.objects.filter(pk=theirs.plan_id).update(status=PlanStatus.PUBLISHED)
    theirs.refresh_from_db()
    with pytest.raises(plan_services.PlanError, match="发起或配合"):
        task_for(theirs)
    assert not Task.objects.exists()
    assert task_for(published_entry).plan_entry == published_entry


def test_the_api_takes_the_plan_entry_and_names_a_missing_one(personas, client_for, published_entry):
    import json

    items = joint_items(personas)
    c = client_for(personas.lead_admin)
    body = {"kind": "joint_risk", "title": "联查", "item_ids": [i.pk for i in items],
            "rules": {"default": {"ratio": "0.05"}}, "plan_entry_id": published_entry.pk + 1000}
    missing = c.post("/api/v1/plans/tasks", json.dumps(body), content_type="application/json")
    assert missing.status_code == 400 and f"计划批次不存在：{published_entry.pk + 1000}" in missing.json()["detail"]
    body["plan_entry_id"] = published_entry.pk
    made = c.post("/api/v1/plans/tasks", json.dumps(body), content_type="application/json")
    assert made.status_code == 201 and made.json()["plan_entry"]["title"] == published_entry.title
    form = client_for(personas.lead_admin).get("/plans/tasks/new/").content.decode()
    assert published_entry.title in form  # the form offers the entries the department takes part in


def test_long_lists_page_instead_of_stopping(personas, client_for):
    """Issue 29 (paging everywhere lists can be long): the follow-up list stopped at 300, the task list had no
    paging at all."""
    from shuangsuiji.results.models import FollowUp, FollowUpKind

    visit, _ = field_visit(personas)
    row = services.ensure_parts(visit)[0].results.first()
    FollowUp.objects.bulk_create(FollowUp(result=row, kind=FollowUpKind.RECTIFY, owner=personas.lead_dept,
                                          due_on=timezone.localdate()) for _ in range(51))
    c = client_for(personas.lead_admin)
    first = c.get("/results/followups/?state=all").content.decode()
    assert "第 1 / 2 页" in first and "state=all&page=2" in first
    assert "第 2 / 2 页" in c.get("/results/followups/?state=all&page=2").content.decode()
    Task.objects.bulk_create(Task(number=f"T{n:03d}", year=visit.task.year, title=f"任务{n}", kind="internal",
                                  department=personas.lead_dept) for n in range(50))
    tasks = c.get(f"/plans/tasks/?year={visit.task.year}").content.decode()
    assert "第 1 / 2 页" in tasks and f"year={visit.task.year}&page=2" in tasks
    assert "查看全部 51 个任务" in c.get(f"/plans/?year={visit.task.year}").content.decode()
