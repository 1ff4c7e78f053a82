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
) -> Snapshot:
    """Return a synthetic snapshot: departments of equal size, 3 departments per target."""
    rng = random.Random(seed)
    depts = tuple(Department(f"D{d:02d}", f"部门{d:02d}") for d in range(n_depts))
    inspectors = []
    by_dept: dict[str, list[str]] = {d.id: [] for d in depts}
    for n in range(n_inspectors):
        d = depts[n % n_depts].id
        doms = tuple(f"{d}-k{x}" for x in range(n_domains) if rng.random() < 0.6) or (f"{d}-k0",)
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
            doms = (f"{d.id}-k{k}",) if rng.random() < 0.75 else (f"{d.id}-k{k}", f"{d.id}-k{(k + 1) % n_domains}")
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
    t0 = time.perf_counter()
    plan = plan_for(snap)
    t1 = time.perf_counter()
    a = plan.draw("5eed" * 16)
    t2 = time.perf_counter()
    plan.draw("beef" * 16)
    t3 = time.perf_counter()
    errors = [p for p in plan.problems if p.severity == "error"]
    loads = a.loads()
    print(f"city instance: {n_targets} targets x 3 departments, {n_inspectors} inspectors, "
          f"{len(snap.conflicts)} conflicts, {len(snap.recent)} last-time pairs, township recusal on")
    print(f"  problems: {len(errors)} errors, {len(plan.problems) - len(errors)} warnings")
    print(f"  plan (eligibility + probabilities): {t1 - t0:.2f} s")
    print(f"  draw: {t2 - t1:.2f} s   (second seed, same plan: {t3 - t2:.2f} s)")
    print(f"  total match(seed, snapshot): {t2 - t0:.2f} s")
    print(f"  loads: max {max(loads.values())}, min {min(loads.values())}, "
          f"mean {sum(loads.values()) / len(loads):.2f}, inspectors used {len(loads)}")


def fairness(n_seeds: int) -> None:
    """Print pair-probability statistics over many seeds on the district instance."""
    snap = instance(600, 300, n_depts=16, n_towns=12, n_domains=4, cap=15, seed=3)
    plan = plan_for(snap)
    q = snap.task.q
    planned = plan.probabilities()
    counts: Counter[tuple[str, str, str]] = Counter()
    load_max, load_min, load_sum, load_n = 0, 10**9, 0, 0
    t0 = time.perf_counter()
    for s in range(n_seeds):
        a = plan.draw(f"{s:064x}")
        for team in a.teams:
            for j in team.officers:
                counts[(team.target, team.dept, j)] += 1
        loads = a.loads()
        # Inspectors with no target count as load 0.
        all_loads = [loads.get(i.id, 0) for i in snap.inspectors if any(k[2] == i.id for k in planned)] if s == 0 \
            else None
        if all_loads is not None:
            zero_ok = all_loads
        vals = list(loads.values())
        load_max = max(load_max, max(vals))
        load_min = min(load_min, min(vals))
        load_sum += sum(vals)
        load_n += len(vals)
    elapsed = time.perf_counter() - t0
    freq = {k: c / n_seeds for k, c in counts.items()}
    warnings = [p for p in plan.problems if p.severity == "warning"]
    forced = {(p.target, p.dept) for p in warnings if p.code == "forced_pairing"}
    free = {k: v for k, v in planned.items() if (k[0], k[1]) not in forced}
    tol = 3 * (q * (1 - q) / n_seeds) ** 0.5
    max_emp_free = max(freq.get(k, 0.0) for k in free)
    at_cap = sum(1 for v in free.values() if v >= q - 1e-9)
    dev = max(abs(freq.get(k, 0.0) - v) for k, v in planned.items())
    print(f"district instance: {len(snap.targets)} targets x 3 departments, {len(snap.inspectors)} inspectors "
          f"in 16 departments, 12 townships, q = {q}, cap 15; {n_seeds} seeds in {elapsed:.1f} s")
    print(f"  possible pairs: {len(planned)}; parts with forced pairings (fewer than team/q eligible): "
          f"{len(forced)} of {sum(len(t.parts) for t in snap.targets)}")
    print(f"  pairs not forced: planned max {max(free.values()):.4f}, empirical max {max_emp_free:.4f} "
          f"(q + 3 sigma = {q + tol:.4f}); share of pairs planned at the cap: {at_cap / len(free):.2%}")
    print(f"  planned probabilities: mean {sum(free.values()) / len(free):.4f}, "
          f"share below q/2: {sum(1 for v in free.values() if v < q / 2) / len(free):.2%}")
    print(f"  largest |empirical - planned| over all pairs: {dev:.4f} (3 sigma at p=0.5: {tol:.4f})")
    print(f"  loads over all seeds: max {load_max}, min {load_min}, mean {load_sum / load_n:.2f}; "
          f"first seed incl. idle: min {min(zero_ok)}")


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
