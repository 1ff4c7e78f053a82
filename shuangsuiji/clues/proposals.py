"""Common problems (普遍性问题) found in clues, proposed as 专项整治联查 (seed §二(七)): when enough clues within a
window share an industry in one town, an item, an industry or a town (``ClusterRule``), the office sees a proposal
with the clues behind it, the departments concerned, the items the clues name and the scope pre-filled; it turns
it into a 专项整治联查 task that is drawn by the double-random method like any other, or dismisses it with a reason.
Clues a decided proposal covered do not propose the same again; a proposal the clues no longer support (the window
moved on, clues merged or not accepted) is withdrawn while still open."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from shuangsuiji.accounts.models import Department
from shuangsuiji.common import audit
from shuangsuiji.common.errors import Forbidden, WrongState
from shuangsuiji.items.models import InspectionItem
from shuangsuiji.plans import services as plans
from shuangsuiji.plans.models import TaskKind

from .models import Clue, ClusterRule, Dimension, Proposal, ProposalStatus, Status
from .services import ClueError, ClueProblems

# The narrower grouping first: a wider one naming exactly the same clues is not proposed again.
SPECIFIC_FIRST = [Dimension.INDUSTRY_TOWN, Dimension.ITEM, Dimension.INDUSTRY, Dimension.TOWN]
MAX_THRESHOLD, MAX_WINDOW = 1000, 730


def _office_only(actor) -> None:
    if not actor.is_office:
        raise Forbidden("只有联席会议办公室可以研究专项整治联查建议。")


def set_rule(actor, *, threshold: int | None, window_days: int | None) -> ClusterRule:
    _office_only(actor)
    problems = ClueProblems()
    if threshold is None or not 2 <= threshold <= MAX_THRESHOLD:
        problems.add("threshold", f"线索数阈值应为 2–{MAX_THRESHOLD} 之间的整数。")
    if window_days is None or not 7 <= window_days <= MAX_WINDOW:
        problems.add("window_days", f"统计天数应为 7–{MAX_WINDOW} 之间的整数。")
    problems.raise_any()
    rule = ClusterRule.current()
    before = {"threshold": rule.threshold, "window_days": rule.window_days}
    rule.threshold, rule.window_days, rule.updated_by = threshold, window_days, actor
    rule.save()
    audit.record(actor, "clue.cluster_rule", rule, before=before, after={"threshold": threshold,
                                                                         "window_days": window_days},
                 summary=f"专项整治建议规则：最近 {window_days} 天内同类线索达到 {threshold} 条")
    refresh()
    return rule


def _groups(since: dt.date) -> dict[tuple, set[int]]:
    """Clue ids by (dimension, industry, town, item) among the live clues received since ``since``."""
    live = Clue.objects.filter(received_on__gte=since).exclude(status__in=[Status.REJECTED, Status.MERGED])
    groups: dict[tuple, set[int]] = defaultdict(set)
    for pk, industry, town in live.values_list("pk", "industry_id", "township_id"):
        if industry and town:
            groups[(Dimension.INDUSTRY_TOWN, industry, town, None)].add(pk)
        if industry:
            groups[(Dimension.INDUSTRY, industry, None, None)].add(pk)
        if town:
            groups[(Dimension.TOWN, None, town, None)].add(pk)
    for pk, item in Clue.items.through.objects.filter(clue__in=live).values_list("clue_id", "inspectionitem_id"):
        groups[(Dimension.ITEM, None, None, item)].add(pk)
    return groups


@transaction.atomic
def refresh(today: dt.date | None = None) -> list[Proposal]:
    """Bring the open proposals in line with the clues: new ones where a group reached the threshold, withdrawn
    ones where it no longer does. Returns the open proposals."""
    rule = ClusterRule.current()
    today = today or timezone.localdate()
    groups = _groups(today - dt.timedelta(days=rule.window_days - 1))
    # A clue the office has studied once (accepted or dismissed) does not count towards another proposal.
    studied = set(Proposal.clues.through.objects.exclude(proposal__status=ProposalStatus.OPEN)
                  .values_list("clue_id", flat=True))
    candidates = {key: ids - studied for key, ids in groups.items() if len(ids - studied) >= rule.threshold}
    kept: dict[tuple, set[int]] = {}
    for key in sorted(candidates, key=lambda k: (SPECIFIC_FIRST.index(k[0]), -len(candidates[k]), str(k))):
        if candidates[key] not in kept.values():
            kept[key] = candidates[key]
    open_now = {p.key: p for p in Proposal.objects.select_for_update().filter(status=ProposalStatus.OPEN)}
    for key, ids in kept.items():
        proposal = open_now.pop(key, None)
        if proposal is None:
            dimension, industry, town, item = key
            proposal = Proposal.objects.create(dimension=dimension, industry_id=industry, township_id=town,
                                               item_id=item)
        proposal.clues.set(ids)
    for stale in open_now.values():
        stale.clues.clear()
        stale.delete()
    return list(Proposal.objects.filter(status=ProposalStatus.OPEN).select_related("industry", "township", "item"))


def departments(proposal: Proposal) -> list[tuple[Department, int]]:
    """The departments concerned, with how many of the clues each handles (or received, if not yet assigned)."""
    counts = Counter()
    for handling, receiving in proposal.clues.values_list("department_id", "received_by_id"):
        counts[handling or receiving] += 1
    for item in items(proposal):
        dept = item.department_id or item.lead_department_id
        if dept:
            counts.setdefault(dept, 0)
    by_pk = Department.objects.in_bulk(list(counts))
    return sorted(((by_pk[pk], n) for pk, n in counts.items()), key=lambda dn: (-dn[1], dn[0].order))


def items(proposal: Proposal) -> list[InspectionItem]:
    """The published items the clues name, the most named first (the proposal's own item for an item group)."""
    counts = Counter(Clue.items.through.objects.filter(clue__in=proposal.clues.all())
                     .values_list("inspectionitem_id", flat=True))
    if proposal.item_id:
        counts[proposal.item_id] += len(counts) + 1
    found = InspectionItem.objects.published().select_related("department", "lead_department").in_bulk(list(counts))
    return sorted(found.values(), key=lambda i: (-counts[i.pk], i.code))


def scope(proposal: Proposal) -> dict:
    """The task's scope: the town and the industry division the clues share (the whole district otherwise)."""
    filters = {}
    if proposal.township_id:
        filters["township"] = [proposal.township_id]
    if proposal.industry_id:
        filters["industry"] = [proposal.industry_id]
    return {"sublibrary": None, "filters": filters}


def _open(actor, proposal: Proposal) -> Proposal:
    _office_only(actor)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != ProposalStatus.OPEN:
        raise WrongState(f"这条建议已{proposal.get_status_display()}。")
    return proposal


@transaction.atomic
def accept(actor, proposal: Proposal, *, department: Department | None, title: str, items: list,
           ratio: Decimal | None, minimum: int = 1, starts_on=None, ends_on=None, team_size: int = 2):
    """Turn the proposal into a 专项整治联查 drafted for ``department`` (the lead), with the other departments
    concerned as partners and the scope pre-filled; it is then submitted, approved, committed and drawn like
    every random task."""
    proposal = _open(actor, proposal)
    if department is None:
        raise ClueError("请选择发起部门。", errors={"department": "请选择发起部门（牵头部门）。"})
    if ratio is None:
        raise ClueError("请填写抽取比例。", errors={"ratio": "请填写抽取比例（%）。"})
    partners = [d for d, _n in departments(proposal) if d.pk != department.pk]
    task = plans.create_task(
        actor, department, kind=TaskKind.JOINT_SPECIAL, title=title.strip() or f"{proposal.title}专项整治联查",
        items=list(items), partners=partners, scope=scope(proposal),
        rules={"default": {"ratio": str(ratio / 100), "minimum": max(minimum, 1)}},
        starts_on=starts_on, ends_on=ends_on, team_size=team_size,
        documents="营业执照\n相关许可证件\n整改材料（如有）")
    proposal.status, proposal.task, proposal.decided_by, proposal.decided_at = (
        ProposalStatus.ACCEPTED, task, actor, timezone.now())
    proposal.save()
    audit.record(actor, "clue.proposal_accepted", proposal,
                 after={"task": task.number, "clues": proposal.clues.count(), "scope": task.scope},
                 summary=f"专项整治联查建议“{proposal.title}”转为任务 {task.number}")
    return task


@transaction.atomic
def dismiss(actor, proposal: Proposal, note: str) -> Proposal:
    proposal = _open(actor, proposal)
    if not note.strip():
        raise ClueError("暂不立项须写明理由。", errors={"note": "请写明暂不立项的理由。"})
    proposal.status, proposal.note, proposal.decided_by, proposal.decided_at = (
        ProposalStatus.DISMISSED, note.strip(), actor, timezone.now())
    proposal.save()
    audit.record(actor, "clue.proposal_dismissed", proposal, after={"note": proposal.note},
                 summary=f"专项整治联查建议“{proposal.title}”暂不立项")
    return proposal
