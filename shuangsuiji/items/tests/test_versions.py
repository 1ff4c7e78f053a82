"""Versions: publish supersedes, published versions are immutable, drafts are edited, diffs by code."""

from decimal import Decimal

import pytest

from shuangsuiji.common.errors import WrongState
from shuangsuiji.common.models import AuditEvent
from shuangsuiji.items import services
from shuangsuiji.items.models import InspectionItem, ItemClass, ItemList, ListKind, ListStatus
from shuangsuiji.items.testing import JOINT_CSV, make_item, make_list


def test_publishing_a_draft_supersedes_the_version_in_force(personas):
    first = make_list(personas.lead_dept, status=ListStatus.PUBLISHED)
    draft = make_list(personas.lead_dept)
    services.publish_list(draft, actor=personas.office)  # a change to a published list: the office decides
    first.refresh_from_db()
    draft.refresh_from_db()
    assert (first.status, draft.status) == (ListStatus.SUPERSEDED, ListStatus.PUBLISHED)
    assert draft.published_by == personas.office and draft.published_at is not None
    assert set(InspectionItem.objects.published()) == set(draft.items.all())
    event = AuditEvent.objects.get(action="items.publish")
    assert event.actor == personas.office and event.after["superseded"] == 1


def test_only_a_draft_with_items_can_be_published(personas):
    empty = make_list(personas.lead_dept, items=0)
    with pytest.raises(WrongState, match="没有任何事项"):
        services.publish_list(empty, actor=personas.lead_admin)
    published = make_list(personas.partner_dept, status=ListStatus.PUBLISHED)
    with pytest.raises(WrongState, match="只有草稿可以公布"):
        services.publish_list(published, actor=personas.office)


def test_an_older_draft_cannot_replace_a_newer_published_version(personas):
    old_draft = make_list(personas.lead_dept)
    newer = make_list(personas.lead_dept)
    services.publish_list(newer, actor=personas.office)
    with pytest.raises(WrongState, match="更新"):
        services.publish_list(old_draft, actor=personas.office)


def test_published_versions_are_immutable(personas):
    lst = make_list(personas.lead_dept, status=ListStatus.PUBLISHED)
    item = lst.items.first()
    with pytest.raises(WrongState, match="不能修改"):
        services.update_item(item, actor=personas.lead_admin, name="改名")
    with pytest.raises(WrongState, match="不能修改"):
        services.delete_item(item, actor=personas.lead_admin)
    with pytest.raises(WrongState, match="不能修改"):
        services.add_item(lst, actor=personas.lead_admin, category="甲", name="乙", object_type="丙")
    with pytest.raises(WrongState, match="不能修改"):
        services.delete_draft(lst, actor=personas.lead_admin)
    item.refresh_from_db()
    assert item.name == "事项1"


def test_a_new_version_copies_the_published_list_into_a_draft(personas):
    outcome = services.import_file(JOINT_CSV, kind=ListKind.JOINT, level="province", actor=personas.office,
                                   publish=True)
    published = outcome.lists[0]
    draft = services.new_version_from(published, actor=personas.office, note="年度修订")
    assert (draft.version, draft.status, draft.note) == (2, ListStatus.DRAFT, "年度修订")
    assert sorted(draft.items.values_list("code", flat=True)) == sorted(published.items.values_list("code", flat=True))
    copied = draft.items.get(name="二手车市场监管")
    assert sorted(d.code for d in copied.partner_departments.all()) == ["gafj", "scjgj", "swju"]
    assert services.diff_versions(published, draft).is_empty
    with pytest.raises(WrongState, match="已有草稿第2版"):
        services.new_version_from(published, actor=personas.office)


def test_edits_in_a_draft_show_up_in_the_diff_by_code(personas):
    published = make_list(personas.lead_dept, status=ListStatus.PUBLISHED, items=3)
    draft = services.new_version_from(published, actor=personas.lead_admin)
    first, second, third = draft.items.order_by("seq")
    services.update_item(first, actor=personas.lead_admin, name="事项1（修订）", item_class=ItemClass.KEY)
    services.delete_item(second, actor=personas.lead_admin)
    added = services.add_item(draft, actor=personas.lead_admin, category="广告监督检查", name="广告发布情况的检查",
                              object_type="广告经营者", item_class="一般检查事项", ratio_cap="5")
    diff = services.diff_versions(published, draft)
    assert [i.name for i in diff.added] == ["广告发布情况的检查"] and added.ratio_cap == Decimal("5.00")
    assert [i.name for i in diff.removed] == ["事项2"]
    assert len(diff.changed) == 1 and diff.changed[0].new.code == first.code
    assert {(c.label, c.old, c.new) for c in diff.changed[0].changes} == {
        ("抽查事项", "事项1", "事项1（修订）"), ("事项类别", "一般检查事项", "重点检查事项")}
    data = diff.as_dict()
    assert data["changed"][0]["changes"][0]["field"] in ("name", "item_class")


