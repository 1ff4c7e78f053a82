"""Tasks: kinds, published items only, caps, the life cycle, the draw, and one visit per business."""

import pytest

from shuangsuiji.common.errors import Forbidden, WrongState
from shuangsuiji.common.models import AuditEvent
from shuangsuiji.directory.models import Entity
from shuangsuiji.draws import services as draw_services
from shuangsuiji.draws.models import Draw, DrawStatus
from shuangsuiji.draws.testing import (
    COMMIT_AT,
    REVEALED,
    SOURCES,
    make_directory,
    make_published_item,
    make_team,
)
from shuangsuiji.items.models import ItemClass, ItemList, ListStatus
from shuangsuiji.lottery.verify import verify_files
from shuangsuiji.plans import services
from shuangsuiji.plans.models import Task, TaskStatus, Visit
from shuangsuiji.plans.testing import approved_joint_task
from shuangsuiji.results import services as result_services
from shuangsuiji.results.models import PartStatus, VisitPart


def drawn(personas, task):
    services.commit(personas.lead_admin, task, SOURCES, now=COMMIT_AT)
    return services.reveal(personas.lead_admin, Task.objects.get(pk=task.pk), REVEALED)


def test_a_joint_task_draws_and_gives_every_business_one_visit_with_every_departments_items(personas):
    task = drawn(personas, approved_joint_task(personas))
    assert task.status == TaskStatus.DRAWN
    draw = task.draw
    assert draw.status == DrawStatus.REVEALED and draw.strata_by == ["credit_class", "credit_list"]
    visits = list(Visit.objects.filter(task=task))
    assert len(visits) == draw.drawn.count() > 0
    assert len({v.entity_id for v in visits}) == len(visits)
    for visit in visits:
        depts = [part["code"] for part in visit.sheet]
        assert depts == [personas.lead_dept.code, personas.partner_dept.code]
        assert all(part["items"] and part["items"][0]["basis"] for part in visit.sheet)
        assert all(len(part["team"]) == 2 for part in visit.sheet)
    assert set(task.partners.all()) == {personas.partner_dept}


def test_the_tasks_draw_is_publicly_verifiable(personas):
    task = drawn(personas, approved_joint_task(personas))
    report = verify_files(draw_services.kit_files(task.draw))
    assert report.ok, report


def test_unpublished_items_are_refused(personas):
    make_directory(50, inactive=0)
    item = make_published_item(personas.lead_dept)
    item.item_list = ItemList.objects.create(department=personas.lead_dept, version=5, title="草稿",
                                             status=ListStatus.DRAFT)
    item.save()
    with pytest.raises(services.PlanError, match="只能引用已公布"):
        services.create_task(personas.lead_admin, personas.lead_dept, kind="internal", title="x", items=[item],
                             rules={"default": {"ratio": "0.05"}})
    assert not Task.objects.exists()


def test_a_general_items_ratio_cap_is_enforced_and_key_items_are_uncapped(personas):
    make_directory(100, inactive=0)
    make_team(personas.lead_dept)
    item = make_published_item(personas.lead_dept)
    item.item_class, item.ratio_cap = ItemClass.GENERAL, 5
    item.save()
    with pytest.raises(services.PlanError, match="超过一般事项.*上限 5%"):
        services.create_task(personas.lead_admin, personas.lead_dept, kind="internal", title="x", items=[item],
                             rules={"default": {"ratio": "0.08"}})
    task = services.create_task(personas.lead_admin, personas.lead_dept, kind="internal", title="x", items=[item],
                                rules={"default": {"count": 9}})
    services.submit(personas.lead_admin, task)
    services.approve(personas.office, task)
    with pytest.raises(services.PlanError, match="9 户（共 100 户）超过"):
        services.commit(personas.lead_admin, task, SOURCES, now=COMMIT_AT)
    task.refresh_from_db()
    assert task.status == TaskStatus.APPROVED and task.draw is None and not Draw.objects.exists()
    item.item_class = ItemClass.KEY
    item.save()
    services.commit(personas.lead_admin, Task.objects.get(pk=task.pk), SOURCES, now=COMMIT_AT)


