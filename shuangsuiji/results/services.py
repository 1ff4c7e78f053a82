"""What happens after the draw: each department's team enters its part of the visit, the department
reviews and publishes it, problem results get a follow-up with an owner and a due date.

Every change writes one row of the whole-process record (ProcessStep) and one audit event.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from shuangsuiji.accounts.models import Department, Role
from shuangsuiji.common import audit
from shuangsuiji.common.errors import Forbidden, Refused, WrongState
from shuangsuiji.common.workdays import due_date, working_days_between
from shuangsuiji.draws.models import TeamMember
from shuangsuiji.items.models import InspectionItem
from shuangsuiji.notices import services as notices
from shuangsuiji.plans.models import Method, Task, TaskItem, TaskStatus, Visit
from shuangsuiji.plans.services import responsible

from . import public
from .models import (
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    ItemResult,
    MinorViolation,
    PartStatus,
    ProcessStep,
    Publication,
    ResultCode,
    VisitPart,
)
from .signals import publication_changed

UNLICENSED_CASE = "无证无照经营"


def followup_due(kind: str, today: dt.date) -> dt.date:
    """The default due date of a follow-up: its kind's time limit in working days (``followup_<kind>``)."""
    return today if kind == FollowUpKind.NONE else due_date(f"followup_{kind}", today)


class ResultError(Refused):
    """Wrong input for a result or follow-up, worded for the user (who acts and from which state are refused
    with the common ``Forbidden`` and ``WrongState``)."""


def step(visit, part, actor, name: str, detail: str = "") -> None:
    """Append one step to the visit's whole-process record (全过程记录)."""
    ProcessStep.objects.create(visit=visit, part=part, step=name, actor=actor, detail=detail[:300])


# ---------------------------------------------------------------- parts and who may act

def ensure_parts(visit: Visit) -> list[VisitPart]:
    """One part per department on the sheet (in the sheet's order), each with one result row per item."""
    codes = [p["code"] for p in visit.sheet]
    parts = {p.department.code: p for p in visit.parts.select_related("department")}
    if len(parts) < len(codes):
        task = visit.task
        by_dept: dict[int, list[int]] = defaultdict(list)
        for ti in task.task_items.select_related("item", "item__department", "item__lead_department"):
            by_dept[responsible(ti.item, task.department).pk].append(ti.item_id)
        with transaction.atomic():
            for dept in Department.objects.filter(code__in=set(codes) - set(parts)):
                part, _ = VisitPart.objects.get_or_create(visit=visit, department=dept)
                ItemResult.objects.bulk_create([ItemResult(part=part, item_id=i) for i in sorted(by_dept[dept.pk])],
                                               ignore_conflicts=True)
                parts[dept.code] = part
    return [parts[c] for c in codes if c in parts]


def is_assigned(user, part: VisitPart) -> bool:
    """谁检查、谁录入: only an inspector on this department's team for this visit enters its results."""
    if not user.is_authenticated or user.effective_role != Role.INSPECTOR:
        return False
    visit = part.visit
    if visit.draw_id is None:  # a targeted check: the department designates its own inspectors
        return user.department_id == part.department_id and hasattr(user, "inspector")
    return TeamMember.objects.filter(draw_id=visit.draw_id, entity_id=visit.entity_id, department_id=part.department_id,
                                     inspector__user=user, active=True).exists()


def visits_visible_to(user):
    """Office and leaders see every visit; a department sees visits it takes part in or owns a follow-up of."""
    qs = Visit.objects.filter(void=False).select_related("task", "entity", "task__department")
    if user.sees_all_departments:
        return qs
    dept = user.department_id
    return qs.filter(Q(task__department_id=dept) | Q(task__partners=dept)
                     | Q(parts__results__followups__owner_id=dept)).distinct()


def my_visits(user):
    """The visits the user's inspector record is on a team for (active members only)."""
    members = TeamMember.objects.filter(inspector__user=user, active=True, draw_id=OuterRef("draw_id"),
                                        entity_id=OuterRef("entity_id"))
    return (Visit.objects.filter(void=False, draw__isnull=False).filter(Exists(members))
            .select_related("task", "entity").order_by("task__ends_on", "number"))


