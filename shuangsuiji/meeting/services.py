"""Changes to the joint meeting's composition, each in one transaction with its audit event. The office records
members (a successor takes the seat of the person who held the post, whose term ends the day before); a member
unit files its own liaison with the office, which is told. Nothing is overwritten: every term stays as history."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from shuangsuiji.accounts.models import Department
from shuangsuiji.common import audit
from shuangsuiji.common.errors import Forbidden, Problems, Refused, WrongState
from shuangsuiji.common.numbering import next_number
from shuangsuiji.notices import services as notices

from .models import (
    Decision,
    Liaison,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Member,
    Receipt,
    SeatRole,
    Topic,
    TopicStatus,
)


class MeetingError(Refused):
    """Wrong input for the joint meeting, in Chinese, by form field; nothing was changed."""


class MeetingProblems(Problems):
    error = MeetingError


def _office_only(actor) -> None:
    if not actor.is_office:
        raise Forbidden("只有联席会议办公室可以登记联席会议成员的变更。")


def _checked(person: str, post: str, starts_on: dt.date | None, *, after: dt.date | None = None,
             post_label: str = "单位及职务", phone: str | None = None) -> None:
    problems = MeetingProblems()
    if not person.strip():
        problems.add("person", "请填写姓名。")
    if post_label and not post.strip():
        problems.add("post", f"请填写{post_label}。")
    if phone is not None and not phone.strip():
        problems.add("phone", "请填写联系电话。")
    if starts_on is None:
        problems.add("starts_on", "请填写起始日期。")
    elif after is not None and starts_on <= after:
        problems.add("starts_on", f"起始日期应晚于前任的起始日期 {after:%Y-%m-%d}。")
    problems.raise_any()


@transaction.atomic
def add_member(actor, *, role: str, department, person: str, post: str, starts_on: dt.date | None,
               note: str = "") -> Member:
    """A new seat (a unit joining the meeting, or a convener named)."""
    _office_only(actor)
    if role not in SeatRole.values:
        raise MeetingError("请选择职务。", errors={"role": "请选择总召集人、召集人、副召集人或成员。"})
    _checked(person, post, starts_on)
    last = Member.objects.order_by("-order").values_list("order", flat=True).first() or 0
    member = Member.objects.create(role=role, department=department, person=person.strip(), post=post.strip(),
                                   starts_on=starts_on, note=note.strip(), order=last + 1, recorded_by=actor)
    audit.record(actor, "meeting.member_add", member, after={"role": role, "person": member.person,
                                                             "post": member.post, "starts_on": str(starts_on)},
                 summary=f"联席会议增补{member.get_role_display()}：{member.person}（{member.post}）")
    return member


@transaction.atomic
def replace_member(actor, member: Member, *, person: str, post: str, starts_on: dt.date | None,
                   note: str = "") -> Member:
    """继任者自然增补: the successor in the post takes the seat from ``starts_on``; the predecessor's term ends the
    day before and stays in the history."""
    _office_only(actor)
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.ends_on is not None:
        raise WrongState(f"{member.person} 的任期已于 {member.ends_on:%Y-%m-%d} 结束，请更换现任成员。")
    _checked(person, post, starts_on, after=member.starts_on)
    member.ends_on = starts_on - dt.timedelta(days=1)
    member.save(update_fields=["ends_on"])
    successor = Member.objects.create(role=member.role, department=member.department, person=person.strip(),
                                      post=post.strip(), starts_on=starts_on, note=note.strip(), order=member.order,
                                      predecessor=member, recorded_by=actor)
    audit.record(actor, "meeting.member_replace", successor, before={"person": member.person, "post": member.post},
                 after={"person": successor.person, "post": successor.post, "starts_on": str(starts_on)},
                 summary=f"联席会议{member.get_role_display()}由 {member.person} 变更为 {successor.person}")
    return successor


@transaction.atomic
def file_liaison(actor, department, *, person: str, post: str = "", phone: str, starts_on: dt.date | None,
                 note: str = "") -> Liaison:
    """A unit names its liaison (or the next one) and files it with the office, which is told; the earlier
    liaison's term ends the day before."""
    if department is None or not actor.manages(department):
        raise Forbidden("联络员由本单位调整后报联席会议办公室备案：只有本单位管理员或联席会议办公室可以登记。")
    current = Liaison.objects.select_for_update().current().filter(department=department).first()
    _checked(person, post, starts_on, after=current.starts_on if current else None, post_label="", phone=phone)
    if current is not None:
        current.ends_on = starts_on - dt.timedelta(days=1)
        current.save(update_fields=["ends_on"])
    liaison = Liaison.objects.create(department=department, person=person.strip(), post=post.strip(),
                                     phone=phone.strip(), starts_on=starts_on, note=note.strip(), filed_by=actor)
    audit.record(actor, "meeting.liaison", liaison, before={"person": current.person} if current else None,
                 after={"person": liaison.person, "starts_on": str(starts_on)}, department=department,
                 summary=f"{department.short_name}联络员{'由 ' + current.person + ' 调整为' if current else '：'}"
                         f" {liaison.person}")
    if not actor.is_office:
        notices.tell_office(f"{department.short_name}联络员调整备案：{liaison.person}",
                            f"自 {starts_on:%Y-%m-%d} 起由 {liaison.person} 担任联络员。", url="meeting:home")
    return liaison


