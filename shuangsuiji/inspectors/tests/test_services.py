"""Registering and changing inspectors: validation messages in Chinese, scope, status history, audit."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from shuangsuiji.common.errors import Forbidden
from shuangsuiji.common.models import AuditEvent
from shuangsuiji.inspectors import services
from shuangsuiji.inspectors.models import Category, DutyStatus, Inspector, InspectorKind, StatusChange
from shuangsuiji.inspectors.services import InspectorError
from shuangsuiji.inspectors.testing import make_inspector
from shuangsuiji.inspectors.validation import InspectorData, check_id_number, compact
from shuangsuiji.items.models import ListStatus
from shuangsuiji.items.testing import make_item, make_list


def officer(dept, **changes) -> InspectorData:
    data = InspectorData(name="王立新", department=dept, category=Category.CIVIL_SERVANT, cert_no="鲁菏定1200999")
    return data.with_changes(**changes)


def errors_of(call) -> dict:
    with pytest.raises(InspectorError) as exc:
        call()
    return dict(exc.value.errors)


def test_an_admin_registers_an_officer_and_the_audit_log_records_it(personas):
    inspector = services.create_inspector(personas.lead_admin, officer(personas.lead_dept, domains=["食品销售", "特种设备"]))
    assert inspector.cert_no == "鲁菏定1200999" and inspector.counts_as_officer
    assert inspector.domains == ["食品销售", "特种设备"]
    event = AuditEvent.objects.get(action="inspectors.create")
    assert event.actor == personas.lead_admin and event.department == personas.lead_dept


def test_a_certificate_number_is_normalised_from_full_width_and_spaces(personas):
    inspector = services.create_inspector(personas.lead_admin, officer(personas.lead_dept, cert_no=" 鲁菏定１２００ ９９９ "))
    assert inspector.cert_no == "鲁菏定1200999"


def test_a_duplicate_certificate_is_refused_naming_the_other_holders_department(personas):
    make_inspector(department=personas.partner_dept, cert_no="鲁菏定0900001")
    errors = errors_of(lambda: services.create_inspector(personas.lead_admin,
                                                         officer(personas.lead_dept, cert_no="鲁菏定0900001")))
    assert errors["cert_no"] == "执法证号“鲁菏定0900001”已登记在区卫生健康局名下，同一执法证号不能重复登记"


def test_an_officer_without_certificate_or_category_is_refused(personas):
    errors = errors_of(lambda: services.create_inspector(personas.lead_admin,
                                                         officer(personas.lead_dept, cert_no="", category="")))
    assert errors["cert_no"] == "执法检查人员须填写执法证号"
    assert "须选择人员类别" in errors["category"]


@pytest.mark.parametrize("cert", ["12345", "鲁菏定ABC", "鲁菏定#123456", "x" * 31])
def test_a_malformed_certificate_number_gets_a_message_about_its_format(personas, cert):
    errors = errors_of(lambda: services.create_inspector(personas.lead_admin, officer(personas.lead_dept, cert_no=cert)))
    assert "格式不正确" in errors["cert_no"]


def test_a_third_party_must_name_its_organisation_and_hold_no_certificate(personas):
    data = InspectorData(name="赵专家", department=personas.lead_dept, kind=InspectorKind.THIRD_PARTY,
                         cert_no="鲁菏定1200777", category=Category.QUALIFIED)
    errors = errors_of(lambda: services.create_inspector(personas.lead_admin, data))
    assert errors["cert_no"] == "第三方专家/机构不是执法人员，不能登记执法证号"
    assert "人员类别应留空" in errors["category"]
    assert errors["organisation"] == "第三方专家/机构须填写所属机构（单位）名称"


def test_a_third_party_is_stored_without_certificate(personas):
    data = InspectorData(name="赵专家", department=personas.lead_dept, kind=InspectorKind.THIRD_PARTY,
                         organisation="山东某检测有限公司")
    expert = services.create_inspector(personas.lead_admin, data)
    assert expert.cert_no is None and not expert.counts_as_officer


def test_a_department_admin_cannot_register_for_another_department(personas):
    with pytest.raises(Forbidden):
        services.create_inspector(personas.partner_admin, officer(personas.lead_dept))


@pytest.mark.parametrize("persona", ["leader", "inspector"])
def test_leaders_and_inspectors_cannot_register_anyone(personas, persona):
    with pytest.raises(Forbidden):
        services.create_inspector(getattr(personas, persona), officer(personas.lead_dept))


def test_the_office_registers_for_any_department(personas):
    inspector = services.create_inspector(personas.office, officer(personas.partner_dept))
    assert inspector.department == personas.partner_dept


def test_personal_data_is_checked(personas):
    errors = errors_of(lambda: services.create_inspector(
        personas.lead_admin, officer(personas.lead_dept, id_number="371727199001011235", phone="12345")))
    assert errors["id_number"].startswith("身份证号校验码应为")
    assert "联系电话" in errors["phone"]


def test_an_id_number_from_dingtao_passes_although_stdnum_lacks_the_area_code():
    # 371727 (the old 定陶县) is missing from python-stdnum's birthplace table, which ric.validate requires.
    body = "37172719900101123"
    number = body + ric.calc_check_digit(body + "0")
    assert not ric.is_valid(number)
    assert check_id_number(number) is None


def test_going_on_leave_needs_both_dates_and_is_kept_in_the_history(personas):
    inspector = make_inspector(department=personas.lead_dept)
    errors = errors_of(lambda: services.change_status(personas.lead_admin, inspector, status=DutyStatus.LEAVE,
                                                      starts_on=datetime.date(2026, 3, 1), ends_on=None))
    assert errors == {"status_until": "请假须填写截止日期"}
    services.change_status(personas.lead_admin, inspector, status=DutyStatus.LEAVE,
                           starts_on=datetime.date(2026, 3, 1), ends_on=datetime.date(2026, 3, 15), reason="病假")
    inspector.refresh_from_db()
    assert inspector.status_text == "请假（2026-03-01 至 2026-03-15）"
    change = StatusChange.objects.get(inspector=inspector)
    assert (change.status, change.starts_on, change.ends_on, change.reason) == (
        DutyStatus.LEAVE, datetime.date(2026, 3, 1), datetime.date(2026, 3, 15), "病假")
    assert AuditEvent.objects.filter(action="inspectors.status", object_id=str(inspector.pk)).exists()


def test_a_transfer_needs_its_date(personas):
    inspector = make_inspector(department=personas.lead_dept)
    errors = errors_of(lambda: services.change_status(personas.lead_admin, inspector,
                                                      status=DutyStatus.TRANSFERRED, starts_on=None))
    assert errors == {"status_from": "调离须填写调离日期"}


def test_an_update_keeps_the_record_and_records_before_and_after(personas):
    inspector = make_inspector(department=personas.lead_dept, domains=["食品销售"])
    data = InspectorData.of(inspector).with_changes(name="新名字", domains=["食品销售", "广告"])
    services.update_inspector(personas.lead_admin, inspector, data)
    inspector.refresh_from_db()
    assert inspector.name == "新名字" and inspector.domains == ["食品销售", "广告"]
    event = AuditEvent.objects.get(action="inspectors.update")
    assert event.before["domains"] == ["食品销售"] and event.after["name"] == "新名字"


def test_an_update_keeps_its_own_certificate_without_a_clash(personas):
    inspector = make_inspector(department=personas.lead_dept)
    services.update_inspector(personas.lead_admin, inspector, InspectorData.of(inspector))


def test_moving_someone_to_another_department_is_refused(personas):
    inspector = make_inspector(department=personas.lead_dept)
    data = InspectorData.of(inspector).with_changes(department=personas.partner_dept)
    errors = errors_of(lambda: services.update_inspector(personas.office, inspector, data))
    assert "调离" in errors["department"]


def test_a_linked_login_must_be_an_inspector_of_the_same_department(personas):
    errors = errors_of(lambda: services.create_inspector(personas.lead_admin,
                                                         officer(personas.lead_dept, user=personas.partner_admin)))
    assert errors["user"] == "只能关联本部门“执法检查人员”角色的登录账号"
    linked = services.create_inspector(personas.lead_admin, officer(personas.lead_dept, user=personas.inspector))
    assert linked.user == personas.inspector


def test_domain_suggestions_come_from_the_departments_published_items(personas):
    published = make_list(personas.lead_dept, status=ListStatus.PUBLISHED, items=0)
    make_item(published, category="食品销售", name="甲")
    make_item(published, category="特种设备", name="乙")
    draft = make_list(personas.lead_dept, items=0)
    make_item(draft, category="草稿中的类别", name="丙")
    other = make_list(personas.partner_dept, status=ListStatus.PUBLISHED, items=0)
    make_item(other, category="公共场所卫生", name="丁")
    make_inspector(department=personas.lead_dept, domains=["自填领域"])
    assert services.domain_suggestions(personas.lead_dept) == ["特种设备", "食品销售", "自填领域"]


@given(st.text(alphabet="0123456789ABCDEFGH", min_size=6, max_size=20))
def test_compacting_a_certificate_is_idempotent_and_ignores_spacing(raw):
    spaced = " ".join(raw.lower())
    assert compact(spaced) == compact(raw) == compact(compact(raw))


def test_officers_of_a_department_are_listed_by_the_queryset(personas):
    make_inspector(department=personas.lead_dept)
    make_inspector(department=personas.partner_dept)
    assert Inspector.objects.for_department(personas.lead_dept).count() == 1
