"""Plans and tasks: every step checks who acts and from which state, and is audited.

Refusals raise ``PlanError`` (wrong input) or the common ``Forbidden``/``WrongState`` (who acts, from which
state) with a message in Chinese; a refused step leaves the database as it was (each service runs in one
transaction); the draw services' refusals pass through as they are. The draw itself is done by ``shuangsuiji.draws``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.dispatch import receiver
from django.utils import timezone

from shuangsuiji.accounts.models import Department
from shuangsuiji.common import audit
from shuangsuiji.common.errors import Forbidden, NotFound, Refused, WrongState
from shuangsuiji.common.errors import Problems as FieldProblems
from shuangsuiji.directory.models import Entity
from shuangsuiji.draws import services as draw_services
from shuangsuiji.draws.models import DrawStatus, TeamMember
from shuangsuiji.draws.scope import LIST_LAYERS, scope_queryset
from shuangsuiji.draws.signals import draw_revealed, draw_voided, team_changed
from shuangsuiji.items.models import InspectionItem, ItemClass
from shuangsuiji.notices import services as notices

from .models import (
    JOINT_KINDS,
    AnnualPlan,
    Consultation,
    ConsultationStatus,
    Method,
    PlanEntry,
    PlanStatus,
    PlanYear,
    TargetedReason,
    Task,
    TaskItem,
    TaskKind,
    TaskStatus,
    Visit,
)


class PlanError(Refused):
    """Wrong input for a plan or task, in Chinese; nothing was changed."""


# ---------------------------------------------------------------- annual plans

FIRST_YEAR, LAST_YEAR = 2020, 2100


def check_year(year: int) -> int:
    """Plans and tasks exist for 2020–2100; anything else is a typing error, said so in plain words."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise PlanError(f"年度应在 {FIRST_YEAR} 到 {LAST_YEAR} 之间，收到的是 {year}。")
    return year


def plan_year(year: int) -> PlanYear:
    """The year's filing rules; the deadline defaults to 31 January and the office may change it."""
    check_year(year)
    return PlanYear.objects.get_or_create(year=year, defaults={"filing_deadline": dt.date(year, 1, 31)})[0]


def _published_only(items) -> list[InspectionItem]:
    items = list(items)
    published = set(InspectionItem.objects.published().filter(pk__in=[i.pk for i in items]).values_list("pk", flat=True))
    missing = [i for i in items if i.pk not in published]
    if missing:
        names = "、".join(f"{i.code} {i.name[:20]}" for i in missing[:5])
        raise PlanError(f"只能引用已公布抽查事项清单中的事项，以下事项未公布或已被新版本替代：{names}")
    return items


def may_edit_plan(user, plan: AnnualPlan) -> bool:
    """The office edits the district's joint plan, a department its own (in whatever state allows it)."""
    return user.is_office if plan.department is None else user.can_act_for(plan.department)


def _may_edit_plan(actor, plan: AnnualPlan) -> None:
    if not may_edit_plan(actor, plan):
        raise Forbidden("区联合抽查计划由联席会议办公室编制。" if plan.department is None else "只能编辑本部门的年度计划。")


@transaction.atomic
def create_plan(actor, department: Department | None, year: int, title: str = "") -> AnnualPlan:
    """A department's (or, for the office, the district's joint) annual plan for a year, in draft."""
    check_year(year)
    plan = AnnualPlan(year=year, department=department, created_by=actor,
                      title=title.strip() or f"{department.name if department else '定陶区'}{year}年度双随机抽查工作计划")
    _may_edit_plan(actor, plan)
    if AnnualPlan.objects.filter(year=year, department=department).exists():
        raise WrongState(f"{plan.owner_name}已有{year}年度计划；如需变更，请对已公布的计划提出调整。")
    plan_year(year)
    plan.save()
    audit.record(actor, "plan.create", plan, after={"year": year, "title": plan.title})
    return plan


def checked_entry(actor, plan: AnnualPlan, *, title: str, kind: str, items, scope_text: str, ratio_text: str,
                   timing: str, lead_department: Department | None, partner_departments=()) -> dict:
    """A batch's fields checked (every problem at once, by field), for adding or changing it in a draft plan."""
    _may_edit_plan(actor, plan)
    if not plan.is_editable:
        raise WrongState(f"计划当前状态为“{plan.get_status_display()}”，不能修改。")
    problems = Problems()
    if kind not in TaskKind.values:
        problems.add("kind", "请选择抽查类型。")
    with problems.on("items"):
        items = _published_only(items)
    if not items:
        problems.add("items", "每个批次至少引用一项已公布的抽查事项。")
    if lead_department is None:
        problems.add("lead_department", "请选择发起部门。")
    partners = [d for d in partner_departments if lead_department is None or d.pk != lead_department.pk]
    if kind in JOINT_KINDS and not partners:
        problems.add("partner_departments", "联合抽查批次须有至少一个配合部门。")
    for field, label, value in (("title", "名称", title), ("scope_text", "抽查范围", scope_text),
                                ("ratio_text", "抽查比例或户数", ratio_text), ("timing", "实施时间", timing)):
        if not str(value).strip():
            problems.add(field, f"请填写批次的{label}。")
    problems.raise_any()
    return {"fields": {"title": title.strip(), "kind": kind, "scope_text": scope_text.strip(),
                       "ratio_text": ratio_text.strip(), "timing": timing.strip(), "lead_department": lead_department},
            "items": items, "partners": partners}


@transaction.atomic
def add_entry(actor, plan: AnnualPlan, **fields) -> PlanEntry:
    """Add a batch (抽查批次) to a draft plan: its kind, published items, scope, ratio, timing and departments."""
    plan = _locked_plan(plan)
    checked = checked_entry(actor, plan, **fields)
    entry = PlanEntry.objects.create(plan=plan, order=plan.entries.count() + 1, **checked["fields"])
    entry.items.set(checked["items"])
    entry.partner_departments.set(checked["partners"])
    audit.record(actor, "plan.entry.add", plan, after={"entry": entry.title,
                                                       "items": [i.code for i in checked["items"]]})
    return entry


