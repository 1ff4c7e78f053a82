"""The inspector directory in a real browser, at desktop and phone widths."""

import pytest

from shuangsuiji.inspectors.importer import TEMPLATE_COLUMNS
from shuangsuiji.inspectors.models import Conflict, Inspector, InspectorKind
from shuangsuiji.inspectors.testing import make_entity, make_inspector, make_third_party

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_the_list_reads_on_a_phone(personas, login_as, page):
    for n in range(5):
        make_inspector(department=personas.lead_dept, name=f"执法{n}", domains=["食品销售", "特种设备", "计量", "广告"])
    make_third_party(department=personas.lead_dept, name="第三方专家甲")
    login_as(personas.lead_admin)
    page.goto_path("/inspectors/")
    assert page.locator("[data-testid=inspector-table] tbody tr").count() == 6
    assert fits_the_screen(page)
    page.snap("inspectors-list")


def test_choosing_third_party_hides_the_officer_fields_and_saves(personas, login_as, page):
    login_as(personas.lead_admin)
    page.goto_path("/inspectors/new/")
    assert page.is_visible("#id_cert_no") and not page.is_visible("#id_organisation")
    page.check("input[name=kind][value=third_party]")
    assert not page.is_visible("#id_cert_no") and page.is_visible("#id_organisation")
    page.fill("#id_name", "钱专家")
    page.fill("#id_organisation", "山东某特种设备检测有限公司")
    page.fill("#id_extra_domains", "特种设备")
    assert fits_the_screen(page)
    page.click("text=保存")
    page.wait_for_selector("[data-testid=inspector-fields]")
    expert = Inspector.objects.get(name="钱专家")
    assert expert.kind == InspectorKind.THIRD_PARTY and expert.domains == ["特种设备"]
    assert "不计入执法人员" in page.inner_text("h1")
    page.snap("inspectors-detail-third-party")


def test_a_bad_roster_shows_every_row_error(personas, login_as, page, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("\n".join([",".join(TEMPLATE_COLUMNS), "张三,,执法检查人员,公务员,,,,,,,,,,",
                                 ",,执法检查人员,公务员,鲁菏定1200001,,,,,,,,,"]), encoding="utf-8-sig")
    login_as(personas.lead_admin)
    page.goto_path("/inspectors/import/")
    page.set_input_files("#id_file", str(roster))
    page.click("text=上传并导入")
    page.wait_for_selector("[data-testid=job-progress][data-status=failed]")
    report = page.inner_text("[data-testid=error-report]")
    assert "执法检查人员须填写执法证号" in report and "姓名不能为空" in report
    assert fits_the_screen(page)
    page.snap("inspectors-import-errors")


def test_declaring_a_conflict_with_the_entity_search(personas, login_as, page):
    inspector = make_inspector(department=personas.lead_dept, name="艾琳", user=personas.conflicted_inspector)
    entity = make_entity(name="菏泽市定陶区恒泰木业有限公司")
    login_as(personas.conflicted_inspector)
    page.goto_path(f"/inspectors/{inspector.pk}/conflicts/new/")
    page.fill("#entity-q", "恒泰木业")
    page.wait_for_selector(f"#entity-{entity.pk}")
    page.fill("#id_relation", "近亲属在该主体任职")
    assert fits_the_screen(page)
    page.click("button:has-text('登记')")
    page.wait_for_selector("[data-testid=conflict-table]")
    assert Conflict.objects.get().entity == entity
    assert "回避中" in page.inner_text("[data-testid=conflict-table]")
    page.snap("inspectors-conflict")