def my_visit_groups(user, today: dt.date) -> dict[str, list]:
    """The inspector's visits as (visit, own department's part) by overdue / under way / upcoming / done."""
    groups: dict[str, list] = {"overdue": [], "today": [], "upcoming": [], "done": []}
    mine = list(my_visits(user)[:300])
    parts = {p.visit_id: p for p in VisitPart.objects.filter(visit__in=mine, department_id=user.department_id)}
    for visit in mine:
        part, task = parts.get(visit.pk), visit.task
        if part is not None and not part.editable:
            groups["done"].append((visit, part))
        elif task.ends_on and task.ends_on < today:
            groups["overdue"].append((visit, part))
        elif task.starts_on and task.starts_on > today:
            groups["upcoming"].append((visit, part))
        else:
            groups["today"].append((visit, part))
    return groups


def may_review(user, part: VisitPart) -> bool:
    """Whether the user reviews this part: an administrator of the part's department, or the office."""
    return user.manages(part.department)


def record_opened(user, part: VisitPart) -> None:
    """Record, once per user, that the user opened the part."""
    if not ProcessStep.objects.filter(part=part, step="opened", actor=user).exists():
        step(part.visit, part, user, "opened")


# ---------------------------------------------------------------- entering results

def vocabulary() -> dict[str, ResultCode]:
    """The active result codes by code (the standard result vocabulary)."""
    return {c.code: c for c in ResultCode.objects.filter(active=True)}


def _parse_time(value, label: str):
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        moment = value
    else:
        try:
            moment = dt.datetime.fromisoformat(str(value))
        except ValueError as exc:
            raise ResultError(f"{label}“{value}”不是有效的日期时间（例如 2026-05-08 09:30）。") from exc
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


@transaction.atomic
def save_part(user, part: VisitPart, *, revision: int, results: dict, arrived_at=None, left_at=None,
              submit: bool = False) -> VisitPart:
    """Save a draft (any subset of fields) or submit it (every item answered). ``results`` maps an item
    id to {"codes": [...], "findings": str, "unlicensed": bool}. A stale ``revision`` is refused, so a
    second device never overwrites the first one's work silently."""
    part = VisitPart.objects.select_for_update().select_related("visit", "department").get(pk=part.pk)
    if not is_assigned(user, part):
        raise Forbidden("只有被匹配到本部门检查组的执法人员可以录入此检查结果（谁检查、谁录入）。")
    if not part.editable:
        raise WrongState(f"此检查记录{part.get_status_display()}，不能再修改。")
    starts_on = part.visit.task.starts_on
    if starts_on and timezone.localdate() < starts_on:
        raise WrongState(f"任务自 {starts_on:%Y-%m-%d} 开始实施，此前不能录入检查结果。")
    if revision != part.revision:
        raise WrongState("此检查记录已在别处更新（修订号不一致）。请刷新页面核对后再保存；您填写的内容已保留在本机。")
    vocab = vocabulary()
    rows = {r.item_id: r for r in part.results.select_related("item")}
    unknown = [k for k in results if _int_or_none(k) not in rows]
    if unknown:
        raise ResultError(f"事项 {unknown[0]} 不属于本部门在此检查单中的事项。")
    arrived = _parse_time(arrived_at, "到达时间")
    left = _parse_time(left_at, "离开时间")
    if arrived and left and left < arrived:
        raise ResultError("离开时间早于到达时间。")
    if left and left > timezone.now() + dt.timedelta(minutes=5):
        raise ResultError("离开时间晚于当前时间。")
    for key, data in results.items():
        row = rows[int(key)]
        codes = list(dict.fromkeys(data.get("codes") or []))
        bad = [c for c in codes if c not in vocab]
        if bad:
            raise ResultError(f"事项“{row.item.name[:30]}”：检查结果代码“{bad[0]}”不在标准结果用语中。")
        exclusive = [c for c in codes if vocab[c].exclusive]
        if exclusive and len(codes) > 1:
            raise ResultError(f"事项“{row.item.name[:30]}”：“{vocab[exclusive[0]].label}”不能与其他结果同时选择。")
        findings = str(data.get("findings") or "").strip()
        if len(findings) > 5000:
            raise ResultError(f"事项“{row.item.name[:30]}”：检查情况超过 5000 字。")
        row.codes, row.findings = codes, findings
        row.unlicensed = bool(data.get("unlicensed"))
        row.has_problem = any(vocab[c].problem for c in codes) or row.unlicensed
        row.save(update_fields=["codes", "findings", "unlicensed", "has_problem"])
    part.arrived_at = arrived if arrived_at is not None else part.arrived_at
    part.left_at = left if left_at is not None else part.left_at
    if submit:
        _check_complete(part, vocab)
        part.status, part.submitted_by, part.submitted_at = PartStatus.SUBMITTED, user, timezone.now()
    part.revision += 1
    part.save()
    name = "submitted" if submit else "edited"
    step(part.visit, part, user, name, f"修订 {part.revision}")
    audit.record(user, f"result.{name}", part, department=part.department,
                 after={"revision": part.revision, "results": {r.item.code: r.codes for r in rows.values()}})
    if submit:
        notices.tell(part.department, f"检查结果待审核：{part.visit.entity.name}", f"检查单 {part.visit.number}",
                     url="results:visit", args=[part.visit.number])
        _open_unlicensed_cases(user, part)
        _task_under_way(part.visit.task, user)
    return part


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def on_site(part: VisitPart) -> bool:
    """Whether the part's checks take the team to the business: any item checked 实地核查 or by an entrusted
    body; 书面检查 and 网络监测 alone have no arrival or departure."""
    items = part.results.values("item_id")
    return TaskItem.objects.filter(task_id=part.visit.task_id, item_id__in=items,
                                   method__in=(Method.ONSITE, Method.ENTRUSTED)).exists()