def test_skipping_a_state_is_refused_with_the_states_named(personas):
    make_directory(20, inactive=0)
    task = services.create_task(personas.lead_admin, personas.lead_dept, kind="internal", title="x",
                                items=[make_published_item(personas.lead_dept)], rules={"default": {"count": 2}})
    with pytest.raises(WrongState, match="当前状态为“草稿”，不能发布抽取承诺"):
        services.commit(personas.lead_admin, task, SOURCES, now=COMMIT_AT)
    with pytest.raises(WrongState, match="不能开始实施"):
        services.advance(personas.lead_admin, task, "start")
    task.refresh_from_db()
    assert task.status == TaskStatus.DRAFT


def test_only_the_lead_departments_administrator_locks_and_draws(personas):
    task = approved_joint_task(personas)
    with pytest.raises(Forbidden, match="发起部门"):
        services.commit(personas.partner_admin, task, SOURCES, now=COMMIT_AT)
    other = services.create_task(personas.lead_admin, personas.lead_dept, kind="internal", title="y",
                                 items=[make_published_item(personas.lead_dept, "另一事项")],
                                 rules={"default": {"count": 2}})
    services.submit(personas.inspector, other)
    with pytest.raises(Forbidden, match="管理员"):
        services.approve(personas.inspector, other)


def test_partners_see_the_joint_task_and_others_do_not(personas):
    task = approved_joint_task(personas)
    assert task in Task.objects.visible_to(personas.partner_admin)
    internal = services.create_task(personas.lead_admin, personas.lead_dept, kind="internal", title="内部",
                                    items=[make_published_item(personas.lead_dept, "内部事项")],
                                    rules={"default": {"count": 2}})
    assert internal not in Task.objects.visible_to(personas.partner_admin)


def test_an_internal_task_cannot_cite_another_departments_items(personas):
    make_directory(20, inactive=0)
    with pytest.raises(services.PlanError, match="部门内部抽查只能引用本部门"):
        services.create_task(personas.lead_admin, personas.lead_dept, kind="internal", title="x",
                             items=[make_published_item(personas.partner_dept)], rules={"default": {"count": 2}})


def test_entities_visited_for_the_same_items_within_the_window_are_excluded_and_the_manifest_says_why(personas):
    first = drawn(personas, approved_joint_task(personas, n=60, rules={"default": {"ratio": "0.5"}}))
    visited = set(first.visits.values_list("entity__uscc", flat=True))
    items = list(first.items.all())
    second = services.create_task(personas.lead_admin, personas.lead_dept, kind="joint_risk", title="第二批",
                                  items=items, rules={"default": {"ratio": "0.3"}}, exclusion_days=90)
    services.submit(personas.lead_admin, second)
    services.approve(personas.office, second)
    services.consult(personas.partner_admin, second, personas.partner_dept, "confirm")
    second = drawn(personas, second)
    excluded = {e["id"] for e in second.draw.manifest["exclusions"]}
    assert excluded == visited
    assert not visited & set(second.visits.values_list("entity__uscc", flat=True))
    assert "结果互认" in second.draw.manifest["exclusions"][0]["reason"]


def test_the_yearly_cap_excludes_entities_already_visited_that_often(personas):
    first = drawn(personas, approved_joint_task(personas, n=40, rules={"default": {"ratio": "0.5"}}))
    other = make_published_item(personas.lead_dept, "价格行为检查")
    second = services.create_task(personas.lead_admin, personas.lead_dept, kind="internal", title="价格",
                                  items=[other], rules={"default": {"ratio": "0.5"}}, yearly_cap=1)
    services.submit(personas.lead_admin, second)
    services.approve(personas.office, second)
    exclusions = services.exclusions_for(second)
    assert {e["uscc"] for e in exclusions} == set(first.visits.values_list("entity__uscc", flat=True))


