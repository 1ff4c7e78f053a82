"""Issue 31, slice 1: the clue register. A department registers a clue (every problem named by field at once), and
triages it within seven working days: assigned to the responsible department (who is told and then reads it),
merged into an earlier clue, or not accepted with a reason; once triaged it is final. A department reads only its
own clues; complainants' data stay inside the receiving department; overdue clues are listed and counted on the
office's home page."""

import datetime as dt

import pytest

from shuangsuiji.clues import services
from shuangsuiji.clues.models import Clue, Status
from shuangsuiji.common.audit import AuditEvent
from shuangsuiji.common.errors import Forbidden, WrongState
from shuangsuiji.common.workdays import add_working_days
from shuangsuiji.directory.testing import make_entity
from shuangsuiji.notices.models import Notice

TODAY = dt.date(2026, 12, 8)


def test_a_department_registers_a_clue_and_every_problem_is_named_by_field(personas, client_for):
    shop = make_entity(name="菏泽市定陶区好味熟食店")
    c = client_for(personas.lead_admin)
    assert "登记线索" in c.get("/clues/new/").content.decode()
    wrong = shop.uscc[:17] + ("0" if shop.uscc[17] != "0" else "1")
    page = c.post("/clues/new/", {"source": "complaint", "received_on": "2099-01-01", "content": "  ",
                                  "uscc": wrong}).content.decode()
    assert "线索内容：这个字段是必填项。" in page or "请填写线索内容" in page
    assert "晚于今天" in page and "第18位校验码" in page and not Clue.objects.exists()
    answer = c.post("/clues/new/", {"source": "complaint", "received_on": "2026-12-01",
                                    "content": "消费者反映熟食有异味，怀疑过期销售。", "uscc": shop.uscc.lower(),
                                    "complainant": "王女士", "complainant_phone": "13800000001"})
    clue = Clue.objects.get()
    assert answer["Location"] == f"/clues/{clue.number}/" and clue.number.startswith("XS2026-")
    assert clue.entity == shop and clue.received_by == personas.lead_dept and clue.status == Status.NEW
    assert clue.due_on == add_working_days(dt.date(2026, 12, 1), 7)
    assert AuditEvent.objects.filter(action="clue.receive").count() == 1
    with pytest.raises(services.ClueError, match="不在检查对象名录库中"):
        services.receive(personas.lead_admin, source="complaint", received_on=TODAY, content="x",
                         uscc="91371703MA3FFT365K")
    with pytest.raises(Forbidden):
        services.receive(personas.inspector, source="complaint", received_on=TODAY, content="x")


def test_triage_assigns_merges_or_rejects_once_and_tells_the_responsible_department(personas, client_for):
    first = services.receive(personas.lead_admin, source="complaint", received_on=TODAY, content="游泳馆水质浑浊",
                             complainant="张先生")
    second = services.receive(personas.lead_admin, source="complaint", received_on=TODAY, content="同一游泳馆再次反映")
    third = services.receive(personas.lead_admin, source="monitoring", received_on=TODAY, content="无法核实的线索")
    partner = client_for(personas.partner_admin)
    assert partner.get(f"/clues/{first.number}/").status_code == 404  # not its clue yet
    lead = client_for(personas.lead_admin)
    refused = lead.post(f"/clues/{third.number}/triage/", {"action": "reject", "note": ""}).content.decode()
    assert "请写明不予受理的理由" in refused and Clue.objects.get(pk=third.pk).status == Status.NEW
    lead.post(f"/clues/{first.number}/triage/", {"action": "assign", "department": personas.partner_dept.pk,
                                                 "note": "公共场所卫生，由卫健局处置"})
    first.refresh_from_db()
    assert first.status == Status.ASSIGNED and first.department == personas.partner_dept
    assert Notice.objects.filter(department=personas.partner_dept, title__contains=first.number).exists()
    page = client_for(personas.partner_admin).get(f"/clues/{first.number}/").content.decode()
    assert "游泳馆水质浑浊" in page and "张先生" not in page  # the complainant stays with the receiving department
    assert "张先生" in client_for(personas.lead_admin).get(f"/clues/{first.number}/").content.decode()
    assert "张先生" not in client_for(personas.leader).get(f"/clues/{first.number}/").content.decode()
    with pytest.raises(services.ClueError, match="不能并入"):
        services.merge(personas.lead_admin, second, second.number)
    services.merge(personas.lead_admin, second, first.number.lower())
    services.reject(personas.lead_admin, third, "投诉人未提供地址，无法核实")
    assert Clue.objects.get(pk=second.pk).merged_into == first
    with pytest.raises(WrongState, match="不能再分办"):
        services.assign(personas.lead_admin, first, personas.lead_dept)
    with pytest.raises(Forbidden):
        services.reject(personas.partner_admin, services.receive(
            personas.lead_admin, source="complaint", received_on=TODAY, content="另一条"), "不是本部门受理的")
    assert set(AuditEvent.objects.filter(action__startswith="clue.").values_list("action", flat=True)) == {
        "clue.receive", "clue.assigned", "clue.merged", "clue.rejected"}
    assert client_for(personas.inspector).get("/clues/").status_code == 403


def test_overdue_clues_are_listed_and_counted_on_the_office_home_page(personas, client_for):
    late = services.receive(personas.lead_admin, source="assigned", received_on=TODAY - dt.timedelta(days=30),
                            content="区政府转办：群众反映无证经营")
    services.receive(personas.lead_admin, source="complaint", received_on=TODAY, content="今天收到的投诉")
    other = services.receive(personas.partner_admin, source="complaint", received_on=TODAY - dt.timedelta(days=30),
                             content="卫健局收到的投诉")
    today = dt.date.today()
    assert set(Clue.objects.overdue(today)) == {late, other}
    page = client_for(personas.lead_admin).get("/clues/?state=overdue").content.decode()
    assert late.number in page and other.number not in page and "逾期未分办的线索 1 条" in page
    home = client_for(personas.office).get("/").content.decode()
    assert "逾期未分办的线索" in home and late.number in home and other.number in home  # waiting for triage
    assert late.number in client_for(personas.lead_admin).get("/").content.decode()
    assert late.number not in client_for(personas.partner_admin).get("/").content.decode()