def _check_complete(part: VisitPart, vocab: dict[str, ResultCode]) -> None:
    if (part.arrived_at is None or part.left_at is None) and on_site(part):
        raise ResultError("提交前请填写到达时间和离开时间。")
    for row in part.results.select_related("item"):
        if not row.codes:
            raise ResultError(f"事项“{row.item.name[:30]}”尚未选择检查结果。")
        if row.has_problem and not row.findings:
            raise ResultError(f"事项“{row.item.name[:30]}”发现问题，请在“检查情况”中写明具体问题。")


def _open_unlicensed_cases(user, part: VisitPart) -> None:
    """无证无照经营 found on a visit opens a case of that type with the department."""
    for row in part.results.filter(unlicensed=True):
        if not row.followups.filter(kind=FollowUpKind.CASE, case_type=UNLICENSED_CASE).exists():
            fu = FollowUp.objects.create(result=row, kind=FollowUpKind.CASE, owner=part.department,
                                         case_type=UNLICENSED_CASE, note="检查中发现无证无照经营，依法立案查处。",
                                         due_on=followup_due(FollowUpKind.CASE, timezone.localdate()),
                                         created_by=user)
            step(part.visit, part, user, "followup", f"{UNLICENSED_CASE}：移送办案机构")
            audit.record(user, "followup.create", fu, department=part.department, after={"kind": "case",
                                                                                           "case_type": UNLICENSED_CASE})


def _task_under_way(task: Task, user) -> None:
    """The first submitted result moves a drawn task to 实施中."""
    # Conditional, so that of many first submissions at once exactly one moves the task and audits it.
    if task.status == TaskStatus.DRAWN and Task.objects.filter(pk=task.pk, status=TaskStatus.DRAWN).update(
            status=TaskStatus.IN_PROGRESS):
        audit.record(user, "task.start", task, department=task.department, summary="首份检查结果提交，任务进入实施中")


def unfinished_parts(task: Task) -> str | None:
    """Why the task cannot be marked 结果已录入 yet: a department's part of a visit not yet approved."""
    visits = task.visits.filter(void=False)
    expected = sum(len(sheet) for sheet in visits.values_list("sheet", flat=True))
    done = VisitPart.objects.filter(visit__in=visits, status__in=(PartStatus.APPROVED, PartStatus.PUBLISHED)).count()
    if done < expected:
        return f"还有 {expected - done} 份部门检查记录未审核通过（共 {expected} 份），不能确认结果录入完毕。"
    return None


# ---------------------------------------------------------------- review and publication

