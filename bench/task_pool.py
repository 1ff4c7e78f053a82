"""A task's pool on PostgreSQL over a 1,000,000-entity directory, with filters, the yearly cap and the
exclusion window; then generating 5,000 visit sheets (database rows, PDF and Excel).

Run: .venv/bin/python bench/task_pool.py [--rows N] [--visited N] [--sheets N] [--pg-url URL]
Uses the bench database of bench/import_entities.py (filled through the real importer when it holds
fewer than N entities). Before timing it records --visited earlier visits (half for the same item in
the window, half twice this year for the cap). "Pool preparation" is plans.services.commit: the scope
query, the exclusion list (window + cap), the pool file, its hash, the matching basis and the
commitment. Not part of the test suite.
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

    args, actor = ie.directory_bench(visited=20_000, sheets=5_000)
    from django.db import transaction

    from shuangsuiji.directory.models import Entity
    from shuangsuiji.plans import services, sheets
    from shuangsuiji.plans.models import Task, Visit

    dept, item, _ = ie.bench_item_and_officers(400)

    Visit.objects.filter(task__title__startswith="bench").delete()
    Task.objects.filter(title__startswith="bench").update(draw=None)
    Task.objects.filter(title__startswith="bench").delete()
    drawable = Entity.objects.drawable()
    print(f"entities: {Entity.objects.count():,} ({drawable.count():,} 存续)")
    with transaction.atomic():
        earlier = Task.objects.create(number="RW-BENCH-PAST", year=2026, title="bench earlier", kind="targeted",
                                      department=dept, status="closed")
        earlier.task_items.create(item=item)
        ids = list(drawable.order_by("uscc").values_list("pk", flat=True)[: args.visited])
        Visit.objects.bulk_create((Visit(task=earlier, entity_id=pk, number=f"RW-BENCH-PAST-{n:07d}")
                                   for n, pk in enumerate(ids)), batch_size=5000)
        other = Task.objects.create(number="RW-BENCH-PAST2", year=2026, title="bench earlier 2", kind="targeted",
                                    department=dept, status="closed")
        Visit.objects.bulk_create((Visit(task=other, entity_id=pk, number=f"RW-BENCH-PAST2-{n:07d}")
                                   for n, pk in enumerate(ids[: args.visited // 2])), batch_size=5000)
    task = services.create_task(actor, dept, kind="internal", title="bench task", items=[item], year=2026,
                                scope={"filters": {"entity_type": ["enterprise", "individual"]}},
                                strata_by=["credit_class"], rules={"default": {"ratio": "0.005", "minimum": 1}},
                                yearly_cap=2, exclusion_days=365)
    services.submit(actor, task)
    services.approve(actor, task)
    started = time.perf_counter()
    task = services.commit(actor, task, [{"type": "witness", "name": "bench", "shape": [3]}])
    prepare = time.perf_counter() - started
    draw = task.draw
    print(f"pool preparation (plans.services.commit): pool={draw.pool_size:,} "
          f"excluded={len(draw.manifest['exclusions']):,} time={prepare:.2f} s (target ≤ 3 s)")

    t = time.perf_counter()
    task = services.reveal(actor, Task.objects.get(pk=task.pk), [{"numbers": [[1, 2, 3]]}])
    print(f"reveal + matching + {task.visits.count():,} visits: {time.perf_counter() - t:.2f} s")
    visits = list(Visit.objects.filter(task=task).select_related("task", "entity").order_by("number")[: args.sheets])
    if len(visits) < args.sheets:
        extra = drawable.exclude(pk__in=[v.entity_id for v in visits]).values_list("pk", flat=True)[
            : args.sheets - len(visits)]
        t = time.perf_counter()
        services.issue_visits(task, list(extra), draw=draw)
        print(f"issuing {len(extra):,} more visit sheets (rows): {time.perf_counter() - t:.2f} s")
        visits = list(Visit.objects.filter(task=task).select_related("task", "entity").order_by("number")[: args.sheets])
    t = time.perf_counter()
    pdf = sheets.visits_pdf(visits)
    print(f"{len(visits):,} visit sheets as one PDF: {time.perf_counter() - t:.2f} s, {len(pdf) / 1e6:.1f} MB")
    t = time.perf_counter()
    xlsx = sheets.visits_xlsx(visits)
    print(f"{len(visits):,} visit sheets as Excel: {time.perf_counter() - t:.2f} s, {len(xlsx) / 1e6:.1f} MB")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(f"peak_rss={peak:.2f} GiB load={os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