def test_item_history_records_who_changed_what(personas):
    lst = make_list(personas.lead_dept, items=1)
    item = lst.items.get()
    services.update_item(item, actor=personas.lead_admin, body="区市场监管局")
    latest = item.history.order_by("-history_id").first()
    assert latest.history_user == personas.lead_admin and latest.history_type == "~"
    delta = latest.diff_against(latest.prev_record)
    assert [c.field for c in delta.changes] == ["body"]
    event = AuditEvent.objects.get(action="items.update_item")
    assert event.before == {"body": "县级以上市场监管部门"} and event.after == {"body": "区市场监管局"}


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"name": ""}, "name", "不能为空"),
    ({"item_class": "重要"}, "item_class", "重点检查事项"),
    ({"ratio_cap": "0"}, "ratio_cap", "大于 0"),
    ({"ratio_cap": "101"}, "ratio_cap", "不超过 100"),
    ({"ratio_cap": "abc"}, "ratio_cap", "不是数字"),
    ({"category": "类" * 301}, "category", "300"),
])
def test_bad_item_edits_are_refused_per_field(personas, fields, field, message):
    item = make_list(personas.lead_dept, items=1).items.get()
    with pytest.raises(services.ItemsError) as exc:
        services.update_item(item, actor=personas.lead_admin, **fields)
    assert message in exc.value.errors[field]


def test_ratio_caps_are_only_for_general_items(personas):
    lst = make_list(personas.lead_dept, items=2)
    key = make_item(lst, name="重点事项", item_class=ItemClass.KEY)
    with pytest.raises(services.ItemsError, match="重点检查事项不设抽查比例上限"):
        services.update_item(key, actor=personas.lead_admin, ratio_cap="5")
    assert services.set_ratio_caps(lst, actor=personas.lead_admin, cap="5") == 2
    assert list(lst.items.order_by("id").values_list("ratio_cap", flat=True)) == [Decimal("5.00")] * 2 + [None]
    general = lst.items.filter(item_class=ItemClass.GENERAL).first()
    services.update_item(general, actor=personas.lead_admin, ratio_cap="3")
    assert services.set_ratio_caps(lst, actor=personas.lead_admin, cap="4", only_blank=True) == 0
    with pytest.raises(services.ItemsError, match="不超过 100"):
        services.set_ratio_caps(lst, actor=personas.lead_admin, cap="120")
    with pytest.raises(services.ItemsError, match="重点检查事项不设抽查比例上限"):
        services.update_item(general, actor=personas.lead_admin, item_class=ItemClass.KEY)


def test_deleting_a_draft_keeps_published_versions(personas):
    published = make_list(personas.lead_dept, status=ListStatus.PUBLISHED)
    draft = services.new_version_from(published, actor=personas.lead_admin)
    services.delete_draft(draft, actor=personas.lead_admin)
    assert list(ItemList.objects.all()) == [published]
    assert AuditEvent.objects.filter(action="items.delete_draft").exists()


def test_a_joint_item_edit_remaps_its_departments(personas):
    outcome = services.import_file(JOINT_CSV, kind=ListKind.JOINT, level="province", actor=personas.office)
    item = outcome.lists[0].items.get(name="二手车市场监管")
    services.update_item(item, actor=personas.office, lead_text="卫生健康部门", partner_text="商务部门、统计部门")
    item.refresh_from_db()
    assert item.lead_department.code == "wjj"
    assert sorted(d.code for d in item.partner_departments.all()) == ["swj", "tjj"]
    with pytest.raises(services.ItemsError, match="不是本区成员单位"):
        services.update_item(item, actor=personas.office, lead_text="海关部门")


def test_only_versions_of_the_same_list_can_be_compared(personas):
    with pytest.raises(services.ItemsError, match="同一清单"):
        services.diff_versions(make_list(personas.lead_dept), make_list(personas.partner_dept))
