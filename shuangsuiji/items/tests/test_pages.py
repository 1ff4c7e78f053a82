"""The list pages: index with filters, detail with search, import upload, edit, publish with confirmation."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shuangsuiji.accounts.testing import make_personas
from shuangsuiji.items.models import ItemClass, ItemList, ListKind, ListStatus
from shuangsuiji.items.testing import SAMPLES_DIR, make_item, make_list


def test_the_index_filters_by_department_level_kind_and_status(personas, client_for):
    make_list(personas.lead_dept, status=ListStatus.PUBLISHED)
    make_list(personas.partner_dept, level="county")
    client = client_for(personas.office)
    page = client.get("/items/?department=wjj").content.decode()
    assert "测试清单1" in page and "区卫生健康局" in page and "区市场监督管理局" not in page.split("list-table")[1]
    assert "暂无清单" in client.get("/items/?status=superseded").content.decode()
    assert "导入清单" in page


def test_the_detail_page_searches_and_filters_items(personas, client_for):
    lst = make_list(personas.lead_dept, items=0)
    make_item(lst, name="食品销售监督检查", category="食品")
    make_item(lst, name="广告发布检查", category="广告", item_class=ItemClass.KEY)
    client = client_for(personas.lead_admin)
    page = client.get(f"/items/lists/{lst.pk}/?q=食品").content.decode()
    assert "食品销售监督检查" in page and "广告发布检查" not in page
    page = client.get(f"/items/lists/{lst.pk}/?item_class=key").content.decode()
    assert "广告发布检查" in page and "食品销售监督检查" not in page
    page = client.get(f"/items/lists/{lst.pk}/?category=食品").content.decode()
    assert "食品销售监督检查" in page and "广告发布检查" not in page
    assert "公布此版本" in page and "共 2 条（重点 1 条）" in page


def test_publishing_asks_for_confirmation_first(personas, client_for):
    previous = make_list(personas.lead_dept, status=ListStatus.PUBLISHED, items=2)
    draft = make_list(personas.lead_dept, items=3)
    client = client_for(personas.office)  # a change to a published list: the office publishes (test_list_review)
    page = client.get(f"/items/lists/{draft.pk}/publish/").content.decode()
    assert "确认公布" in page and "第1版将标记为“已被新版本替代”" in page and "新增 <strong>1</strong> 条" in page
    draft.refresh_from_db()
    assert draft.status == ListStatus.DRAFT
    response = client.post(f"/items/lists/{draft.pk}/publish/")
    assert response.status_code == 302
    previous.refresh_from_db()
    assert previous.status == ListStatus.SUPERSEDED


def test_publishing_twice_gives_a_message_not_an_error(personas, client_for):
    lst = make_list(personas.lead_dept, status=ListStatus.PUBLISHED)
    client = client_for(personas.lead_admin)
    response = client.post(f"/items/lists/{lst.pk}/publish/", follow=True)
    assert response.status_code == 200 and "只有草稿可以公布" in response.content.decode()


def test_a_new_version_button_makes_a_draft_to_edit(personas, client_for):
    lst = make_list(personas.lead_dept, status=ListStatus.PUBLISHED)
    client = client_for(personas.lead_admin)
    response = client.post(f"/items/lists/{lst.pk}/new-version/", {"note": "补充事项"})
    draft = ItemList.objects.get(version=2)
    assert response.url == f"/items/lists/{draft.pk}/" and draft.note == "补充事项"


def test_items_are_edited_in_a_draft_and_the_form_shows_field_errors(personas, client_for):
    item = make_list(personas.lead_dept, items=1).items.get()
    client = client_for(personas.lead_admin)
    data = {"seq": "1", "category": "登记事项检查", "name": "新名称", "object_type": "企业", "item_class": "key",
            "methods": "", "body": "", "basis": "", "ratio_cap": "5"}
    page = client.post(f"/items/{item.pk}/edit/", data).content.decode()
    assert "重点检查事项不设抽查比例上限" in page
    data["ratio_cap"] = ""
    assert client.post(f"/items/{item.pk}/edit/", data).status_code == 302
    item.refresh_from_db()
    assert (item.name, item.item_class) == ("新名称", ItemClass.KEY)
    detail = client.get(f"/items/{item.pk}/").content.decode()
    assert "修改记录" in detail and "市场监管 鲍勃" in detail and "新名称" in detail
    assert "一般检查事项</span> → 重点检查事项" in detail


def test_a_published_item_has_no_edit_form(personas, client_for):
    item = make_list(personas.lead_dept, status=ListStatus.PUBLISHED, items=1).items.get()
    client = client_for(personas.lead_admin)
    response = client.get(f"/items/{item.pk}/edit/", follow=True)
    assert "不能修改" in response.content.decode()


def test_adding_and_deleting_items_in_a_draft(personas, client_for):
    lst = make_list(personas.lead_dept, items=1)
    client = client_for(personas.lead_admin)
    assert client.get(f"/items/lists/{lst.pk}/add/").status_code == 200
    response = client.post(f"/items/lists/{lst.pk}/add/", {"category": "广告", "name": "广告检查",
                                                           "object_type": "广告主", "item_class": "general"})
    assert response.status_code == 302 and lst.items.count() == 2
    item = lst.items.get(name="广告检查")
    assert "确认删除" in client.get(f"/items/{item.pk}/delete/").content.decode()
    client.post(f"/items/{item.pk}/delete/")
    assert lst.items.count() == 1


def test_ratio_caps_are_set_for_all_general_items_of_a_draft(personas, client_for):
    lst = make_list(personas.lead_dept, items=2)
    client = client_for(personas.lead_admin)
    client.post(f"/items/lists/{lst.pk}/ratio-caps/", {"cap": "5"})
    assert set(lst.items.values_list("ratio_cap", flat=True)) == {5}


def test_the_diff_page_compares_with_the_previous_version(personas, client_for):
    first = make_list(personas.lead_dept, status=ListStatus.PUBLISHED, items=2)
    second = make_list(personas.lead_dept, items=3)
    client = client_for(personas.office)
    page = client.get(f"/items/lists/{second.pk}/diff/").content.decode()
    assert "第1版 → 第2版" in page and "事项3" in page
    page = client.get(f"/items/lists/{first.pk}/diff/?against={second.pk}").content.decode()
    assert "新增 <strong>1</strong> 条" in page


def test_a_bad_upload_is_refused_on_the_form(personas, client_for):
    client = client_for(personas.office)
    upload = SimpleUploadedFile("x.xlsx", b"\x00\x01\x02")
    page = client.post("/items/import/", {"file": upload, "kind": "random", "level": "county"}).content.decode()
    assert "无法识别的文件类型" in page


def test_a_department_admin_has_no_department_or_joint_choice(personas, client_for):
    page = client_for(personas.lead_admin).get("/items/import/").content.decode()
    assert "代哪个部门导入" not in page and "部门联合抽查事项清单" not in page


@pytest.mark.django_db(transaction=True)
def test_uploading_goes_to_the_job_page_which_shows_the_error_report(client):
    personas = make_personas()
    client.force_login(personas.office)
    upload = SimpleUploadedFile("bad_items.xlsx", (SAMPLES_DIR / "bad_items.xlsx").read_bytes())
    response = client.post("/items/import/", {"file": upload, "kind": "random", "level": "county"})
    assert response.status_code == 302 and response.url.startswith("/jobs/")
    page = client.get(response.url).content.decode()
    assert "错误明细（共 4 处" in page and "事项类别“重要”无法识别" in page and "责任科室" in page


@pytest.mark.django_db(transaction=True)
def test_a_department_admin_upload_lists_other_units_as_skipped(client):
    personas = make_personas()
    client.force_login(personas.lead_admin)
    upload = SimpleUploadedFile("list.csv", (SAMPLES_DIR / "hainan_random_2020_gb18030.csv").read_bytes())
    response = client.post("/items/import/", {"file": upload, "kind": ListKind.RANDOM, "level": "province"})
    page = client.get(response.url).content.decode()
    assert "导入 82 条事项" in page and "跳过的行（215）" in page and "查看导入的清单" in page
