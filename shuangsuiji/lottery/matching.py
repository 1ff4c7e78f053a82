"""Random matching of inspectors to drawn targets (the second "随机" of 双随机), stdlib only.

The assignment is a pure function of (seed, snapshot).  `plan_for(snapshot)`, before
any seed exists, finds every problem and fixes each inspector's balanced planned load
and weight; `Plan.draw(seed)` then serves the parts in seed order, each drawing its team
by systematic sampling from probabilities capped at q, so that every inspector-target
pair is drawn with probability at most q and every hard constraint holds in every draw.
docs/matching.md explains the choices and the guarantees.
"""

from __future__ import annotations

import gc
import hashlib
import json
import math
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import accumulate
from typing import Any, NamedTuple

from shuangsuiji.lottery.errors import DrawError

ALGORITHM = "ssj-match/1"
SNAPSHOT_FORMAT = "ssj-match-snapshot/1"
ASSIGNMENT_FORMAT = "ssj-match-assignment/1"

OFFICER = "officer"
THIRD_PARTY_KINDS = ("expert", "agency")
KINDS = (OFFICER, *THIRD_PARTY_KINDS)
POOL_OFFICER = "officer"
POOL_THIRD_PARTY = "third_party"

# The plan's capacity check counts planned loads in integer units of 1/UNIT, so that
# "load <= cap" is decided exactly, the same on every platform.
UNIT = 1 << 30
_IPF_ROUNDS = 40
_IPF_TOLERANCE = 1e-4


class MatchingError(DrawError):
    """The matching cannot be made or replayed; `problems` says why, in Chinese."""

    def __init__(self, problems: Sequence[Problem] | str) -> None:
        if isinstance(problems, str):
            problems = [Problem("error", "invalid", problems)]
        self.problems: list[Problem] = list(problems)
        super().__init__("；".join(p.message for p in self.problems if p.severity == "error") or "匹配失败")


# --------------------------------------------------------------------------- snapshot


@dataclass(frozen=True)
class Department:
    """A department taking part in the task."""

    id: str
    name: str


@dataclass(frozen=True)
class Inspector:
    """A person (or agency) who may be sent; officers belong to exactly one department."""

    id: str
    name: str
    dept: str
    kind: str = OFFICER  # "officer" | "expert" | "agency"
    domains: tuple[str, ...] = ()  # check domains the person is qualified for
    township: str = ""  # where the person lives, for the optional township recusal
    cap: int | None = None  # most targets in this task; None means task.max_targets
    unavailable: tuple[tuple[str, str], ...] = ()  # inclusive ISO date ranges off duty


@dataclass(frozen=True)
class Part:
    """The items of one department at one target; `domains` must all be covered by each member."""

    dept: str
    domains: tuple[str, ...] = ()


@dataclass(frozen=True)
class Target:
    """A drawn target (检查对象) and the department parts the task includes for it."""

    id: str
    name: str = ""
    township: str = ""
    parts: tuple[Part, ...] = ()


@dataclass(frozen=True)
class Task:
    """Task-wide rules of the matching."""

    id: str
    team_size: int = 2  # officers per (target, department); never below 2 (行政处罚法 §42)
    start: str = ""  # ISO date; with `end` the period inspectors must be on duty
    end: str = ""
    q: float = 0.5  # cap on any inspector-target pairing probability
    max_targets: int = 10  # default per-inspector cap on targets
    township_recusal: bool = False  # exclude inspectors living in the target's township
    third_party_per_team: int = 0  # experts/agencies added to each team, never counted as officers


@dataclass(frozen=True)
class Snapshot:
    """Everything the matching reads; published as canonical JSON with its SHA-256."""

    task: Task
    departments: tuple[Department, ...]
    inspectors: tuple[Inspector, ...]
    targets: tuple[Target, ...]
    conflicts: tuple[tuple[str, str], ...] = ()  # declared (inspector, target) conflicts
    recent: tuple[tuple[str, str], ...] = ()  # (inspector, target) who inspected it last time


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Team:
    """Who goes to one target for one department."""

    target: str
    dept: str
    officers: tuple[str, ...]
    third_party: tuple[str, ...] = ()


@dataclass(frozen=True)
class Swap:
    """One recusal replacement, applied after the draw in order.

    ``fresh`` is the canonical value of randomness that did not exist when the recusal was decided (a drand
    round declared at the decision, ``source``); the replacement's ticket depends on it, so nobody can walk
    down a list fixed by the draw's seed by approving one recusal after another.
    """

    target: str
    dept: str
    removed: str
    added: str
    reason: str
    fresh: str = ""
    source: Any = None  # {"declared_at", "declaration", "revealed"}: checked by the verifier