# --- Meetings: topics, attendance, minutes with receipts, decisions tracked ---------------------------------------

def _meeting(meeting: Meeting, *states: str) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status not in states:
        raise WrongState(f"会议 {meeting.number} 当前为“{meeting.get_status_display()}”，不能这样操作。")
    return meeting


@transaction.atomic
def create_meeting(actor, *, kind: str, title: str, held_on: dt.date | None, convener: Member | None,
                   place: str = "", invited=()) -> Meeting:
    """A meeting called by the 总召集人 or 召集人; one on ordinary or temporary matters may be called by a
    副召集人 (annex 2, 二(一))."""
    _office_only(actor)
    problems = MeetingProblems()
    if kind not in MeetingKind.values:
        problems.add("kind", "请选择会议类型。")
    if not title.strip():
        problems.add("title", "请填写会议名称。")
    if held_on is None:
        problems.add("held_on", "请填写会议日期。")
    if convener is None or convener.ends_on is not None or convener.role == SeatRole.MEMBER:
        problems.add("convener", "请选择现任的总召集人、召集人或副召集人。")
    elif convener.role == SeatRole.DEPUTY and kind != MeetingKind.AD_HOC:
        problems.add("convener", "联席会议由总召集人或召集人召集；副召集人只召集一般性或临时性事项的临时会议。")
    problems.raise_any()
    meeting = Meeting.objects.create(number=next_number(Meeting, f"HY{held_on.year}-", 2), kind=kind, title=title.strip(), held_on=held_on,
                                     place=place.strip(), convener=convener, created_by=actor)
    meeting.invited.set(invited)
    audit.record(actor, "meeting.create", meeting, after={"title": meeting.title, "held_on": str(held_on),
                                                          "convener": convener.person},
                 summary=f"筹备会议 {meeting.number}：{meeting.title}（{convener.get_role_display()}{convener.person}召集）")
    return meeting


@transaction.atomic
def propose_topic(actor, meeting: Meeting, *, title: str, note: str = "") -> Topic:
    """A unit proposes a topic; the office gathers them for whoever convenes."""
    if not (actor.is_admin and actor.department_id):
        raise Forbidden("只有成员单位的管理员或联席会议办公室可以提出议题。")
    meeting = _meeting(meeting, MeetingStatus.PLANNED)
    if not title.strip():
        raise MeetingError("请填写议题。", errors={"title": "请填写议题。"})
    topic = Topic.objects.create(meeting=meeting, title=title.strip()[:200], note=note.strip(),
                                 proposed_by=actor.department)
    audit.record(actor, "meeting.topic", topic, after={"meeting": meeting.number, "title": topic.title},
                 summary=f"{actor.department.short_name}提出议题：{topic.title}", department=actor.department)
    if not actor.is_office:
        notices.tell_office(f"{actor.department.short_name}提出会议议题：{topic.title}", url="meeting:meeting",
                            args=[meeting.number])
    return topic


@transaction.atomic
def decide_topic(actor, topic: Topic, *, approve: bool, note: str = "") -> Topic:
    """The office records what whoever convenes decided on a topic (审定)."""
    _office_only(actor)
    _meeting(topic.meeting, MeetingStatus.PLANNED)
    topic = Topic.objects.select_for_update().select_related("meeting__convener").get(pk=topic.pk)
    convener = topic.meeting.convener
    topic.status = TopicStatus.APPROVED if approve else TopicStatus.DECLINED
    topic.decided_note = (note.strip() or f"经{convener.get_role_display()}{convener.person}审定")[:200]
    topic.save()
    audit.record(actor, "meeting.topic_decided", topic, after={"status": topic.status, "note": topic.decided_note},
                 summary=f"议题“{topic.title}”：{topic.get_status_display()}")
    return topic


@transaction.atomic
def record_held(actor, meeting: Meeting, attended) -> Meeting:
    """The meeting took place: the units that attended (members and invited)."""
    _office_only(actor)
    meeting = _meeting(meeting, MeetingStatus.PLANNED)
    if not meeting.topics.filter(status=TopicStatus.APPROVED).exists():
        text = "会议还没有审定列入的议题：请先由召集人审定议题。"
        raise MeetingError(text, errors={"attended": text})
    if not attended:
        raise MeetingError("请选择出席的单位。", errors={"attended": "请选择出席的单位。"})
    meeting.attended.set(attended)
    meeting.status = MeetingStatus.HELD
    meeting.save()
    audit.record(actor, "meeting.held", meeting, after={"attended": sorted(d.code for d in attended)},
                 summary=f"会议 {meeting.number} 已召开，出席单位 {len(attended)} 个")
    return meeting


