"""Issue 29, findings in the field: offline, 保存草稿 showed the browser's ERR_INTERNET_DISCONNECTED page (the
draft survived, but the inspector was not told); and a 书面检查 must save without arrival and departure times,
in the browser as in the service."""

import pytest
from playwright.sync_api import expect

from shuangsuiji.plans.models import TaskItem
from shuangsuiji.results.models import PartStatus, VisitPart
from shuangsuiji.results.testing import field_visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_saving_offline_says_the_draft_is_kept_on_the_device(personas, login_as, page):
    visit, _ = field_visit(personas)
    login_as(personas.inspector)
    page.goto_path(f"/results/visits/{visit.number}/")
    page.context.set_offline(True)
    page.get_by_label("检查情况").first.fill("后厨地面有积水")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator("[data-offline-note]")).to_be_visible()
    expect(page.locator("[data-offline-note]")).to_contain_text("已保存在本设备")
    assert page.url.endswith(f"/results/visits/{visit.number}/")  # still the form, not the browser's error page
    page.snap("result-offline")
    page.context.set_offline(False)
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_role("alert").first).to_contain_text("草稿已保存")
    expect(page.get_by_label("检查情况").first).to_have_value("后厨地面有积水")


def test_a_document_check_is_submitted_without_arrival_times_in_the_browser(personas, login_as, page):
    visit, _ = field_visit(personas)
    TaskItem.objects.filter(task=visit.task, item__department=personas.lead_dept).update(method="document")
    login_as(personas.inspector)
    page.goto_path(f"/results/visits/{visit.number}/")
    expect(page.get_by_test_id("no-site-visit")).to_be_visible()
    page.get_by_label("未发现问题").first.check()
    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_test_id("part-status").first).to_have_text("待审核")
    part = VisitPart.objects.get(visit=visit, department=personas.lead_dept)
    assert part.status == PartStatus.SUBMITTED and part.arrived_at is None and part.left_at is None
