"""一公开 done: without logging in, at phone and desktop width, find a business by two characters of its name,
see its published results across departments, open the draw that selected it, recompute its ticket in
the browser, and download the results as CSV."""

import pytest

from shuangsuiji.directory import search
from shuangsuiji.draws import services as draw_services
from shuangsuiji.lottery.tickets import ticket
from shuangsuiji.portal.testing import published_visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_citizen_finds_a_business_its_results_its_draw_and_checks_its_ticket(personas, page):
    visit, _ = published_visit(personas, kind="joint_general")  # not stratified by credit class: not blinded
    draw_services.publish(personas.lead_admin, visit.draw)
    entity = visit.entity
    entity.name = "定陶区鸿运烧烤店"
    entity.save()
    search.refresh([entity.pk])
    expected = ticket(visit.draw.seed, entity.uscc)

    page.goto_path("/public/")
    page.fill("#home-q", "烧烤")
    page.press("#home-q", "Enter")  # the keyboard alone suffices
    page.click(f"[data-testid=lookup-results] >> text={entity.name}")
    assert page.locator("[data-testid=publication]").count() == 2
    text = page.inner_text("main")
    assert personas.lead_dept.name in text and personas.partner_dept.name in text and "发现问题待后续处理" in text
    page.click("[data-testid=drawn-in] [data-testid=ticket-check] button")
    output = page.locator("[data-testid=drawn-in] [data-ticket-output]")
    output.filter(has_text="一致").wait_for()
    assert expected in output.inner_text() and "应当中选" in output.inner_text()
    page.snap("portal-business")

    page.click(f"text=随机抽取 {visit.draw.number}")
    page.wait_for_selector("[data-testid=drawn]")
    page.fill("#ticket-check ~ form input[name=uscc]", entity.uscc.lower())
    page.click("#ticket-check ~ form button")
    page.locator("[data-ticket-output]").filter(has_text="一致").wait_for()
    assert expected in page.inner_text("[data-ticket-output]")
    outsider = "91371703MA00000000"
    page.fill("#ticket-check ~ form input[name=uscc]", outsider)
    page.click("#ticket-check ~ form button")
    page.locator("[data-ticket-output]").filter(has_text="没有此代码").wait_for()
    assert ticket(visit.draw.seed, outsider) in page.inner_text("[data-ticket-output]")
    page.snap("portal-draw")

    page.goto_path(f"/public/tasks/{visit.task.number}/")
    with page.expect_download() as download:
        page.click("text=全部检查结果（CSV）")
    data = open(download.value.path(), encoding="utf-8-sig").read()
    assert entity.uscc in data and entity.name in data
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
