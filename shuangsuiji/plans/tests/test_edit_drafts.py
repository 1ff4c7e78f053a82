"""Issue 29, finding: draft tasks and plan entries could only be deleted, not edited. A draft (new, or returned
for changes) is edited on the form it was made with, the audit log keeps it before and after; once submitted or
published it is fixed."""

import pytest

from shuangsuiji.common.errors import Forbidden, WrongState
from shuangsuiji.common.models import AuditEvent
from shuangsuiji.directory.models import Township
from shuangsuiji.draws.testing import make_directory, make_published_item
from shuangsuiji.plans import services
from shuangsuiji.plans.forms import TaskForm
from shuangsuiji.plans.models import TaskStatus
from shuangsuiji.plans.testing import joint_items


@pytest.fixture
def draft(personas):
    make_directory(60, inactive=0)
    town = Township.objects.order_by("code").first()
    return services.create_task(personas.lead_admin, personas.lead_dept, kind="joint_risk", title="初稿联查",
                                items=joint_items(personas), rules={"default": {"ratio": "0.05", "minimum": 1,
                                                                                "maximum": 9}},
                                scope={"sublibrary": None, "filters": {"township": [town.code]}}, team_size=3,
                                documents="营业执照")


def test_the_edit_form_starts_from_the_task_and_saving_it_unchanged_changes_nothing(personas, draft):
    form = TaskForm(data=None, department=personas.lead_dept, initial=TaskForm.initial_for(draft))
    data = {name: form[name].value() for name in form.fields}
    bound = TaskForm(data={k: v for k, v in data.items() if v not in (None, "")}, department=personas.lead_dept)
    assert bound.is_valid(), bound.errors
    kwargs = bound.service_kwargs()
    assert kwargs["title"] == "初稿联查" and kwargs["team_size"] == 3
    assert kwargs["rules"]["default"] == {"ratio": "0.05", "rounding": "half_up", "minimum": 1, "maximum": 9}
    assert kwargs["scope"] == draft.scope and {i.pk for i in kwargs["items"]} == set(
        draft.task_items.values_list("item_id", flat=True))


def test_a_draft_task_is_edited_on_its_form_and_the_audit_keeps_before_and_after(personas, draft, client_for):
    c = client_for(personas.lead_admin)
    page = c.get(f"/plans/tasks/{draft.number}/edit/").content.decode()
    assert "修改任务" in page and 'value="初稿联查"' in page
    items = list(draft.task_items.values_list("item_id", flat=True))
    answer = c.post(f"/plans/tasks/{draft.number}/edit/", {
        "kind": "joint_risk", "title": "二稿联查", "items": items, "method": "onsite", "ratio": "8",
        "rounding": "ceil", "minimum": "2", "exclusion_days": "0", "team_size": "2"})
    assert answer.status_code == 302, answer.content.decode()[-2000:]
    draft.refresh_from_db()
    assert draft.title == "二稿联查" and draft.rules["default"]["ratio"] == "0.08" and draft.team_size == 2
    event = AuditEvent.objects.filter(action="task.update").get()
    assert event.before["title"] == "初稿联查" and event.after["title"] == "二稿联查"
    assert "修改" in c.get(f"/plans/tasks/{draft.number}/").content.decode()


def test_only_a_draft_is_edited_and_only_by_its_department(personas, draft, client_for):
    with pytest.raises(Forbidden):
        services.update_task(personas.partner_admin, draft, kind="joint_risk", title="x", items=[],
                             rules={"default": {"ratio": "0.05"}})
    assert client_for(personas.partner_admin).get(f"/plans/tasks/{draft.number}/edit/").status_code in (403, 404)
    services.submit(personas.lead_admin, draft)
    with pytest.raises(WrongState, match="只有草稿"):
        services.update_task(personas.lead_admin, draft, kind="joint_risk", title="x",
                             items=joint_items_of(draft), rules={"default": {"ratio": "0.05"}})
    page = client_for(personas.lead_admin).get(f"/plans/tasks/{draft.number}/edit/", follow=True).content.decode()
    assert "只有草稿（含退回修改的）可以修改" in page
    services.return_task(personas.office, draft, "比例偏低")
    task = services.update_task(personas.lead_admin, draft, kind="joint_risk", title="按意见修改",
                                items=joint_items_of(draft), rules={"default": {"ratio": "0.1", "minimum": 1}})
    assert task.title == "按意见修改" and task.status == TaskStatus.DRAFT


def joint_items_of(task):
    return [ti.item for ti in task.task_items.select_related("item")]


def test_a_plan_entry_is_edited_while_the_plan_is_a_draft(personas, client_for):
    plan = services.create_plan(personas.lead_admin, personas.lead_dept, 2027)
    item = make_published_item(personas.lead_dept)
    entry = services.add_entry(personas.lead_admin, plan, title="食品经营抽查", kind="internal", items=[item],
                               scope_text="全区", ratio_text="5%", timing="二季度", lead_department=personas.lead_dept)
    c = client_for(personas.lead_admin)
    assert 'value="食品经营抽查"' in c.get(f"/plans/entries/{entry.pk}/edit/").content.decode()
    bad = c.post(f"/plans/entries/{entry.pk}/edit/", {"title": "联合", "kind": "joint_general", "items": [item.pk],
                                                      "scope_text": "全区", "ratio_text": "5%", "timing": "三季度",
                                                      "lead_department": personas.lead_dept.pk}).content.decode()
    assert "配合部门：联合抽查批次须有至少一个配合部门" in bad  # the service's problem, next to its field
    answer = c.post(f"/plans/entries/{entry.pk}/edit/", {
        "title": "食品经营抽查（调整）", "kind": "internal", "items": [item.pk], "scope_text": "全区食品经营者",
        "ratio_text": "3%", "timing": "三季度", "lead_department": personas.lead_dept.pk})
    assert answer.status_code == 302
    entry.refresh_from_db()
    assert (entry.title, entry.ratio_text, entry.timing) == ("食品经营抽查（调整）", "3%", "三季度")
    assert AuditEvent.objects.filter(action="plan.entry.update").get().before["entry"]["ratio"] == "5%"
    services.file_plan(personas.lead_admin, plan)
    assert "不能修改" in c.get(f"/plans/entries/{entry.pk}/edit/", follow=True).content.decode()
    assert client_for(personas.partner_admin).get(f"/plans/entries/{entry.pk}/edit/").status_code in (403, 404)
