"""Issue 32, slice 1: the joint meeting's composition. The office records members — a successor in the post takes
the seat and the predecessor's term ends the day before, kept as history; each member unit files its liaison with
the office (one at a time, the earlier one kept); departments and leaders read; every change is audited."""

import datetime as dt

import pytest

from shuangsuiji.common.audit import AuditEvent
from shuangsuiji.common.errors import Forbidden, WrongState
from shuangsuiji.meeting import services
from shuangsuiji.meeting.models import Liaison, Member
from shuangsuiji.notices.models import Notice

START = dt.date(2020, 5, 20)


def test_a_successor_takes_the_seat_and_the_predecessor_stays_in_the_history(personas, client_for):
    seat = services.add_member(personas.office, role="member", department=personas.lead_dept, person="孙峰",
                               post="区市场监督管理局二级主任科员", starts_on=START)
    with pytest.raises(Forbidden):
        services.replace_member(personas.lead_admin, seat, person="刘明", post="副局长", starts_on=dt.date(2026, 3, 1))
    with pytest.raises(services.MeetingError, match="应晚于前任的起始日期"):
        services.replace_member(personas.office, seat, person="刘明", post="副局长", starts_on=dt.date(2020, 1, 1))
    successor = services.replace_member(personas.office, seat, person="刘明", post="区市场监督管理局副局长",
                                        starts_on=dt.date(2026, 3, 1), note="职务调整")
    seat.refresh_from_db()
    assert seat.ends_on == dt.date(2026, 2, 28) and successor.predecessor == seat and successor.role == "member"
    assert list(Member.objects.current()) == [successor]
    with pytest.raises(WrongState):
        services.replace_member(personas.office, seat, person="又一人", post="x", starts_on=dt.date(2026, 6, 1))
    page = client_for(personas.leader).get("/meeting/").content.decode()
    assert "刘明" in page and "2026-02-28 以前：成员 孙峰" in page and "登记继任" not in page
    assert AuditEvent.objects.filter(action="meeting.member_replace").count() == 1


def test_a_unit_files_its_own_liaison_with_the_office_and_the_earlier_one_is_kept(personas, client_for):
    c = client_for(personas.partner_admin)
    refused = c.post("/meeting/liaisons/", {"person": "", "phone": "", "starts_on": "2026-01-01"}).content.decode()
    assert "联络员姓名：这个字段是必填项" in refused or "请填写姓名" in refused
    c.post("/meeting/liaisons/", {"person": "张丽华", "post": "科员", "phone": "0530-6500001", "starts_on": "2020-05-20"})
    c.post("/meeting/liaisons/", {"person": "郑雨桐", "post": "综合科科长", "phone": "0530-6512345",
                                  "starts_on": "2026-10-01", "note": "工作变动"})
    current = Liaison.objects.current().get(department=personas.partner_dept)
    earlier = Liaison.objects.history().get(department=personas.partner_dept)
    assert current.person == "郑雨桐" and earlier.person == "张丽华" and earlier.ends_on == dt.date(2026, 9, 30)
    assert Notice.objects.filter(to_office=True, title__contains="联络员调整备案").count() == 2
    with pytest.raises(Forbidden):  # another unit's liaison
        services.file_liaison(personas.partner_admin, personas.lead_dept, person="某人", phone="1",
                              starts_on=dt.date(2026, 1, 1))
    with pytest.raises(Forbidden):
        services.file_liaison(personas.inspector, personas.lead_dept, person="某人", phone="1",
                              starts_on=dt.date(2026, 1, 1))
    services.file_liaison(personas.office, personas.lead_dept, person="王晓东", phone="0530-6500002",
                          starts_on=dt.date(2026, 1, 1))
    page = client_for(personas.lead_admin).get("/meeting/").content.decode()
    assert "郑雨桐" in page and "2026-09-30 以前：卫健联络员 张丽华" in page and "增补成员" not in page
    assert client_for(personas.inspector).get("/meeting/").status_code == 403
    assert AuditEvent.objects.filter(action="meeting.liaison").count() == 3
