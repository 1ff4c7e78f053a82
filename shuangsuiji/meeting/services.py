"""Changes to the joint meeting's composition, each in one transaction with its audit event. The office records
members (a successor takes the seat of the person who held the post, whose term ends the day before); a member
unit files its own liaison with the office, which is told. Nothing is overwritten: every term stays as history."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from shuangsuiji.common import audit
from shuangsuiji.common.errors import Forbidden, Refused, WrongState
from shuangsuiji.notices import services as notices

from .models import Liaison, Member, SeatRole


class MeetingError(Refused):
    """Wrong input for the joint meeting, in Chinese, by form field; nothing was changed."""


def _office_only(actor) -> None:
    if not actor.is_office:
        raise Forbidden("只有联席会议办公室可以登记联席会议成员的变更。")


def _checked(person: str, post: str, starts_on: dt.date | None, *, after: dt.date | None = None,
             post_label: str = "单位及职务", phone: str | None = None) -> None:
    errors: dict[str, str] = {}
    if not person.strip():
        errors["person"] = "请填写姓名。"
    if post_label and not post.strip():
        errors["post"] = f"请填写{post_label}。"
    if phone is not None and not phone.strip():
        errors["phone"] = "请填写联系电话。"
    if starts_on is None:
        errors["starts_on"] = "请填写起始日期。"
    elif after is not None and starts_on <= after:
        errors["starts_on"] = f"起始日期应晚于前任的起始日期 {after:%Y-%m-%d}。"
    if errors:
        raise MeetingError(next(iter(errors.values())) if len(errors) == 1 else
                           f"共 {len(errors)} 处需要修改：" + "；".join(errors.values()), errors=errors)


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
