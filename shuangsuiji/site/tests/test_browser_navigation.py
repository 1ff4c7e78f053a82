"""Issue 29, finding 1: the navigation had 15 entries and wrapped every label at 1366 px (工/作/台). Grouped by
the loop of the work, it fits one row at 1280 px for every role, with no label on two lines; on a phone the
menu opens and a group's entries are reachable."""

import pytest
from playwright.sync_api import expect

from shuangsuiji.accounts.models import Role
from shuangsuiji.accounts.testing import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LABELS = "Array.from(document.querySelectorAll('.app-navbar .nav-link, .app-navbar .btn'))"


def labels_on_one_line(page) -> list[str]:
    """The navbar labels that take more than one line."""
    return page.evaluate(f"""{LABELS}.filter(e => e.offsetParent !== null).filter(e => {{
        const style = getComputedStyle(e);
        const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
        const inner = e.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
        return inner > line * 1.5; }}).map(e => e.textContent.trim())""")


def spread(page) -> float:
    """How far apart, vertically, the middles of the navbar's entries are (0 when they share one row)."""
    return page.evaluate(f"""(() => {{ const mids = {LABELS}.filter(e => e.offsetParent !== null)
        .map(e => {{ const r = e.getBoundingClientRect(); return (r.top + r.bottom) / 2; }});
        return Math.max(...mids) - Math.min(...mids); }})()""")


def test_the_navigation_fits_one_row_at_1280_for_every_role(personas, browser, live_server):
    from shuangsuiji.accounts.testing import PASSWORD

    third = make_user("tina", Role.DEPT_ADMIN, personas.partner_dept, display_name="卫健管理员 很长的名字用来测试")
    for user in (personas.office, personas.lead_admin, third, personas.inspector, personas.leader):
        context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
        page = context.new_page()
        page.goto(live_server.url + "/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("[data-testid=whoami]")
        assert labels_on_one_line(page) == [], user.username
        assert spread(page) < 10, user.username
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        if user == personas.office:
            page.get_by_role("button", name="公开", exact=True).click()
            page.get_by_role("link", name="公开时限").click()
            expect(page.get_by_role("heading", name="检查结果公开时限")).to_be_visible()
            page.screenshot(path="var/screens/navigation-office-1280.png")
        context.close()


def test_the_phone_menu_opens_and_reaches_a_group(personas, login_as, page):
    if page.viewport_name != "phone":
        pytest.skip("the phone menu")
    login_as(personas.office)
    expect(page.get_by_role("button", name="展开菜单")).to_be_visible()
    page.get_by_role("button", name="展开菜单").click()
    page.get_by_role("button", name="管理", exact=True).click()
    page.get_by_role("link", name="审计日志").click()
    expect(page.get_by_role("heading", name="审计日志")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.snap("navigation-phone")
