"""The JSON API does what the pages do, through the same services and the same scope."""

import pytest

from shuangsuiji.inspectors.models import Inspector
from shuangsuiji.inspectors.testing import make_conflict, make_entity, make_inspector

JSON = "application/json"


def post(client, url, data):
    return client.post(url, data, content_type=JSON)


def test_an_admin_creates_an_officer_in_their_department(personas, client_for):
    response = post(client_for(personas.lead_admin), "/api/v1/inspectors/", {
        "name": "吴执法", "category": "civil_servant", "cert_no": "鲁菏定1277777", "domains": ["计量"],
        "qualification_expires": "2028年6月30日", "township": "天中街道"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["department"]["code"] == "scjgj" and body["qualification_expires"] == "2028-06-30"
    assert body["township_name"] == "天中街道" and body["phone"] == ""


def test_validation_errors_come_back_in_chinese_per_field(personas, client_for):
    make_inspector(department=personas.partner_dept, cert_no="鲁菏定0911111")
    response = post(client_for(personas.lead_admin), "/api/v1/inspectors/", {
        "name": "吴执法", "category": "civil_servant", "cert_no": "鲁菏定0911111", "qualification_expires": "明年"})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors == {"qualification_expires": "日期“明年”无法识别，请写成 2026-01-31 的形式"}
    response = post(client_for(personas.lead_admin), "/api/v1/inspectors/", {
        "name": "吴执法", "category": "civil_servant", "cert_no": "鲁菏定0911111"})
    assert response.json()["errors"]["cert_no"] == "执法证号“鲁菏定0911111”已登记在区卫生健康局名下，同一执法证号不能重复登记"


@pytest.mark.parametrize("persona", ["leader", "inspector", "partner_admin"])
def test_only_the_departments_admin_or_the_office_may_create_there(personas, client_for, persona):
    response = post(client_for(getattr(personas, persona)), "/api/v1/inspectors/", {
        "name": "吴执法", "department": "scjgj", "category": "civil_servant", "cert_no": "鲁菏定1277777"})
    assert response.status_code == 403
    assert not Inspector.objects.exists()


def test_the_office_names_the_department_by_code(personas, client_for):
    response = post(client_for(personas.office), "/api/v1/inspectors/", {
        "name": "郑专家", "department": "yjj", "kind": "third_party", "organisation": "菏泽某安全技术咨询有限公司"})
    assert response.status_code == 201
    assert response.json()["counts_as_officer"] is False


def test_an_update_changes_only_the_given_fields(personas, client_for):
    inspector = make_inspector(department=personas.lead_dept, domains=["食品销售"])
    response = client_for(personas.lead_admin).patch(f"/api/v1/inspectors/{inspector.pk}", {"phone": "13700000000"},
                                                     content_type=JSON)
    assert response.status_code == 200
    assert response.json()["domains"] == ["食品销售"] and response.json()["phone"] == "13700000000"


def test_another_department_cannot_update(personas, client_for):
    inspector = make_inspector(department=personas.lead_dept)
    response = client_for(personas.partner_admin).patch(f"/api/v1/inspectors/{inspector.pk}", {"name": "x"},
                                                        content_type=JSON)
    assert response.status_code == 403


def test_a_status_change_through_the_api(personas, client_for):
    inspector = make_inspector(department=personas.lead_dept)
    client = client_for(personas.lead_admin)
    response = post(client, f"/api/v1/inspectors/{inspector.pk}/status", {"status": "leave", "starts_on": "2026-03-01"})
    assert response.status_code == 400 and "status_until" in response.json()["errors"]
    response = post(client, f"/api/v1/inspectors/{inspector.pk}/status",
                    {"status": "leave", "starts_on": "2026-03-01", "ends_on": "2026-03-20"})
    assert response.json()["status_label"] == "请假" and response.json()["status_until"] == "2026-03-20"


def test_the_list_filters_like_the_page(personas, client_for):
    make_inspector(department=personas.lead_dept, name="甲", domains=["计量"])
    make_inspector(department=personas.lead_dept, name="乙")
    body = client_for(personas.lead_admin).get("/api/v1/inspectors/?domain=计量").json()
    assert [i["name"] for i in body["items"]] == ["甲"]


def test_conflicts_through_the_api(personas, client_for):
    inspector = make_inspector(department=personas.lead_dept)
    entity = make_entity()
    client = client_for(personas.lead_admin)
    response = post(client, f"/api/v1/inspectors/{inspector.pk}/conflicts", {
        "entity_uscc": entity.uscc.lower(), "relation": "近亲属在该主体任职", "valid_from": "2026-01-01"})
    assert response.status_code == 201, response.json()
    conflict_id = response.json()["id"]
    found = client.get(f"/api/v1/inspectors/conflicts?uscc={entity.uscc}").json()
    assert [c["id"] for c in found] == [conflict_id]
    response = post(client, f"/api/v1/inspectors/conflicts/{conflict_id}/end", {"ends_on": "2026-06-30"})
    assert response.json()["valid_until"] == "2026-06-30"
    assert [c["id"] for c in client.get(f"/api/v1/inspectors/{inspector.pk}/conflicts").json()] == [conflict_id]


def test_the_leader_cannot_declare_a_conflict(personas, client_for):
    inspector = make_inspector(department=personas.lead_dept)
    response = post(client_for(personas.leader), f"/api/v1/inspectors/{inspector.pk}/conflicts", {
        "entity_id": make_entity().pk, "relation": "x", "valid_from": "2026-01-01"})
    assert response.status_code == 403


def test_other_departments_do_not_see_conflicts_outside_their_scope(personas, client_for):
    make_conflict(inspector=make_inspector(department=personas.lead_dept))
    assert client_for(personas.partner_admin).get("/api/v1/inspectors/conflicts").json() == []
    assert len(client_for(personas.leader).get("/api/v1/inspectors/conflicts").json()) == 1


def test_domain_suggestions_are_for_the_callers_department(personas, client_for):
    make_inspector(department=personas.lead_dept, domains=["计量"])
    assert client_for(personas.lead_admin).get("/api/v1/inspectors/domains").json() == ["计量"]
    assert client_for(personas.partner_admin).get("/api/v1/inspectors/domains?department=scjgj").status_code == 403