@transaction.atomic
def review(user, part: VisitPart, *, approve: bool, comment: str = "", at: dt.datetime | None = None) -> VisitPart:
    """Approve a submitted part, or return it with a comment; a problem needs its follow-up first. ``at`` is
    the moment of a review recorded later (the demo's history); the publication clock counts from it."""
    part = VisitPart.objects.select_for_update().select_related("visit", "department").get(pk=part.pk)
    if not may_review(user, part):
        raise Forbidden(f"只有{part.department.name}的管理员可以审核本部门的检查结果。")
    if part.status != PartStatus.SUBMITTED:
        raise WrongState(f"此检查记录{part.get_status_display()}，只有待审核的记录可以审核。")
    if approve:
        missing = [r.item.name[:30] for r in part.results.select_related("item")
                   if r.has_problem and not r.followups.exists()]
        if missing:
            raise ResultError(f"事项“{missing[0]}”发现问题，审核前请确定后续处置方式。")
    elif not comment.strip():
        raise ResultError("退回时请写明退回意见。")
    part.status = PartStatus.APPROVED if approve else PartStatus.RETURNED
    part.reviewed_by, part.reviewed_at, part.review_comment = user, at or timezone.now(), comment.strip()
    if approve:  # the result is produced: the publication clock starts
        part.publish_due_on = due_date("result_publication", timezone.localdate(part.reviewed_at))
    part.revision += 1
    part.save()
    name = "approved" if approve else "returned"
    if not approve:
        notices.tell(part.department, f"检查结果被退回修改：{part.visit.entity.name}", f"意见：{comment.strip()}",
                     url="results:visit", args=[part.visit.number])
    detail = f"应于 {part.publish_due_on:%Y-%m-%d} 前公开" if approve else ""
    step(part.visit, part, user, name, "；".join(t for t in (comment.strip(), detail) if t))
    audit.record(user, f"result.{name}", part, department=part.department, after={"comment": comment.strip()})
    return part


@transaction.atomic
def publish(user, part: VisitPart, at: dt.datetime | None = None) -> VisitPart:
    """谁公开: the department publishes its own approved results (``at``: see ``review``); after the
    deadline it is still published, and recorded late."""
    part = VisitPart.objects.select_for_update().select_related("visit", "department").get(pk=part.pk)
    if not may_review(user, part):
        raise Forbidden(f"只有{part.department.name}的管理员可以公开本部门的检查结果。")
    if part.status != PartStatus.APPROVED:
        raise WrongState("只有审核通过的检查结果可以公开。")
    part.status, part.published_at = PartStatus.PUBLISHED, at or timezone.now()
    part.save(update_fields=["status", "published_at", "updated_at"])
    supersedes = part.publications.current().exists()
    publication = public.freeze(part)
    part.correction_reason = ""
    part.save(update_fields=["correction_reason"])
    notes = [f"第 {publication.version} 版（更正）" if publication.version > 1 else ""]
    if publication.late:
        late_by = working_days_between(publication.due_on, timezone.localdate(publication.published_at))
        notes.append(f"逾期公开：期限 {publication.due_on:%Y-%m-%d}，超过 {late_by} 个工作日")
    step(part.visit, part, user, "published", "；".join(n for n in notes if n))
    audit.record(user, "result.publish", part, department=part.department,
                 after={"version": publication.version, "summary": publication.summary,
                        "due_on": str(publication.due_on), "late": publication.late})
    publication_changed.send(Publication, publication=publication, action="correct" if supersedes else "publish",
                             actor=user)
    return part


