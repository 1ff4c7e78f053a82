"""The seed-free part of the matching (part 2 of 3): who is eligible for which part, the pools by
department and kind, the capped fitting of every inspector's weight and planned load, and the problems
found before any seed exists (`plan_for`). docs/matching.md explains the choices."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, NamedTuple

from shuangsuiji.lottery.match_types import (
    KINDS,
    OFFICER,
    POOL_OFFICER,
    POOL_THIRD_PARTY,
    Inspector,
    Part,
    Problem,
    Snapshot,
    Target,
    Task,
    _canonical,
    _no_gc,
    normalize,
    snapshot_to_obj,
)

# The plan's capacity check counts planned loads in integer units of 1/UNIT, so that
# "load <= cap" is decided exactly, the same on every platform.
UNIT = 1 << 30
_IPF_ROUNDS = 40
_IPF_TOLERANCE = 1e-4


# --------------------------------------------------------------------------- eligibility


def _pool_label(pool: str) -> str:
    return "执法人员" if pool == POOL_OFFICER else "第三方专家"


def _on_duty(i: Inspector, task: Task) -> bool:
    if not task.start or not task.end:
        return True
    return not any(a <= task.end and b >= task.start for a, b in i.unavailable)


def _validate(s: Snapshot) -> list[Problem]:
    """Return structural errors (bad ids, unknown departments, bad task numbers)."""
    out: list[Problem] = []
    t = s.task

    def err(msg: str, **kw: Any) -> None:
        out.append(Problem("error", "invalid", msg, **kw))

    if not isinstance(t.team_size, int) or t.team_size < 2:
        out.append(
            Problem("error", "team_size", f"每组执法人员人数为 {t.team_size}，不得少于 2 人（行政处罚法第四十二条）",
                    required=t.team_size if isinstance(t.team_size, int) else None)
        )
    if not (isinstance(t.q, (int, float)) and 0 < t.q <= 1):
        err(f"概率上限 q={t.q} 应在 0 与 1 之间")
    if not isinstance(t.max_targets, int) or t.max_targets < 0:
        err(f"每人检查对象上限 {t.max_targets} 无效")
    if not isinstance(t.third_party_per_team, int) or t.third_party_per_team < 0:
        err(f"每组第三方人数 {t.third_party_per_team} 无效")
    dept_ids = [d.id for d in s.departments]
    if len(set(dept_ids)) != len(dept_ids):
        err("部门编号重复")
    depts = set(dept_ids)
    ids = [i.id for i in s.inspectors]
    if len(set(ids)) != len(ids):
        err("检查人员编号重复")
    for i in s.inspectors:
        if i.dept not in depts:
            err(f"检查人员 {i.id} 所属部门 {i.dept} 不在本任务中")
        if i.kind not in KINDS:
            err(f"检查人员 {i.id} 的类别 {i.kind} 无效（应为 officer、expert 或 agency）")
        if i.cap is not None and (not isinstance(i.cap, int) or i.cap < 0):
            err(f"检查人员 {i.id} 的检查对象上限 {i.cap} 无效")
    tids = [x.id for x in s.targets]
    if len(set(tids)) != len(tids):
        err("检查对象编号重复")
    for x in s.targets:
        pd = [p.dept for p in x.parts]
        if len(set(pd)) != len(pd):
            err(f"检查对象 {x.id} 同一部门出现多次", target=x.id)
        for p in x.parts:
            if p.dept not in depts:
                err(f"检查对象 {x.id} 的部门 {p.dept} 不在本任务中", target=x.id, dept=p.dept)
    return out


@dataclass
class _Class:
    """The parts of one pool needing the same domains: they share the qualified, on-duty set."""

    domains: tuple[str, ...]
    cols: list[int]  # qualified and on-duty columns, ascending
    pos: dict[int, int]  # column -> position in cols
    by_town: dict[str, list[int]]  # positions in cols, grouped by where the person lives
    town_holes: dict[str, tuple[int, ...]] = field(default_factory=dict)  # township -> positions recused
    mult: int = 0  # number of parts
    cap_units: int = 0  # per-part bound on a planned pairing probability, in UNITs
    x: list[int] = field(default_factory=list)  # planned aggregate units per column


class _PartRow(NamedTuple):
    """One (target, department) part: its class and the class columns barred by recusal."""

    target: str
    cls: int
    holes: tuple[int, ...]  # positions in the class's cols, ascending


@dataclass
class _Pool:
    """The independent matching problem of one department and one pool (officers or third parties)."""

    dept: str
    dept_name: str
    pool: str
    r: int
    q: float
    cols: list[str]  # inspector ids, ascending
    caps: list[int]
    classes: list[_Class]
    parts: list[_PartRow]
    weight: list[float] = field(default_factory=list)  # fitted column weights b
    goal: list[float] = field(default_factory=list)  # planned (balanced) load per column


def _build_pools(s: Snapshot, problems: list[Problem]) -> list[_Pool]:
    """Group parts into classes, compute recusal holes, report parts with too few eligible."""
    t = s.task
    names = {d.id: d.name for d in s.departments}
    excluded: dict[str, set[str]] = {}
    for j, tid in (*s.conflicts, *s.recent):
        excluded.setdefault(tid, set()).add(j)
    parts_of: dict[str, list[tuple[Target, Part]]] = {}
    for x in s.targets:
        for p in x.parts:
            parts_of.setdefault(p.dept, []).append((x, p))
    pools: list[_Pool] = []
    for d in s.departments:
        for pool, r in ((POOL_OFFICER, t.team_size), (POOL_THIRD_PARTY, t.third_party_per_team)):
            parts = parts_of.get(d.id, [])
            if r <= 0 or not parts:
                continue
            members = [
                i for i in s.inspectors
                if i.dept == d.id and (i.kind == OFFICER) == (pool == POOL_OFFICER) and _on_duty(i, t)
            ]
            col_of = {i.id: k for k, i in enumerate(members)}
            quals = [frozenset(i.domains) for i in members]
            full_q = _fewest_for_cap(r, t.q)
            class_of: dict[tuple[str, ...], int] = {}
            classes: list[_Class] = []
            rows: list[_PartRow] = []
            for x, p in parts:
                c = class_of.get(p.domains)
                if c is None:
                    need = frozenset(p.domains)
                    cols = [k for k, q in enumerate(quals) if need <= q]
                    by_town: dict[str, list[int]] = {}
                    for n, k in enumerate(cols):
                        by_town.setdefault(members[k].township, []).append(n)
                    c = class_of[p.domains] = len(classes)
                    classes.append(_Class(p.domains, cols, {k: n for n, k in enumerate(cols)}, by_town))
                cls = classes[c]
                town = x.township if t.township_recusal else ""
                holes = cls.town_holes.get(town)
                if holes is None:  # shared by every part of the class in that township
                    holes = cls.town_holes[town] = tuple(cls.by_town.get(town, ())) if town else ()
                barred = excluded.get(x.id)
                if barred:
                    more = {h for h in (cls.pos.get(col_of.get(j, -1), -1) for j in barred) if h >= 0}
                    if more:
                        holes = tuple(sorted(more.union(holes)))
                eligible = len(cls.cols) - len(holes)
                if eligible < r:
                    problems.append(
                        Problem(
                            "error", "too_few_eligible",
                            f"检查对象 {x.id} 的 {names[d.id]} 部分：资格且在岗的{_pool_label(pool)}仅 {len(cls.cols)} 人"
                            f"（回避后 {eligible} 人），少于每组{'最少' if pool == POOL_OFFICER else '所需'} {r} 人",
                            target=x.id, dept=d.id, pool=pool, qualified=len(cls.cols), eligible=eligible, required=r,
                        )
                    )
                elif eligible < full_q:
                    prob = r / eligible
                    problems.append(
                        Problem(
                            "warning", "forced_pairing",
                            f"检查对象 {x.id} 的 {names[d.id]} 部分：回避后符合条件的{_pool_label(pool)}仅 {eligible} 人，"
                            f"每人被抽中的概率为 {r}/{eligible}≈{prob:.0%}，超过上限 {t.q:.0%}"
                            f"（至少需要 {math.ceil(r / t.q)} 人才能不超过）",
                            target=x.id, dept=d.id, pool=pool, qualified=len(cls.cols), eligible=eligible,
                            required=r, probability=prob,
                        )
                    )
                cls.mult += 1
                rows.append(_PartRow(x.id, c, holes))
            pools.append(
                _Pool(
                    dept=d.id, dept_name=names[d.id], pool=pool, r=r, q=t.q, cols=[i.id for i in members],
                    caps=[t.max_targets if i.cap is None else i.cap for i in members],
                    classes=classes, parts=rows,
                )
            )
    return pools


def _fewest_for_cap(r: int, q: float) -> int:
    """Return the fewest eligible people for which r/n <= q (exact rational comparison)."""
    return math.ceil(Fraction(r) / Fraction(q))


# --------------------------------------------------------------------------- the plan (seed-free)


def _waterfill(w: Sequence[float], u: float, r: int) -> list[float]:
    """Return p_k = min(u, a*w_k) with sum r; zero weights stay 0 (needs r <= u * #positive)."""
    n = len(w)
    tot = math.fsum(w)
    a = r / tot
    if a * max(w) <= u:
        return [a * v for v in w]
    order = sorted(range(n), key=lambda k: (-w[k], k))
    for k in range(1, n):  # the k largest weights are capped at u
        rest = math.fsum(w[o] for o in order[k:])
        if rest <= 0.0:
            break
        a = (r - k * u) / rest
        if a * w[order[k]] <= u:
            p = [a * v for v in w]
            for o in order[:k]:
                p[o] = u
            return p
    return [u if v > 0.0 else 0.0 for v in w]


def _quantize(p: Sequence[float], cap: int, total: int) -> list[int]:
    """Return integers x_k <= cap near p_k*UNIT with sum exactly `total` (largest remainders)."""
    x = [min(cap, int(v * UNIT)) for v in p]
    rem = total - sum(x)
    if rem:
        frac = [v * UNIT - xv for v, xv in zip(p, x, strict=True)]
        step = 1 if rem > 0 else -1
        order = sorted(range(len(x)), key=lambda k: (-frac[k] * step, k))
        while rem:
            for k in order:
                if (step > 0 and x[k] < cap) or (step < 0 and x[k] > 0):
                    x[k] += step
                    rem -= step
                    if not rem:
                        break
    return x


def _cap_units(q: float, r: int, n: int) -> int:
    """Return the per-pair bound in UNITs: floor(q*UNIT), or the forced r/n rounded up when larger."""
    forced = -(-r * UNIT // n)
    return min(UNIT, max(int(Fraction(q) * UNIT), forced))


def _water_level(caps: Sequence[int], demand: int) -> float:
    """Return the level L with sum(min(cap, L)) = demand (or the largest cap if caps do not suffice)."""
    cs = sorted(caps)
    n = len(cs)
    used = 0
    for k, c in enumerate(cs):
        # Levels up to c keep the n-k remaining inspectors uncapped.
        if used + c * (n - k) >= demand:
            return (demand - used) / (n - k)
        used += c
    return float(cs[-1]) if cs else 0.0


def _fit(pool: _Pool) -> list[float]:
    """Return column weights b so that p = min(u, a*b) per class balances loads at min(cap, level).

    This is iterative proportional fitting (Sinkhorn) with per-pair caps: rows are
    water-filled to sum r, columns scaled towards their target load.
    """
    ncols = len(pool.cols)
    r = pool.r
    rows = [c for c in pool.classes if c.mult > 0]
    active = sorted({k for c in rows for k in c.cols})
    demand = r * sum(c.mult for c in rows)
    level = _water_level([pool.caps[k] for k in active], demand)
    target = [0.0] * ncols
    for k in active:
        target[k] = float(min(pool.caps[k], level))
    b = [1.0] * ncols
    for _ in range(_IPF_ROUNDS):
        load = [0.0] * ncols
        for c in rows:
            p = _waterfill([b[k] for k in c.cols], c.cap_units / UNIT, r)
            for k, v in zip(c.cols, p, strict=True):
                load[k] += c.mult * v
        worst = 0.0
        for k in active:
            if load[k] > 0.0 and target[k] > 0.0:
                ratio = target[k] / load[k]
                worst = max(worst, abs(ratio - 1.0))
                # Bounded steps and weights: an inspector who cannot reach the level keeps a
                # finite, positive weight.
                b[k] = min(max(b[k] * min(ratio, 1e3), 1e-12), 1e12)
        if worst < _IPF_TOLERANCE:
            break
    return b


def _plan_pool(pool: _Pool, problems: list[Problem]) -> None:
    """Fit weights and planned loads; check capacity (with and without the cap q) per pool."""
    r, q = pool.r, pool.q
    for c in pool.classes:
        c.cap_units = _cap_units(q, r, max(len(c.cols), r))
    b = _fit(pool)
    load = [0] * len(pool.cols)
    for c in pool.classes:
        p = _waterfill([b[k] for k in c.cols], c.cap_units / UNIT, r)
        c.x = [c.mult * v for v in _quantize(p, c.cap_units, r * UNIT)]
        for k, v in zip(c.cols, c.x, strict=True):
            load[k] += v
    caps_u = [c * UNIT for c in pool.caps]
    pool.weight = b
    pool.goal = [v / UNIT for v in load]  # replaced below once the caps are met
    need = r * len(pool.parts)
    if sum(pool.caps) < need:
        problems.append(
            Problem(
                "error", "capacity",
                f"{pool.dept_name}：在岗{_pool_label(pool.pool)}的检查对象上限合计 {sum(pool.caps)} 人次，"
                f"少于需要的 {need} 人次",
                dept=pool.dept, pool=pool.pool, required=need,
            )
        )
        return
    if not all(v <= c for v, c in zip(load, caps_u, strict=True)) and not _repair(pool, load, caps_u, False):
        if not _repair(pool, load, caps_u, True):
            problems.append(
                Problem(
                    "error", "capacity",
                    f"{pool.dept_name}：在资格和每人检查对象上限的约束下，无法为全部 {len(pool.parts)} 个检查对象"
                    f"各配齐 {r} 名{_pool_label(pool.pool)}",
                    dept=pool.dept, pool=pool.pool, required=r,
                )
            )
            return
        problems.append(
            Problem(
                "warning", "cap_relaxed",
                f"{pool.dept_name}：受每人检查对象上限所限，部分人员与检查对象配对的抽中概率无法保持在 {q:.0%} 以内",
                dept=pool.dept, pool=pool.pool,
            )
        )
    pool.goal = [v / UNIT for v in load]


def _repair(pool: _Pool, load: list[int], caps_u: list[int], relaxed: bool) -> bool:
    """Move planned units off over-cap inspectors along augmenting paths; False if impossible."""
    rows = pool.classes
    bound = [c.mult * (UNIT if relaxed else c.cap_units) for c in rows]
    at: list[list[tuple[int, int]]] = [[] for _ in pool.cols]
    for n, c in enumerate(rows):
        for pos, k in enumerate(c.cols):
            at[k].append((n, pos))
    while True:
        over = [k for k in range(len(load)) if load[k] > caps_u[k]]
        if not over:
            return True
        start = over[0]
        parent: dict[int, tuple[int, int, int, int]] = {start: (-1, -1, -1, -1)}
        queue = [start]
        end = -1
        for k in queue:
            for n, pos in at[k]:
                row = rows[n]
                if row.x[pos] <= 0:
                    continue
                for pos2, k2 in enumerate(row.cols):
                    if k2 in parent or row.x[pos2] >= bound[n]:
                        continue
                    parent[k2] = (k, n, pos, pos2)
                    if load[k2] < caps_u[k2]:
                        end = k2
                        break
                    queue.append(k2)
                if end >= 0:
                    break
            if end >= 0:
                break
        if end < 0:
            return False
        delta = min(load[start] - caps_u[start], caps_u[end] - load[end])
        k = end
        while k != start:
            prev, n, pos, pos2 = parent[k]
            delta = min(delta, rows[n].x[pos], bound[n] - rows[n].x[pos2])
            k = prev
        k = end
        while k != start:
            prev, n, pos, pos2 = parent[k]
            rows[n].x[pos] -= delta
            rows[n].x[pos2] += delta
            k = prev
        load[start] -= delta
        load[end] += delta



def _eligible(pool: _Pool, part: _PartRow) -> list[int]:
    """Return the columns eligible for a part: its class's columns minus the recusal holes."""
    cols = pool.classes[part.cls].cols
    if not part.holes:
        return cols
    holes = set(part.holes)
    return [k for n, k in enumerate(cols) if n not in holes]


@dataclass
class MatchPlan:
    """The seed-free part of the matching: eligibility, fitted weights, planned loads, problems."""

    snapshot: Snapshot
    digest: str
    problems: list[Problem]
    pools: list[_Pool]

    @property
    def errors(self) -> list[Problem]:
        """Return the problems that block the draw."""
        return [p for p in self.problems if p.severity == "error"]

    def probabilities(self) -> dict[tuple[str, str, str], float]:
        """Return the nominal probability of every possible (target, dept, inspector) pairing."""
        out: dict[tuple[str, str, str], float] = {}
        for pool in self.pools:
            b = pool.weight
            for part in pool.parts:
                elig = _eligible(pool, part)
                if len(elig) < pool.r or not b:
                    continue
                u = max(pool.q, pool.r / len(elig))
                for k, v in zip(elig, _waterfill([b[k] for k in elig], u, pool.r), strict=True):
                    out[(part.target, pool.dept, pool.cols[k])] = v
        return out


def plan_for(snapshot: Snapshot) -> MatchPlan:
    """Return the seed-free plan of a snapshot (eligibility, weights, planned loads and problems)."""
    with _no_gc():
        return _plan_for(snapshot)


def _plan_for(snapshot: Snapshot) -> MatchPlan:
    s = normalize(snapshot)
    digest = hashlib.sha256(_canonical(snapshot_to_obj(s, normalized=True)).encode("utf-8")).hexdigest()
    problems = _validate(s)
    if problems:
        return MatchPlan(s, digest, problems, [])
    pools = _build_pools(s, problems)
    blocked = {(p.dept, p.pool) for p in problems if p.severity == "error"}
    for pool in pools:
        if (pool.dept, pool.pool) not in blocked:
            _plan_pool(pool, problems)
    return MatchPlan(s, digest, problems, pools)
