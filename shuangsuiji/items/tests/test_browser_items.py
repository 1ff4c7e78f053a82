"""Item lists in a real browser at desktop and phone widths: a bad file's report, publishing, the public page."""

import pytest

from shuangsuiji.items import services
from shuangsuiji.items.models import ListKind, ListStatus
from shuangsuiji.items.samples import BAD_EXPECTED_ERRORS
from shuangsuiji.items.testing import JOINT_CSV, SAMPLES_DIR

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_the_office_uploads_a_bad_file_and_sees_every_error_with_its_row(personas, login_as, page):
    login_as(personas.office)
    page.goto_path("/items/import/")
    page.set_input_files("#id_file", str(SAMPLES_DIR / "bad_items.xlsx"))
    page.select_option("#id_level", "county")
    page.click("text=上传并导入")
    page.wait_for_selector("[data-testid=job-progress][data-status=failed]")
    rows = page.locator("[data-testid=error-report] tbody tr")
    assert rows.count() == len(BAD_EXPECTED_ERRORS)
    assert "事项类别“重要”无法识别" in page.inner_text("[data-testid=error-report]")
    assert fits_the_screen(page)
    page.snap("items-import-errors")


def test_a_department_admin_publishes_after_confirming(personas, login_as, page):
    outcome = services.import_file(SAMPLES_DIR / "hainan_random_2020.xls", kind=ListKind.RANDOM, level="province",
                                   actor=personas.lead_admin, department=personas.lead_dept)
    lst = outcome.lists[0]
    login_as(personas.lead_admin)
    page.goto_path(f"/items/lists/{lst.pk}/")
    assert "共 82 条" in page.inner_text("[data-testid=item-counts]")
    page.snap("items-list-draft")
    page.click("text=公布此版本…")
    assert "82 条事项将出现在公示门户" in page.inner_text("[data-testid=confirm-body]")
    page.click("text=确认公布")
    page.wait_for_selector("[data-status=published]")
    lst.refresh_from_db()
    assert lst.status == ListStatus.PUBLISHED


def test_the_public_joint_list_reads_on_a_phone(personas, page):
    services.import_file(JOINT_CSV, kind=ListKind.JOINT, level="province", actor=personas.office, publish=True)
    page.goto_path("/public/items/")
    page.click("text=部门联合抽查事项清单（省级）")
    assert "二手车市场监管" in page.inner_text("[data-testid=public-list]")
    assert fits_the_screen(page)
    page.snap("items-public-joint")
