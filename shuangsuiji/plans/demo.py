"""Demo plans and a joint task for 菏泽市定陶区: two departments' plans filed and published, the district
joint plan, and a 风险分类联查 from joint-list items drawn, matched and with its visit sheets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

from shuangsuiji.accounts.models import Department, User
from shuangsuiji.common import audit
from shuangsuiji.directory.models import Entity, EntityStatus
from shuangsuiji.draws.demo import before_round, demo_round, drand
from shuangsuiji.draws.models import TeamMember
from shuangsuiji.inspectors.models import Conflict, DutyStatus, Inspector, InspectorKind, Qualification
from shuangsuiji.items.models import InspectionItem, ListKind

from . import services
from .models import AnnualPlan, Task

JOINT_NAMES = ("学校食堂食品安全情况的检查", "学校卫生情况的检查")


def _joint_items() -> list[InspectionItem]:
    published = InspectionItem.objects.published().filter(item_list__kind=ListKind.JOINT)
    return [i for name in JOINT_NAMES if (i := published.filter(name=name, lead_department__isnull=False).first())]


def qualify(items: list[InspectionItem]) -> None:
    """The office designates thirty officers of each lead department for the joint items' domains."""
    for item in items:
        officers = Inspector.objects.filter(department=item.lead_department, kind=InspectorKind.OFFICER, status=DutyStatus.ON_DUTY)
        for inspector in officers.order_by("id")[:30]:
            Qualification.objects.get_or_create(inspector=inspector, domain=item.category)


def confirm_partners(task: Task) -> None:
    """会商: each partner department's demo administrator confirms the approved joint task."""
    for row in task.consultations.select_related("department"):
        admin = User.objects.get(username=f"admin_{row.department.code}")
        services.consult(admin, task, row.department, "confirm", "同意参加，事项和检查组人数无异议（演示）")


def _plan(admin, department, year: int, entries: list[dict], publish: bool, office) -> AnnualPlan:
    plan = services.create_plan(admin, department, year)
    for entry in entries:
        services.add_entry(admin, plan, **entry)
    services.file_plan(admin, plan, at=timezone.make_aware(dt.datetime(year, 1, 20, 10)))
    if publish:
        services.publish_plan(office, plan)
    return plan


def _demo_accounts_on_first_visit(task: Task) -> list[str]:
    """Sign each demo inspector account in as the officer the matching put on the first visit's team of
    its department, so that inspector_scjgj and inspector_wjj find a visit to work on. The matching
    record is untouched (same officers, same teams); only which login stands for which officer moves,
    and the account's declared conflicts go with it (none is with a business that officer was matched to)."""
    visit = task.visits.filter(void=False).order_by("number").first()
    if visit is None:
        return []
    lines = []
    for user in User.objects.filter(username__startswith="inspector_", department__isnull=False).order_by("username"):
        member = (TeamMember.objects.filter(draw=visit.draw, entity=visit.entity, department=user.department, active=True)
                  .select_related("inspector").order_by("id").first())
        if member is None or member.inspector.user_id == user.pk:
            continue
        officer = member.inspector
        matched = set(TeamMember.objects.filter(inspector=officer).values_list("entity_id", flat=True))
        move_login(user, officer, matched)
        audit.record(None, "demo.seed", officer, summary=f"演示数据：{user.username} 关联检查单 {visit.number} 的检查人员")
        lines.append(f"{user.username} → {officer.name}（{officer.cert_no}），检查单 {visit.number}")
    return lines


def move_login(user: User, officer: Inspector, matched: set[int]) -> None:
    """Make ``user`` the login of ``officer``. Its declared conflicts follow, except those with a business
    the officer was matched to (that would make the matching look wrong); if none could follow, the
    officer declares one with a business it was not matched to, so the account still shows a conflict."""
    old = Inspector.objects.filter(user=user).first()
    if old is not None:
        Conflict.objects.filter(inspector=old).exclude(entity_id__in=matched).update(inspector=officer)
        old.user = None
        old.save(update_fields=["user", "updated_at"])
    officer.user = user
    officer.save(update_fields=["user", "updated_at"])
    if old is not None and not Conflict.objects.filter(inspector=officer).exists():
        entity = Entity.objects.filter(status=EntityStatus.ACTIVE).exclude(pk__in=matched).order_by("id").first()
        if entity is not None:
            Conflict.objects.create(inspector=officer, entity=entity, relation="近亲属在该主体任职", reason="本人申报",
                                    valid_from=timezone.localdate() - dt.timedelta(days=90))


def ensure_demo_plans(say: Callable[[str], None]) -> None:
    if AnnualPlan.objects.exists():
        return
    year = timezone.localdate().year
    office = User.objects.get(username="office")
    scjg, wj = Department.objects.get(code="scjgj"), Department.objects.get(code="wjj")
    admin_scjg, admin_wj = User.objects.get(username="admin_scjgj"), User.objects.get(username="admin_wjj")
    items = _joint_items()
    own = {d.code: InspectionItem.objects.published().filter(department=d).order_by("code").first() for d in (scjg, wj)}
    if len(items) < 2 or not all(own.values()):
        say("演示计划：缺少已公布的联合抽查事项，跳过。")
        return
    try:
        _plan(admin_scjg, scjg, year, [dict(title="市场主体年度双随机抽查", kind="internal", items=[own["scjgj"]],
                                            scope_text="全区存续市场主体", ratio_text="按信用风险分类 1%–5%",
                                            timing="二、三季度", lead_department=scjg)], True, office)
        _plan(admin_wj, wj, year, [dict(title="公共场所卫生监督抽查", kind="internal", items=[own["wjj"]],
                                        scope_text="全区公共场所经营者", ratio_text="3%", timing="三季度",
                                        lead_department=wj)], True, office)
        _plan(office, None, year, [dict(title="学校食堂与学校卫生风险分类联查", kind="joint_risk", items=items,
                                        scope_text="全区市场主体", ratio_text="按信用风险分类 0.3%", timing="四季度",
                                        lead_department=scjg, partner_departments=[wj])], True, office)
        say(f"演示计划：{year} 年度市场监管、卫健部门计划和区联合抽查计划已报备并公布；其他部门待报备。")
        qualify(items)
        task = services.create_task(
            admin_scjg, scjg, kind="joint_risk", title=f"{year}年度学校食堂与学校卫生风险分类联查（演示）",
            items=items, rules={"default": {"ratio": "0.003", "minimum": 1}}, exclusion_days=180, yearly_cap=3,
            documents="营业执照\n食品经营许可证\n从业人员健康证明\n卫生管理制度", year=year,
            starts_on=dt.date(year, 10, 1), ends_on=dt.date(year, 12, 31),
            plan_entry=AnnualPlan.objects.get(year=year, department__isnull=True).entries.first(),
        )
        services.submit(admin_scjg, task)
        services.approve(office, task)  # four eyes: the office approves what the department created
        confirm_partners(task)
        services.commit(admin_scjg, task, [drand(5928395)], now=before_round(5928395))
        task = services.reveal(admin_scjg, Task.objects.get(pk=task.pk), [demo_round(5928395)])
        say(f"演示联合任务 {task.number}：已抽取并匹配，生成 {task.visits.count()} 张检查单（每户一张，含两个部门的事项）。")
        for line in _demo_accounts_on_first_visit(task):
            say(f"演示执法账号：{line}")
    except services.PlanError as exc:
        say(f"演示计划未能完成：{exc}")
