"""Random matching of inspectors to drawn targets (the second "随机" of 双随机), stdlib only.

The assignment is a pure function of (seed, snapshot).  `plan_for(snapshot)` (match_plan), before
any seed exists, finds every problem and fixes each inspector's balanced planned load
and weight; `draw_teams(plan, seed)` (match_draw) then serves the parts in seed order, each drawing its team
by systematic sampling from probabilities capped at q, so that every inspector-target
pair is drawn with probability at most q and every hard constraint holds in every draw.
docs/matching.md explains the choices and the guarantees.

This module is the entry point (`match`, `replace`, `replay`, `qualified`) and names every public piece of
the three parts: match_types (data and JSON), match_plan (seed-free) and match_draw (seeded).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from shuangsuiji.lottery.match_draw import PRECHECK_SEED, _ticket, draw_teams, precheck
from shuangsuiji.lottery.match_plan import MatchPlan, _on_duty, _pool_label, plan_for
from shuangsuiji.lottery.match_types import (
    ALGORITHM,
    ASSIGNMENT_FORMAT,
    KINDS,
    OFFICER,
    POOL_OFFICER,
    POOL_THIRD_PARTY,
    SNAPSHOT_FORMAT,
    THIRD_PARTY_KINDS,
    Assignment,
    Department,
    Inspector,
    MatchingError,
    Part,
    Problem,
    Snapshot,
    Swap,
    Target,
    Task,
    Team,
    assignment_from_json,
    assignment_from_obj,
    assignment_to_json,
    assignment_to_obj,
    normalize,
    snapshot_digest,
    snapshot_from_json,
    snapshot_from_obj,
    snapshot_to_json,
    snapshot_to_obj,
)

__all__ = [
    "ALGORITHM", "ASSIGNMENT_FORMAT", "KINDS", "OFFICER", "POOL_OFFICER", "POOL_THIRD_PARTY", "PRECHECK_SEED",
    "SNAPSHOT_FORMAT", "THIRD_PARTY_KINDS", "Assignment", "Department", "Inspector", "MatchPlan", "MatchingError",
    "Part", "Problem", "Snapshot", "Swap", "Target", "Task", "Team", "assignment_from_json", "assignment_from_obj",
    "assignment_to_json", "assignment_to_obj", "draw_teams", "match", "normalize", "plan_for", "precheck",
    "qualified", "replace", "replay", "snapshot_digest", "snapshot_from_json", "snapshot_from_obj",
    "snapshot_to_json", "snapshot_to_obj",
]


def match(seed: str, snapshot: Snapshot) -> Assignment:
    """Return the assignment for a seed; raises MatchingError if precheck finds an error."""
    return draw_teams(plan_for(snapshot), seed)


def qualified(inspectors: Iterable[Inspector], task: Task, dept: str, domains: Iterable[str],
              pool: str = POOL_OFFICER) -> list[Inspector]:
    """The inspectors of a department and pool who could serve a part at any target: qualified for every
    domain and on duty over the task's period (conflicts and township recusal depend on the target)."""
    need = set(domains)
    return [
        i for i in inspectors
        if i.dept == dept and (i.kind == OFFICER) == (pool == POOL_OFFICER) and _on_duty(i, task)
        and need <= set(i.domains)
    ]


def _part_eligible(s: Snapshot, target: Target, part: Part, pool: str) -> list[Inspector]:
    """Return the inspectors of a pool eligible for one part (qualified, on duty, no recusal)."""
    t = s.task
    barred = {j for j, tid in (*s.conflicts, *s.recent) if tid == target.id}
    return [
        i for i in qualified(s.inspectors, t, part.dept, part.domains, pool)
        if i.id not in barred
        and not (t.township_recusal and target.township and i.township == target.township)
    ]


def replace(
    seed: str, snapshot: Snapshot, assignment: Assignment, target: str, dept: str, inspector: str, reason: str,
    fresh: str = "", source: Any = None,
) -> tuple[Assignment, str]:
    """Recuse `inspector` from a team and return (new assignment, replacement) deterministically.

    The replacement is the eligible member of the same pool, not in the team and never
    removed from it, below the cap, with the smallest ticket SHA-256(seed|swap|target|dept|id),
    or SHA-256(seed|swap|fresh|target|dept|id) with fresh randomness from after the decision.
    """
    if assignment.seed != seed:
        raise MatchingError(f"替换所用种子 {seed} 与匹配结果的种子 {assignment.seed} 不同")
    s = normalize(snapshot)
    tgt = next((x for x in s.targets if x.id == target), None)
    part = next((p for p in tgt.parts if p.dept == dept), None) if tgt else None
    try:
        team = assignment.team(target, dept)
    except KeyError:
        raise MatchingError(f"检查对象 {target} 没有 {dept} 部门的检查组") from None
    if tgt is None or part is None:
        raise MatchingError(f"快照中没有检查对象 {target} 的 {dept} 部分")
    if inspector in team.officers:
        pool = POOL_OFFICER
    elif inspector in team.third_party:
        pool = POOL_THIRD_PARTY
    else:
        raise MatchingError(f"{inspector} 不在检查对象 {target} 的 {dept} 检查组中")
    removed_before = {w.removed for w in assignment.swaps if w.target == target and w.dept == dept}
    loads = assignment.loads()
    in_team = set(team.officers) | set(team.third_party)
    # Officers no longer available when the recusal was decided (transferred, on leave), declared with it.
    gone = set((source or {}).get("unavailable", ())) if isinstance(source, dict) else set()
    candidates = [
        i for i in _part_eligible(s, tgt, part, pool)
        if i.id not in in_team and i.id not in removed_before and i.id != inspector and i.id not in gone
        and loads.get(i.id, 0) < (s.task.max_targets if i.cap is None else i.cap)
    ]
    if not candidates:
        name = next((d.name for d in s.departments if d.id == dept), dept)
        raise MatchingError(
            [Problem("error", "no_replacement",
                     f"检查对象 {target} 的 {name} 部分：{inspector} 回避后没有符合条件且未满额的{_pool_label(pool)}可以替换",
                     target=target, dept=dept, pool=pool, eligible=0, required=1)]
        )
    label = f"swap|{fresh}|" if fresh else "swap|"
    new = min(candidates, key=lambda i: (_ticket(seed, f"{label}{target}|{dept}|{i.id}"), i.id)).id

    def swapped(members: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(sorted(new if j == inspector else j for j in members))

    teams = tuple(
        Team(x.target, x.dept, swapped(x.officers), swapped(x.third_party))
        if (x.target, x.dept) == (target, dept) else x
        for x in assignment.teams
    )
    out = Assignment(
        seed=assignment.seed, snapshot_digest=assignment.snapshot_digest, teams=teams,
        swaps=(*assignment.swaps, Swap(target, dept, inspector, new, reason, fresh, source)),
        algorithm=assignment.algorithm,
    )
    return out, new


def replay(seed: str, snapshot: Snapshot, swaps: Iterable[Swap] = ()) -> Assignment:
    """Recompute the assignment, then re-apply recorded swaps in order, checking each replacement."""
    a = match(seed, snapshot)
    for w in swaps:
        a, new = replace(seed, snapshot, a, w.target, w.dept, w.removed, w.reason, w.fresh, w.source)
        if new != w.added:
            raise MatchingError(
                f"替换记录不符：检查对象 {w.target} 的 {w.dept} 部分，{w.removed} 应由 {new} 替换，记录为 {w.added}"
            )
    return a
