"""The API does what the pages do, with the same scope rules, and answers errors in Chinese."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shuangsuiji.accounts.testing import make_personas
from shuangsuiji.items.models import ItemList, ListStatus
from shuangsuiji.items.testing import SAMPLES_DIR, make_list


def test_lists_are_listed_with_the_callers_visibility(personas, client_for):
    make_list(personas.lead_dept)
    make_list(personas.partner_dept)
    data = client_for(personas.lead_admin).get("/api/v1/items/lists").json()
    assert [d["department"]["code"] for d in data] == ["scjgj"]
    assert len(client_for(personas.office).get("/api/v1/items/lists?status=draft").json()) == 2
    bad = client_for(personas.office).get("/api/v1/items/lists?status=nope")
    assert bad.status_code == 400 and "无效" in bad.json()["detail"]


def test_a_list_comes_with_its_items(personas, client_for):
    lst = make_list(personas.lead_dept, items=2)
    data = client_for(personas.lead_admin).get(f"/api/v1/items/lists/{lst.pk}").json()
    assert data["item_count"] == 2 and [i["name"] for i in data["items"]] == ["事项1", "事项2"]
    missing = client_for(personas.partner_admin).get(f"/api/v1/items/lists/{lst.pk}")
    assert missing.status_code == 404 and "不存在" in missing.json()["detail"]


def test_publish_new_version_and_diff_through_the_api(personas, client_for):
    lst = make_list(personas.lead_dept, items=2)
    client = client_for(personas.lead_admin)
    published = client.post(f"/api/v1/items/lists/{lst.pk}/publish")
    assert published.status_code == 200 and published.json()["status"] == ListStatus.PUBLISHED
    again = client.post(f"/api/v1/items/lists/{lst.pk}/publish")
    assert again.status_code == 409 and "只有草稿可以公布" in again.json()["detail"]
    draft = client.post(f"/api/v1/items/lists/{lst.pk}/new-version", {"note": "修订"},
                        content_type="application/json")
    assert draft.status_code == 201 and draft.json()["version"] == 2 and draft.json()["note"] == "修订"
    diff = client.get(f"/api/v1/items/lists/{draft.json()['id']}/diff").json()
    assert diff["old"]["version"] == 1 and diff["added"] == diff["removed"] == diff["changed"] == []
    first = client.get(f"/api/v1/items/lists/{lst.pk}/diff")
    assert first.status_code == 400 and "第一个版本" in first.json()["detail"]


def test_bob_cannot_publish_carols_list_through_the_api(personas, client_for):
    carols = make_list(personas.partner_dept, status=ListStatus.PUBLISHED)
    draft = make_list(personas.partner_dept)
    client = client_for(personas.lead_admin)
    assert client.post(f"/api/v1/items/lists/{draft.pk}/publish").status_code == 404
    refused = client.post(f"/api/v1/items/lists/{carols.pk}/new-version")
    assert refused.status_code == 403 and "区卫生健康局" in refused.json()["detail"]
    assert client_for(personas.leader).post(f"/api/v1/items/lists/{draft.pk}/publish").status_code == 403


def test_an_import_without_a_file_is_explained(personas, client_for):
    response = client_for(personas.office).post("/api/v1/items/imports", {"kind": "random"})
    assert response.status_code == 400 and "请上传清单文件" in response.json()["detail"]


def test_a_department_admin_cannot_import_for_another_department(personas, client_for):
    upload = SimpleUploadedFile("l.xls", (SAMPLES_DIR / "hainan_random_2020.xls").read_bytes())
    response = client_for(personas.lead_admin).post("/api/v1/items/imports", {"file": upload, "department": "wjj"})
    assert response.status_code == 403 and "只能管理本部门" in response.json()["detail"]


@pytest.mark.django_db(transaction=True)
def test_import_then_publish_through_the_api(client):
    personas = make_personas()
    client.force_login(personas.partner_admin)
    upload = SimpleUploadedFile("海南.xls", (SAMPLES_DIR / "hainan_random_2020.xls").read_bytes())
    response = client.post("/api/v1/items/imports", {"file": upload, "level": "province", "note": "接口导入"})
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "done" and body["url"] == f"/jobs/{body['job_id']}/"
    lst = ItemList.objects.get()
    assert lst.department == personas.partner_dept and lst.items.count() == 5 and lst.note == "接口导入"
    published = client.post(f"/api/v1/items/lists/{lst.pk}/publish")
    assert published.status_code == 200 and published.json()["status"] == "published"
