"""Issue 32, slice 2: meetings. The office calls a meeting (the 总召集人 or 召集人; a 副召集人 only for a temporary
one), units propose topics and the convener's decision on each is recorded, the meeting is held with the units
that attended, minutes are issued to every member unit to sign for, and each 议定事项 is a follow-up the owner
unit reports on until closed, flagged when overdue."""

import datetime as dt

import pytest
from django.utils import timezone

from shuangsuiji.common.audit import AuditEvent
from shuangsuiji.common.errors import Forbidden, WrongState
from shuangsuiji.meeting import services
from shuangsuiji.meeting.models import Decision, Meeting, MeetingStatus, Receipt, TopicStatus
from shuangsuiji.notices.models import Notice

START = dt.date(2020, 5, 20)


@pytest.fixture
def conveners(personas):
    general = services.add_member(personas.office, role="general", department=None, person="马常斌", post="副区长",
                                  starts_on=START)
    deputy = services.add_member(personas.office, role="deputy", department=personas.lead_dept, person="郭登",
                                 post="局长", starts_on=START)
    return general, deputy


def test_a_meeting_runs_from_topics_to_minutes_signed_and_decisions_tracked(personas, conveners, client_for):
    general, deputy = conveners
    today = timezone.localdate()
    with pytest.raises(services.MeetingError, match="副召集人只召集一般性或临时性事项"):
        services.create_meeting(personas.office, kind="regular", title="全体会议", held_on=today, convener=deputy)
    office = client_for(personas.office)
    office.post("/meeting/meetings/", {"kind": "regular", "title": "2026年第二次联席会议", "held_on": str(today),
                                       "convener": general.pk})
    meeting = Meeting.objects.get()
    assert meeting.number == f"HY{today.year}-01" and meeting.status == MeetingStatus.PLANNED
    unit = client_for(personas.partner_admin)
    unit.post(f"/meeting/meetings/{meeting.number}/topic/", {"title": "公共场所卫生纳入年度联查", "note": "建议"})
    topic = meeting.topics.get()
    assert topic.proposed_by == personas.partner_dept and Notice.objects.filter(to_office=True).exists()
    office = client_for(personas.office)  # one test client: logging in again switches the user
    refused = office.post(f"/meeting/meetings/{meeting.number}/held/", {"attended": [personas.lead_dept.pk]})
    assert "还没有审定列入的议题" in refused.content.decode()
    office.post(f"/meeting/meetings/{meeting.number}/approve/", {"topic": topic.pk})
    topic.refresh_from_db()
    assert topic.status == TopicStatus.APPROVED and "马常斌" in topic.decided_note
    office.post(f"/meeting/meetings/{meeting.number}/held/",
                {"attended": [personas.lead_dept.pk, personas.partner_dept.pk]})
    bad = office.post(f"/meeting/meetings/{meeting.number}/minutes/", {
        "minutes": "会议研究了……", "decisions": "火星局，2026-13-01，某事\n卫健"}).content.decode()
    assert "第 1 行：“火星局”不是成员单位" in bad and "应写成 2026-12-31" in bad and "第 2 行应写成" in bad
    due = today + dt.timedelta(days=30)
    office.post(f"/meeting/meetings/{meeting.number}/minutes/", {
        "minutes": "会议研究了公共场所卫生联查事项。", "decisions": f"卫健，{due:%Y-%m-%d}，制定公共场所卫生联查方案"})
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.ISSUED and Receipt.objects.filter(meeting=meeting).count() >= 2
    assert Notice.objects.filter(department=personas.partner_dept, title__contains="请签收会议纪要").exists()
    unit = client_for(personas.partner_admin)
    unit.post(f"/meeting/meetings/{meeting.number}/sign/")
    assert Receipt.objects.get(meeting=meeting, department=personas.partner_dept).signed_at is not None
    with pytest.raises(WrongState):
        services.sign(personas.partner_admin, meeting)
    decision = Decision.objects.get()
    with pytest.raises(Forbidden):
        services.report_decision(personas.lead_admin, decision, progress="x", close=True)
    unit.post(f"/meeting/decisions/{decision.pk}/", {"progress": "方案已起草并报办公室", "close": "on"})
    decision.refresh_from_db()
    assert decision.closed_at is not None
    page = client_for(personas.leader).get(f"/meeting/meetings/{meeting.number}/").content.decode()
    assert "方案已起草并报办公室" in page and "已办结" in page and "签收" in page
    assert {"meeting.create", "meeting.topic", "meeting.topic_decided", "meeting.held", "meeting.minutes",
            "meeting.sign", "meeting.decision"} <= set(AuditEvent.objects.values_list("action", flat=True))


def test_overdue_decisions_are_flagged_and_units_see_their_own(personas, conveners, client_for):
    general, _deputy = conveners
    today = timezone.localdate()
    meeting = services.create_meeting(personas.office, kind="regular", title="会议", held_on=today, convener=general)
    topic = services.propose_topic(personas.office, meeting, title="议题")
    services.decide_topic(personas.office, topic, approve=True)
    services.record_held(personas.office, meeting, [personas.lead_dept])
    services.issue_minutes(personas.office, meeting, minutes="纪要",
                           decisions=f"市场监管，{today:%Y-%m-%d}，整改\n卫健，{today:%Y-%m-%d}，另一事项")
    Decision.objects.filter(owner=personas.lead_dept).update(due_on=today - dt.timedelta(days=1))
    page = client_for(personas.lead_admin).get("/meeting/meetings/").content.decode()
    assert "整改" in page and "逾期" in page and "另一事项" not in page  # the unit's own
    assert "另一事项" in client_for(personas.office).get("/meeting/meetings/").content.decode()
    assert client_for(personas.inspector).get("/meeting/meetings/").status_code == 403
