"""Issue 26, findings 5 and 6: another department's officer's conflicts and leave reasons, and the office's
internal opinion on a returned plan, stay inside the department (and the office)."""

import datetime as dt

import pytest

from shuangsuiji.inspectors import services as inspector_services
from shuangsuiji.inspectors.models import DutyStatus
from shuangsuiji.inspectors.testing import make_conflict, make_inspector
from shuangsuiji.plans import services as plan_services
from shuangsuiji.plans.tests.test_plans import entry_for, make_published_item

pytestmark = pytest.mark.django_db
REASON = "病假：住院手术"
CONFLICT = "其配偶在该企业任财务负责人"


@pytest.fixture
def officer(personas):
    officer = make_inspector(department=personas.lead_dept)
    make_conflict(inspector=officer, reason=CONFLICT)
    inspector_services.change_status(personas.lead_admin, officer, status=DutyStatus.LEAVE,
                                     starts_on=dt.date(2026, 12, 1), ends_on=dt.date(2026, 12, 31), reason=REASON)
    return officer


def test_another_departments_admin_does_not_read_an_officers_conflicts_by_id(personas, client_for, officer):
    answer = client_for(personas.partner_admin).get(f"/api/v1/inspectors/{officer.pk}/conflicts")
    assert answer.status_code == 403 and CONFLICT not in str(answer.json())


def test_another_departments_admin_sees_the_status_but_not_the_reasons(personas, client_for, officer):
    page = client_for(personas.partner_admin).get(f"/inspectors/{officer.pk}/").content.decode()
    assert "请假" in page and REASON not in page and CONFLICT not in page and "仅所属部门" in page


def test_the_owning_department_still_reads_both(personas, client_for, officer):
    client = client_for(personas.lead_admin)
    assert [c["reason"] for c in client.get(f"/api/v1/inspectors/{officer.pk}/conflicts").json()] == [CONFLICT]
    page = client.get(f"/inspectors/{officer.pk}/").content.decode()
    assert REASON in page and CONFLICT in page


def test_the_offices_return_comment_stays_with_the_plans_department_after_publication(personas, client_for):
    plan = plan_services.create_plan(personas.lead_admin, personas.lead_dept, 2027)
    entry_for(personas, plan, make_published_item(personas.lead_dept))
    plan_services.file_plan(personas.lead_admin, plan)
    plan_services.return_plan(personas.office, plan, "内部意见：比例依据不足")
    plan_services.file_plan(personas.lead_admin, plan)
    plan_services.publish_plan(personas.office, plan)
    other = client_for(personas.partner_admin).get("/api/v1/plans/?year=2027").json()
    assert [p["return_comment"] for p in other if p["id"] == plan.pk] == [""]
    own = client_for(personas.lead_admin).get("/api/v1/plans/?year=2027").json()
    assert [p["return_comment"] for p in own if p["id"] == plan.pk] == ["内部意见：比例依据不足"]