def _entry_summary(entry: PlanEntry) -> dict:
    return {"title": entry.title, "kind": entry.kind, "scope": entry.scope_text, "ratio": entry.ratio_text,
            "timing": entry.timing, "lead": entry.lead_department.code,
            "items": sorted(entry.items.values_list("code", flat=True)),
            "partners": sorted(entry.partner_departments.values_list("code", flat=True))}


@transaction.atomic
def update_entry(actor, entry: PlanEntry, **fields) -> PlanEntry:
    """Change a batch of a draft (or returned) plan; the audit log keeps it before and after."""
    plan = _locked_plan(entry.plan)
    entry = PlanEntry.objects.select_related("lead_department").get(pk=entry.pk)
    checked = checked_entry(actor, plan, **fields)
    before = _entry_summary(entry)
    for name, value in checked["fields"].items():
        setattr(entry, name, value)
    entry.save()
    entry.items.set(checked["items"])
    entry.partner_departments.set(checked["partners"])
    audit.record(actor, "plan.entry.update", plan, before={"entry": before}, after={"entry": _entry_summary(entry)})
    return entry


@transaction.atomic
def remove_entry(actor, entry: PlanEntry) -> None:
    """Remove a batch from a draft plan."""
    plan = entry.plan
    _may_edit_plan(actor, plan)
    if not plan.is_editable:
        raise WrongState(f"计划当前状态为“{plan.get_status_display()}”，不能修改。")
    audit.record(actor, "plan.entry.remove", plan, before={"entry": entry.title})
    entry.delete()


def _locked_plan(plan: AnnualPlan) -> AnnualPlan:
    return AnnualPlan.objects.select_for_update(of=("self",)).select_related("department").get(pk=plan.pk)


@transaction.atomic
def file_plan(actor, plan: AnnualPlan, at: dt.datetime | None = None) -> AnnualPlan:
    """File with the joint-meeting office; after the year's deadline it is filed, and marked late. ``at`` (the
    demo's and tests' clock) is both the filing time recorded and the day lateness is judged by."""
    plan = _locked_plan(plan)
    _may_edit_plan(actor, plan)
    if not plan.is_editable:
        raise WrongState(f"计划当前状态为“{plan.get_status_display()}”，不能报备。")
    if not plan.entries.exists():
        raise WrongState("计划中还没有任何抽查批次，不能报备。")
    at = at or timezone.now()
    plan.status, plan.filed_at = PlanStatus.FILED, at
    plan.filed_late = timezone.localtime(at).date() > plan_year(plan.year).filing_deadline
    plan.save()
    audit.record(actor, "plan.file", plan, after={"late": plan.filed_late, "version": plan.version})
    if plan.department is not None:  # the district's joint plan is the office's own
        notices.tell_office(f"{plan.department.name}报备了 {plan.year} 年度抽查计划（第 {plan.version} 版）",
                            "逾期报备。" if plan.filed_late else "", url="plans:plan_detail", args=[plan.pk])
    return plan


@transaction.atomic
def return_plan(actor, plan: AnnualPlan, comment: str) -> AnnualPlan:
    """The office returns a filed plan to its department with a comment."""
    plan = _locked_plan(plan)
    if not actor.is_office:
        raise Forbidden("只有联席会议办公室可以退回计划。")
    if plan.status != PlanStatus.FILED:
        raise WrongState(f"计划当前状态为“{plan.get_status_display()}”，只能退回已报备的计划。")
    if not comment.strip():
        raise PlanError("退回计划须写明修改意见。")
    plan.status, plan.return_comment = PlanStatus.RETURNED, comment.strip()
    plan.save()
    audit.record(actor, "plan.return", plan, after={"comment": plan.return_comment})
    if plan.department is not None:
        notices.tell(plan.department, f"{plan.year} 年度抽查计划被联席会议办公室退回",
                     f"修改意见：{plan.return_comment}", url="plans:plan_detail", args=[plan.pk])
    return plan


@transaction.atomic
def publish_plan(actor, plan: AnnualPlan) -> AnnualPlan:
    """The office publishes a filed plan; a published adjustment supersedes the version before it."""
    plan = _locked_plan(plan)
    if not actor.is_office:
        raise Forbidden("只有联席会议办公室可以公布计划。")
    if plan.status != PlanStatus.FILED:
        raise WrongState(f"计划当前状态为“{plan.get_status_display()}”，只能公布已报备的计划。")
    plan.status, plan.published_at = PlanStatus.PUBLISHED, timezone.now()
    plan.save()
    if plan.previous_id:
        AnnualPlan.objects.filter(pk=plan.previous_id).update(status=PlanStatus.SUPERSEDED)
    audit.record(actor, "plan.publish", plan, after={"version": plan.version})
    return plan


@transaction.atomic
def adjust_plan(actor, plan: AnnualPlan, reason: str) -> AnnualPlan:
    """A new draft version copying the published one; the public keeps the old one until it is published."""
    plan = _locked_plan(plan)
    _may_edit_plan(actor, plan)
    if plan.status != PlanStatus.PUBLISHED:
        raise WrongState("只能对已公布的计划提出调整。")
    if AnnualPlan.objects.filter(previous=plan).exists():
        raise WrongState("此计划已有正在办理的调整版本。")
    if not reason.strip():
        raise PlanError("调整计划须写明理由。")
    new = AnnualPlan.objects.create(year=plan.year, department=plan.department, version=plan.version + 1,
                                    title=plan.title, adjustment_reason=reason.strip(), previous=plan,
                                    created_by=actor)
    for entry in plan.entries.all():
        items, partners = list(entry.items.all()), list(entry.partner_departments.all())
        entry.pk, entry.plan = None, new
        entry.save()
        entry.items.set(items)
        entry.partner_departments.set(partners)
    audit.record(actor, "plan.adjust", new, after={"from_version": plan.version, "reason": new.adjustment_reason})
    return new


