"""The directory in a real browser, at desktop and phone widths: HTMX filtering and the import flow."""

import pytest
from playwright.sync_api import expect

from shuangsuiji.directory.testing import make_entities, make_entity, make_sublibrary, new_uscc

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_choosing_a_town_updates_the_table_in_place_and_the_address_bar(personas, login_as, page):
    make_entities(3, township_id="371703001", name="天中商店")
    make_entities(2, township_id="371703102", name="冉固商店")
    login_as(personas.office)
    page.goto_path("/directory/entities/")
    page.evaluate("window.stillHere = true")  # a full reload would forget this
    page.select_option("#id_township", "371703102")
    expect(page.get_by_test_id("entity-count")).to_contain_text("共 2 户")  # a locator: the CSP forbids eval
    assert "township=371703102" in page.url
    assert page.evaluate("window.stillHere") is True
    assert "天中商店" not in page.inner_text("[data-testid=entity-table]")
    page.snap("directory-entities")
    page.reload()  # the pushed address is a shareable link to the same result
    assert "共 2 户" in page.inner_text("[data-testid=entity-count]")


def test_an_entity_page_shows_the_credit_class_to_the_office_only_as_internal(personas, login_as, page):
    entity = make_entity(name="定陶区示例饭店", credit_class="C", industry_id="6210", township_id="371703001")
    login_as(personas.office)
    page.goto_path(f"/directory/entities/{entity.uscc}/")
    assert "内部信息，不公开" in page.inner_text("[data-testid=credit-class]")
    page.snap("directory-entity")


def test_an_upload_follows_the_job_to_its_report(personas, login_as, page, tmp_path):
    path = tmp_path / "名录.csv"
    path.write_text(f"统一社会信用代码,名称,登记状态\n{new_uscc()},某店,存续\n123,坏行,歇业\n", encoding="utf-8")
    login_as(personas.lead_admin)
    page.goto_path("/directory/import/")
    page.set_input_files("#id_file", str(path))
    page.click("[data-testid=import-form] button[type=submit]")
    page.wait_for_selector("[data-testid=job-progress][data-status=failed]")
    report = page.inner_text("[data-testid=error-report]")
    assert "歇业" in report and "18位" in report
    page.snap("directory-import-report")


def test_the_rule_form_shows_a_live_count(personas, login_as, page):
    make_entities(4, township_id="371703001")
    make_sublibrary(personas.lead_dept, name="已有分库")
    login_as(personas.lead_admin)
    page.goto_path("/directory/sublibraries/new/")
    page.check("input[name=township][value='371703001']")
    expect(page.get_by_test_id("rule-count")).to_contain_text("4")  # a locator: the CSP forbids eval
    page.check("input[name=kind][value=list]")
    assert page.is_hidden("#rule-fields")
    page.snap("directory-sublibrary-form")
