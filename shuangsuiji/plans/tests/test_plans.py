"""Annual plans: drafting from published items, filing by the deadline, return, publication, adjustment."""

import datetime as dt

import pytest
from django.utils import timezone

from shuangsuiji.common.errors import Forbidden, WrongState
from shuangsuiji.common.models import AuditEvent
from shuangsuiji.draws.testing import make_published_item
from shuangsuiji.items.models import ItemList, ListStatus
from shuangsuiji.plans import services
from shuangsuiji.plans.models import PlanStatus


def entry_for(personas, plan, item, **kw):
    fields = dict(title="食品经营者检查", kind="internal", items=[item], scope_text="全区食品经营者",
                  ratio_text="5%", timing="二季度", lead_department=plan.department or personas.lead_dept)
    fields.update(kw)
    return services.add_entry(personas.lead_admin if plan.department else personas.office, plan, **fields)


@pytest.fixture
def plan(personas):
    p = services.create_plan(personas.lead_admin, personas.lead_dept, 2027)
    entry_for(personas, p, make_published_item(personas.lead_dept))
    return p


def test_a_plan_cites_published_items_only(personas, plan):
    draft_list = ItemList.objects.create(department=personas.lead_dept, version=9, title="草稿", status=ListStatus.DRAFT)
    item = make_published_item(personas.lead_dept, "未公布事项")
    item.item_list = draft_list
    item.save()
    with pytest.raises(services.PlanError, match="只能引用已公布"):
        entry_for(personas, plan, item)
    assert plan.entries.count() == 1


def test_filing_on_time_and_late_is_recorded_and_the_office_sees_who_is_missing(personas, plan):
    services.file_plan(personas.lead_admin, plan, at=timezone.make_aware(dt.datetime(2027, 1, 20, 10)))
    rows = {r["department"].code: r["state"] for r in services.filing_status(2027, today=dt.date(2027, 2, 2))}
    assert rows[personas.lead_dept.code] == "on_time"
    assert rows[personas.partner_dept.code] == "missing"
    assert services.filing_status(2027, today=dt.date(2027, 1, 2))[1]["state"] in ("pending", "on_time")
    late = services.create_plan(personas.partner_admin, personas.partner_dept, 2027)
    services.add_entry(personas.partner_admin, late, title="公共场所", kind="internal",
                       items=[make_published_item(personas.partner_dept, "公共场所卫生检查")], scope_text="全区",
                       ratio_text="3%", timing="三季度", lead_department=personas.partner_dept)
    services.file_plan(personas.partner_admin, late, at=timezone.make_aware(dt.datetime(2027, 2, 3, 10)))
    rows = {r["department"].code: r["state"] for r in services.filing_status(2027, today=dt.date(2027, 2, 4))}
    assert rows[personas.partner_dept.code] == "late"


def test_the_deadline_is_data_per_year(personas, plan):
    year = services.plan_year(2027)
    year.filing_deadline = dt.date(2027, 2, 28)
    year.save()
    assert not services.file_plan(personas.lead_admin, plan, at=timezone.make_aware(dt.datetime(2027, 2, 10, 10))).filed_late


def test_only_the_office_returns_and_publishes_and_a_returned_plan_can_be_fixed_and_refiled(personas, plan):
    services.file_plan(personas.lead_admin, plan)
    with pytest.raises(Forbidden, match="联席会议办公室"):
        services.publish_plan(personas.lead_admin, plan)
    with pytest.raises(services.PlanError, match="修改意见"):
        services.return_plan(personas.office, plan, " ")
    services.return_plan(personas.office, plan, "请补充抽查比例依据")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.RETURNED and plan.return_comment == "请补充抽查比例依据"
    services.file_plan(personas.lead_admin, plan)
    assert services.publish_plan(personas.office, plan).status == PlanStatus.PUBLISHED
    assert list(services.current_plans(2027)) == [plan]


def test_a_department_cannot_edit_another_departments_plan(personas, plan):
    with pytest.raises(Forbidden, match="本部门"):
        services.file_plan(personas.partner_admin, plan)


def test_an_adjustment_is_a_new_version_with_a_reason_and_the_public_sees_the_current_one(personas, plan):
    services.file_plan(personas.lead_admin, plan)
    services.publish_plan(personas.office, plan)
    with pytest.raises(services.PlanError, match="理由"):
        services.adjust_plan(personas.lead_admin, plan, "")
    new = services.adjust_plan(personas.lead_admin, plan, "新增专项整治批次")
    assert new.version == 2 and new.entries.count() == 1 and new.previous == plan
    assert list(services.current_plans(2027)) == [plan]  # still the old one until the office publishes
    services.file_plan(personas.lead_admin, new)
    services.publish_plan(personas.office, new)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUPERSEDED
    assert list(services.current_plans(2027)) == [new]
    assert AuditEvent.objects.filter(action="plan.adjust").count() == 1


def test_published_plans_cannot_be_edited(personas, plan):
    services.file_plan(personas.lead_admin, plan)
    with pytest.raises(WrongState, match="不能修改"):
        entry_for(personas, plan, make_published_item(personas.lead_dept, "另一事项"))


def test_the_district_joint_plan_is_drafted_by_the_office(personas):
    with pytest.raises(Forbidden, match="联席会议办公室"):
        services.create_plan(personas.lead_admin, None, 2027)
    joint = services.create_plan(personas.office, None, 2027)
    with pytest.raises(services.PlanError, match="配合部门"):
        entry_for(personas, joint, make_published_item(personas.lead_dept), kind="joint_general")
    entry_for(personas, joint, make_published_item(personas.lead_dept), kind="joint_general",
              partner_departments=[personas.partner_dept])
    assert joint.owner_name.startswith("区联席会议")


@pytest.mark.django_db
def test_the_demo_has_published_plans_and_a_drawn_joint_task_with_one_sheet_per_business():
    import io

    from django.core.management import call_command

    from shuangsuiji.plans.models import AnnualPlan, Task, TaskStatus

    call_command("seed_demo", stdout=io.StringIO())
    published = AnnualPlan.objects.filter(status=PlanStatus.PUBLISHED)
    assert published.filter(department__isnull=True).count() == 1 and published.count() == 3
    task = Task.objects.get(kind="joint_risk")
    assert task.status == TaskStatus.DRAWN and task.draw.matching_error == ""
    visits = list(task.visits.all())
    assert len(visits) == task.draw.drawn.count() > 0
    assert all(len(v.sheet) == 2 and all(len(p["team"]) == 2 for p in v.sheet) for v in visits)
    # Issue 29: the filing time the pages show and the 按时/逾期 label agree (the demo said 按时报备 for a plan
    # shown as filed months after the deadline).
    for plan in published.filter(department__isnull=False):
        filed_on = timezone.localtime(plan.filed_at).date()
        assert plan.filed_late == (filed_on > services.plan_year(plan.year).filing_deadline), plan


def test_filing_at_a_given_time_records_that_time_and_judges_lateness_by_it(personas, plan):
    at = timezone.make_aware(dt.datetime(2027, 2, 3, 9, 30))
    filed = services.file_plan(personas.lead_admin, plan, at=at)
    assert filed.filed_at == at and filed.filed_late