def current_plans(year: int):
    """The versions the public sees: the latest published one per owner."""
    return (AnnualPlan.objects.filter(year=year, status=PlanStatus.PUBLISHED)
            .select_related("department").prefetch_related("entries__items", "entries__partner_departments",
                                                           "entries__lead_department"))


def filing_status(year: int, today: dt.date | None = None) -> list[dict]:
    """Per department: the latest version's state, filed on time, late, or missing (deadline passed)."""
    today = today or timezone.localdate()
    deadline = plan_year(year).filing_deadline
    latest: dict[int, AnnualPlan] = {}
    for plan in AnnualPlan.objects.filter(year=year, department__isnull=False).order_by("version"):
        latest[plan.department_id] = plan
    first_filed = dict(AnnualPlan.objects.filter(year=year, version=1, department__isnull=False)
                       .values_list("department_id", "filed_late"))
    rows = []
    for dept in Department.objects.filter(is_member=True).order_by("order"):
        plan = latest.get(dept.pk)
        if plan is None or plan.status in (PlanStatus.DRAFT, PlanStatus.RETURNED) and plan.version == 1:
            state = "missing" if today > deadline else "pending"
        elif first_filed.get(dept.pk):
            state = "late"
        else:
            state = "on_time"
        rows.append({"department": dept, "plan": plan, "state": state})
    return rows


FILING_LABELS = {"missing": "逾期未报备", "pending": "尚未报备", "late": "逾期报备", "on_time": "按时报备"}


# ---------------------------------------------------------------- tasks

TRANSITIONS = {
    "submit": ({TaskStatus.DRAFT}, TaskStatus.SUBMITTED, "提交审核"),
    "return": ({TaskStatus.SUBMITTED}, TaskStatus.DRAFT, "退回修改"),
    "approve": ({TaskStatus.SUBMITTED}, TaskStatus.APPROVED, "审核锁定"),
    "commit": ({TaskStatus.APPROVED}, TaskStatus.COMMITTED, "发布抽取承诺"),
    "reveal": ({TaskStatus.COMMITTED}, TaskStatus.DRAWN, "揭晓抽取结果"),
    "issue": ({TaskStatus.APPROVED}, TaskStatus.DRAWN, "确定检查对象"),
    "start": ({TaskStatus.DRAWN}, TaskStatus.IN_PROGRESS, "开始实施"),
    "complete": ({TaskStatus.IN_PROGRESS}, TaskStatus.RESULTS_COMPLETE, "确认结果录入完毕"),
    "publish": ({TaskStatus.RESULTS_COMPLETE}, TaskStatus.PUBLISHED, "公示结果"),
    "close": ({TaskStatus.PUBLISHED}, TaskStatus.CLOSED, "办结"),
}
# Steps only the lead department's administrator (or the office) may take.
ADMIN_STEPS = {"return", "approve", "commit", "reveal", "issue", "publish", "close"}


def _step(actor, task: Task, step: str) -> Task:
    task = Task.objects.select_for_update().select_related("department").get(pk=task.pk)
    sources, target, label = TRANSITIONS[step]
    if not actor.can_act_for(task.department):
        raise Forbidden(f"只有发起部门（{task.department.name}）可以{label}；配合部门只办理本部门承担的部分。")
    if step in ADMIN_STEPS and not actor.is_admin:
        raise Forbidden(f"只有发起部门的管理员可以{label}。")
    if step in ("commit", "reveal") and not task.is_random:
        raise WrongState("定向检查不经随机抽取，请直接确定检查对象。")
    if step == "issue" and task.is_random:
        raise WrongState("随机抽查任务的检查对象只能由随机抽取产生。")
    if task.status not in sources:
        allowed = "、".join(TaskStatus(s).label for s in sorted(sources))
        raise WrongState(f"任务 {task.number} 当前状态为“{task.get_status_display()}”，不能{label}"
                        f"（只能在“{allowed}”状态下{label}）。")
    return task


def _move(actor, task: Task, step: str, **extra) -> Task:
    before = task.status
    task.status = TRANSITIONS[step][1]
    task.save()
    audit.record(actor, f"task.{step}", task, before={"status": before}, after={"status": task.status, **extra})
    return task


def _next_task_number(department: Department, year: int) -> str:
    prefix = f"RW{year}-{department.code}-"
    last = (Task.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True).first())
    return f"{prefix}{int(last.rsplit('-', 1)[1]) + 1 if last else 1:04d}"


def _check_caps(items: list[InspectionItem], rules: dict, populations: dict[str, int] | None = None) -> None:
    """一般 items keep their ratio cap (重点 items are uncapped); counts are checked once the pool is known."""
    capped = [i for i in items if i.item_class == ItemClass.GENERAL and i.ratio_cap is not None]
    if not capped:
        return
    cap_item = min(capped, key=lambda i: i.ratio_cap)
    cap = Decimal(str(cap_item.ratio_cap))
    named = {"*": rules.get("default") or {}, **(rules.get("per_stratum") or {})}
    for stratum, rule in named.items():
        where = "默认规则" if stratum == "*" else f"第“{stratum}”层"
        if isinstance(rule, dict) and rule.get("ratio") is not None:
            try:
                percent = Decimal(str(rule["ratio"])) * 100
            except ArithmeticError:
                raise PlanError(f"{where}的抽取比例不是数字。") from None
            if percent > cap:
                raise PlanError(f"{where}抽取比例 {percent.normalize():f}% 超过一般事项“{cap_item.name[:30]}”"
                                f"的抽查比例上限 {cap.normalize():f}%。")
        count = rule.get("count") if isinstance(rule, dict) else rule
        if populations and count is not None:
            pops = populations.items() if stratum == "*" else [(stratum, populations.get(stratum, 0))]
            for name, population in pops:
                if population and Decimal(int(count)) * 100 / population > cap:
                    raise PlanError(f"第“{name}”层抽取 {count} 户（共 {population} 户）超过一般事项"
                                    f"“{cap_item.name[:30]}”的抽查比例上限 {cap.normalize():f}%。")


