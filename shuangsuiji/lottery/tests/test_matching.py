"""Inspector matching: hard constraints, the probability cap, refusals, replay and recusal swaps."""

from __future__ import annotations

import ast
import json
import math
import os
import random
import subprocess
import sys
from collections import Counter
from dataclasses import replace as dc_replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shuangsuiji.lottery import matching as m
from shuangsuiji.lottery.matching import (
    Assignment,
    Department,
    Inspector,
    MatchingError,
    Part,
    Snapshot,
    Swap,
    Target,
    Task,
)

SEED = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

# --------------------------------------------------------------------------- independent checker
# Written from the rules, not from matching.py: it shares no eligibility code with it.


def violations(snap: Snapshot, a: Assignment) -> list[str]:
    """Return every broken hard constraint of an assignment, as readable strings."""
    out: list[str] = []
    task = snap.task
    people = {i.id: i for i in snap.inspectors}
    conflicts = {(j, t) for j, t in snap.conflicts}
    recent = {(j, t) for j, t in snap.recent}
    wanted = {(x.id, p.dept): (x, p) for x in snap.targets for p in x.parts}
    seen = set()
    load: Counter[str] = Counter()
    for team in a.teams:
        key = (team.target, team.dept)
        if key not in wanted:
            out.append(f"team for {key} that the task does not ask for")
            continue
        if key in seen:
            out.append(f"two teams for {key}")
        seen.add(key)
        x, part = wanted[key]
        if len(team.officers) != task.team_size:
            out.append(f"{key}: {len(team.officers)} officers instead of {task.team_size}")
        if len(team.third_party) != task.third_party_per_team:
            out.append(f"{key}: {len(team.third_party)} third parties instead of {task.third_party_per_team}")
        members = list(team.officers) + list(team.third_party)
        if len(set(members)) != len(members):
            out.append(f"{key}: someone twice in the team")
        for role, group in (("officer", team.officers), ("third", team.third_party)):
            for j in group:
                load[j] += 1
                who = people.get(j)
                if who is None:
                    out.append(f"{key}: unknown person {j}")
                    continue
                if role == "officer" and who.kind != "officer":
                    out.append(f"{key}: {j} counted as officer but is {who.kind}")
                if role == "third" and who.kind not in ("expert", "agency"):
                    out.append(f"{key}: {j} listed as third party but is {who.kind}")
                if who.dept != team.dept:
                    out.append(f"{key}: {j} belongs to {who.dept}")
                missing = [d for d in part.domains if d not in who.domains]
                if missing:
                    out.append(f"{key}: {j} not qualified for {missing}")
                for lo, hi in who.unavailable:
                    if task.start and not (hi < task.start or lo > task.end):
                        out.append(f"{key}: {j} off duty {lo}..{hi}")
                if (j, x.id) in conflicts:
                    out.append(f"{key}: {j} has a declared conflict")
                if (j, x.id) in recent:
                    out.append(f"{key}: {j} inspected it last time")
                if task.township_recusal and x.township and who.township == x.township:
                    out.append(f"{key}: {j} lives in township {x.township}")
    for key in wanted:
        if key not in seen:
            out.append(f"no team for {key}")
    for j, n in load.items():
        cap = people[j].cap if people[j].cap is not None else task.max_targets
        if n > cap:
            out.append(f"{j}: {n} targets above the cap {cap}")
    return out


def feasible(snap: Snapshot) -> bool:
    """Return True if some assignment meets every hard constraint (max-flow per department and kind)."""
    task = snap.task
    bad = {(j, t) for j, t in (*snap.conflicts, *snap.recent)}
    for d in snap.departments:
        for officers, need in ((True, task.team_size), (False, task.third_party_per_team)):
            if need == 0:
                continue
            pool = [
                i for i in snap.inspectors
                if i.dept == d.id and (i.kind == "officer") == officers
                and not any(task.start and not (hi < task.start or lo > task.end) for lo, hi in i.unavailable)
            ]
            parts = [(x, p) for x in snap.targets for p in x.parts if p.dept == d.id]
            edges = {
                n: [k for k, i in enumerate(pool)
                    if set(p.domains) <= set(i.domains) and (i.id, x.id) not in bad
                    and not (task.township_recusal and x.township and i.township == x.township)]
                for n, (x, p) in enumerate(parts)
            }
            caps = [task.max_targets if i.cap is None else i.cap for i in pool]
            if _max_flow(edges, caps, need) < need * len(parts):
                return False
    return True


