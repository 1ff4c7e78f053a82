"""Benchmark of the pure draw engine: 10,000,000 entities, 4 strata, 2% excluded, 30,000 drawn.

Run: .venv/bin/python bench/draw_engine.py [--size N]
Prints wall time of the engine (pool validation + digest + draw) and peak RSS
of this process plus its forked workers. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from shuangsuiji.lottery.quota import CountRule  # noqa: E402
from shuangsuiji.lottery.sampling import Pool, draw  # noqa: E402

STRATA = ["企业|A", "企业|B", "企业|C", "个体|D"]
SHARES = [40, 30, 20, 10]  # percent of the pool in each stratum


def synthetic_pool(size: int) -> bytes:
    """Return canonical pool bytes with USCC-like ids from a counter (already sorted)."""
    names = [s.encode("utf-8") for s in STRATA]
    # Pattern of 100 stratum picks repeated: shares exact, neighbours mixed.
    pattern = [names[0]] * 40 + [names[1]] * 30 + [names[2]] * 20 + [names[3]] * 10
    pattern = [pattern[(i * 37) % 100] for i in range(100)]
    out = bytearray()
    block = 1_000_000
    for start in range(0, size, block):
        stop = min(size, start + block)
        out += b"".join(b"91330000%010d\t%s\n" % (i, pattern[i % 100]) for i in range(start, stop))
    return bytes(out)


def peak_rss_gib() -> tuple[float, float]:
    """Return (this process, largest child) peak RSS in GiB (Linux reports KiB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20
    return own, kids


def cpu_seconds() -> float:
    """Return user+system CPU time of this process and its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    """Generate the pool, time the engine, print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=10_000_000)
    parser.add_argument("--drawn", type=int, default=30_000)
    parser.add_argument("--processes", type=int, default=None)
    args = parser.parse_args()

    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    data = synthetic_pool(args.size)
    excluded = {f"91330000{i:010d}": "已列入经营异常名录" for i in range(0, args.size, 50)}  # 2%
    gen = time.perf_counter() - t0

    ratio = f"{args.drawn / (args.size - len(excluded)):.10f}"
    t1 = time.perf_counter()
    c1 = cpu_seconds()
    pool = Pool.from_tsv(data, STRATA)
    result = draw("3f" * 32, pool, CountRule(ratio=ratio), excluded, processes=args.processes)
    wall = time.perf_counter() - t1
    cpu = cpu_seconds() - c1
    own, kids = peak_rss_gib()
    drawn = sum(s.count for s in result.strata)
    print(
        f"pool={pool.size:,} strata={len(pool.strata)} excluded={len(excluded):,} drawn={drawn:,} "
        f"wall={wall:.1f}s cpu={cpu:.1f}s peak_rss={own + kids:.2f}GiB (parent {own:.2f} + largest worker {kids:.2f}; "
        f"pool generation {gen:.1f}s not counted; load average before {load:.2f})"
        f"  (command: .venv/bin/python bench/draw_engine.py)"
    )


if __name__ == "__main__":
    main()