# The credit app registers here the per-class ratio ranges of its scheme in force (credit.apps), so plans need
# not import it: RISK_RATIOS["ranges"]() → {"A": (min %, max %, default %), ...} as Decimals, in class order;
# RISK_RATIOS["lists"]() → {"punished": …, "trusted": …} for the joint punishment and reward lists.
RISK_RATIOS: dict[str, Callable[[], dict[str, tuple[Decimal, Decimal, Decimal]]]] = {}


def class_ratio_ranges() -> dict[str, tuple[Decimal, Decimal, Decimal]]:
    return RISK_RATIOS["ranges"]() if "ranges" in RISK_RATIOS else {}


def list_ratio_ranges() -> dict[str, tuple[Decimal, Decimal, Decimal]]:
    return RISK_RATIOS["lists"]() if "lists" in RISK_RATIOS else {}


def _never_zero(rules: dict) -> None:
    """管理不免抽: no layer may be left out of the draw by a ratio or count of 0."""
    for stratum, rule in (rules.get("per_stratum") or {}).items():
        if isinstance(rule, dict) and (rule.get("ratio") is not None and Decimal(str(rule["ratio"])) <= 0
                                       or rule.get("count") is not None and int(rule["count"]) <= 0):
            raise PlanError(f"第“{stratum}”层的抽取比例或户数为 0：任何一类都不免于抽查（管理不免抽）。")


def _class_rules(rules: dict, problems: Problems) -> dict:
    """A 风险分类联查 draws each credit class at its own ratio, and the 失信联合惩戒对象 and 守信激励对象 each at theirs
    whatever their class, all within the scheme's ranges (A keeps a small random control sample); one without a
    ratio takes the scheme's default. 失信 ratio ≥ every class ratio ≥ 守信 ratio. Problems by form field."""
    per = dict(rules.get("per_stratum") or {})
    base = rules["default"] if isinstance(rules["default"], dict) else {}
    classes = class_ratio_ranges()
    percents: dict[str, Decimal] = {}
    for key, (low, high, default) in {**classes, **list_ratio_ranges()}.items():
        layer = LIST_LAYERS.get(key, key)
        name = layer if key in LIST_LAYERS else f"{key} 类"
        rule = per.get(layer)
        if rule is None:
            rule = {**base, "ratio": str(default / 100)}
            rule.pop("count", None)
        if not isinstance(rule, dict) or rule.get("ratio") is None:
            continue  # a fixed count for the layer: checked by parse_rule and _never_zero
        # At least one business of every layer that has any (A's small random control sample included).
        per[layer] = {**rule, "minimum": max(int(rule.get("minimum") or 0), 1)}
        percents[key] = percent = Decimal(str(rule["ratio"])) * 100
        if not low <= percent <= high:
            problems.add(f"ratio_{key}", f"{name}的抽取比例 {percent.normalize():f}% 不在分类方案规定的 "
                                         f"{low.normalize():f}%–{high.normalize():f}% 之间。")
    by_class = {k: v for k, v in percents.items() if k in classes}
    if by_class and "punished" in percents and "ratio_punished" not in problems.errors:
        top = max(by_class, key=by_class.get)
        if percents["punished"] < by_class[top]:
            problems.add("ratio_punished", f"失信联合惩戒对象的抽取比例 {percents['punished'].normalize():f}% 低于本任务 "
                                           f"{top} 类的 {by_class[top].normalize():f}%：失信联合惩戒对象应按更高比例抽取。")
    if by_class and "trusted" in percents and "ratio_trusted" not in problems.errors:
        low_class = min(by_class, key=by_class.get)
        if percents["trusted"] > by_class[low_class]:
            problems.add("ratio_trusted", f"守信激励对象的抽取比例 {percents['trusted'].normalize():f}% 高于本任务 "
                                          f"{low_class} 类的 {by_class[low_class].normalize():f}%：守信激励对象应按更低比例抽取。")
    return {**rules, "per_stratum": per}


def responsible(item: InspectionItem, lead: Department) -> Department:
    """Who checks an item on a visit: its department, or for a joint-list item its 发起部门."""
    return item.department or item.lead_department or lead


