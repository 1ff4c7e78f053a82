"""The foundation's smoke walk: sign in, filter the directory, import a bad file, read the error report."""

import pytest
from playwright.sync_api import expect

from shuangsuiji.directory.models import Entity, Township
from shuangsuiji.draws.testing import make_directory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_department_admin_filters_entities_and_reads_an_import_error_report(personas, login_as, page, tmp_path):
    make_directory(60)
    town = Township.objects.get(code="371703105")
    Entity.objects.filter(pk__in=Entity.objects.order_by("pk").values("pk")[:7]).update(township=town)
    login_as(personas.lead_admin)
    page.goto_path("/directory/entities/")
    page.select_option("#id_township", town.code)
    expect(page.get_by_test_id("entity-count")).to_contain_text("共 7 户")  # a locator: the CSP forbids eval
    assert "township=371703105" in page.url  # the filtered list is a shareable link
    page.snap("entities-filtered")

    before = Entity.objects.count()
    bad = tmp_path / "bad.csv"
    bad.write_text("统一社会信用代码,企业名称\n91371703MA3C8XXXX1,某某商店\n,无代码商店\n", encoding="utf-8")
    page.goto_path("/directory/import/")
    page.set_input_files("input[name=file]", str(bad))
    page.click("[data-testid=import-form] button[type=submit]")
    page.wait_for_selector("[data-testid=error-report]")
    report = page.inner_text("[data-testid=error-report]")
    assert "统一社会信用代码" in report and "3" in report  # the row and the column are named
    assert Entity.objects.count() == before  # nothing half-imported
    page.snap("entity-import-errors")
