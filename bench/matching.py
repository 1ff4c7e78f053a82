"""Benchmark and fairness report of inspector matching (shuangsuiji/lottery/matching.py).

Run: .venv/bin/python bench/matching.py [--targets 30000] [--inspectors 3000] [--seeds 1000]
1. Speed: a city instance (30,000 targets x 3 departments, 3,000 inspectors with
   qualifications, duty, caps, conflicts and last-time pairs, township recusal on):
   wall time of plan + draw, and of a second draw reusing the plan.
2. Fairness: a district instance (~300 inspectors, 16 departments, 12 townships,
   600 targets x 3 departments): every pair's frequency over --seeds seeds, the max
   pair probability, the share of pairs at the cap q, loads max/min/mean.
Not part of the test suite; instances are generated from fixed random.Random seeds.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from shuangsuiji.lottery.matching import (  # noqa: E402
    Department,
    Inspector,
    Part,
    Snapshot,
    Target,
    Task,
    draw_teams,
    plan_for,
)


def instance(
    n_targets: int,
    n_inspectors: int,
    n_depts: int = 16,
    n_towns: int = 12,
    n_domains: int = 6,
    cap: int = 15,
    seed: int = 1,
    qualified: float = 0.6,
    two_domains: float = 0.25,
) -> Snapshot:
    """Return a synthetic snapshot: departments of equal size, 3 departments per target."""
    rng = random.Random(seed)
    depts = tuple(Department(f"D{d:02d}", f"部门{d:02d}") for d in range(n_depts))
    inspectors = []
    by_dept: dict[str, list[str]] = {d.id: [] for d in depts}
    for n in range(n_inspectors):
        d = depts[n % n_depts].id
        doms = tuple(f"{d}-k{x}" for x in range(n_domains) if rng.random() < qualified) or (f"{d}-k0",)
        off = (("2025-04-01", "2025-04-30"),) if rng.random() < 0.03 else ()
        own_cap = cap // 3 if rng.random() < 0.1 else None  # part-time inspectors
        inspectors.append(
            Inspector(f"P{n:05d}", f"检查员{n}", d, "officer", doms, f"镇{rng.randrange(n_towns):02d}", own_cap, off)
        )
        by_dept[d].append(f"P{n:05d}")
    targets = []
    conflicts = []
    recent = []
    for t in range(n_targets):
        tid = f"91{t:016d}"
        parts = []
        for d in rng.sample(depts, 3):
            k = rng.randrange(n_domains)
            doms = (f"{d.id}-k{k}",) if rng.random() >= two_domains else (f"{d.id}-k{k}", f"{d.id}-k{(k + 1) % n_domains}")
            parts.append(Part(d.id, doms))
            if rng.random() < 0.10:  # inspected last time by this department
                recent.extend((j, tid) for j in rng.sample(by_dept[d.id], 2))
            if rng.random() < 0.02:  # a declared conflict (relative, former employer)
                conflicts.append((rng.choice(by_dept[d.id]), tid))
        targets.append(Target(tid, f"企业{t}", f"镇{rng.randrange(n_towns):02d}", tuple(parts)))
    task = Task("bench", 2, "2025-04-01", "2025-04-30", 0.5, cap, True, 0)
    return Snapshot(task, depts, tuple(inspectors), tuple(targets), tuple(conflicts), tuple(recent))


def speed(n_targets: int, n_inspectors: int) -> None:
    """Print the wall time of plan + draw on the city instance."""
    load = n_targets * 3 * 2 / n_inspectors
    snap = instance(n_targets, n_inspectors, n_towns=24, cap=int(load * 1.4) + 2, seed=7)
    c0, t0 = time.process_time(), time.perf_counter()
    plan = plan_for(snap)
    c1, t1 = time.process_time(), time.perf_counter()
    a = draw_teams(plan, "5eed" * 16)
    c2, t2 = time.process_time(), time.perf_counter()
    draw_teams(plan, "beef" * 16)
    c3, t3 = time.process_time(), time.perf_counter()
    errors = [p for p in plan.problems if p.severity == "error"]
    loads = a.loads()
    print(f"city instance: {n_targets} targets x 3 departments, {n_inspectors} inspectors, "
          f"{len(snap.conflicts)} conflicts, {len(snap.recent)} last-time pairs, township recusal on")
    print(f"  problems: {len(errors)} errors, {len(plan.problems) - len(errors)} warnings")
    print(f"  plan (digest, eligibility, fitted weights, capacity checks): {t1 - t0:.2f} s wall, {c1 - c0:.2f} s CPU")
    print(f"  draw: {t2 - t1:.2f} s wall, {c2 - c1:.2f} s CPU   (another seed, same plan: {t3 - t2:.2f} s wall, "
          f"{c3 - c2:.2f} s CPU)")
    print(f"  total match(seed, snapshot): {t2 - t0:.2f} s wall, {c2 - c0:.2f} s CPU "
          f"(machine load average before: {os.getloadavg()[0]:.2f})")
    goal = {pool.cols[k]: g for pool in plan.pools for k, g in enumerate(pool.goal) if g > 0}
    dev = sorted(abs(loads.get(j, 0) - g) for j, g in goal.items())
    print(f"  loads: max {max(loads.values())}, min {min(loads.values())}, "
          f"mean {sum(loads.values()) / len(loads):.2f}, inspectors used {len(loads)} of {len(goal)} who can be drawn; "
          f"|load - planned load|: median {dev[len(dev) // 2]:.2f}, max {dev[-1]:.2f}")


def fairness(n_seeds: int) -> None:
    """Print pair-probability statistics over many seeds on the district instance."""
    snap = instance(600, 300, n_depts=16, n_towns=12, n_domains=4, cap=18, seed=3, qualified=0.8, two_domains=0.15)
    plan = plan_for(snap)
    q = snap.task.q
    planned = plan.probabilities()
    people = sorted({k[2] for k in planned})  # everyone who could be drawn at all
    counts: Counter[tuple[str, str, str]] = Counter()
    spread: list[int] = []
    worst_max, worst_min, total = 0, 10**9, 0
    probe: dict[tuple[str, str, str], float] = {}
    stats: dict[str, object] = {"probe": probe}
    goal = {pool.cols[k]: g for pool in plan.pools for k, g in enumerate(pool.goal) if g > 0}
    devs: list[float] = []
    t0 = time.perf_counter()
    for s in range(n_seeds):
        a = draw_teams(plan, f"{s:064x}", stats)
        for team in a.teams:
            for j in team.officers:
                counts[(team.target, team.dept, j)] += 1
        got = a.loads()
        loads = [got.get(j, 0) for j in people]
        worst_max, worst_min = max(worst_max, max(loads)), min(worst_min, min(loads))
        total += sum(loads)
        spread.append(max(loads) - min(loads))
        devs.extend(abs(got.get(j, 0) - g) for j, g in goal.items())
    elapsed = time.perf_counter() - t0
    freq = {k: counts.get(k, 0) / n_seeds for k in planned}
    warnings = [p for p in plan.problems if p.severity == "warning"]
    forced = {(p.target, p.dept) for p in warnings if p.code == "forced_pairing"}
    free = [k for k in planned if (k[0], k[1]) not in forced]
    sigma = (q * (1 - q) / n_seeds) ** 0.5
    emp_free = [freq[k] for k in free]
    n_parts = sum(len(t.parts) for t in snap.targets)
    print(f"district instance: {len(snap.targets)} targets x 3 departments, {len(snap.inspectors)} inspectors "
          f"in 16 departments, 12 townships, township recusal on, q = {q}, cap 18 (6 for part-timers); "
          f"{n_seeds} seeds in {elapsed:.1f} s ({elapsed / n_seeds * 1000:.0f} ms per draw)")
    print(f"  possible (target, department, inspector) pairs: {len(planned)}; parts with a forced pairing "
          f"(fewer than team/q eligible, flagged by precheck): {len(forced)} of {n_parts}")
    print(f"  pairs not forced ({len(free)}): max empirical probability {max(emp_free):.4f} "
          f"(q = {q}, binomial sigma at q = {sigma:.4f}); nominal max {max(planned[k] for k in free):.4f}")
    print(f"  share of those pairs at the cap: nominal {sum(planned[k] >= q - 1e-9 for k in free) / len(free):.2%}, "
          f"empirical >= q - 2 sigma {sum(v >= q - 2 * sigma for v in emp_free) / len(free):.2%}; "
          f"empirical mean {sum(emp_free) / len(free):.4f}, below q/2: "
          f"{sum(v < q / 2 for v in emp_free) / len(free):.2%}")
    cond = {k: v / n_seeds for k, v in probe.items()}
    cond_free = [cond.get(k, 0.0) for k in free]
    print(f"  mean conditional probability at the draw (an estimate with far less variance): max "
          f"{max(cond_free):.4f}, pairs above q: {sum(v > q for v in cond_free)}, above q + 0.005: "
          f"{sum(v > q + 0.005 for v in cond_free)}")
    dev = sorted(abs(freq[k] - planned[k]) for k in planned)
    print(f"  |empirical - nominal| over all pairs: median {dev[len(dev) // 2]:.4f}, "
          f"99th percentile {dev[int(len(dev) * 0.99)]:.4f}, max {dev[-1]:.4f}")
    print(f"  loads per draw over the {len(people)} inspectors who can be drawn: max {worst_max}, min {worst_min}, "
          f"mean {total / n_seeds / len(people):.2f}; max - min per draw: median "
          f"{sorted(spread)[len(spread) // 2]}, worst {max(spread)} (planned loads differ: part-timers, "
          f"department sizes)")
    devs.sort()
    print(f"  |load - planned load| over all draws and inspectors: median {devs[len(devs) // 2]:.2f}, "
          f"99th percentile {devs[int(len(devs) * 0.99)]:.2f}, max {devs[-1]:.2f}")
    print(f"  parts that left the plan: {stats.get('forced', 0)} drawn with fewer than team/q people left "
          f"with room, {stats.get('repairs', 0)} repaired, in {n_seeds} draws x {n_parts} parts")


def main() -> None:
    """Parse arguments and run both parts."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--targets", type=int, default=30_000)
    ap.add_argument("--inspectors", type=int, default=3_000)
    ap.add_argument("--seeds", type=int, default=1_000)
    ap.add_argument("--skip-speed", action="store_true")
    ap.add_argument("--skip-fairness", action="store_true")
    args = ap.parse_args()
    print(f"command: .venv/bin/python bench/matching.py --targets {args.targets} "
          f"--inspectors {args.inspectors} --seeds {args.seeds}")
    print(f"python {sys.version.split()[0]}")
    if not args.skip_speed:
        speed(args.targets, args.inspectors)
    if not args.skip_fairness:
        fairness(args.seeds)


if __name__ == "__main__":
    main()
