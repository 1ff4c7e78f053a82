"""Issue 29: every role starts on its own home page. The office and the leader see the year's progress with
charts, the department what waits for it, the inspector their own visits (not department statistics). At
1280 px and at 390 px the charts are drawn and nothing scrolls sideways."""

import pytest
from playwright.sync_api import expect

from shuangsuiji.results.testing import field_visit
from shuangsuiji.site.testing import no_sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def charts_drawn(page) -> list[bool]:
    """Per chart on the page: ECharts drew a canvas of some size into it."""
    return page.evaluate("""Array.from(document.querySelectorAll('[data-chart]')).map(el => {
        const canvas = el.querySelector('canvas');
        return el.dataset.rendered === '1' && !!canvas && canvas.width > 100 && canvas.height > 100; })""")


@pytest.mark.parametrize("width", [1280, 390])
def test_each_role_home_page_at_desktop_and_phone_width(personas, signed_in, width):
    visit, _ = field_visit(personas)
    for user, heading, charts in ((personas.office, "工作台 · 联席会议办公室", 3),
                                  (personas.leader, "年度概览", 3),
                                  (personas.lead_admin, f"工作台 · {personas.lead_dept.name}", 2),
                                  (personas.inspector, "我的检查", 0)):
        page = signed_in(user, width)
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        expect(page.locator("[data-chart][data-rendered]")).to_have_count(charts)
        drawn = charts_drawn(page)
        assert len(drawn) == charts and all(drawn), (user.username, drawn)
        assert no_sideways_scroll(page), user.username
        if user == personas.inspector:
            expect(page.get_by_test_id("my-visits")).to_contain_text(visit.entity.name)
        page.screenshot(path=f"var/screens/home-{user.effective_role}-{width}.png", full_page=True)