def checked_task(department: Department, *, kind: str, title: str, items, methods: dict | None = None,
                partners=(), scope: dict | None = None, strata_by: list[str] | None = None, rules: dict | None = None,
                yearly_cap: int | None = None, exclusion_days: int = 0, team_size: int = 2,
                targeted_reason: str = "", targeted_note: str = "", targets: list[str] | None = None,
                documents: str = "", plan_entry: PlanEntry | None = None, starts_on=None, ends_on=None,
                year: int | None = None) -> dict:
    """A task's fields checked: items from the published lists only, the partners from the items' departments.
    Every problem with the input is reported at once (``PlanError.errors`` by form field), not one per attempt."""
    problems = Problems()
    if kind not in TaskKind.values:
        problems.add("kind", "请选择任务类型。")
    if not title.strip():
        problems.add("title", "请填写任务名称。")
    with problems.on("items"):
        items = _published_only(items)
    if not items:
        problems.add("items", "请至少选择一项已公布的抽查事项。")
    methods = methods or {}
    bad = [m for m in methods.values() if m not in Method.values]
    if bad:
        problems.add("method", f"检查方式“{bad[0]}”不在 实地核查、书面检查、网络监测、委托专业机构 之中。")
    item_depts = {responsible(i, department).pk for i in items or ()}
    partner_ids = ({d.pk for d in partners} | item_depts) - {department.pk}
    if kind == TaskKind.INTERNAL and partner_ids:
        problems.add("items", "部门内部抽查只能引用本部门的抽查事项；涉及其他部门的事项请建联合抽查任务。")
    if kind in JOINT_KINDS and not partner_ids and items:
        problems.add("partners", "联合抽查须有配合部门：请选择其他部门的抽查事项或配合部门。")
    strata_by = list(strata_by or [])
    if kind == TaskKind.JOINT_RISK:  # by class, and the two joint lists in layers of their own
        strata_by = ["credit_class", "credit_list", *(s for s in strata_by if s not in ("credit_class", "credit_list"))]
    if kind != TaskKind.JOINT_RISK and "credit_class" in strata_by and kind != TaskKind.INTERNAL:
        problems.add("strata_by", "按信用风险分类分层的联合抽查请选择“风险分类联查”。")
    if team_size < 2:
        problems.add("team_size", "每个检查组至少 2 名执法人员（行政处罚法第四十二条）。")
    if yearly_cap is not None and yearly_cap < 1:
        problems.add("yearly_cap", "同一对象年度被抽查次数上限（yearly_cap）应为正整数，或留空表示不限。")
    if exclusion_days < 0:
        problems.add("exclusion_days", "近期已检查对象的排除天数（exclusion_days）不能为负。")
    target_ids: list[int] = []
    if kind == TaskKind.TARGETED:
        if targeted_reason not in TargetedReason.values:
            problems.add("targeted_reason", "定向检查须选择事由：" + "、".join(TargetedReason.labels) + "。")
        if not targeted_note.strip():
            problems.add("targeted_note", "定向检查须写明事由说明（如投诉编号、交办文号、监测线索）。")
        with problems.on("targets"):
            target_ids = _targets(targets or [])
        rules = {}
    else:
        rules = rules or {}
        with problems.on("ratio"):
            if not isinstance(rules, dict) or not isinstance(rules.get("per_stratum") or {}, dict):
                raise PlanError("抽取规则格式有误：rules 应为对象，rules.per_stratum 应为“层名: 规则”的对象。")
            if "default" not in rules:
                raise PlanError("请设置抽取比例或固定户数。")
            for rule in [rules["default"], *(rules.get("per_stratum") or {}).values()]:
                draw_services.parse_rule(rule)
            _never_zero(rules)
            if kind == TaskKind.JOINT_RISK:
                rules = _class_rules(rules, problems)
            _check_caps(items or [], rules)
        with problems.on("sublibrary"):
            scope_queryset(scope or {})
    if starts_on and ends_on and ends_on < starts_on:
        problems.add("ends_on", "结束日期早于开始日期。")
    with problems.on("starts_on"):
        year = check_year(year or (starts_on.year if starts_on else timezone.localdate().year))
    if plan_entry is not None and "starts_on" not in problems.errors:
        with problems.on("plan_entry"):
            _check_entry(plan_entry, department, year)
    problems.raise_any()
    fields = {"year": year, "title": title.strip(), "kind": kind, "plan_entry": plan_entry,
              "targeted_reason": targeted_reason if kind == TaskKind.TARGETED else "",
              "targeted_note": targeted_note.strip(), "scope": {"targets": target_ids} if target_ids else scope or {},
              "strata_by": strata_by, "rules": rules, "yearly_cap": yearly_cap, "exclusion_days": exclusion_days,
              "team_size": team_size, "documents": documents.strip(), "starts_on": starts_on, "ends_on": ends_on}
    return {"fields": fields, "items": items, "methods": methods, "partner_ids": partner_ids}


def _set_items_and_partners(task: Task, checked: dict) -> None:
    task.partners.set(Department.objects.filter(pk__in=checked["partner_ids"]))
    task.task_items.all().delete()
    TaskItem.objects.bulk_create(TaskItem(task=task, item=i, method=checked["methods"].get(i.pk, Method.ONSITE))
                                 for i in checked["items"])


def _task_summary(task: Task) -> dict:
    """What the audit log keeps of a task's definition, before and after a change."""
    return {"title": task.title, "kind": task.kind, "rules": task.rules, "scope": task.scope,
            "strata_by": task.strata_by, "team_size": task.team_size, "yearly_cap": task.yearly_cap,
            "exclusion_days": task.exclusion_days, "plan_entry": task.plan_entry_id,
            "starts_on": str(task.starts_on or ""), "ends_on": str(task.ends_on or ""),
            "items": sorted(f"{ti.item.code}:{ti.method}" for ti in task.task_items.select_related("item")),
            "partners": sorted(task.partners.values_list("code", flat=True))}


@transaction.atomic
def create_task(actor, department: Department, **fields) -> Task:
    """A task in draft (``checked_task`` names the fields)."""
    if not actor.manages(department):
        raise Forbidden("只有部门管理员可以为本部门创建抽查任务。")
    checked = checked_task(department, **fields)
    Department.objects.select_for_update().filter(pk=department.pk).first()  # one number at a time
    task = Task.objects.create(number=_next_task_number(department, checked["fields"]["year"]), department=department,
                               created_by=actor, **checked["fields"])
    _set_items_and_partners(task, checked)
    audit.record(actor, "task.create", task, after={"kind": task.kind, "items": [i.code for i in checked["items"]],
                                                    "partners": sorted(checked["partner_ids"])})
    return task


@transaction.atomic
def update_task(actor, task: Task, **fields) -> Task:
    """Change a draft task (new, or returned for changes) with the same checks as creating it; its number and
    year stay. Once submitted it is fixed until returned, and after approval for good."""
    task = Task.objects.select_for_update().select_related("department").get(pk=task.pk)
    if not actor.manages(task.department):
        raise Forbidden("只有本部门的管理员可以修改本部门的任务。")
    if task.status != TaskStatus.DRAFT:
        raise WrongState(f"任务当前状态为“{task.get_status_display()}”，只有草稿（含退回修改的）可以修改。")
    checked = checked_task(task.department, **{**fields, "year": task.year})
    before = _task_summary(task)
    for name, value in checked["fields"].items():
        setattr(task, name, value)
    task.save()
    _set_items_and_partners(task, checked)
    audit.record(actor, "task.update", task, before=before, after=_task_summary(task))
    return task