def test_a_targeted_check_needs_a_reason_and_never_draws(personas):
    entities = make_directory(10, inactive=0)
    item = make_published_item(personas.lead_dept)
    with pytest.raises(services.PlanError, match="事由"):
        services.create_task(personas.lead_admin, personas.lead_dept, kind="targeted", title="投诉核查",
                             items=[item], targets=[entities[0].uscc])
    task = services.create_task(personas.lead_admin, personas.lead_dept, kind="targeted", title="投诉核查",
                                items=[item], targeted_reason="complaint", targeted_note="12315 投诉 2027-0001",
                                targets=[entities[0].uscc, entities[1].uscc])
    services.submit(personas.lead_admin, task)
    services.approve(personas.office, task)
    with pytest.raises(WrongState, match="定向检查不经随机抽取"):
        services.commit(personas.lead_admin, task, SOURCES, now=COMMIT_AT)
    task = services.issue_targeted(personas.lead_admin, task)
    assert task.visits.count() == 2 and task.draw is None


def test_the_rest_of_the_life_cycle_is_audited(personas):
    task = drawn(personas, approved_joint_task(personas, n=40))
    task = services.advance(personas.lead_admin, task, "start")
    parts = sum(len(v.sheet) for v in task.visits.all())
    with pytest.raises(WrongState, match=f"还有 {parts} 份部门检查记录未审核通过"):
        services.advance(personas.lead_admin, task, "complete")
    for visit in task.visits.all():  # the review itself is the results app's (results/tests)
        result_services.ensure_parts(visit)
    VisitPart.objects.update(status=PartStatus.APPROVED)
    for step in ("complete", "publish", "close"):
        task = services.advance(personas.lead_admin, task, step)
    assert task.status == TaskStatus.CLOSED
    actions = list(AuditEvent.objects.filter(action__startswith="task.").values_list("action", flat=True))
    for step in ("create", "submit", "approve", "commit", "reveal", "start", "complete", "publish", "close"):
        assert f"task.{step}" in actions


def test_overlaps_suggest_merging_separate_tasks_that_visit_the_same_business(personas):
    make_directory(30, inactive=0)
    e = Entity.objects.first()
    for admin, dept, name in ((personas.lead_admin, personas.lead_dept, "食品"),
                              (personas.partner_admin, personas.partner_dept, "卫生")):
        t = services.create_task(admin, dept, kind="targeted", title=name,
                                 items=[make_published_item(dept, f"{name}检查")], targeted_reason="monitoring",
                                 targeted_note="监测线索", targets=[e.uscc], year=2027)
        services.submit(admin, t)
        services.approve(personas.office, t)  # four eyes
        services.issue_targeted(admin, t)
    rows = services.overlaps(2027)
    assert rows == [{"departments": sorted([personas.lead_dept.name, personas.partner_dept.name]), "businesses": 1}]


def test_a_task_revealed_from_the_draw_page_still_gets_its_visits(personas):
    task = approved_joint_task(personas, n=40)
    task = services.commit(personas.lead_admin, task, SOURCES, now=COMMIT_AT)
    draw_services.reveal(personas.lead_admin, task.draw, REVEALED)
    task.refresh_from_db()
    assert task.status == TaskStatus.DRAWN and task.visits.count() == task.draw.drawn.count()


def test_voiding_the_draw_returns_the_task_and_the_redraw_is_a_new_linked_draw(personas):
    task = drawn(personas, approved_joint_task(personas, n=40))
    first = task.draw
    draw_services.void(personas.lead_admin, first, "公证员未到场，程序瑕疵")
    task.refresh_from_db()
    assert task.status == TaskStatus.APPROVED
    assert task.visits.filter(void=True).count() == first.drawn.count() and not task.visits.filter(void=False)
    task = drawn(personas, task)
    assert task.draw.replaces == first and task.draw != first
    assert task.visits.filter(void=False).count() == task.draw.drawn.count()
    assert AuditEvent.objects.filter(action="task.draw_void").exists()


def test_a_draw_whose_task_is_under_way_cannot_be_voided(personas):
    task = services.advance(personas.lead_admin, drawn(personas, approved_joint_task(personas, n=40)), "start")
    with pytest.raises(WrongState, match="检查实施中"):
        draw_services.void(personas.lead_admin, task.draw, "想重新抽取一次")
    task.draw.refresh_from_db()
    assert task.draw.status == DrawStatus.REVEALED
