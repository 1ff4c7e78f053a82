"""Demo joint meeting: the members of annex 1, a liaison for every member unit (filed by the unit's administrator),
one liaison changed this year (the earlier one kept in the history) and one member succeeded in post."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from shuangsuiji.accounts.models import Department, User

from . import reports, services
from .models import Meeting, Member, Receipt, WorkReport
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


def ensure_meetings(say) -> None:
    """The year's first meeting held in spring, its minutes issued and signed by all but one unit, two decisions
    (one done, one open); the second meeting being prepared, with topics proposed by units."""
    if Meeting.objects.exists() or not Member.objects.exists():
        return
    today = timezone.localdate()
    office = User.objects.get(username="office")
    general = Member.objects.current().get(role="general")
    convener = Member.objects.current().get(role="convener")
    first = services.create_meeting(office, kind="regular", title=f"{today.year}年第一次联席会议",
                                    held_on=dt.date(today.year, 4, 15), convener=general, place="区政府第三会议室")
    topics = [("scjgj", "本年度部门联合抽查计划和联合抽查事项清单"), ("wjj", "公共场所卫生纳入风险分类联查"),
              ("gafj", "宾馆、旅店联合检查的分工")]
    for code, title in topics:
        topic = services.propose_topic(User.objects.get(username=f"admin_{code}"), first, title=title)
        services.decide_topic(office, topic, approve=True)
    services.record_held(office, first, list(Department.objects.members()))
    services.issue_minutes(office, first, today=dt.date(today.year, 4, 15), minutes=(
        "会议听取了区市场监管局关于本年度“双随机、一公开”监管工作的汇报，审议通过部门联合抽查计划，"
        "研究了公共场所卫生和宾馆、旅店联合检查的分工。会议要求各成员单位按计划完成抽查任务，"
        "抽查结果在 20 个工作日内公示。"),
        decisions=f"卫健，{today.year}-06-30，制定公共场所卫生风险分类联查方案\n"
                  f"公安，{today.year}-05-31，会同卫健明确宾馆、旅店联合检查分工")
    Meeting.objects.filter(pk=first.pk).update(issued_at=timezone.make_aware(dt.datetime(today.year, 4, 18, 9)))
    for unit in Department.objects.members().exclude(code="tjj"):  # 统计局 has not signed yet
        services.sign(User.objects.get(username=f"admin_{unit.code}"), first)
    Receipt.objects.filter(meeting=first, signed_at__isnull=False).update(
        signed_at=timezone.make_aware(dt.datetime(today.year, 4, 20, 10)))
    done = first.decisions.get(owner__code="gafj")
    services.report_decision(User.objects.get(username="admin_gafj"), done,
                             progress="已与卫健局会商，公安负责治安和许可，卫健负责卫生状况。", close=True)
    second = services.create_meeting(office, kind="regular", title=f"{today.year}年第二次联席会议",
                                     held_on=today + dt.timedelta(days=14), convener=convener)
    services.propose_topic(User.objects.get(username="admin_scjgj"), second, title="下半年工作情况和年度总结",
                           note="各成员单位 12 月报送的工作情况汇总。")
    say(f"联席会议会议：{first.number} 已召开并印发纪要（统计局未签收；1 项议定事项已逾期未办结），{second.number} 筹备中")


def ensure_reports(say) -> None:
    """The June reports of every member unit but 统计局 (late), sent in June; this December's from a few units."""
    if WorkReport.objects.exists():
        return
    today = timezone.localdate()
    year = today.year if today.month > 6 else today.year - 1
    for unit in Department.objects.members().exclude(code="tjj"):
        admin = User.objects.get(username=f"admin_{unit.code}")
        report = reports.submit(admin, unit, year, 1, f"{unit.short_name}上半年按年度计划开展“双随机、一公开”抽查，"
                                                       "抽查结果按时公示；下半年继续推进部门联合抽查。")
        WorkReport.objects.filter(pk=report.pk).update(
            submitted_at=timezone.make_aware(dt.datetime(year, 6, 20 + report.department.order % 8, 9)))
    if today.month == 12:
        for code in ("scjgj", "wjj"):
            unit = Department.objects.get(code=code)
            reports.submit(User.objects.get(username=f"admin_{code}"), unit, today.year, 2,
                           f"{unit.short_name}下半年完成各项抽查任务，专项整治联查已实施。")
    reports.remind(today)
    say(f"工作情况报送：{year} 年上半年 {WorkReport.objects.filter(year=year, half=1).count()} 个单位已报送（统计局逾期未报送）")