@dataclass(frozen=True)
class Assignment:
    """The result: teams sorted by (target, dept), then the ordered swaps."""

    seed: str
    snapshot_digest: str
    teams: tuple[Team, ...]
    swaps: tuple[Swap, ...] = ()
    algorithm: str = ALGORITHM

    def team(self, target: str, dept: str) -> Team:
        """Return the team for (target, dept)."""
        for t in self.teams:
            if t.target == target and t.dept == dept:
                return t
        raise KeyError((target, dept))

    def loads(self) -> dict[str, int]:
        """Return the number of targets per inspector (officers and third parties)."""
        out: dict[str, int] = {}
        for t in self.teams:
            for j in (*t.officers, *t.third_party):
                out[j] = out.get(j, 0) + 1
        return out


@dataclass(frozen=True)
class Problem:
    """A finding of `precheck`: machine-readable fields plus a plain Chinese message."""

    severity: str  # "error" blocks the draw; "warning" is published with it
    code: str  # invalid | team_size | too_few_eligible | forced_pairing | capacity | cap_relaxed
    message: str
    target: str | None = None
    dept: str | None = None
    pool: str = POOL_OFFICER  # "officer" | "third_party"
    qualified: int | None = None  # qualified and on duty, before recusal
    eligible: int | None = None  # after recusal
    required: int | None = None  # team members needed from this pool
    probability: float | None = None  # forced pairing probability, when above q


# --------------------------------------------------------------------------- JSON


