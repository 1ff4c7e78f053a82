"""Issue 29, finding 3: the task form's native multi-selects listed 373 items by hash-like codes, were 1009 px
wide on a phone (the page scrolled sideways), and the form showed one error per submit. Now items are picked by
typing part of their name (Tom Select, vendored), nothing is wider than a 390 px window, and every problem is
shown at once next to its field. And no page of the loop scrolls sideways at 1280 or 390 px."""

import pytest
from playwright.sync_api import expect

from shuangsuiji.plans.testing import joint_items
from shuangsuiji.results.testing import field_visit
from shuangsuiji.site.testing import no_sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_the_task_form_picks_items_by_typing_and_shows_every_problem_at_once(personas, signed_in, width):
    joint_items(personas)
    page = signed_in(personas.lead_admin, width)
    page.goto_path("/plans/tasks/new/")
    assert no_sideways_scroll(page)
    page.select_option("#id_kind", "targeted")
    page.fill("#id_title", "投诉核查")
    page.locator("#id_items-ts-control").fill("公共场所")
    page.locator(".ts-dropdown .option", has_text="公共场所卫生检查").click()
    expect(page.locator(".ts-wrapper.multi .item")).to_have_count(1)
    assert no_sideways_scroll(page)
    page.get_by_role("button", name="创建任务（草稿）").click()
    alerts = page.get_by_role("alert")
    expect(alerts.filter(has_text="定向检查事由：")).to_have_count(1)
    expect(alerts.filter(has_text="事由说明（投诉编号、交办文号、监测线索）：")).to_have_count(1)
    expect(alerts.filter(has_text="定向检查对象（每行一个统一社会信用代码）：")).to_have_count(1)
    expect(page.locator(".ts-wrapper.multi .item")).to_have_count(1)  # the choice survives the round trip
    assert no_sideways_scroll(page)
    page.screenshot(path=f"var/screens/task-form-{width}.png", full_page=True)


LOOP_PAGES = {
    "office": ["/", "/items/", "/directory/entities/", "/inspectors/", "/plans/", "/draws/", "/results/",
               "/results/deadlines/", "/results/followups/", "/notices/", "/jobs/audit/", "/calendar/", "/push/",
               "/credit/", "/credit/scheme/", "/credit/backtest/",
               "/credit/warnings/", "/credit/import/", "/clues/", "/clues/new/", "/clues/import/", "/clues/proposals/", "/clues/dashboard/", "/meeting/", "/meeting/meetings/", "/meeting/reports/",
               "/meeting/reports/summary/"],
    "lead_admin": ["/", "/plans/", "/plans/tasks/new/", "/results/", "/inspectors/new/"],
    "inspector": ["/", "/results/"],
}


@pytest.mark.parametrize("width", [1280, 390])
def test_no_page_of_the_loop_scrolls_sideways(personas, signed_in, width):
    visit, _ = field_visit(personas)
    task = visit.task
    pages = {**LOOP_PAGES, "lead_admin": [*LOOP_PAGES["lead_admin"], f"/plans/tasks/{task.number}/",
                                          f"/plans/visits/{visit.number}/", f"/results/visits/{visit.number}/"],
             "inspector": [*LOOP_PAGES["inspector"], f"/results/visits/{visit.number}/"]}
    wide = []
    for who, paths in pages.items():
        page = signed_in(getattr(personas, who), width)
        for path in paths:
            page.goto_path(path)
            if not no_sideways_scroll(page):
                wide.append(f"{who} {path}")
    assert wide == []


def test_the_class_ratios_show_for_a_risk_task_only(personas, signed_in):
    joint_items(personas)
    page = signed_in(personas.lead_admin, 390)
    page.goto_path("/plans/tasks/new/")
    page.select_option("#id_kind", "joint_general")
    expect(page.locator("#id_ratio_A")).to_be_hidden()
    page.select_option("#id_kind", "joint_risk")
    expect(page.locator("#id_ratio_A")).to_be_visible()
    expect(page.locator("#id_ratio_D")).to_have_value("80")
    assert no_sideways_scroll(page)
