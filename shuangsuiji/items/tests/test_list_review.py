"""Issue 29 (seed §二(二), 不得擅自增加或缩减抽查事项): a department published changes to its own list
directly. Now a change to a published list goes to the joint-meeting office, which sees the difference and
approves (publishes) or returns it with a comment; the first version is published by the department itself."""

import pytest

from shuangsuiji.common.errors import Forbidden, WrongState
from shuangsuiji.common.models import AuditEvent
from shuangsuiji.items import services
from shuangsuiji.items.models import ListStatus
from shuangsuiji.items.testing import make_item, make_list
from shuangsuiji.notices.models import Notice


@pytest.fixture
def change(personas):
    """Version 1 published by the department; version 2 adds an item."""
    first = make_list(personas.lead_dept)
    services.publish_list(first, actor=personas.lead_admin)  # the first version: no approval
    second = services.new_version_from(first, actor=personas.lead_admin)
    make_item(second, name="新增的食品销售检查", seq="9")
    return second


def test_a_department_cannot_publish_a_change_to_its_published_list_by_itself(personas, change):
    with pytest.raises(WrongState, match="须报联席会议办公室审核"):
        services.publish_list(change, actor=personas.lead_admin)
    change.refresh_from_db()
    assert change.status == ListStatus.DRAFT


def test_the_office_sees_the_difference_and_approves(personas, change, client_for):
    dept = client_for(personas.lead_admin)
    confirm = dept.get(f"/items/lists/{change.pk}/publish/").content.decode()
    assert "报送联席会议办公室审核" in confirm and "新增的食品销售检查" in confirm
    dept.post(f"/items/lists/{change.pk}/submit/")
    change.refresh_from_db()
    assert change.status == ListStatus.SUBMITTED and change.submitted_by == personas.lead_admin
    with pytest.raises(WrongState):
        services.add_item(change, actor=personas.lead_admin, category="登记事项检查", name="再加一项",
                          object_type="企业", item_class="general", methods="现场检查", body="市场监管部门",
                          basis="《条例》")
    with pytest.raises(WrongState, match="由办公室审核通过后公布"):
        services.publish_list(change, actor=personas.lead_admin)
    assert Notice.objects.filter(to_office=True, title__contains="报送了清单修改").exists()
    office = client_for(personas.office)
    assert "待审核的清单修改" in office.get("/").content.decode()
    review = office.get(f"/items/lists/{change.pk}/publish/").content.decode()
    assert "审核通过并公布" in review and "新增的食品销售检查" in review and "退回修改" in review
    office.post(f"/items/lists/{change.pk}/publish/")
    change.refresh_from_db()
    assert change.status == ListStatus.PUBLISHED and change.published_by == personas.office
    assert Notice.objects.filter(department=personas.lead_dept, title__contains="审核通过并公布").exists()


def test_the_office_returns_a_change_with_its_comment(personas, change, client_for):
    services.submit_list(change, actor=personas.lead_admin)
    with pytest.raises(Forbidden):
        services.return_list(change, actor=personas.lead_admin, comment="自己退回")
    office = client_for(personas.office)
    page = office.post(f"/items/lists/{change.pk}/return/", {"comment": " "}, follow=True).content.decode()
    assert "退回须写明修改意见" in page
    office.post(f"/items/lists/{change.pk}/return/", {"comment": "新增事项缺少法律依据"})
    change.refresh_from_db()
    assert change.status == ListStatus.DRAFT and change.review_comment == "新增事项缺少法律依据"
    assert "联席会议办公室退回意见：新增事项缺少法律依据" in client_for(personas.lead_admin).get(
        f"/items/lists/{change.pk}/").content.decode()
    assert Notice.objects.filter(department=personas.lead_dept, title__contains="被退回修改").exists()
    assert {"items.submit", "items.return"} <= set(AuditEvent.objects.values_list("action", flat=True))


def test_a_reimport_asked_to_publish_goes_to_the_office_instead(personas):
    from shuangsuiji.items.testing import RANDOM_CSV

    first = services.import_file(RANDOM_CSV, kind="random", level="province", actor=personas.lead_admin,
                                 department=personas.lead_dept, publish=True)
    assert first.published and first.lists[0].status == ListStatus.PUBLISHED
    again = services.import_file(RANDOM_CSV, kind="random", level="province", actor=personas.lead_admin,
                                 department=personas.lead_dept, publish=True)
    again.lists[0].refresh_from_db()
    assert not again.published and again.submitted and again.lists[0].status == ListStatus.SUBMITTED
    assert "已报送联席会议办公室审核" in again.message