def entries_open_to(department: Department | None):
    """The batches of published plans (this year and next) a department may carry out as lead or partner."""
    if department is None:
        return PlanEntry.objects.none()
    year = timezone.localdate().year
    return (PlanEntry.objects.filter(plan__status=PlanStatus.PUBLISHED, plan__year__in=(year, year + 1))
            .filter(Q(lead_department=department) | Q(partner_departments=department)).distinct()
            .select_related("plan", "plan__department").order_by("plan__year", "plan__department__order", "order"))


class Problems(FieldProblems):
    error = PlanError


def _check_entry(entry: PlanEntry, department: Department, year: int) -> None:
    """A task carries out a batch of a published plan of its year, in which its department takes part."""
    plan = AnnualPlan.objects.get(pk=entry.plan_id)  # as it stands now, not as the caller loaded it
    if plan.status != PlanStatus.PUBLISHED:
        raise PlanError(f"计划“{plan.title}”尚未公布（{plan.get_status_display()}），任务只能对应已公布计划中的批次。")
    if plan.year != year:
        raise PlanError(f"批次“{entry.title}”属于 {plan.year} 年度计划，任务是 {year} 年度的：请选择本年度计划中的批次。")
    if entry.lead_department_id != department.pk and not entry.partner_departments.filter(pk=department.pk).exists():
        raise PlanError(f"{department.name}不是批次“{entry.title}”的发起或配合部门，不能以该批次立项。")


def _targets(usccs: list[str]) -> list[int]:
    codes = [u.strip().upper() for u in usccs if u.strip()]
    if not codes:
        raise PlanError("定向检查须列出检查对象的统一社会信用代码。")
    found = dict(Entity.objects.filter(uscc__in=codes).values_list("uscc", "pk"))
    missing = [c for c in codes if c not in found]
    if missing:
        raise PlanError(f"以下统一社会信用代码不在检查对象名录库中：{'、'.join(missing[:5])}")
    return [found[c] for c in dict.fromkeys(codes)]


@transaction.atomic
def submit(actor, task: Task) -> Task:
    """Submit a draft task for review (the four-eyes check is at approval)."""
    task = _step(actor, task, "submit")
    task.submitted_by = actor
    task = _move(actor, task, "submit")
    notices.tell(task.department, f"抽查任务待审核：{task.title}", f"{actor} 提交，请由本部门管理员审核锁定。",
                 url="plans:task_detail", args=[task.number])
    return task


def own_work(actor, task: Task) -> bool:
    """True when four eyes are required and ``actor`` created or submitted the task."""
    return settings.SSJ_FOUR_EYES and actor.pk in (task.created_by_id, task.submitted_by_id)


@transaction.atomic
def return_task(actor, task: Task, comment: str) -> Task:
    """Return a submitted task to its department with a comment."""
    if not comment.strip():
        raise PlanError("退回须写明修改意见。")
    task = _move(actor, _step(actor, task, "return"), "return", comment=comment.strip())
    notices.tell(task.department, f"抽查任务被退回修改：{task.title}", f"意见：{comment.strip()}",
                 url="plans:task_detail", args=[task.number])
    return task


@transaction.atomic
def approve(actor, task: Task) -> Task:
    """Lock the task: its items, scope and rules no longer change. Under four eyes a second person approves:
    another administrator of the department, or the office."""
    task = _step(actor, task, "approve")
    if own_work(actor, task):
        raise Forbidden("审核须由另一人完成：本任务由您创建或提交，请由本部门另一名管理员或联席会议办公室审核锁定。")
    task.approved_at, task.approved_by = timezone.now(), actor
    task = _move(actor, task, "approve", submitted_by=task.submitted_by_id)
    for partner in task.partners.all():
        Consultation.objects.get_or_create(task=task, department=partner)
        notices.tell(partner, f"联合抽查会商：请确认参加“{task.title}”",
                     f"{task.department.name}发起，本部门事项和检查组人数（{task.team_size} 人）已锁定，抽取前请确认或提出意见。",
                     url="plans:task_detail", args=[task.number])
    return task


# ---------------------------------------------------------------- 会商

CONSULT_ACTIONS = {"confirm": "确认参加", "object": "提出异议", "override": "决定不待确认"}


def unconfirmed(task: Task) -> list[Consultation]:
    """The partners of a joint task that have not confirmed (nor been decided for by the office)."""
    return [c for c in task.consultations.select_related("department") if not c.settled]


@transaction.atomic
def consult(actor, task: Task, department: Department, action: str, note: str = "") -> Consultation:
    """会商: a partner department's administrator confirms or objects; the office may decide, with a reason,
    that the draw goes ahead without a confirmation. Only while the task is approved and not yet drawn."""
    task = Task.objects.select_for_update().select_related("department").get(pk=task.pk)
    row = Consultation.objects.select_for_update().filter(task=task, department=department).first()
    if row is None:
        raise NotFound(f"{department.name}不是任务 {task.number} 的配合部门。")
    if action not in CONSULT_ACTIONS:
        raise PlanError("未知的会商操作。")
    if task.status != TaskStatus.APPROVED:
        raise WrongState(f"任务当前状态为“{task.get_status_display()}”：会商只在审核锁定后、抽取前进行。")
    note = " ".join(str(note or "").split())[:300]
    if action == "override":
        if not actor.is_office:
            raise Forbidden("只有联席会议办公室可以决定不待配合部门确认。")
        if not note:
            raise PlanError("请写明不待确认即抽取的理由（记入会商记录和审计日志）。")
        if row.settled:
            raise WrongState(f"{department.name}已{row.get_status_display()}，无需决定。")
        row.status = ConsultationStatus.OVERRIDDEN
    else:
        if actor.is_office or not (actor.is_admin and actor.department_id == department.pk):
            raise Forbidden(f"只有{department.name}的管理员可以{CONSULT_ACTIONS[action]}。")
        if action == "object" and not note:
            raise PlanError("提出异议时请写明意见，发起部门和联席会议办公室将收到通知。")
        row.status = ConsultationStatus.CONFIRMED if action == "confirm" else ConsultationStatus.OBJECTED
    row.note, row.decided_by, row.decided_at = note, actor, timezone.now()
    row.save()
    audit.record(actor, f"task.consult_{action}", task, department=department,
                 after={"department": department.code, "status": row.status, "note": note})
    word = {"confirm": "确认参加", "object": "提出异议", "override": "由联席会议办公室决定不待确认"}[action]
    notices.tell(task.department, f"会商：{department.name}{word}“{task.title}”", note, url="plans:task_detail",
                 args=[task.number])
    if action == "object":
        notices.tell_office(f"会商异议：{department.name}对“{task.title}”提出异议", note, url="plans:task_detail",
                            args=[task.number])
    return row


