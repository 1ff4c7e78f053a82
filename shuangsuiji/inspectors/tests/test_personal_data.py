"""ID numbers and phones never leave the owning department (and the office that runs the platform)."""

import pytest

from shuangsuiji.inspectors.testing import ID_NUMBER, make_inspector

PHONE = "13905301234"


@pytest.fixture
def colleague(personas):
    return make_inspector(department=personas.lead_dept, name="钱多多", phone=PHONE, user=personas.inspector)


@pytest.mark.parametrize("persona", ["lead_admin", "office", "inspector"])
def test_the_owning_department_and_the_office_see_personal_data_on_the_page(personas, client_for, colleague, persona):
    page = client_for(getattr(personas, persona)).get(f"/inspectors/{colleague.pk}/").content.decode()
    assert PHONE in page and ID_NUMBER in page


@pytest.mark.parametrize("persona", ["partner_admin", "leader"])
def test_other_departments_and_the_leader_do_not_see_personal_data(personas, client_for, colleague, persona):
    response = client_for(getattr(personas, persona)).get(f"/inspectors/{colleague.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "钱多多" in page and PHONE not in page and ID_NUMBER not in page
    assert "仅所属部门可见" in page


def test_the_api_leaves_personal_keys_out_for_another_department(personas, client_for, colleague):
    body = client_for(personas.partner_admin).get(f"/api/v1/inspectors/{colleague.pk}").json()
    assert body["name"] == "钱多多"
    assert "phone" not in body and "id_number" not in body


def test_the_api_leaves_personal_keys_out_for_the_leader(personas, client_for, colleague):
    items = client_for(personas.leader).get("/api/v1/inspectors/").json()["items"]
    assert [i["name"] for i in items] == ["钱多多"]
    assert "phone" not in items[0] and "id_number" not in items[0]


def test_the_api_gives_personal_fields_to_the_owning_department(personas, client_for, colleague):
    body = client_for(personas.lead_admin).get(f"/api/v1/inspectors/{colleague.pk}").json()
    assert (body["phone"], body["id_number"]) == (PHONE, ID_NUMBER)


def test_another_departments_list_does_not_contain_the_inspector(personas, client_for, colleague):
    body = client_for(personas.partner_admin).get("/api/v1/inspectors/").json()
    assert body["count"] == 0
    page = client_for(personas.partner_admin).get("/inspectors/").content.decode()
    assert "钱多多" not in page


def test_the_public_portal_shows_no_inspector_data(client, personas, colleague):
    page = client.get("/public/").content.decode()
    assert PHONE not in page and ID_NUMBER not in page
    assert client.get(f"/inspectors/{colleague.pk}/").status_code == 302
    assert client.get(f"/api/v1/inspectors/{colleague.pk}").status_code == 401


def test_the_list_page_never_prints_personal_data(personas, client_for, colleague):
    page = client_for(personas.office).get("/inspectors/").content.decode()
    assert "钱多多" in page and PHONE not in page and ID_NUMBER not in page
