"""Issue 30 in a real browser, at 1280 and 390 px: the credit overview draws its chart, and a business's page
loads its class with every factor's points; neither scrolls sideways."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from shuangsuiji.credit import services
from shuangsuiji.credit.models import Facts
from shuangsuiji.directory.testing import make_entity
from shuangsuiji.site.testing import no_sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_the_overview_charts_the_classes_and_a_business_shows_why(personas, signed_in, width):
    shop = make_entity(name="定陶区风险示例餐馆", industry_id="6210", registered_on=dt.date(2010, 1, 1))
    Facts.objects.create(entity=shop, abnormal=True, complaints=3)
    make_entity(industry_id="6511", registered_on=dt.date(2010, 1, 1))
    services.recompute(personas.office)
    page = signed_in(personas.office, width)
    page.goto_path("/credit/")
    expect(page.locator('[data-chart="chart-1"][data-rendered="1"]')).to_have_count(1)
    assert no_sideways_scroll(page)
    page.goto_path(f"/directory/entities/{shop.uscc}/")
    rating = page.get_by_test_id("credit-rating")
    expect(rating).to_contain_text("C 类")  # 25 + 15 = 40 (a transactional test has no industry table)
    expect(rating).to_contain_text("列入经营异常名录")
    expect(rating).to_contain_text("+25")
    assert no_sideways_scroll(page)
    page.screenshot(path=f"var/screens/credit-entity-{width}.png", full_page=True)
