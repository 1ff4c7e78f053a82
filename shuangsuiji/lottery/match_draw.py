"""The seeded part of the matching (part 3 of 3): the seed's random streams, then `draw_teams`, which
serves a plan's parts in seed order, each drawing its team by systematic sampling from probabilities
capped at q, with augmenting paths so every hard constraint holds; `precheck` makes one trial draw with a
public seed to name the part where a draw would run dry."""

from __future__ import annotations

import hashlib
from bisect import bisect_left
from itertools import accumulate
from typing import Any

from shuangsuiji.lottery.match_plan import (
    MatchPlan,
    _eligible,
    _fewest_for_cap,
    _Pool,
    _pool_label,
    _waterfill,
    plan_for,
)
from shuangsuiji.lottery.match_types import (
    POOL_OFFICER,
    Assignment,
    MatchingError,
    Problem,
    Snapshot,
    Team,
    _no_gc,
)


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


def draw_teams(plan: MatchPlan, seed: str, stats: dict[str, Any] | None = None) -> Assignment:
    """Sample the assignment for a seed (pure function of seed and snapshot).

    `stats`, if given, receives counts of parts that had to leave the plan:
    "forced" (fewer than team/q inspectors left with room) and "repairs"; if it holds a
    dict under "probe", the conditional probability of every pair at its draw is added
    to it (summed over draws this estimates each pair's probability with low variance).
    """
    if plan.errors:
        raise MatchingError(plan.errors)
    stats = {} if stats is None else stats
    with _no_gc():
        teams: dict[tuple[str, str], list[list[str]]] = {}
        for pool in plan.pools:
            slot = 0 if pool.pool == POOL_OFFICER else 1
            for tid, members in _draw_pool(seed, pool, stats).items():
                teams.setdefault((tid, pool.dept), [[], []])[slot] = sorted(members)
        out = tuple(Team(tid, dept, tuple(v[0]), tuple(v[1])) for (tid, dept), v in sorted(teams.items()))
        return Assignment(seed=seed, snapshot_digest=plan.digest, teams=out)


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