def exclusions_for(task: Task, now: dt.datetime | None = None) -> list[dict]:
    """Pool entities the task must leave out: already visited for the same items within the window (by any
    department: 结果互认), or at the yearly cap of visits. Each with its reason; all of it goes into the manifest."""
    now = now or timezone.now()
    pool = scope_queryset(task.scope)
    reasons: dict[str, str] = {}
    codes = list(task.task_items.values_list("item__code", flat=True))
    if task.exclusion_days:
        since = now - dt.timedelta(days=task.exclusion_days)
        recent = (Visit.objects.filter(void=False, created_at__gte=since, task__task_items__item__code__in=codes)
                  .exclude(task=task).values("entity"))
        for uscc in pool.filter(pk__in=recent).values_list("uscc", flat=True):
            reasons[uscc] = f"{task.exclusion_days} 天内已就相同事项接受检查（结果互认）"
    if task.yearly_cap:
        busy = (Visit.objects.filter(void=False, task__year=task.year).exclude(task=task).values("entity")
                .annotate(n=Count("id")).filter(n__gte=task.yearly_cap).values("entity"))
        for uscc in pool.filter(pk__in=busy).values_list("uscc", flat=True):
            reasons.setdefault(uscc, f"本年度已被抽查 {task.yearly_cap} 次，达到上限")
    return [{"uscc": u, "reason": r} for u, r in sorted(reasons.items())]


def _describe(task: Task) -> str:
    lines = [f"任务 {task.number}（{task.get_kind_display()}），发起部门：{task.department.name}"]
    partners = "、".join(task.partners.order_by("order").values_list("name", flat=True))
    if partners:
        lines.append(f"配合部门：{partners}")
    if task.yearly_cap:
        lines.append(f"同一对象年度被抽查次数上限：{task.yearly_cap} 次")
    if task.exclusion_days:
        lines.append(f"互认排除期：{task.exclusion_days} 天内已就相同事项接受检查的对象不再抽取")
    return "\n".join(lines)


@transaction.atomic
def commit(actor, task: Task, sources: list[dict], now: dt.datetime | None = None) -> Task:
    """Prepare and commit the task's draw in one step; a refusal leaves neither task nor draw changed."""
    task = _step(actor, task, "commit")
    waiting = unconfirmed(task)
    if waiting:
        names = "、".join(f"{c.department.name}（{c.get_status_display()}）" for c in waiting)
        raise WrongState(f"联合抽查须经会商：{names}尚未确认参加。请等待其确认，或由联席会议办公室记录理由后决定不待确认。")
    items = [ti.item for ti in task.task_items.select_related("item", "item__department")]
    replaces = task.draw if task.draw_id and task.draw.status == DrawStatus.VOID else None
    draw = draw_services.prepare(
        actor, task.department, title=task.title, purpose=_describe(task), items=items, scope=task.scope,
        strata_by=task.strata_by, rules=task.rules, exclusions=exclusions_for(task, now),
        matching_params={"team_size": task.team_size}, replaces=replaces,
    )
    if _needs_populations(items, task.rules):
        _check_caps(items, task.rules, _populations(draw))
    draw = draw_services.commit(actor, draw, sources, now=now, task_ends_on=task.ends_on)
    task.draw = draw
    return _move(actor, task, "commit", draw=draw.number)


def _needs_populations(items, rules: dict) -> bool:
    """Only a fixed count on a capped 一般 item needs the strata sizes (one extra pass over the pool)."""
    named = [rules.get("default"), *(rules.get("per_stratum") or {}).values()]
    has_count = any(isinstance(r, int) or isinstance(r, dict) and r.get("count") is not None for r in named)
    return has_count and any(i.item_class == ItemClass.GENERAL and i.ratio_cap is not None for i in items)


def _populations(draw) -> dict[str, int]:
    rows, _problems = draw_services.preview(draw)
    return {row["internal"]: int(row["population"]) for row in rows}


@transaction.atomic
def reveal(actor, task: Task, revealed: list) -> Task:
    """Reveal the draw (final); ``on_draw_revealed`` then issues the visits, whichever page revealed it."""
    task = _step(actor, task, "reveal")
    draw_services.reveal(actor, task.draw, revealed)
    return Task.objects.select_related("draw").get(pk=task.pk)


@receiver(draw_revealed)
def on_draw_revealed(sender, draw, actor, **kwargs) -> None:
    """One visit per drawn business, with every department's items, as part of the reveal's transaction."""
    task = Task.objects.select_for_update().filter(draw=draw, status=TaskStatus.COMMITTED).first()
    if task is None:
        return
    count = issue_visits(task, list(draw.drawn.values_list("entity_id", flat=True)), draw=draw)
    _move(actor, task, "reveal", visits=count, seed=draw.seed)


