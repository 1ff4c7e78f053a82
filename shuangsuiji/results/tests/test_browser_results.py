"""Issue 6's walk in a real browser, at desktop and phone width: an inspector records two items with a
photo, the typed text survives the page reload of the upload, saves a draft, comes back and submits; the
department routes follow-ups (one to another department, one to the judicial organs) and approves; the
other department acknowledges; the whole-process record shows every step; an unassigned inspector
gets no form."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from shuangsuiji.results.models import FollowUp, PartStatus, VisitPart
from shuangsuiji.results.testing import field_visit, png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def item(page, text):
    return page.get_by_test_id("item-result").filter(has_text=text)


def test_an_inspection_from_the_phone_to_follow_up(personas, login_as, page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    visit, _ = field_visit(personas, two_lead_items=True)
    photo = tmp_path / "现场.png"
    photo.write_bytes(png_bytes(1600, 1200))

    login_as(personas.inspector)
    page.goto_path("/results/")
    page.get_by_test_id("my-visits").get_by_role("link", name=visit.entity.name).click()
    page.snap("result-open")
    first = item(page, "经营条件")
    first.get_by_label("发现问题待后续处理").check()
    first.get_by_label("检查情况").fill("涉嫌销售假冒注册商标的食品，现场查见 12 箱")
    first.locator("input[type=file]").set_input_files(str(photo))
    first.get_by_role("button", name="上传").click()
    expect(page.locator("[data-draft-restored]")).to_be_visible()  # the upload reloaded the page
    expect(item(page, "经营条件").get_by_label("检查情况")).to_have_value("涉嫌销售假冒注册商标的食品，现场查见 12 箱")
    expect(item(page, "经营条件").get_by_test_id("evidence")).to_contain_text("SHA-256")
    item(page, "管理制度").get_by_label("违反其他部门相关规定").check()
    item(page, "管理制度").get_by_label("检查情况").fill("两名从业人员未取得健康证明")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_role("alert").first).to_contain_text("草稿已保存")
    page.snap("result-draft")

    page.goto_path("/results/")
    page.get_by_test_id("my-visits").get_by_role("link", name=visit.entity.name).click()
    expect(item(page, "管理制度").get_by_label("检查情况")).to_have_value("两名从业人员未取得健康证明")
    expect(page.locator("[data-draft-restored]")).to_be_hidden()
    now = timezone.localtime()
    page.get_by_label("到达时间").fill((now - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("离开时间").fill(now.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_test_id("part-status").first).to_have_text("待审核")

    page.context.clear_cookies()
    login_as(personas.lead_admin)
    page.goto_path(f"/results/visits/{visit.number}/")
    crime = item(page, "经营条件")
    crime.get_by_text("确定后续处置").click()
    crime.get_by_label("处置方式").select_option("judicial")
    crime.get_by_label("移送机关").fill("菏泽市公安局定陶分局")
    crime.get_by_label("移送文书编号").fill("定市监移〔2026〕3号")
    crime.get_by_role("button", name="登记后续处置").click()
    expect(item(page, "经营条件").get_by_test_id("followup-line")).to_contain_text("移送司法机关")
    other = item(page, "管理制度")
    other.get_by_text("确定后续处置").click()
    other.get_by_label("处置方式").select_option("notify")
    other.get_by_label("抄告部门").select_option(label=personas.partner_dept.name)
    other.get_by_role("button", name="登记后续处置").click()
    expect(item(page, "管理制度").get_by_test_id("followup-line")).to_contain_text(personas.partner_dept.short_name)
    page.get_by_role("button", name="审核通过").click()
    expect(page.get_by_test_id("part-status").first).to_have_text("已审核")
    assert VisitPart.objects.get(visit=visit, department=personas.lead_dept).status == PartStatus.APPROVED

    page.context.clear_cookies()
    login_as(personas.partner_admin)
    page.goto_path("/results/")
    page.get_by_role("link", name="抄告相关部门").first.click()
    page.get_by_role("button", name="签收").click()
    expect(page.get_by_test_id("followup-status")).to_contain_text("处置中")
    assert FollowUp.objects.get(kind="notify").acknowledged_by == personas.partner_admin
    page.goto_path(f"/results/visits/{visit.number}/")
    process = page.get_by_test_id("process")
    for step in ("打开检查单", "上传证据", "保存草稿", "提交审核", "确定后续处置", "审核通过", "签收"):
        expect(process).to_contain_text(step)
    page.snap("result-process")

    page.context.clear_cookies()
    login_as(personas.conflicted_inspector)
    page.goto_path(f"/results/visits/{visit.number}/")
    expect(page.get_by_test_id("part").first).to_be_visible()
    expect(page.get_by_role("button", name="提交审核")).to_have_count(0)
