"""The publication clock in a real browser, at desktop and phone width: a department's result approved before
the 2026 Spring Festival shows its due date counted across the holiday; the office sees the department's
late result in its counts and list and the notice reached the department; the push page shows the message
waiting for an endpoint."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from shuangsuiji.results import deadlines, services
from shuangsuiji.results.testing import field_visit

from .test_results import lead_part, submitted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_due_dates_late_results_notices_and_the_push(personas, login_as, page):
    visit, _ = field_visit(personas)
    submitted(personas, visit, codes=("no_problem",), findings="")
    moment = timezone.make_aware(dt.datetime(2026, 2, 6, 10))
    part = services.review(personas.lead_admin, lead_part(visit, personas), approve=True, at=moment)
    deadlines.remind(timezone.localdate())

    login_as(personas.lead_admin)
    page.goto_path(f"/results/visits/{visit.number}/")
    expect(page.get_by_test_id("publish-due")).to_contain_text("应于 2026-03-12 前公开")
    expect(page.get_by_test_id("publish-due")).to_contain_text("已逾期")
    page.get_by_test_id("notices").click()
    late = page.get_by_role("listitem").filter(has_text=f"检查结果已逾期未公开：{visit.entity.name}")
    expect(late).to_be_visible()
    late.get_by_role("button", name="查看").click()
    expect(page).to_have_url(f"{page.url.split('/results/')[0]}/results/visits/{visit.number}/")
    page.goto_path("/results/deadlines/?state=late")
    expect(page.get_by_test_id("deadline-rows")).to_contain_text(visit.number)
    assert fits(page)
    page.snap("deadlines-department")

    page.context.clear_cookies()
    login_as(personas.office)
    page.goto_path("/results/deadlines/")
    summary = page.get_by_test_id("deadline-summary")
    expect(summary).to_contain_text(personas.lead_dept.name)
    summary.get_by_role("link", name="1").last.click()
    expect(page.get_by_test_id("deadline-rows")).to_contain_text(visit.number)
    assert fits(page)
    page.snap("deadlines-office")
    page.goto_path("/calendar/?start=2026-02-06&days=20")
    expect(page.locator("#trial")).to_contain_text("2026-03-12")
    assert fits(page)

    services.publish(personas.lead_admin, part)
    page.goto_path("/push/")
    expect(page.get_by_test_id("push-problem")).to_contain_text("未配置推送地址")
    expect(page.get_by_test_id("count-pending")).to_have_text("1")
    assert fits(page)
    page.snap("push-status")
