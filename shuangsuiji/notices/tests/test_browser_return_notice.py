"""Issue 29, finding: "意见已通知部门" — but nothing reached the department. In a real browser: the office returns
a submitted task with its comment; the department's administrator sees the unread count in the header, opens
the inbox and goes from the notice to the task, where the comment is."""

import pytest
from playwright.sync_api import expect

from shuangsuiji.plans import services
from shuangsuiji.plans.testing import joint_items

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_return_reaches_the_departments_inbox(personas, login_as, page):
    task = services.create_task(personas.lead_admin, personas.lead_dept, kind="joint_general", title="待退回的联查",
                                items=joint_items(personas), rules={"default": {"ratio": "0.05"}})
    services.submit(personas.lead_admin, task)
    login_as(personas.office)
    page.goto_path(f"/plans/tasks/{task.number}/")
    page.fill("#task-return", "抽查比例偏低，请按计划批次调整")
    page.get_by_role("button", name="退回修改").click()
    expect(page.get_by_test_id("task-status")).to_contain_text("草稿")

    page.context.clear_cookies()
    login_as(personas.lead_admin)
    expect(page.get_by_test_id("notices")).to_contain_text("通知")
    expect(page.get_by_test_id("notices").locator(".badge")).to_be_visible()
    page.get_by_test_id("notices").click()
    notice = page.locator(".list-group-item").filter(has_text="抽查任务被退回修改：待退回的联查")
    expect(notice).to_contain_text("抽查比例偏低，请按计划批次调整")
    notice.get_by_role("button", name="查看").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("待退回的联查")
    page.snap("return-notice")