def _canonical(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _sorted_tuple(items: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(sorted(set(items)))


def _norm_inspector(i: Inspector) -> Inspector:
    doms, off = _sorted_tuple(i.domains), _sorted_tuple(tuple(u) for u in i.unavailable)
    if doms == i.domains and off == i.unavailable:
        return i  # already canonical: rebuilding frozen dataclasses is the slow part
    return Inspector(i.id, i.name, i.dept, i.kind, doms, i.township, i.cap, off)


def _norm_target(t: Target) -> Target:
    parts = tuple(
        sorted(
            (p if _sorted_tuple(p.domains) == p.domains else Part(p.dept, _sorted_tuple(p.domains)) for p in t.parts),
            key=lambda p: p.dept,
        )
    )
    return t if parts == t.parts else Target(t.id, t.name, t.township, parts)


def normalize(snapshot: Snapshot) -> Snapshot:
    """Return the snapshot with every collection sorted and deduplicated (canonical order)."""
    s = snapshot
    return Snapshot(
        task=s.task,
        departments=tuple(sorted(s.departments, key=lambda d: d.id)),
        inspectors=tuple(sorted(map(_norm_inspector, s.inspectors), key=lambda i: i.id)),
        targets=tuple(sorted(map(_norm_target, s.targets), key=lambda t: t.id)),
        conflicts=_sorted_tuple(tuple(c) for c in s.conflicts),
        recent=_sorted_tuple(tuple(c) for c in s.recent),
    )


def snapshot_to_obj(snapshot: Snapshot, normalized: bool = False) -> dict[str, Any]:
    """Return the canonical JSON-ready dict of a snapshot (pass normalized=True to skip sorting)."""
    s = snapshot if normalized else normalize(snapshot)
    t = s.task
    return {
        "format": SNAPSHOT_FORMAT,
        "task": {
            "id": t.id, "team_size": t.team_size, "start": t.start, "end": t.end, "q": t.q,
            "max_targets": t.max_targets, "township_recusal": t.township_recusal,
            "third_party_per_team": t.third_party_per_team,
        },
        "departments": [{"id": d.id, "name": d.name} for d in s.departments],
        "inspectors": [
            {
                "id": i.id, "name": i.name, "dept": i.dept, "kind": i.kind, "domains": i.domains,
                "township": i.township, "cap": i.cap, "unavailable": i.unavailable,
            }
            for i in s.inspectors
        ],
        "targets": [
            {
                "id": x.id, "name": x.name, "township": x.township,
                "parts": [{"dept": p.dept, "domains": p.domains} for p in x.parts],
            }
            for x in s.targets
        ],
        "conflicts": s.conflicts,  # tuples serialize as JSON arrays
        "recent": s.recent,
    }


def snapshot_from_obj(obj: dict[str, Any]) -> Snapshot:
    """Build a (normalized) snapshot from its JSON dict."""
    if obj.get("format") != SNAPSHOT_FORMAT:
        raise MatchingError(f"快照格式不是 {SNAPSHOT_FORMAT}")
    t = obj["task"]
    task = Task(
        id=t["id"], team_size=t["team_size"], start=t.get("start", ""), end=t.get("end", ""),
        q=t.get("q", 0.5), max_targets=t.get("max_targets", 10),
        township_recusal=bool(t.get("township_recusal", False)),
        third_party_per_team=t.get("third_party_per_team", 0),
    )
    return normalize(
        Snapshot(
            task=task,
            departments=tuple(Department(d["id"], d["name"]) for d in obj["departments"]),
            inspectors=tuple(
                Inspector(
                    i["id"], i["name"], i["dept"], i.get("kind", OFFICER), tuple(i.get("domains", ())),
                    i.get("township", ""), i.get("cap"), tuple((a, b) for a, b in i.get("unavailable", ())),
                )
                for i in obj["inspectors"]
            ),
            targets=tuple(
                Target(
                    x["id"], x.get("name", ""), x.get("township", ""),
                    tuple(Part(p["dept"], tuple(p.get("domains", ()))) for p in x["parts"]),
                )
                for x in obj["targets"]
            ),
            conflicts=tuple((a, b) for a, b in obj.get("conflicts", ())),
            recent=tuple((a, b) for a, b in obj.get("recent", ())),
        )
    )


def snapshot_to_json(snapshot: Snapshot) -> str:
    """Return the canonical JSON text of a snapshot."""
    return _canonical(snapshot_to_obj(snapshot))


def snapshot_from_json(text: str) -> Snapshot:
    """Parse a snapshot from JSON text."""
    return snapshot_from_obj(json.loads(text))


def snapshot_digest(snapshot: Snapshot) -> str:
    """Return the SHA-256 hex of the canonical JSON (UTF-8) of the snapshot."""
    return hashlib.sha256(snapshot_to_json(snapshot).encode("utf-8")).hexdigest()


def assignment_to_obj(a: Assignment) -> dict[str, Any]:
    """Return the canonical JSON-ready dict of an assignment."""
    return {
        "format": ASSIGNMENT_FORMAT,
        "algorithm": a.algorithm,
        "seed": a.seed,
        "snapshot_digest": a.snapshot_digest,
        "teams": [
            {"target": t.target, "dept": t.dept, "officers": list(t.officers), "third_party": list(t.third_party)}
            for t in a.teams
        ],
        "swaps": [
            {"target": w.target, "dept": w.dept, "removed": w.removed, "added": w.added, "reason": w.reason,
             **({"fresh": w.fresh, "source": w.source} if w.fresh else {})}
            for w in a.swaps
        ],
    }


def assignment_from_obj(obj: dict[str, Any]) -> Assignment:
    """Build an assignment from its JSON dict."""
    if obj.get("format") != ASSIGNMENT_FORMAT:
        raise MatchingError(f"匹配结果格式不是 {ASSIGNMENT_FORMAT}")
    return Assignment(
        seed=obj["seed"],
        snapshot_digest=obj["snapshot_digest"],
        teams=tuple(
            Team(t["target"], t["dept"], tuple(t["officers"]), tuple(t.get("third_party", ()))) for t in obj["teams"]
        ),
        swaps=tuple(Swap(w["target"], w["dept"], w["removed"], w["added"], w["reason"], w.get("fresh", ""),
                         w.get("source")) for w in obj["swaps"]),
        algorithm=obj.get("algorithm", ALGORITHM),
    )


def assignment_to_json(a: Assignment) -> str:
    """Return the canonical JSON text of an assignment."""
    return _canonical(assignment_to_obj(a))


def assignment_from_json(text: str) -> Assignment:
    """Parse an assignment from JSON text."""
    return assignment_from_obj(json.loads(text))


# --------------------------------------------------------------------------- randomness


@contextmanager
def _no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector: the matching allocates many small, acyclic objects."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _ticket(seed: str, label: str) -> int:
    """Return the 256-bit SHA-256 of "seed|label" as an integer (orders things at random)."""
    return int.from_bytes(hashlib.sha256(f"{seed}|{label}".encode()).digest(), "big")


class _Stream:
    """Uniform integers from SHA-256("seed|context|counter") blocks, 64 bits at a time."""

    __slots__ = ("_prefix", "_counter", "_words")

    def __init__(self, seed: str, context: str) -> None:
        self._prefix = f"{seed}|{context}|".encode()
        self._counter = 0
        self._words: list[int] = []

    def uniforms(self, n: int) -> list[float]:
        """Return n floats (k + 0.5) / 2**53 in (0, 1), k the top 53 bits of successive 64-bit words."""
        out: list[float] = []
        while len(out) < n:
            if not self._words:
                d = hashlib.sha256(self._prefix + str(self._counter).encode()).digest()
                self._counter += 1
                self._words = [int.from_bytes(d[k : k + 8], "big") for k in (24, 16, 8, 0)]
            out.append(((self._words.pop() >> 11) + 0.5) / (1 << 53))
        return out

    def below(self, n: int) -> int:
        """Return a uniform integer in [0, n) by rejection (exact, no modulo bias)."""
        limit = (1 << 64) - (1 << 64) % n
        while True:
            if not self._words:
                d = hashlib.sha256(self._prefix + str(self._counter).encode()).digest()
                self._counter += 1
                # Popped from the end: words are used in digest order 0..3.
                self._words = [int.from_bytes(d[k : k + 8], "big") for k in (24, 16, 8, 0)]
            w = self._words.pop()
            if w < limit:
                return w % n


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


@dataclass
class Plan:
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

    def draw(self, seed: str, stats: dict[str, Any] | None = None) -> Assignment:
        """Sample the assignment for a seed (pure function of seed and snapshot).

        `stats`, if given, receives counts of parts that had to leave the plan:
        "forced" (fewer than team/q inspectors left with room) and "repairs"; if it holds a
        dict under "probe", the conditional probability of every pair at its draw is added
        to it (summed over draws this estimates each pair's probability with low variance).
        """
        if self.errors:
            raise MatchingError(self.errors)
        with _no_gc():
            return self._draw(seed, {} if stats is None else stats)

    def _draw(self, seed: str, stats: dict[str, Any]) -> Assignment:
        teams: dict[tuple[str, str], list[list[str]]] = {}
        for pool in self.pools:
            slot = 0 if pool.pool == POOL_OFFICER else 1
            for tid, members in _draw_pool(seed, pool, stats).items():
                teams.setdefault((tid, pool.dept), [[], []])[slot] = sorted(members)
        out = tuple(Team(tid, dept, tuple(v[0]), tuple(v[1])) for (tid, dept), v in sorted(teams.items()))
        return Assignment(seed=seed, snapshot_digest=self.digest, teams=out)


def plan_for(snapshot: Snapshot) -> Plan:
    """Return the seed-free plan of a snapshot (eligibility, weights, planned loads and problems)."""
    with _no_gc():
        return _plan_for(snapshot)


def _plan_for(snapshot: Snapshot) -> Plan:
    s = normalize(snapshot)
    digest = hashlib.sha256(_canonical(snapshot_to_obj(s, normalized=True)).encode("utf-8")).hexdigest()
    problems = _validate(s)
    if problems:
        return Plan(s, digest, problems, [])
    pools = _build_pools(s, problems)
    blocked = {(p.dept, p.pool) for p in problems if p.severity == "error"}
    for pool in pools:
        if (pool.dept, pool.pool) not in blocked:
            _plan_pool(pool, problems)
    return Plan(s, digest, problems, pools)


PRECHECK_SEED = "precheck"


def precheck(snapshot: Snapshot) -> list[Problem]:
    """Return every problem found before any draw: infeasible parts, forced pairings, capacity.

    Besides the plan's checks it makes one trial draw with the public seed PRECHECK_SEED:
    the draw serves parts one by one with augmenting paths, so it fails exactly when no
    assignment meets the caps (recusal holes included), and names the part that failed.
    """
    plan = plan_for(snapshot)
    problems = list(plan.problems)
    if any(p.code in ("invalid", "team_size") for p in problems):
        return problems
    # Pools whose parts all have enough eligible people get a trial draw, also when the
    # capacity check failed: the part where it runs dry is the one to name.
    short = {(p.dept, p.pool) for p in problems if p.code == "too_few_eligible"}
    with _no_gc():
        for pool in plan.pools:
            if (pool.dept, pool.pool) in short:
                continue
            try:
                _draw_pool(PRECHECK_SEED, pool, {})
            except MatchingError as e:
                problems.extend(e.problems)
    return problems


# --------------------------------------------------------------------------- the draw

_RATIO_FLOOR = 1 / 64  # weight kept by an inspector far ahead of schedule (never 0 below the cap)
_SMOOTH = 0.25  # added to remaining and expected-remaining load, so that both may reach 0
_REFRESH = 64  # schedule factors are refreshed this many times over a pool's parts
_REFRESH_MIN = 8  # ... but not more often than every 8 parts
_ORDERS = 16  # random column orders per class and draw; each part uses one of them


def _factor(b: float, goal: float, done: int, cap: int, tau: float) -> float:
    """Return an inspector's sampling weight: fitted weight times remaining goal over remaining schedule."""
    if done >= cap:
        return 0.0
    return b * max(_RATIO_FLOOR, (goal - done + _SMOOTH) / ((1.0 - tau) * goal + _SMOOTH))


def _pick(w: list[float], r: int, u: float, t: float, hint: float) -> list[int]:
    """Return r distinct positions, position k with probability p_k = min(u, a*w_k) (sum r).

    Systematic sampling: with t uniform in (0, 1), the points t, t+1, ..., t+r-1 on the
    line of cumulative probabilities pick the positions whose intervals contain them.
    Every interval is at most u <= 1 long, so no position is picked twice.  `hint` is
    an upper bound on max(w) that spares computing it when it already proves no cap binds.
    """
    acc = list(accumulate(w))
    tot = acc[-1]
    if r * hint <= u * tot or r * max(w) <= u * tot:  # no weight reaches the cap: p_k = r*w_k/tot, scale the points instead
        scale = tot / r
        picks = [bisect_left(acc, (t + s) * scale) for s in range(r)]
    else:
        acc = list(accumulate(_waterfill(w, u, r)))
        picks = [bisect_left(acc, t + s) for s in range(r)]
    n = len(w)
    if len(set(picks)) < r or picks[-1] >= n:  # floating rounding at an interval end: never in practice
        keep = [k for k in dict.fromkeys(picks) if k < n]
        extra = [k for k in sorted(range(n), key=lambda k: (-w[k], k)) if w[k] > 0.0 and k not in keep]
        picks = keep + extra[: r - len(keep)]
    return picks


def _draw_pool(seed: str, pool: _Pool, stats: dict[str, Any]) -> dict[str, list[str]]:
    """Draw the teams of one pool: parts in ticket order, each by systematic sampling on capped weights."""
    r, q = pool.r, pool.q
    full_q = _fewest_for_cap(r, q)  # fewest eligible with room that keep every p <= q
    parts = pool.parts
    n = len(parts)
    order = sorted(range(n), key=lambda i: _ticket(seed, f"part|{pool.dept}|{pool.pool}|{parts[i].target}"))
    stream = _Stream(seed, f"draw|{pool.dept}|{pool.pool}")
    uniform = stream.uniforms(n)  # one per part, in draw order
    orders = [stream.below(_ORDERS) for _ in range(n)]
    # Systematic sampling teams up people about half the (weighted) list apart, so each class
    # gets _ORDERS random column orders per seed and every part uses one of them at random.
    perm_cols: list[list[list[int]]] = [[] for _ in pool.classes]
    perm_pos: list[list[list[int]]] = [[] for _ in pool.classes]  # canonical position -> position in an order
    for o in range(_ORDERS):
        perm = sorted(range(len(pool.cols)), key=lambda k: _ticket(seed, f"order|{pool.dept}|{pool.pool}|{o}|{pool.cols[k]}"))
        for c, cls in enumerate(pool.classes):
            cols = [k for k in perm if k in cls.pos]
            inv = [0] * len(cols)
            for new, k in enumerate(cols):
                inv[cls.pos[k]] = new
            perm_cols[c].append(cols)
            perm_pos[c].append(inv)
    b, goal, caps = pool.weight, pool.goal, pool.caps
    ncols = len(pool.cols)
    done = [0] * ncols
    holders: list[list[int]] = [[] for _ in range(ncols)]
    team: list[list[int]] = [[] for _ in range(n)]
    f = list(b)
    tau = 0.0
    refresh = 0
    ids = pool.cols
    probe: dict[tuple[str, str, str], float] | None = stats.get("probe")  # type: ignore[assignment]
    full = 0  # inspectors at their cap (weight 0); with fmax, lets most parts skip exact counts
    fmax = 0.0
    for step, i in enumerate(order):
        if step >= refresh:
            tau = step / n
            f = [_factor(b[k], goal[k], done[k], caps[k], tau) for k in range(ncols)]
            full, fmax = f.count(0.0), max(f)
            refresh = step + max(_REFRESH_MIN, n // _REFRESH)
        target, c, holes = parts[i]
        o = orders[step]
        cols = perm_cols[c][o]
        w = [f[k] for k in cols]
        if holes:
            inv = perm_pos[c][o]
            for h in holes:  # recused: weight 0, never drawn
                w[inv[h]] = 0.0
        room = len(w) - len(holes) - full  # a lower bound: holes and full people may overlap
        if room < full_q:
            room = len(w) - w.count(0.0)
        if room >= r:
            u = q
            if room < full_q:
                stats["forced"] = stats.get("forced", 0) + 1
                u = r / room
            members = team[i] = [cols[k] for k in _pick(w, r, u, uniform[step], fmax)]
            if probe is not None:  # diagnostics: the conditional probabilities this part was drawn with
                for k, v in zip(cols, _waterfill(w, u, r), strict=True):
                    if v:
                        key = (target, pool.dept, ids[k])
                        probe[key] = probe.get(key, 0.0) + v
        else:
            stats["repairs"] = stats.get("repairs", 0) + 1
            members = team[i] = [k for k, v in zip(cols, w, strict=True) if v > 0.0]
        for k in members:
            holders[k].append(i)
            done[k] += 1
        grown = list(members)
        while len(members) < r:
            k = _augment(pool, i, team, holders, done)  # the one inspector whose load grew
            done[k] += 1
            grown.append(k)
        for k in grown:
            was_full = f[k] == 0.0
            f[k] = _factor(b[k], goal[k], done[k], caps[k], tau)
            full += f[k] == 0.0 and not was_full
    return {parts[i].target: [ids[k] for k in team[i]] for i in range(n)}


def _eligible(pool: _Pool, part: _PartRow) -> list[int]:
    """Return the columns eligible for a part: its class's columns minus the recusal holes."""
    cols = pool.classes[part.cls].cols
    if not part.holes:
        return cols
    holes = set(part.holes)
    return [k for n, k in enumerate(cols) if n not in holes]


def _augment(pool: _Pool, i: int, team: list[list[int]], holders: list[list[int]], done: list[int]) -> int:
    """Give part i one more inspector by moving others along an augmenting path; return whose load grew.

    Breadth-first search over inspectors: i takes a full inspector k0, the part holding
    k0 takes k1 instead, ... until an inspector below the cap.  If no path exists the
    parts so far are a maximum flow, so no assignment exists at all (Ford-Fulkerson).
    """
    parts, caps = pool.parts, pool.caps

    parent: dict[int, tuple[int, int]] = {}
    queue: list[int] = []
    for k in _eligible(pool, parts[i]):
        if k not in team[i]:
            parent[k] = (-1, -1)
            queue.append(k)
    end = -1
    for k in queue:
        if done[k] < caps[k]:
            end = k
            break
        for h in holders[k]:
            if h == i:
                continue
            for k2 in _eligible(pool, parts[h]):
                if k2 not in parent and k2 not in team[h]:
                    parent[k2] = (k, h)
                    queue.append(k2)
    if end < 0:
        part = parts[i]
        n = len(_eligible(pool, part))
        raise MatchingError(
            [Problem("error", "capacity",
                     f"检查对象 {part.target} 的 {pool.dept_name} 部分：在每人检查对象上限内，本部门无法为所有检查对象"
                     f"同时配齐 {pool.r} 名{_pool_label(pool.pool)}（试抽至此不足；回避后符合条件的 {n} 人均已满额或无法调换）",
                     target=part.target, dept=pool.dept, pool=pool.pool,
                     qualified=len(pool.classes[part.cls].cols), eligible=n, required=pool.r)]
        )
    k = end  # its load grows by one: the caller counts it before any further search
    while True:
        prev, h = parent[k]
        if prev < 0:
            team[i].append(k)
            holders[k].append(i)
            return end
        # Part h gives up `prev` and takes `k`.
        team[h][team[h].index(prev)] = k
        holders[prev].remove(h)
        holders[k].append(h)
        k = prev


# --------------------------------------------------------------------------- public entry points


def match(seed: str, snapshot: Snapshot) -> Assignment:
    """Return the assignment for a seed; raises MatchingError if precheck finds an error."""
    return plan_for(snapshot).draw(seed)


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
