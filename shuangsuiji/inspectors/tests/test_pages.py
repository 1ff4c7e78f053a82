"""Who may open which page, and what the forms do."""

import pytest

from shuangsuiji.inspectors.models import Category, DutyStatus, Inspector, InspectorKind
from shuangsuiji.inspectors.testing import make_entity, make_inspector, make_third_party


@pytest.fixture
def staff(personas):
    return {
        "bob_officer": make_inspector(department=personas.lead_dept, name="甲执法", domains=["食品销售"],
                                      category=Category.DAILY),
        "bob_expert": make_third_party(department=personas.lead_dept, name="乙专家"),
        "carol_officer": make_inspector(department=personas.partner_dept, name="丙执法"),
        "dave": make_inspector(department=personas.lead_dept, name="戴维本人", user=personas.inspector),
    }


def names(response) -> set[str]:
    page = response.content.decode()
    return {n for n in ("甲执法", "乙专家", "丙执法", "戴维本人") if n in page}


def test_a_department_admin_lists_only_their_own_department(personas, client_for, staff):
    assert names(client_for(personas.lead_admin).get("/inspectors/")) == {"甲执法", "乙专家", "戴维本人"}


def test_the_office_and_the_leader_list_every_department(personas, client_for, staff):
    assert names(client_for(personas.office).get("/inspectors/")) == {"甲执法", "乙专家", "丙执法", "戴维本人"}
    assert names(client_for(personas.leader).get("/inspectors/?department=wjj")) == {"丙执法"}


def test_an_inspector_sees_only_their_own_record(personas, client_for, staff):
    client = client_for(personas.inspector)
    assert names(client.get("/inspectors/")) == {"戴维本人"}
    assert client.get(f"/inspectors/{staff['dave'].pk}/").status_code == 200
    assert client.get(f"/inspectors/{staff['bob_officer'].pk}/").status_code == 404


def test_a_department_admin_cannot_filter_into_another_department(personas, client_for, staff):
    assert names(client_for(personas.partner_admin).get("/inspectors/?department=scjgj")) == {"丙执法"}


@pytest.mark.parametrize(("query", "expected"), [
    ("kind=third_party", {"乙专家"}), ("category=daily", {"甲执法"}), ("domain=食品销售", {"甲执法"}),
    ("q=戴维", {"戴维本人"}), ("status=leave", set()),
])
def test_the_list_filters(personas, client_for, staff, query, expected):
    assert names(client_for(personas.lead_admin).get(f"/inspectors/?{query}")) == expected


def test_a_search_by_certificate_number_finds_the_holder(personas, client_for, staff):
    cert = staff["bob_officer"].cert_no
    assert names(client_for(personas.lead_admin).get(f"/inspectors/?q={cert.lower()}")) == {"甲执法"}


def test_the_leader_cannot_open_the_forms(personas, client_for, staff):
    client = client_for(personas.leader)
    assert client.get("/inspectors/new/").status_code == 403
    assert client.get(f"/inspectors/{staff['bob_officer'].pk}/edit/").status_code == 403
    assert client.get("/inspectors/import/").status_code == 403


def test_another_departments_admin_cannot_edit_or_change_status(personas, client_for, staff):
    client = client_for(personas.partner_admin)
    pk = staff["bob_officer"].pk
    assert client.get(f"/inspectors/{pk}/edit/").status_code == 403
    response = client.post(f"/inspectors/{pk}/status/", {"status": "leave"})
    assert response.status_code == 403
    assert Inspector.objects.get(pk=pk).status == DutyStatus.ON_DUTY


def test_an_admin_registers_an_officer_through_the_form(personas, client_for):
    response = client_for(personas.lead_admin).post("/inspectors/new/", {
        "kind": InspectorKind.OFFICER, "name": "孙执法", "category": Category.QUALIFIED, "cert_no": "鲁菏定1288888",
        "extra_domains": "计量、广告", "status": DutyStatus.ON_DUTY, "township": "371703001",
    })
    inspector = Inspector.objects.get(name="孙执法")
    assert response.status_code == 302 and response.url == f"/inspectors/{inspector.pk}/"
    assert inspector.department == personas.lead_dept and inspector.domains == ["计量", "广告"]