@receiver(draw_voided)
def on_draw_voided(sender, draw, actor, **kwargs) -> None:
    """A voided draw takes its task back to approved; its visits stay on record, marked void."""
    task = Task.objects.select_for_update().filter(draw=draw).first()
    if task is None:
        return
    if task.status not in (TaskStatus.COMMITTED, TaskStatus.DRAWN):
        raise WrongState(f"任务 {task.number} 已{task.get_status_display()}，不能再作废其抽取。")
    voided = Visit.objects.filter(task=task, draw=draw, void=False).update(void=True)
    before = task.status
    task.status = TaskStatus.APPROVED
    task.save()
    audit.record(actor, "task.draw_void", task, before={"status": before},
                 after={"status": task.status, "draw": draw.number, "visits_void": voided})


@transaction.atomic
def issue_targeted(actor, task: Task) -> Task:
    """Issue the visits of a targeted (non-random) task to its listed businesses."""
    task = _step(actor, task, "issue")
    count = issue_visits(task, task.scope.get("targets", []))
    return _move(actor, task, "issue", visits=count)


@receiver(team_changed)
def on_team_changed(sender, draw, entity, department, **kwargs) -> None:
    """After a recusal the visit sheet lists the current team: pages, PDF and Excel read the sheet."""
    team = [{"name": m.inspector.name, "cert_no": m.inspector.cert_no}
            for m in TeamMember.objects.filter(draw=draw, entity=entity, department=department, active=True)
            .select_related("inspector").order_by("id")]
    for visit in Visit.objects.select_for_update().filter(draw=draw, entity=entity, void=False):
        visit.sheet = [{**part, "team": team} if part["code"] == department.code else part for part in visit.sheet]
        visit.save(update_fields=["sheet"])


def issue_visits(task: Task, entity_ids: list[int], draw=None) -> int:
    """One visit per business: the sheet lists every department's items (with legal bases) and its team."""
    parts: dict[int, dict] = {}
    for ti in task.task_items.select_related("item", "item__department", "item__lead_department").order_by(
            "item__code"):
        dept = responsible(ti.item, task.department)
        part = parts.setdefault(dept.pk, {"department": dept.name, "code": dept.code, "items": []})
        part["items"].append({"code": ti.item.code, "name": ti.item.name, "basis": ti.item.basis,
                              "method": ti.get_method_display(), "category": ti.item.category})
    teams: dict[tuple[int, int], list[dict]] = defaultdict(list)
    if draw is not None:
        for m in (TeamMember.objects.filter(draw=draw, active=True).select_related("inspector")
                  .order_by("id")):
            teams[(m.entity_id, m.department_id)].append({"name": m.inspector.name, "cert_no": m.inspector.cert_no})
    orders = dict(Department.objects.filter(pk__in=parts).values_list("pk", "order"))
    ordered = sorted(parts.items(), key=lambda kv: (kv[0] != task.department_id, orders.get(kv[0], 0)))
    visits = []
    start = Visit.objects.filter(task=task).count()
    for n, entity_id in enumerate(sorted(entity_ids), start=start + 1):
        sheet = [{**part, "team": teams.get((entity_id, dept_id), [])} for dept_id, part in ordered]
        visits.append(Visit(task=task, entity_id=entity_id, number=f"{task.number}-{n:05d}", sheet=sheet, draw=draw))
    Visit.objects.bulk_create(visits, batch_size=2000)
    return len(visits)


@transaction.atomic
def advance(actor, task: Task, step: str) -> Task:
    """The steps after the draw: start, complete, publish, close."""
    if step not in ("start", "complete", "publish", "close"):
        raise PlanError("未知的操作。")
    task = _step(actor, task, step)
    if step == "complete":
        for check in COMPLETION_CHECKS:
            if problem := check(task):
                raise WrongState(problem)
    if step == "publish" and task.draw_id:
        # The inspections are over and their results public: so are the draw (if the department had held
        # it until now), its teams (pseudonymous) and its recusals.
        if task.draw.status == DrawStatus.REVEALED:
            draw_services.publish(actor, task.draw)
        draw_services.publish_teams(actor, task.draw)
    return _move(actor, task, step)


# Apps that own a task's results register here what must hold before "complete" (a wording for the
# user when it does not), so plans need not import them: results.apps adds "every part approved".
COMPLETION_CHECKS: list[Callable[[Task], str | None]] = []


# ---------------------------------------------------------------- views over a year

def overlaps(year: int, limit: int = 50) -> list[dict]:
    """Businesses visited in the same year by several departments' separate tasks: candidates to merge."""
    rows = (Visit.objects.filter(void=False, task__year=year).values("entity").annotate(depts=Count("task__department", distinct=True))
            .filter(depts__gt=1))
    entity_ids = [r["entity"] for r in rows[:limit]]
    pairs: dict[tuple[str, ...], int] = defaultdict(int)
    by_entity: dict[int, set[str]] = defaultdict(set)
    for entity_id, dept in Visit.objects.filter(void=False, task__year=year, entity_id__in=entity_ids).values_list(
            "entity_id", "task__department__name"):
        by_entity[entity_id].add(dept)
    for names in by_entity.values():
        pairs[tuple(sorted(names))] += 1
    return [{"departments": list(k), "businesses": v} for k, v in sorted(pairs.items(), key=lambda kv: -kv[1])]


# How far the inspections have got is the results app's knowledge, and results sits above plans: it registers
# here (results.apps) how a year's coverage and a plan entry's progress are counted, so the plan pages can
# show them: PROGRESS["coverage"](year) and PROGRESS["entries"](entry_ids).
PROGRESS: dict[str, Callable] = {}


def coverage(year: int) -> dict:
    """Share of the drawable directory inspected this year, per department (lead or partner) and per item:
    ``{"total", "departments": [{name, drawn, n, share}], "items": [{code, name, n, share}]}``, share in %."""
    return PROGRESS["coverage"](year)


def entry_progress(entry_ids: list[int]) -> dict[int, dict]:
    """Per plan entry: ``{"tasks": [...], "visits": businesses to visit, "done": visits with every result approved}``."""
    return PROGRESS["entries"](entry_ids)