def _max_flow(edges: dict[int, list[int]], caps: list[int], need: int) -> int:
    """Plain Edmonds-Karp on source -> part (need) -> person (1) -> sink (cap)."""
    nodes = 2 + len(edges) + len(caps)
    src, snk = 0, nodes - 1
    cap: dict[tuple[int, int], int] = {}
    adj: list[list[int]] = [[] for _ in range(nodes)]

    def add(u: int, v: int, c: int) -> None:
        if (u, v) not in cap:
            adj[u].append(v)
            adj[v].append(u)
            cap.setdefault((v, u), 0)
        cap[(u, v)] = cap.get((u, v), 0) + c

    for n, ks in edges.items():
        add(src, 1 + n, need)
        for k in ks:
            add(1 + n, 1 + len(edges) + k, 1)
    for k, c in enumerate(caps):
        add(1 + len(edges) + k, snk, c)
    flow = 0
    while True:
        parent = {src: src}
        queue = [src]
        for u in queue:
            for v in adj[u]:
                if v not in parent and cap[(u, v)] > 0:
                    parent[v] = u
                    queue.append(v)
        if snk not in parent:
            return flow
        v, push = snk, math.inf
        while v != src:
            push = min(push, cap[(parent[v], v)])
            v = parent[v]
        v = snk
        while v != src:
            cap[(parent[v], v)] -= push
            cap[(v, parent[v])] += push
            v = parent[v]
        flow += int(push)


# --------------------------------------------------------------------------- instances