def test_the_form_shows_the_clash_message_beside_the_certificate(personas, client_for, staff):
    cert = staff["carol_officer"].cert_no
    response = client_for(personas.lead_admin).post("/inspectors/new/", {
        "kind": InspectorKind.OFFICER, "name": "孙执法", "category": Category.QUALIFIED, "cert_no": cert,
        "status": DutyStatus.ON_DUTY,
    })
    assert response.status_code == 200
    assert f"执法证号“{cert}”已登记在区卫生健康局名下" in response.content.decode()


def test_the_office_first_picks_a_department(personas, client_for):
    client = client_for(personas.office)
    page = client.get("/inspectors/new/").content.decode()
    assert 'data-testid="department-step"' in page and "data-kind-form" not in page
    response = client.post(f"/inspectors/new/?department={personas.partner_dept.pk}", {
        "department": personas.partner_dept.pk, "kind": InspectorKind.THIRD_PARTY, "name": "周专家",
        "organisation": "山东某卫生检测有限公司", "status": DutyStatus.ON_DUTY,
    })
    assert response.status_code == 302
    assert Inspector.objects.get(name="周专家").department == personas.partner_dept


def test_the_edit_form_saves_changes(personas, client_for, staff):
    inspector = staff["bob_officer"]
    response = client_for(personas.lead_admin).post(f"/inspectors/{inspector.pk}/edit/", {
        "kind": InspectorKind.OFFICER, "name": "甲执法改", "category": Category.CIVIL_SERVANT,
        "cert_no": inspector.cert_no, "domains": ["食品销售"], "phone": "0530-6221234",
    })
    assert response.status_code == 302
    inspector.refresh_from_db()
    assert (inspector.name, inspector.phone, inspector.category) == ("甲执法改", "0530-6221234", Category.CIVIL_SERVANT)


def test_a_status_change_through_the_page_is_recorded(personas, client_for, staff):
    inspector = staff["bob_officer"]
    client = client_for(personas.lead_admin)
    client.post(f"/inspectors/{inspector.pk}/status/", {"status": "transferred", "starts_on": "2026-02-01",
                                                       "reason": "调往区行政审批服务局"})
    page = client.get(f"/inspectors/{inspector.pk}/").content.decode()
    assert "调离（2026-02-01 起）" in page and "调往区行政审批服务局" in page


def test_a_status_change_without_dates_is_refused_with_a_message(personas, client_for, staff):
    inspector = staff["bob_officer"]
    response = client_for(personas.lead_admin).post(f"/inspectors/{inspector.pk}/status/", {"status": "leave"},
                                                    follow=True)
    assert "请假须填写起始日期" in response.content.decode()
    inspector.refresh_from_db()
    assert inspector.status == DutyStatus.ON_DUTY


def test_the_entity_search_finds_by_uscc_prefix_and_by_name(personas, client_for):
    entity = make_entity(name="菏泽市定陶区鑫源木业有限公司")
    client = client_for(personas.lead_admin)
    assert entity.name in client.get("/inspectors/entities/search/", {"q": entity.uscc[:8]}).content.decode()
    assert entity.uscc in client.get("/inspectors/entities/search/", {"q": "鑫源木业"}).content.decode()
    assert "没有找到" in client.get("/inspectors/entities/search/", {"q": "不存在的主体"}).content.decode()


def test_the_import_template_downloads_with_the_expected_headers(personas, client_for):
    response = client_for(personas.lead_admin).get("/inspectors/import/template.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode("utf-8-sig").startswith("姓名,所属部门,人员类型,人员类别,执法证号")


def test_the_navigation_offers_the_directory_to_inspectors(personas, client_for):
    assert "/inspectors/" in client_for(personas.inspector).get("/").content.decode()