@transaction.atomic
def withdraw(user, part: VisitPart, reason: str) -> VisitPart:
    """撤回: a result published in error (the wrong business, a record never meant to be public) leaves the
    public pages at once with every earlier version of it, unlike a correction, whose old version stays until
    the new one is published. The part goes back to its team; what is published next is a new version."""
    part = _published_part(user, part, "撤回", "只有已公开的检查结果可以撤回。")
    reason = _reason(reason, "撤回已公开的检查结果，请写明撤回理由（仅内部可见，并随撤回通知推送公示系统）。")
    publication = part.publications.current().order_by("-version").first()
    if publication is None:
        raise WrongState("此检查记录没有公开中的版本。")
    now = timezone.now()
    part.publications.public().update(withdrawn_at=now, withdrawal_reason=reason)
    publication.refresh_from_db()
    part.status, part.review_comment, part.correction_reason = PartStatus.RETURNED, f"撤回：{reason}", ""
    part.reviewed_by, part.reviewed_at = user, now
    part.revision += 1
    part.save()
    step(part.visit, part, user, "withdrawn", f"撤回第 {publication.version} 版：{reason}")
    audit.record(user, "result.withdraw", part, department=part.department,
                 after={"version": publication.version, "reason": reason})
    publication_changed.send(Publication, publication=publication, action="withdraw", actor=user)
    return part


def _published_part(user, part: VisitPart, verb: str, not_published: str) -> VisitPart:
    """The part, locked, for its department's administrator to correct or withdraw while it is published."""
    part = VisitPart.objects.select_for_update().select_related("visit", "department").get(pk=part.pk)
    if not may_review(user, part):
        raise Forbidden(f"只有{part.department.name}的管理员可以{verb}本部门已公开的检查结果。")
    if part.status != PartStatus.PUBLISHED:
        raise WrongState(not_published)
    return part


def _reason(text: str, missing: str) -> str:
    """A reason on one line, required, at most 300 characters."""
    text = " ".join(str(text or "").split())
    if not text:
        raise ResultError(missing)
    if len(text) > 300:
        raise ResultError(f"理由不超过 300 字（现为 {len(text)} 字）。")
    return text


@transaction.atomic
def reopen_for_correction(user, part: VisitPart, reason: str) -> VisitPart:
    """更正: a published part goes back to its team; the published version stays public until the corrected
    one is approved and published, and then shows as 已更正 with this reason."""
    part = _published_part(user, part, "更正", "只有已公开的检查结果需要走更正程序；未公开的记录请直接退回修改。")
    reason = _reason(reason, "更正已公开的检查结果，请写明更正理由（将随更正后的结果一并公开）。")
    part.status, part.correction_reason = PartStatus.RETURNED, reason
    part.review_comment = f"更正：{reason}"
    part.reviewed_by, part.reviewed_at = user, timezone.now()
    part.revision += 1
    part.save()
    step(part.visit, part, user, "returned", f"更正：{reason}")
    audit.record(user, "result.correct", part, department=part.department, after={"reason": reason})
    return part


# ---------------------------------------------------------------- follow-up

def minor_matches(row: ItemResult) -> list[MinorViolation]:
    """免罚清单 entries whose item is this one (or any) and one of whose keywords is in the findings."""
    if not row.has_problem or not row.findings:
        return []
    entries = MinorViolation.objects.filter(active=True).filter(Q(item__isnull=True) | Q(item_id=row.item_id))
    return [m for m in entries if any(k in row.findings for k in m.keyword_list)]


def _may_decide(user, row: ItemResult) -> bool:
    return may_review(user, row.part) or is_assigned(user, row.part)


