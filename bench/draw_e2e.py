"""End-to-end draw on PostgreSQL over a 1,000,000-entity directory: query, freeze, hash, select, persist.

Run: .venv/bin/python bench/draw_e2e.py [--rows N] [--pg-url URL]
Uses the bench database of bench/import_entities.py (created, migrated and filled through the real
importer when it holds fewer than N entities), then times services.prepare → commit → reveal for a
draw stratified by credit class (4 strata, 0.3% each) on the real quicknet round 1000 (committed just before
it, as the demo does).
Not part of the test suite.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> None:
    import import_entities as ie

    args, actor = ie.directory_bench()
    from shuangsuiji.accounts.models import Department
    from shuangsuiji.directory.models import Entity
    from shuangsuiji.draws import services
    from shuangsuiji.draws.demo import before_round, demo_round, drand

    print(f"entities: {Entity.objects.count():,} ({Entity.objects.drawable().count():,} 存续)")
    dept = Department.objects.get(code="scjgj")
    timings = {}
    started = time.perf_counter()
    draw = services.prepare(actor, dept, title="bench", strata_by=["credit_class"],
                            rules={"default": {"ratio": "0.003", "minimum": 1}})
    timings["prepare"] = time.perf_counter() - started
    t = time.perf_counter()
    draw = services.commit(actor, draw, [drand(1000)], now=before_round(1000))
    timings["commit (query + freeze + hash + write pool)"] = time.perf_counter() - t
    t = time.perf_counter()
    draw = services.reveal(actor, draw, [demo_round(1000)])
    timings["reveal (read + verify digest + select + persist)"] = time.perf_counter() - t
    total = time.perf_counter() - started
    for name, seconds in timings.items():
        print(f"  {name:<52} {seconds:6.2f} s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(f"draw end to end on PostgreSQL: pool={draw.pool_size:,} drawn={draw.drawn.count():,} "
          f"total={total:.2f} s peak_rss={peak:.2f} GiB load={os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
