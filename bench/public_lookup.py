"""The public business look-up and business page under load: 1,000,000 entities, 200,000 published
results, 50 concurrent people (locust, loopback), PostgreSQL, gunicorn in production mode.

Run: .venv/bin/python bench/public_lookup.py [--entities N] [--results N] [--users 50] [--seconds 60]
     [--workers CPUs] [--pg-url URL]
Needs the bench extra (pip install -e ".[bench]") for locust. Sets up its own database (default
ssj_bench_public): the directory through the real importer, then N published results spread over
40 random tasks in 20 departments' names (bulk-written rows of the same shape publication writes:
visit, part, item result, follow-up for problems, Publication). Each simulated person pauses 1–3 s
between pages (a closed loop without pauses measures the box's throughput, not what a person waits).
Every server thread answers a few pages before the clock starts (its first request loads code and
templates); people arrive at 10 a second. Fragments are two-character windows of random entities' names (so common ones such as 定陶 or 公司
come up as often as real people type them) plus code fragments; businesses are random, half of them
with results. Prints p50/p95/max per page, requests/s and the load average. Not part of the tests.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/ssj_bench_public"
TASKS = 40


def publish_results(count: int, rng: random.Random) -> None:
    """``count`` published results over random entities, written in bulk with the shapes the services use."""
    from django.db import connection

    from shuangsuiji.accounts.models import Department
    from shuangsuiji.directory.models import Entity
    from shuangsuiji.plans.models import Task, TaskKind, TaskStatus, Visit
    from shuangsuiji.results import vocabulary
    from shuangsuiji.results.models import (
        FollowUp,
        FollowUpKind,
        ItemResult,
        PartStatus,
        Publication,
        ResultCode,
        VisitPart,
    )

    have = Publication.objects.count()
    if have >= count:
        return
    import import_entities as ie

    vocabulary.load(ResultCode)
    dept, item, _ = ie.bench_item_and_officers(0)
    departments = list(Department.objects.order_by("order"))
    ids = list(Entity.objects.values_list("pk", flat=True))
    now = dt.datetime.now().astimezone()
    per_task = -(-(count - have) // TASKS)
    started = time.perf_counter()
    for t in range(TASKS):
        number = f"BENCH-{t:03d}"
        if Task.objects.filter(number=number).exists():
            continue
        task = Task.objects.create(number=number, year=2026, title=f"基准联合抽查 {t}", kind=TaskKind.JOINT_GENERAL,
                                   department=departments[t % len(departments)], status=TaskStatus.PUBLISHED,
                                   starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31))
        entities = rng.sample(ids, per_task)
        visits = Visit.objects.bulk_create(
            [Visit(task=task, entity_id=e, number=f"{number}-{n:06d}") for n, e in enumerate(entities)], batch_size=5000)
        parts = VisitPart.objects.bulk_create(
            [VisitPart(visit=v, department=task.department, status=PartStatus.PUBLISHED, published_at=now,
                       arrived_at=now - dt.timedelta(days=rng.randint(1, 300))) for v in visits], batch_size=5000)
        problems = [rng.random() < 0.15 for _ in parts]
        rows = ItemResult.objects.bulk_create(
            [ItemResult(part=p, item=item, codes=["pending" if bad else "no_problem"], has_problem=bad)
             for p, bad in zip(parts, problems, strict=True)], batch_size=5000)
        FollowUp.objects.bulk_create([FollowUp(result=r, kind=FollowUpKind.RECTIFY, owner=task.department,
                                               due_on=dt.date(2026, 12, 31)) for r in rows if r.has_problem],
                                     batch_size=5000)
        Publication.objects.bulk_create(
            [Publication(part=p, entity_id=v.entity_id, task=task, department=task.department, check_kind=task.kind,
                         random=True, checked_on=p.arrived_at.date(), published_at=now, has_problem=bad,
                         summary="发现问题待后续处理" if bad else "未发现问题",
                         lines=[{"code": item.code, "item": item.name, "problem": bad,
                                 "result": "发现问题待后续处理" if bad else "未发现问题"}])
             for v, p, bad in zip(visits, parts, problems, strict=True)], batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"published results: {Publication.objects.count():,} over {TASKS} tasks "
          f"({time.perf_counter() - started:.0f} s to write)")


def samples(rng: random.Random, directory: Path) -> tuple[Path, Path]:
    """Fragments people type and codes of businesses people open."""
    from shuangsuiji.directory.models import Entity
    from shuangsuiji.results.models import Publication

    ids = list(Entity.objects.order_by("?").values_list("name", "uscc")[:4000])
    fragments = []
    for name, _code in ids[:2000]:
        start = rng.randrange(len(name) - 1)
        fragments.append(name[start:start + 2])
    fragments += [code[8:14] for _, code in ids[2000:2400]]
    with_results = list(Publication.objects.order_by("?").values_list("entity__uscc", flat=True)[:2000])
    codes = with_results + [code for _, code in ids[2000:4000]]
    frag_path, code_path = directory / "fragments.txt", directory / "usccs.txt"
    frag_path.write_text("\n".join(fragments), encoding="utf-8")
    code_path.write_text("\n".join(codes), encoding="utf-8")
    return frag_path, code_path


def warm_up(base: str, fragments: Path, codes: Path, threads: int) -> None:
    """Every server thread answers a few pages first: its first request loads code and templates (about
    a second), which is start-up, not what a person waits for once the portal runs."""
    from concurrent.futures import ThreadPoolExecutor
    from urllib.parse import quote

    import requests

    words = fragments.read_text(encoding="utf-8").split()[:threads * 4]
    pages = [f"{base}/public/businesses/?q={quote(w)}" for w in words]
    pages += [f"{base}/public/businesses/{c}/" for c in codes.read_text(encoding="utf-8").split()[:threads * 4]]
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(lambda url: requests.get(url, timeout=60).status_code, pages))


def main() -> None:
    import import_entities as ie
    from result_submissions import free_port, serve

    parser = argparse.ArgumentParser()
    parser.add_argument("--entities", type=int, default=1_000_000)
    parser.add_argument("--results", type=int, default=200_000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)  # one per core
    parser.add_argument("--pg-url", default=os.environ.get("SSJ_BENCH_PUBLIC_PG_URL", DEFAULT_PG))
    args = parser.parse_args()
    print(f"command: {Path(sys.executable).name} {' '.join(sys.argv)}")
    os.environ["SSJ_SECRET_KEY"] = secrets.token_hex(32)
    rng = random.Random(2026)
    started = time.perf_counter()
    ie.bench_directory(args.pg_url, args.entities)
    print(f"directory ready ({time.perf_counter() - started:.0f} s)")
    from shuangsuiji.directory import search

    started = time.perf_counter()
    written = search.refresh()
    print(f"look-up index: {written:,} entities' bigrams written in {time.perf_counter() - started:.1f} s "
          f"(after an import, in its background job)")
    publish_results(args.results, rng)
    work = Path(tempfile.mkdtemp(prefix="ssj-bench-public-"))
    fragments, codes = samples(rng, work)
    port = free_port()
    server = serve(port, args.workers, args.pg_url)
    warm_up(f"http://127.0.0.1:{port}", fragments, codes, threads=args.workers * 4)
    env = {**os.environ, "SSJ_BENCH_FRAGMENTS": str(fragments), "SSJ_BENCH_USCCS": str(codes)}
    try:
        subprocess.run([str(Path(sys.executable).parent / "locust"), "-f", str(ROOT / "bench" / "locust_public.py"),
                        "--headless", "-u", str(args.users), "-r", "10", "-t", f"{args.seconds}s",
                        "--host", f"http://127.0.0.1:{port}", "--csv", str(work / "out"), "--only-summary",
                        "--loglevel", "WARNING"], env=env, cwd=work, check=False, stdout=subprocess.DEVNULL)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    with (work / "out_stats.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            print(f"{row['Name']:>15}: {int(row['Request Count']):,} requests, {int(row['Failure Count'])} failed, "
                  f"{float(row['Requests/s']):.1f}/s, p50 {row['50%']} ms, p95 {row['95%']} ms, "
                  f"p99 {row['99%']} ms, max {float(row['Max Response Time']):.0f} ms")
    print(f"{args.users} people, 1–3 s between pages, gunicorn {args.workers}×4 threads; "
          f"load={os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