def parse_decisions(text: str, today: dt.date) -> list[tuple[str, Department, dt.date]]:
    """议定事项, one a line: "责任单位，完成时限，事项" (the unit by its short or full name, the date as 2026-12-31);
    every wrong line named."""
    units = {}
    for d in Department.objects.all():
        units[d.short_name] = units[d.name] = units[d.code] = d
    out, problems = [], []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.replace(",", "，").split("，", 2)]
        if len(parts) < 3 or not parts[2]:
            problems.append(f"第 {n} 行应写成“责任单位，完成时限，事项”")
            continue
        unit = units.get(parts[0])
        try:
            due = dt.date.fromisoformat(parts[1])
        except ValueError:
            due = None
        if unit is None:
            problems.append(f"第 {n} 行：“{parts[0]}”不是成员单位的名称或简称")
        if due is None:
            problems.append(f"第 {n} 行：完成时限“{parts[1]}”应写成 2026-12-31")
        elif due < today:
            problems.append(f"第 {n} 行：完成时限 {due:%Y-%m-%d} 早于今天")
        if unit is not None and due is not None and due >= today:
            out.append((parts[2], unit, due))
    if problems:
        raise MeetingError("；".join(problems), errors={"decisions": "；".join(problems)})
    return out


@transaction.atomic
def issue_minutes(actor, meeting: Meeting, *, minutes: str, decisions: str, today: dt.date | None = None) -> Meeting:
    """会议纪要 issued to the member units and the invited ones, each to sign for; every 议定事项 becomes a
    follow-up the office tracks."""
    _office_only(actor)
    meeting = _meeting(meeting, MeetingStatus.HELD)
    today = today or timezone.localdate()
    if not minutes.strip():
        raise MeetingError("请填写会议纪要。", errors={"minutes": "请填写会议纪要。"})
    rows = parse_decisions(decisions, today)
    meeting.minutes, meeting.status, meeting.issued_at = minutes.strip(), MeetingStatus.ISSUED, timezone.now()
    meeting.save()
    units = {d.pk: d for d in [*Department.objects.members(), *meeting.invited.all()]}
    Receipt.objects.bulk_create(Receipt(meeting=meeting, department=d) for d in units.values())
    Decision.objects.bulk_create(Decision(meeting=meeting, text=text, owner=owner, due_on=due)
                                 for text, owner, due in rows)
    for unit in units.values():
        notices.tell(unit, f"请签收会议纪要：{meeting.number} {meeting.title}", url="meeting:meeting",
                     args=[meeting.number])
    audit.record(actor, "meeting.minutes", meeting, after={"receipts": len(units), "decisions": len(rows)},
                 summary=f"印发会议纪要 {meeting.number}（议定事项 {len(rows)} 项）")
    return meeting


@transaction.atomic
def sign(actor, meeting: Meeting) -> Receipt:
    """The unit signs for the minutes (签收), once."""
    receipt = Receipt.objects.select_for_update().filter(meeting=meeting, department=actor.department_id).first()
    if receipt is None or not actor.manages(receipt.department):
        raise Forbidden("只有收到纪要的成员单位的管理员可以签收。")
    if receipt.signed_at is not None:
        raise WrongState(f"本单位已于 {timezone.localtime(receipt.signed_at):%Y-%m-%d %H:%M} 签收。")
    receipt.signed_at, receipt.signed_by = timezone.now(), actor
    receipt.save()
    audit.record(actor, "meeting.sign", receipt, department=receipt.department,
                 summary=f"{receipt.department.short_name}签收会议纪要 {meeting.number}")
    return receipt


@transaction.atomic
def report_decision(actor, decision: Decision, *, progress: str, close: bool = False) -> Decision:
    """The owner unit (or the office) reports how a decision is carried out; closing it needs what was done."""
    decision = Decision.objects.select_for_update().select_related("owner").get(pk=decision.pk)
    if not actor.manages(decision.owner):
        raise Forbidden(f"只有责任单位（{decision.owner.name}）或联席会议办公室可以报告落实情况。")
    if decision.closed_at is not None:
        raise WrongState("该议定事项已办结。")
    if not progress.strip():
        raise MeetingError("请填写落实情况。", errors={"progress": "请填写落实情况。"})
    decision.progress = progress.strip()
    if close:
        decision.closed_at, decision.closed_by = timezone.now(), actor
    decision.save()
    audit.record(actor, "meeting.decision", decision, after={"progress": decision.progress, "closed": close},
                 department=decision.owner,
                 summary=f"议定事项“{decision.text[:20]}”：{'办结' if close else '报告落实情况'}")
    return decision