@transaction.atomic
def create_followup(user, row: ItemResult, *, kind: str, owner: Department | None = None, due_on=None, note: str = "",
                    rectify_deadline=None, case_type: str = "", judicial_organ: str = "", referral_number: str = "",
                    minor_violation: MinorViolation | None = None, education: str = "") -> FollowUp:
    """Decide the follow-up (后续处置) of a problem result: kind, owner department and due date."""
    row = ItemResult.objects.select_related("part", "part__visit", "part__department", "item").get(pk=row.pk)
    part = row.part
    if not _may_decide(user, row):
        raise Forbidden(f"只有{part.department.name}的检查组成员或管理员可以确定后续处置。")
    if part.status in (PartStatus.DRAFT, PartStatus.RETURNED) and not is_assigned(user, part):
        raise WrongState("检查结果提交后，部门管理员才能确定后续处置。")
    if not row.has_problem:
        raise WrongState("此事项未发现问题，无需后续处置。")
    if kind not in FollowUpKind.values:
        raise ResultError("请选择后续处置方式。")
    owner = owner or part.department
    if kind == FollowUpKind.NOTIFY and owner.pk == part.department_id:
        raise ResultError("抄告相关部门时，请选择负责该许可或行业监管的其他部门（谁审批、谁监管，谁主管、谁监管）。")
    if kind != FollowUpKind.NOTIFY and owner.pk != part.department_id:
        raise ResultError("除抄告相关部门外，后续处置由本部门负责。")
    if kind == FollowUpKind.RECTIFY and not rectify_deadline:
        raise ResultError("责令改正并跟踪时，请填写改正期限。")
    if kind == FollowUpKind.JUDICIAL and not (judicial_organ.strip() and referral_number.strip()):
        raise ResultError("移送司法机关时，请填写移送机关和移送文书编号。")
    if kind == FollowUpKind.CASE and not case_type.strip():
        raise ResultError("移送办案机构时，请填写案件类型。")
    if minor_violation is not None and not education.strip():
        raise ResultError("适用免罚清单不予处罚时，请记录对当事人开展教育的情况。")
    if kind == FollowUpKind.OTHER and not note.strip():
        raise ResultError("选择“其他”时，请写明处置意见。")
    today = timezone.localdate()
    due_on = due_on or rectify_deadline or followup_due(kind, today)
    if due_on < today:
        raise ResultError("办理期限不能早于今天。")
    fu = FollowUp.objects.create(
        result=row, kind=kind, owner=owner, due_on=due_on, note=note.strip(), rectify_deadline=rectify_deadline,
        case_type=case_type.strip(), judicial_organ=judicial_organ.strip(), referral_number=referral_number.strip(),
        minor_violation=minor_violation, penalty_waived=minor_violation is not None, education=education.strip(),
        created_by=user)
    if kind == FollowUpKind.NONE:
        fu.status, fu.closed_by, fu.closed_at, fu.closing_note = FollowUpStatus.CLOSED, user, timezone.now(), "无需后续处置"
        fu.save()
    label = fu.get_kind_display() + (f" → {owner.name}" if kind == FollowUpKind.NOTIFY else "")
    if fu.penalty_waived:
        label += "（适用免罚清单，不予处罚并教育）"
    step(part.visit, part, user, "followup", f"{row.item.name[:40]}：{label}")
    audit.record(user, "followup.create", fu, department=part.department,
                 after={"kind": kind, "owner": owner.code, "due_on": str(due_on), "penalty_waived": fu.penalty_waived})
    if kind == FollowUpKind.NOTIFY:
        notices.tell(owner, f"抄告待签收：{part.visit.entity.name}（{part.department.name}）",
                     f"{row.item.name[:40]}；办理期限 {due_on:%Y-%m-%d}。", url="results:followup_detail", args=[fu.pk])
    return fu


def followups_visible_to(user):
    """``FollowUp.objects.visible_to`` with the rows the follow-up pages and API show."""
    return FollowUp.objects.visible_to(user).select_related("owner", "result__item", "result__part__visit__entity",
                                                            "result__part__department")


def overdue(qs, today=None):
    """The follow-ups of ``qs`` still open after their due date."""
    return qs.exclude(status=FollowUpStatus.CLOSED).filter(due_on__lt=today or timezone.localdate())


