"""Issue 29: every role starts on its own home page. The office and the leader see the year's progress with
charts, the department what waits for it, the inspector their own visits (not department statistics). At
1280 px and at 390 px the charts are drawn and nothing scrolls sideways."""

import pytest
from playwright.sync_api import expect

from shuangsuiji.accounts.testing import PASSWORD
from shuangsuiji.results.testing import field_visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"1280": {"width": 1280, "height": 800}, "390": {"width": 390, "height": 844}}


def open_home(browser, live_server, user, size):
    context = browser.new_context(viewport=WIDTHS[size], locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=whoami]", state="attached")
    return context, page


def charts_drawn(page) -> list[bool]:
    """Per chart on the page: ECharts drew a canvas of some size into it."""
    return page.evaluate("""Array.from(document.querySelectorAll('[data-chart]')).map(el => {
        const canvas = el.querySelector('canvas');
        return el.dataset.rendered === '1' && !!canvas && canvas.width > 100 && canvas.height > 100; })""")


@pytest.mark.parametrize("size", sorted(WIDTHS))
def test_each_role_home_page_at_desktop_and_phone_width(personas, browser, live_server, size):
    visit, _ = field_visit(personas)
    for user, heading, charts in ((personas.office, "工作台 · 联席会议办公室", 3),
                                  (personas.leader, "年度概览", 3),
                                  (personas.lead_admin, f"工作台 · {personas.lead_dept.name}", 2),
                                  (personas.inspector, "我的检查", 0)):
        context, page = open_home(browser, live_server, user, size)
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        expect(page.locator("[data-chart][data-rendered]")).to_have_count(charts)
        drawn = charts_drawn(page)
        assert len(drawn) == charts and all(drawn), (user.username, drawn)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), user.username
        if user == personas.inspector:
            expect(page.get_by_test_id("my-visits")).to_contain_text(visit.entity.name)
        page.screenshot(path=f"var/screens/home-{user.effective_role}-{size}.png", full_page=True)
        context.close()
