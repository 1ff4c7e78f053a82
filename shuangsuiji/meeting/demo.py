"""Demo joint meeting: the members of annex 1, a liaison for every member unit (filed by the unit's administrator),
one liaison changed this year (the earlier one kept in the history) and one member succeeded in post."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from shuangsuiji.accounts.models import Department, User

from . import services
from .models import Member
from .reference import ANNEX_1, ANNEX_DATE

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林"
GIVEN = ("晓东", "丽华", "建国", "海燕", "志强", "秀英", "文静", "永刚", "春梅", "国庆", "红霞", "立新", "雪梅", "德明", "玉兰", "振华")


def ensure_meeting(say) -> None:
    if Member.objects.exists():
        return
    office = User.objects.get(username="office")
    units = {d.code: d for d in Department.objects.all()}
    for role, person, post, code in ANNEX_1:
        services.add_member(office, role=role, department=units.get(code), person=person, post=post,
                            starts_on=ANNEX_DATE, note="菏定政发〔2020〕6号附件1")
    today = timezone.localdate()
    for n, unit in enumerate(Department.objects.members()):
        admin = User.objects.filter(username=f"admin_{unit.code}").first() or office
        services.file_liaison(admin, unit, person=SURNAMES[n % len(SURNAMES)] + GIVEN[n % len(GIVEN)],
                              post="科员", phone=f"0530-65{n:02d}{n * 37 % 100:02d}", starts_on=ANNEX_DATE)
    wj = units["wjj"]
    services.file_liaison(User.objects.get(username="admin_wjj"), wj, person="郑雨桐", post="综合科科长",
                          phone="0530-6512345", starts_on=today - dt.timedelta(days=40), note="原联络员工作变动")
    seat = Member.objects.current().get(person="孙峰")
    services.replace_member(office, seat, person="刘明", post="区市场监督管理局副局长",
                            starts_on=dt.date(today.year, 3, 1), note="职务调整，继任者自然增补")
    say(f"联席会议：成员 {Member.objects.current().count()} 人（附件1），{Department.objects.members().count()} "
        "个成员单位的联络员；卫健联络员调整、市场监管成员继任各 1 次（保留历史）")