@transaction.atomic
def act_on_followup(user, fu: FollowUp, action: str, **data) -> FollowUp:
    """acknowledge (签收, the owner), receipt (a judicial organ's receipt), recheck, close."""
    fu = FollowUp.objects.select_for_update().select_related("owner", "result__part__visit", "result__part").get(pk=fu.pk)
    part = fu.result.part
    if not user.manages(fu.owner):
        raise Forbidden(f"只有负责部门（{fu.owner.name}）的管理员可以办理此后续处置。")
    if fu.status == FollowUpStatus.CLOSED:
        raise WrongState("此后续处置已办结。")
    today = timezone.localdate()
    if action == "acknowledge":
        if fu.status != FollowUpStatus.OPEN:
            raise WrongState("此后续处置已签收。")
        fu.status, fu.acknowledged_by, fu.acknowledged_at = FollowUpStatus.ACKNOWLEDGED, user, timezone.now()
        detail = f"{fu.owner.name}签收"
    elif fu.status == FollowUpStatus.OPEN:
        raise WrongState("请先签收。")
    elif action == "receipt":
        if fu.kind != FollowUpKind.JUDICIAL:
            raise WrongState("只有移送司法机关的处置需要登记回执。")
        number, received = str(data.get("receipt_number") or "").strip(), data.get("received_on")
        if not number or not received:
            raise ResultError("请填写回执编号和接收日期。")
        if received > today:
            raise ResultError("接收日期不能晚于今天。")
        fu.receipt_number, fu.received_on = number, received
        detail = f"{fu.judicial_organ}回执 {number}（{received}）"
    elif action == "recheck":
        text, on = str(data.get("recheck_result") or "").strip(), data.get("recheck_on")
        if not text or not on:
            raise ResultError("请填写复查日期和复查情况。")
        if on > today:
            raise ResultError("复查日期不能晚于今天。")
        fu.recheck_on, fu.recheck_result = on, text
        detail = f"复查（{on}）：{text}"
    elif action == "close":
        note = str(data.get("closing_note") or "").strip()
        if not note:
            raise ResultError("请写明办结情况。")
        if fu.kind == FollowUpKind.RECTIFY and not fu.recheck_result:
            raise WrongState("责令改正的事项须先登记复查情况再办结。")
        if fu.kind == FollowUpKind.JUDICIAL and not fu.receipt_number:
            raise WrongState("移送司法机关的事项须先登记接收回执再办结。")
        if fu.kind == FollowUpKind.CASE:
            fu.case_number = str(data.get("case_number") or fu.case_number).strip()
            if not fu.case_number:
                raise ResultError("请填写案件编号。")
        fu.status, fu.closed_by, fu.closed_at, fu.closing_note = FollowUpStatus.CLOSED, user, timezone.now(), note
        detail = f"办结：{note}"
    else:
        raise ResultError("未知的操作。")
    fu.save()
    names = {"acknowledge": "acknowledged", "receipt": "receipt", "recheck": "rechecked", "close": "closed"}
    step(part.visit, part, user, names[action], detail)
    audit.record(user, f"followup.{action}", fu, department=fu.owner, after={"status": fu.status, "detail": detail})
    return fu


# ---------------------------------------------------------------- 免罚清单

def add_minor_violation(user, *, behaviour: str, keywords: str, conditions: str = "", basis: str = "",
                        item: InspectionItem | None = None) -> MinorViolation:
    """The office adds an entry to the 免罚清单 (minor violations not penalised)."""
    if not user.is_office:
        raise Forbidden("免罚清单由联席会议办公室维护。")
    if not behaviour.strip() or not keywords.strip():
        raise ResultError("请填写违法行为和匹配关键词。")
    entry = MinorViolation(behaviour=behaviour.strip(), keywords=keywords.strip(), item=item, created_by=user)
    if conditions.strip():
        entry.conditions = conditions.strip()
    if basis.strip():
        entry.basis = basis.strip()
    entry.save()
    audit.record(user, "minor.create", entry, after={"behaviour": entry.behaviour, "keywords": entry.keywords})
    return entry


@transaction.atomic
def retire_minor_violation(user, entry: MinorViolation) -> None:
    """The office retires a 免罚清单 entry; past decisions keep pointing at it."""
    if not user.is_office:
        raise Forbidden("免罚清单由联席会议办公室维护。")
    entry.active = False
    entry.save(update_fields=["active"])
    audit.record(user, "minor.retire", entry)


def note_team_change(sender, draw, entity, department, recused, replacement, reason, actor, **kwargs) -> None:
    """The whole-process record of each visit of that business notes who left the team and who joined."""
    for visit in Visit.objects.filter(draw=draw, entity=entity, void=False):
        part = VisitPart.objects.filter(visit=visit, department=department).first()
        if replacement is None:
            detail = (f"{department.name}检查人员回避：{recused.name}（执法证号 {recused.cert_no}）退出检查组，"
                      f"替换人员待决定时声明的随机源产生后抽取。理由：{reason}")
        else:
            detail = (f"{department.name}回避替换：{recused.name}（执法证号 {recused.cert_no}）由 {replacement.name}"
                      f"（执法证号 {replacement.cert_no}）替换，按抽取种子和决定后产生的随机数抽取。类别：{reason}")
        step(visit, part, actor, "team", detail)
