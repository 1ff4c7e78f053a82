"""A joint task in a real browser: the lead department builds, locks, commits and reveals it; the partner
department opens a visit sheet listing both departments' items."""

import json

import pytest
import time_machine
from playwright.sync_api import expect

from shuangsuiji.draws.testing import COMMIT_AT, REVEALED, make_directory
from shuangsuiji.plans.models import Task
from shuangsuiji.plans.testing import joint_items

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_joint_task_from_draft_to_visit_sheets(personas, login_as, page):
    make_directory(120, inactive=0)
    items = joint_items(personas)
    login_as(personas.lead_admin)
    page.goto_path("/plans/tasks/new/")
    page.select_option("#id_kind", "joint_risk")
    page.fill("#id_title", "食品经营与公共场所卫生风险分类联查")
    page.select_option("#id_items", [str(i.pk) for i in items])
    page.fill("#id_ratio", "5")
    page.fill("#id_documents", "营业执照\n卫生许可证")
    page.get_by_role("button", name="创建任务（草稿）").click()
    expect(page.get_by_test_id("task-status")).to_contain_text("草稿")
    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_test_id("four-eyes")).to_be_visible()  # bob created it: a second person approves
    task_url = page.url
    for user in (personas.office, personas.partner_admin, personas.lead_admin):
        page.context.clear_cookies()
        login_as(user)
        page.goto(task_url)
        if user == personas.office:
            page.get_by_role("button", name="审核并锁定").click()
        if user == personas.partner_admin:  # 会商: the partner confirms before the draw
            page.get_by_role("button", name="确认参加").click()
            expect(page.get_by_test_id("consultations")).to_contain_text("已确认")
        if user == personas.lead_admin:
            expect(page.get_by_test_id("waiting-partners")).to_have_count(0)
    expect(page.get_by_test_id("task-status")).to_contain_text("已审核锁定")
    page.fill("#id_drand_round", "1000")  # the server's clock is half an hour before that real round
    page.check("#id_use_witness")
    page.fill("#id_witness_numbers", "3 6 1")
    with time_machine.travel(COMMIT_AT):
        page.get_by_role("button", name="冻结并发布承诺").click()
        expect(page.get_by_test_id("task-status")).to_contain_text("已发布抽取承诺")
    page.fill("#id_s0", json.dumps(REVEALED[0]))
    page.get_by_role("button", name="验证随机源并揭晓（结果不可更改）").click()
    expect(page.get_by_test_id("task-status")).to_contain_text("已抽取并匹配")
    task = Task.objects.get()
    count = task.visits.count()
    expect(page.get_by_test_id("visit-count")).to_have_text(str(count))
    page.snap("task-drawn")

    page.context.clear_cookies()
    login_as(personas.partner_admin)
    page.goto_path(f"/plans/tasks/{task.number}/")
    page.click(f"text={task.visits.order_by('number').first().number}")
    parts = page.get_by_test_id("sheet-part")
    expect(parts).to_have_count(2)
    expect(parts.nth(0)).to_contain_text(personas.lead_dept.name)
    expect(parts.nth(1)).to_contain_text(personas.partner_dept.name)
    expect(parts.nth(1)).to_contain_text("执法证号")
    page.snap("visit-sheet")
