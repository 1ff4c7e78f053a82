"""Every entity's inclusion frequency matches k/N, and the same test catches a slightly biased sampler.

Design: stratum 甲 has N=20 entities, k=4 drawn; stratum 乙 has N=12, k=3.
Over S=2,000 fixed seeds ("stat-0" … "stat-1999"), entity i is drawn c_i
times.  For a uniform k-of-N draw, c_i ~ Binomial(S, p = k/N) with the
negative correlation of sampling without replacement, so
    X = Σ (c_i - S·p)² / (S·p·(1-p)·N/(N-1))
is approximately χ² with N-1 degrees of freedom.  We reject at a
false-alarm rate of α = 0.001 per stratum (critical value by the
Wilson–Hilferty approximation) and also require every single |z_i| below
the Bonferroni bound for α = 0.001 over all entities.  Seeds are fixed, so
the test is deterministic; α says how unlucky a correct sampler would have
to be to fail with some other fixed seed list.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from statistics import NormalDist

from shuangsuiji.lottery import tickets
from shuangsuiji.lottery.quota import CountRule
from shuangsuiji.lottery.sampling import Pool, draw

ALPHA = 0.001
SEEDS = [f"stat-{i}" for i in range(2000)]
STRATA = {"甲": (20, 4), "乙": (12, 3)}
ROWS = [(f"9133{name}{i:02d}", name) for name, (n, _) in STRATA.items() for i in range(n)]

Sampler = Callable[[str], list[str]]


def chi_square_critical(df: int, alpha: float) -> float:
    """Upper-α quantile of χ²(df), Wilson–Hilferty approximation."""
    z = NormalDist().inv_cdf(1 - alpha)
    return df * (1 - 2 / (9 * df) + z * math.sqrt(2 / (9 * df))) ** 3


def uniformity_failures(sampler: Sampler) -> list[str]:
    """Run the sampler over all seeds and return the failed checks (empty list: consistent with k/N)."""
    counts = {entity: 0 for entity, _ in ROWS}
    for seed in SEEDS:
        for entity in sampler(seed):
            counts[entity] += 1
    failures = []
    z_bound = NormalDist().inv_cdf(1 - ALPHA / (2 * len(ROWS)))
    for name, (n, k) in STRATA.items():
        p = k / n
        mean = len(SEEDS) * p
        variance = len(SEEDS) * p * (1 - p)
        members = [e for e, s in ROWS if s == name]
        x = sum((counts[e] - mean) ** 2 for e in members) / (variance * n / (n - 1))
        if x > chi_square_critical(n - 1, ALPHA):
            failures.append(f"{name}: χ²={x:.1f} > {chi_square_critical(n - 1, ALPHA):.1f}")
        failures += [
            f"{e}: z={(counts[e] - mean) / math.sqrt(variance):.2f}"
            for e in members
            if abs(counts[e] - mean) / math.sqrt(variance) > z_bound
        ]
    return failures


POOL = Pool.from_rows(ROWS)
RULES = {name: CountRule(count=k) for name, (_, k) in STRATA.items()}


def engine(seed: str) -> list[str]:
    """The real engine."""
    return draw(seed, POOL, RULES).drawn_ids


def biased(seed: str) -> list[str]:
    """A subtly wrong sampler: tickets shrink by up to 30% for lower ids (it slightly prefers them)."""
    out = []
    for name, (n, k) in STRATA.items():
        members = sorted(e for e, s in ROWS if s == name)
        scored = sorted(
            (float(tickets.ticket_full(seed, e)[:20]) * (0.7 + 0.3 * rank / (n - 1)), e)
            for rank, e in enumerate(members)
        )
        out += [e for _, e in scored[:k]]
    return out


def test_inclusion_frequencies_of_the_engine_are_consistent_with_k_over_n() -> None:
    assert uniformity_failures(engine) == []


def test_the_same_test_rejects_a_sampler_that_slightly_prefers_lower_ids() -> None:
    failures = uniformity_failures(biased)
    assert any("χ²" in f for f in failures), failures