def district(n_targets: int = 40, per_dept: int = 10, n_depts: int = 3, seed: int = 1, **task_kw: object) -> Snapshot:
    """Return a small realistic snapshot: departments with domains, townships, conflicts, last-time pairs."""
    rng = random.Random(seed)
    depts = tuple(Department(f"D{d}", ["区市场监管局", "区卫生健康局", "区生态环境分局", "区应急管理局"][d % 4])
                  for d in range(n_depts))
    people = []
    for d in range(n_depts):
        for k in range(per_dept):
            doms = tuple(f"D{d}-k{x}" for x in range(3) if rng.random() < 0.85) or (f"D{d}-k0",)
            people.append(Inspector(f"D{d}-P{k:02d}", f"检查员{d}{k}", f"D{d}", "officer", doms, f"镇{rng.randrange(4)}"))
        for k in range(per_dept // 2):
            people.append(Inspector(f"D{d}-E{k}", f"专家{d}{k}", f"D{d}", "expert", (f"D{d}-k0", f"D{d}-k1", f"D{d}-k2")))
    targets = []
    for t in range(n_targets):
        ds = rng.sample(range(n_depts), min(2, n_depts))
        targets.append(Target(f"91371703MA3X{t:05d}", f"企业{t}", f"镇{rng.randrange(4)}",
                              tuple(Part(f"D{d}", (f"D{d}-k{rng.randrange(3)}",)) for d in ds)))
    officers = [p.id for p in people if p.kind == "officer"]
    conflicts = tuple((rng.choice(officers), rng.choice(targets).id) for _ in range(n_targets // 4))
    recent = tuple((rng.choice(officers), rng.choice(targets).id) for _ in range(n_targets // 2))
    kw = {"team_size": 2, "start": "2025-05-01", "end": "2025-05-31", "q": 0.5, "max_targets": 8,
          "township_recusal": False}
    kw.update(task_kw)
    return Snapshot(Task("T-2025-05", **kw), depts, tuple(people), tuple(targets), conflicts, recent)  # type: ignore[arg-type]


def one_dept(n_officers: int, targets: list[tuple[str, tuple[str, ...]]], **task_kw: object) -> Snapshot:
    """Return a one-department snapshot; officer k is qualified for domain "a", and for "b" when k < 4."""
    people = tuple(
        Inspector(f"P{k}", f"人{k}", "wsj", "officer", ("a", "b") if k < 4 else ("a",)) for k in range(n_officers)
    )
    kw = {"team_size": 2, "q": 0.5, "max_targets": 6}
    kw.update(task_kw)
    return Snapshot(
        Task("T1", **kw),  # type: ignore[arg-type]
        (Department("wsj", "区卫生健康局"),),
        people,
        tuple(Target(tid, "", "", (Part("wsj", doms),)) for tid, doms in targets),
    )


# Strategies built once: building them inside the composite dominated the test's time.
_DOMAINS = st.sets(st.sampled_from(["x", "y", "z"]), min_size=1).map(lambda d: tuple(sorted(d)))
_PART_DOMAINS = st.sampled_from([(), ("x",), ("y",), ("z",)])
_THIRD_KIND = st.sampled_from(["expert", "agency"])
_CAP = st.sampled_from([None, None, 0, 1, 2, 3, 4, 5, 6])
_OFF_DUTY = st.sampled_from([()] * 9 + [(("2025-05-10", "2025-05-12"),)])
_SMALL = [st.integers(0, n) for n in range(13)]


@st.composite
def snapshots(draw: st.DrawFn) -> Snapshot:
    """Random small snapshots: every rule switched on or off, feasible or not."""
    n_depts = draw(st.integers(1, 3))
    n_towns = draw(st.integers(2, 4))
    town = _SMALL[n_towns - 1]
    depts = tuple(Department(f"D{d}", f"部门{d}") for d in range(n_depts))
    people = []
    for d in range(n_depts):
        n_officers = 3 + draw(_SMALL[9])
        for k in range(n_officers + draw(_SMALL[3])):
            kind = "officer" if k < n_officers else draw(_THIRD_KIND)
            people.append(Inspector(f"D{d}-{k}", "", f"D{d}", kind, draw(_DOMAINS), f"t{draw(town)}",
                                    draw(_CAP), draw(_OFF_DUTY)))
    targets = []
    for t in range(1 + draw(_SMALL[11])):
        ds = sorted({draw(_SMALL[n_depts - 1]) for _ in range(1 + draw(_SMALL[2]))})
        parts = tuple(Part(f"D{d}", draw(_PART_DOMAINS)) for d in ds)
        targets.append(Target(f"T{t:02d}", "", f"t{draw(town)}", parts))
    n_people, n_targets = len(people), len(targets)

    def pairs(n: int) -> tuple[tuple[str, str], ...]:
        return tuple((people[draw(st.integers(0, n_people - 1))].id, targets[draw(st.integers(0, n_targets - 1))].id)
                     for _ in range(n))

    task = Task(
        "H", team_size=2, start="2025-05-01", end="2025-05-31", q=draw(st.sampled_from([0.5, 0.34, 1.0])),
        max_targets=2 + draw(_SMALL[6]), township_recusal=draw(st.booleans()),
        third_party_per_team=draw(st.sampled_from([0, 0, 1])),
    )
    return Snapshot(task, depts, tuple(people), tuple(targets), pairs(draw(_SMALL[6])), pairs(draw(_SMALL[6])))


# --------------------------------------------------------------------------- hard constraints


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(snapshots(), st.integers(0, 2**32))
def test_every_draw_meets_every_hard_constraint_or_the_instance_is_infeasible(snap: Snapshot, salt: int) -> None:
    # precheck is exact: it reports an error if and only if no assignment exists.
    assert any(p.severity == "error" for p in m.precheck(snap)) == (not feasible(snap))
    plan = m.plan_for(snap)
    if plan.errors:
        assert not feasible(snap), [p.message for p in plan.errors]
        with pytest.raises(MatchingError):
            m.match(SEED, snap)
        return
    for k in range(3):
        seed = f"{salt:x}-{k}"
        try:
            a = m.draw_teams(plan, seed)
        except MatchingError:
            assert not feasible(snap)
            return
        assert violations(snap, a) == []
    assert a == m.match(seed, snap)  # the plan is a pure function of the snapshot
    # A recusal swap keeps every constraint and replays.
    team = a.teams[0]
    try:
        b, _ = m.replace(seed, snap, a, team.target, team.dept, (team.officers + team.third_party)[-1], "回避")
    except MatchingError as e:
        assert e.problems[0].code == "no_replacement"
        return
    assert violations(snap, b) == []
    assert m.replay(seed, snap, b.swaps) == b


def test_a_realistic_district_meets_every_constraint_for_many_seeds() -> None:
    snap = district(60, 14, 4, seed=5, township_recusal=True, third_party_per_team=1, max_targets=10)
    plan = m.plan_for(snap)
    assert plan.errors == []
    for s in range(40):
        assert violations(snap, m.draw_teams(plan, f"{s:064x}")) == []


def test_caps_that_leave_no_slack_are_met_by_repairing_dead_ends() -> None:
    # 6 targets x 2 officers = 12 slots = 6 officers x cap 2; recusal makes late parts run dry.
    snap = one_dept(6, [(f"T{t}", ("a",)) for t in range(6)], max_targets=2)
    snap = dc_replace(snap, conflicts=(("P0", "T0"), ("P1", "T0"), ("P0", "T1"), ("P2", "T3"), ("P3", "T4")))
    assert feasible(snap)
    repairs = 0
    for s in range(60):
        stats: dict[str, int] = {}
        a = m.draw_teams(m.plan_for(snap), f"tight-{s}", stats)
        repairs += stats.get("repairs", 0)
        assert violations(snap, a) == []
        assert sorted(a.loads().values()) == [2] * 6
    assert repairs > 0  # the augmenting-path branch did run


def test_loads_stay_close_to_the_balanced_level() -> None:
    # 60 one-department targets, 12 interchangeable officers: 120 slots, 10 each.
    snap = one_dept(12, [(f"T{t:02d}", ("a",)) for t in range(60)], max_targets=12)
    for s in range(20):
        loads = m.match(f"load-{s}", snap).loads()
        assert len(loads) == 12
        assert 8 <= min(loads.values()) and max(loads.values()) <= 12, loads


# --------------------------------------------------------------------------- probability cap


def test_no_pair_is_drawn_more_often_than_q_over_1200_seeds_when_the_cap_is_achievable() -> None:
    # "R" needs domain b: exactly 4 qualified officers, so each must come out with probability 1/2;
    # the other 11 targets take any of 8 officers.
    snap = one_dept(8, [("R", ("b",))] + [(f"T{t:02d}", ("a",)) for t in range(11)], max_targets=4)
    assert [p for p in m.precheck(snap) if p.code == "forced_pairing"] == []
    plan = m.plan_for(snap)
    n = 1200
    counts: Counter[tuple[str, str]] = Counter()
    for s in range(n):
        for team in m.draw_teams(plan, f"cap-{s}").teams:
            counts.update((team.target, j) for j in team.officers)
    q = snap.task.q
    tolerance = 4 * math.sqrt(q * (1 - q) / n)  # binomial: exceeded with probability < 1e-4 per pair
    worst = max(counts.values()) / n
    assert worst <= q + tolerance, (worst, counts.most_common(3))
    # The four qualified officers share R evenly.
    for k in range(4):
        assert abs(counts[("R", f"P{k}")] / n - 0.5) <= tolerance
    # Elsewhere probability is spread over everyone (about 2/8 each), not pushed to 0 or to q.
    others = [counts[(f"T{t:02d}", f"P{k}")] / n for t in range(11) for k in range(8)]
    assert min(others) > 0.1 and max(others) < 0.4, (min(others), max(others))


def test_every_pair_is_drawn_with_conditional_probability_at_most_q_at_its_turn() -> None:
    # The proof of the cap: whatever came before, part i picks person j with probability <= q.
    snap = district(60, 12, 3, seed=8, township_recusal=True, max_targets=12)
    plan = m.plan_for(snap)
    for s in range(30):
        probe: dict[tuple[str, str, str], float] = {}
        stats: dict[str, object] = {"probe": probe}
        m.draw_teams(plan, f"probe-{s}", stats)
        assert stats.get("forced", 0) == 0 and stats.get("repairs", 0) == 0
        assert max(probe.values()) <= snap.task.q + 1e-12
        # ... and the conditional probabilities of a part add up to the team size.
        per_part: Counter[tuple[str, str]] = Counter()
        for (t, d, _), v in probe.items():
            per_part[(t, d)] += v
        assert all(abs(v - 2) < 1e-9 for v in per_part.values())


def test_precheck_flags_a_target_with_only_two_eligible_officers_as_a_forced_pairing() -> None:
    snap = one_dept(6, [("91371703MA3XXXXX", ("b",)), ("T1", ("a",))])
    snap = dc_replace(snap, inspectors=tuple(dc_replace(i, domains=("a",)) if i.id in ("P2", "P3") else i
                                             for i in snap.inspectors))
    problems = m.precheck(snap)
    forced = [p for p in problems if p.code == "forced_pairing"]
    assert len(forced) == 1 and forced[0].severity == "warning"
    f = forced[0]
    assert (f.target, f.dept, f.eligible, f.required, f.probability) == ("91371703MA3XXXXX", "wsj", 2, 2, 1.0)
    assert "91371703MA3XXXXX" in f.message and "区卫生健康局" in f.message and "2 人" in f.message
    # A forced pairing is published, not refused.
    a = m.match(SEED, snap)
    assert set(a.team("91371703MA3XXXXX", "wsj").officers) == {"P0", "P1"}


# --------------------------------------------------------------------------- refusals


def test_a_target_with_one_eligible_officer_is_refused_naming_the_target_and_the_department() -> None:
    snap = one_dept(6, [("91371703MA3XXXXX", ("b",)), ("T1", ("a",))])
    snap = dc_replace(snap, conflicts=(("P0", "91371703MA3XXXXX"),), recent=(("P1", "91371703MA3XXXXX"),),
                      inspectors=tuple(dc_replace(i, domains=("a",)) if i.id == "P3" else i for i in snap.inspectors))
    errors = [p for p in m.precheck(snap) if p.severity == "error"]
    assert len(errors) == 1
    e = errors[0]
    assert (e.code, e.target, e.dept, e.qualified, e.eligible, e.required) == (
        "too_few_eligible", "91371703MA3XXXXX", "wsj", 3, 1, 2)
    assert e.message == "检查对象 91371703MA3XXXXX 的 区卫生健康局 部分：资格且在岗的执法人员仅 3 人（回避后 1 人），少于每组最少 2 人"
    with pytest.raises(MatchingError, match="91371703MA3XXXXX 的 区卫生健康局"):
        m.match(SEED, snap)


def test_a_team_size_below_two_is_refused() -> None:
    snap = one_dept(6, [("T0", ("a",))], team_size=1)
    problems = m.precheck(snap)
    assert [p.code for p in problems] == ["team_size"]
    assert "不得少于 2 人" in problems[0].message
    with pytest.raises(MatchingError, match="不得少于 2 人"):
        m.match(SEED, snap)


def test_third_party_experts_never_count_towards_the_officer_minimum() -> None:
    people = (Inspector("P0", "", "wsj", "officer", ("a",)),
              *(Inspector(f"E{k}", "", "wsj", kind, ("a",)) for k, kind in enumerate(["expert", "agency"] * 3)))
    snap = Snapshot(Task("T", third_party_per_team=1), (Department("wsj", "区卫生健康局"),), people,
                    (Target("X1", "", "", (Part("wsj", ("a",)),)),))
    errors = [p for p in m.precheck(snap) if p.severity == "error"]
    assert [(p.code, p.pool, p.eligible) for p in errors] == [("too_few_eligible", "officer", 1)]


def test_third_parties_are_added_on_request_and_kept_apart_from_officers() -> None:
    snap = district(30, 8, 2, seed=2, third_party_per_team=1)
    a = m.match(SEED, snap)
    assert violations(snap, a) == []
    kinds = {i.id: i.kind for i in snap.inspectors}
    for team in a.teams:
        assert [kinds[j] for j in team.officers] == ["officer", "officer"]
        assert len(team.third_party) == 1 and kinds[team.third_party[0]] in ("expert", "agency")


def test_caps_that_cannot_be_met_are_refused_before_the_draw() -> None:
    snap = one_dept(4, [(f"T{t}", ("a",)) for t in range(5)], max_targets=2)  # 10 slots, 8 places
    errors = [p for p in m.precheck(snap) if p.severity == "error"]
    assert [p.code for p in errors] == ["capacity", "capacity"]
    assert errors[0].message == "区卫生健康局：在岗执法人员的检查对象上限合计 8 人次，少于需要的 10 人次"
    # The trial draw names the part where the department runs dry.
    assert errors[1].target is not None and errors[1].message.startswith(f"检查对象 {errors[1].target} 的 区卫生健康局")
    with pytest.raises(MatchingError, match="少于需要的 10 人次"):
        m.match(SEED, snap)


def test_recusal_that_leaves_no_assignment_is_found_by_precheck_and_names_the_part() -> None:
    # Two targets each recuse a different pair of the 4 officers, caps 1: the coarse check passes, the draw cannot.
    snap = one_dept(4, [("A", ("a",)), ("B", ("a",))], max_targets=1)
    snap = dc_replace(snap, conflicts=(("P0", "A"), ("P1", "A"), ("P0", "B"), ("P1", "B")))
    assert not feasible(snap)
    errors = [p for p in m.precheck(snap) if p.severity == "error"]
    assert errors and errors[0].dept == "wsj" and errors[0].target in ("A", "B")


# --------------------------------------------------------------------------- replay and formats


def test_replay_reproduces_the_assignment_from_the_published_json() -> None:
    snap = district(25, 9, 3, seed=3, township_recusal=True)
    a = m.match(SEED, snap)
    text = m.snapshot_to_json(snap)
    again = m.replay(SEED, m.snapshot_from_json(text))
    assert again == a
    assert m.assignment_from_json(m.assignment_to_json(a)) == a
    assert a.snapshot_digest == m.snapshot_digest(snap)
    assert m.match(SEED[:-1] + "9", snap) != a


def test_the_snapshot_digest_is_stable_and_ignores_input_order() -> None:
    snap = one_dept(5, [("T1", ("a",)), ("T0", ("b", "a"))])
    text = m.snapshot_to_json(snap)
    assert text == json.dumps(json.loads(text), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    shuffled = dc_replace(snap, inspectors=tuple(reversed(snap.inspectors)), targets=tuple(reversed(snap.targets)))
    assert m.snapshot_digest(shuffled) == m.snapshot_digest(snap)
    assert m.snapshot_digest(snap) == "74ddfb6c11d832d7604a4c85493ce342aaa6657a94720586b31c51c2bab1e079"


def test_a_fixed_seed_gives_the_same_teams_on_every_platform() -> None:
    # Golden values: a change here means every published draw would replay differently.
    snap = one_dept(6, [(f"T{t}", ("a",)) for t in range(4)])
    a = m.match(SEED, snap)
    assert [t.officers for t in a.teams] == [("P0", "P3"), ("P2", "P4"), ("P1", "P4"), ("P0", "P1")]


def test_the_assignment_does_not_depend_on_python_hash_randomisation() -> None:
    code = (
        f"import sys; sys.path.insert(0, {str(Path(__file__).resolve().parents[3])!r})\n"
        "from shuangsuiji.lottery.tests.test_matching import district, SEED\n"
        "from shuangsuiji.lottery import matching as m\n"
        "print(m.assignment_to_json(m.match(SEED, district(30, 8, 3, seed=9, township_recusal=True))))\n"
    )
    outs = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        outs.add(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                                check=True).stdout)
    assert len(outs) == 1


def test_the_module_imports_only_the_standard_library_and_the_lottery_package() -> None:
    tree = ast.parse(Path(m.__file__).read_text(encoding="utf-8"))
    names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    for name in names:
        top = name.split(".")[0]
        assert top in sys.stdlib_module_names or name.startswith("shuangsuiji.lottery"), name
    assert "random" not in names  # every random choice comes from SHA-256


# --------------------------------------------------------------------------- recusal replacement


def test_a_recusal_replacement_is_deterministic_recorded_and_respects_every_constraint() -> None:
    snap = district(30, 8, 3, seed=4, township_recusal=True)
    a = m.match(SEED, snap)
    team = a.teams[0]
    out = team.officers[0]
    b, new = m.replace(SEED, snap, a, team.target, team.dept, out, "申报亲属关系回避")
    assert (b, new) == m.replace(SEED, snap, a, team.target, team.dept, out, "申报亲属关系回避")
    assert new != out and new not in team.officers
    assert out not in b.team(team.target, team.dept).officers
    assert b.swaps == (Swap(team.target, team.dept, out, new, "申报亲属关系回避"),)
    assert violations(snap, b) == []
    # The recused person never comes back to that team, even after a second swap.
    c, new2 = m.replace(SEED, snap, b, team.target, team.dept, new, "临时公务")
    assert new2 not in (out, new)
    assert violations(snap, c) == []
    assert m.replay(SEED, snap, c.swaps) == c
    assert m.assignment_from_json(m.assignment_to_json(c)) == c


def test_replay_rejects_a_swap_record_that_names_another_replacement() -> None:
    snap = district(20, 8, 2, seed=6)
    a = m.match(SEED, snap)
    t = a.teams[0]
    b, new = m.replace(SEED, snap, a, t.target, t.dept, t.officers[0], "回避")
    forged = (dc_replace(b.swaps[0], added="D0-P99"),)
    with pytest.raises(MatchingError, match="替换记录不符"):
        m.replay(SEED, snap, forged)
    with pytest.raises(MatchingError, match="种子"):
        m.replace("another seed", snap, a, t.target, t.dept, t.officers[0], "回避")


def test_a_replacement_respects_the_caps() -> None:
    snap = one_dept(4, [("A", ("a",)), ("B", ("a",))], max_targets=1)
    a = m.match(SEED, snap)
    with pytest.raises(MatchingError, match="没有符合条件且未满额"):
        m.replace(SEED, snap, a, "A", "wsj", a.team("A", "wsj").officers[0], "回避")
