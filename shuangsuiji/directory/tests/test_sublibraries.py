"""Sub-libraries (名录分库): rule-based or list-based, owned by a department, changed only by it or the office."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shuangsuiji.common.errors import Forbidden
from shuangsuiji.common.models import AuditEvent
from shuangsuiji.directory import services
from shuangsuiji.directory.models import EntityStatus, SubLibrary, SubLibraryKind
from shuangsuiji.directory.testing import make_entities, make_entity, make_sublibrary, new_uscc

pytestmark = pytest.mark.django_db


def test_a_rule_based_sub_library_selects_matching_drawable_entities(personas):
    food = make_entity(name="面粉厂", industry_id="1311", township_id="371703102")
    make_entity(name="注销的面粉厂", industry_id="1311", status=EntityStatus.CANCELLED)
    make_entity(name="超市", industry_id="5211")
    library = make_sublibrary(personas.lead_dept, rule={"industry": ["13"]})
    assert list(library.entities()) == [food]
    food.status = EntityStatus.MOVED
    food.save()
    assert not library.entities().exists()  # leaves the pool as soon as it is no longer 存续


def test_a_list_based_sub_library_is_its_members(personas):
    members = make_entities(3)
    make_entities(2)
    library = make_sublibrary(personas.partner_dept, members=members[:2])
    assert set(library.entities()) == set(members[:2])
    assert library.entities().drawable().count() == 2


def test_saving_a_list_reports_unknown_and_invalid_codes_and_keeps_the_known(personas):
    known = make_entity()
    stranger, broken = new_uscc(), "91371703MA3C4WQ5XZ"
    library, report = services.save_sublibrary(
        actor=personas.lead_admin, department=personas.lead_dept, name="食品生产", kind=SubLibraryKind.LIST,
        codes=[known.uscc, stranger, broken])
    assert list(library.entities()) == [known]
    assert (report.added, report.unknown, report.invalid) == (1, [stranger], [broken])
    assert stranger in report.message and broken in report.message
    assert AuditEvent.objects.filter(action="directory.sublibrary_created", object_id=str(library.pk)).exists()


def test_saving_a_rule_stores_it_as_json_of_the_filter(personas):
    library, _ = services.save_sublibrary(
        actor=personas.office, department=personas.partner_dept, name="医疗机构", kind=SubLibraryKind.RULE,
        rule={"industry": ["Q"], "township": ["371703001"]})
    assert SubLibrary.objects.get(pk=library.pk).rule == {"industry": ["Q"], "township": ["371703001"]}


def test_a_rule_with_an_unknown_value_is_refused_in_chinese(personas):
    with pytest.raises(services.DirectoryError) as info:
        services.save_sublibrary(actor=personas.office, department=personas.lead_dept, name="x",
                                 kind=SubLibraryKind.RULE, rule={"scale": ["giant"]})
    assert "规模" in info.value.message


def test_a_department_admin_cannot_create_or_edit_another_departments_sub_library(personas):
    carols = make_sublibrary(personas.partner_dept, name="卫健分库")
    with pytest.raises(Forbidden):
        services.save_sublibrary(actor=personas.lead_admin, library=carols, department=personas.partner_dept,
                                 name="改名", kind=SubLibraryKind.RULE)
    with pytest.raises(Forbidden):
        services.save_sublibrary(actor=personas.lead_admin, department=personas.partner_dept, name="冒名",
                                 kind=SubLibraryKind.RULE)
    with pytest.raises(Forbidden):
        services.delete_sublibrary(actor=personas.lead_admin, library=carols)
    assert SubLibrary.objects.get(pk=carols.pk).name == "卫健分库"


def test_the_leader_reads_but_cannot_change_sub_libraries(personas, client_for):
    library = make_sublibrary(personas.lead_dept)
    client = client_for(personas.leader)
    assert client.get(f"/directory/sublibraries/{library.pk}/").status_code == 200
    assert client.get(f"/directory/sublibraries/{library.pk}/edit/").status_code == 403
    assert client.post(f"/directory/sublibraries/{library.pk}/delete/").status_code == 403
    assert client.get("/directory/sublibraries/new/").status_code == 403


def test_the_edit_page_refuses_another_departments_admin(personas, client_for):
    library = make_sublibrary(personas.partner_dept)
    response = client_for(personas.lead_admin).get(f"/directory/sublibraries/{library.pk}/edit/")
    assert response.status_code == 403 and "本部门" in response.content.decode()


def test_a_department_admin_creates_a_rule_based_sub_library_on_the_page(personas, client_for):
    make_entity(industry_id="1311")
    response = client_for(personas.lead_admin).post("/directory/sublibraries/new/", {
        "name": "食品生产企业", "department": personas.lead_dept.pk, "kind": "rule", "industry": ["13"],
        "description": "食品生产领域"})
    library = SubLibrary.objects.get(name="食品生产企业")
    assert response.status_code == 302 and response.url == f"/directory/sublibraries/{library.pk}/"
    assert library.rule == {"industry": ["13"]} and library.entities().count() == 1


def test_a_department_admin_cannot_create_for_another_department_on_the_page(personas, client_for):
    response = client_for(personas.lead_admin).post("/directory/sublibraries/new/", {
        "name": "冒名", "department": personas.partner_dept.pk, "kind": "rule"})
    assert response.status_code == 200 and not SubLibrary.objects.exists()  # the form offers only their department


def test_a_list_can_be_uploaded_as_a_file_and_unknown_codes_are_shown(personas, client_for):
    known, stranger = make_entity(), new_uscc()
    upload = SimpleUploadedFile("名单.csv", f"统一社会信用代码\n{known.uscc}\n{stranger}\n".encode("gb18030"))
    response = client_for(personas.office).post("/directory/sublibraries/new/", {
        "name": "重点名单", "department": personas.lead_dept.pk, "kind": "list", "codes": "", "codes_file": upload},
        follow=True)
    library = SubLibrary.objects.get(name="重点名单")
    assert list(library.entities()) == [known]
    assert stranger in response.content.decode()


def test_the_live_count_follows_the_rule_being_edited(personas, client_for):
    make_entities(3, township_id="371703001")
    make_entities(2, township_id="371703102")
    response = client_for(personas.lead_admin).get("/directory/sublibraries/count/?township=371703001",
                                                    headers={"HX-Request": "true"})
    assert "<strong>3</strong>" in response.content.decode()


def test_the_list_shows_each_sub_library_with_its_size(personas, client_for):
    make_sublibrary(personas.lead_dept, name="全部企业", rule={"entity_type": ["enterprise"]})
    make_entities(4)
    page = client_for(personas.partner_admin).get("/directory/sublibraries/").content.decode()
    assert "全部企业" in page and ">4<" in page


def test_inspectors_do_not_see_sub_libraries(personas, client_for):
    assert client_for(personas.inspector).get("/directory/sublibraries/").status_code == 403
