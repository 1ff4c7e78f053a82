"""Recomputing every business's credit-risk class on PostgreSQL over a 1,000,000-entity directory (issue 30:
≤ 60 s).

Run: .venv/bin/python bench/credit_recompute.py [--rows N] [--pg-url URL]
Uses the bench database of bench/import_entities.py (filled through the real importer when it holds fewer than
N entities), gives 5 % of the businesses imported credit facts (once), clears every class (so the first run
gives each business its first class: a million changes recorded and set), then times services.recompute twice:
that first run, and a second with nothing new.
Not part of the test suite.
"""

from __future__ import annotations

import os
import random
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
    from shuangsuiji.credit import services
    from shuangsuiji.credit.models import ClassChange, Facts
    from shuangsuiji.directory.models import Entity

    total = Entity.objects.count()
    if not Facts.objects.exists():
        rng = random.Random(30)
        ids = list(Entity.objects.values_list("id", flat=True))
        Facts.objects.bulk_create(
            (Facts(entity_id=i, abnormal=rng.random() < .4, serious=rng.random() < .03,
                   penalties=rng.choice((0, 1, 2, 4)), complaints=rng.choice((0, 1, 3)),
                   annual_report_missing=rng.random() < .3) for i in rng.sample(ids, len(ids) // 20)),
            batch_size=10_000)
    Entity.objects.update(credit_class="")
    ClassChange.objects.all().delete()
    print(f"entities: {total:,}; with imported credit facts: {Facts.objects.count():,}; every class cleared")
    for run in ("first run", "second run (nothing new)"):
        before = ClassChange.objects.count()
        started = time.perf_counter()
        summary = services.recompute(actor)
        seconds = time.perf_counter() - started
        print(f"  {run:<26} {seconds:6.2f} s  rated={summary['rated']:,} changed={summary['changed']:,} "
              f"classes={summary['classes']} (changes recorded: {ClassChange.objects.count() - before:,})")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(f"credit recompute on PostgreSQL: {total:,} entities, peak_rss={peak:.2f} GiB load={os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
