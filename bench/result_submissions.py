"""10,000 result submissions through the API on PostgreSQL under gunicorn, from many threads at once.

Run: .venv/bin/python bench/result_submissions.py [--visits N] [--threads N] [--workers N] [--pg-url URL]
Sets up its own database (default ssj_bench_results): a 20,000-entity directory through the real
importer, 300 officers each with an inspector account, and an internal task drawn and matched through
the real services, giving N visits. Then gunicorn serves the platform in production mode (SSJ_DEBUG=0)
and each thread, as the matched inspector, opens the visit (GET /api/v1/results/visits/<n>) and
submits its part (PUT /api/v1/results/parts/<id>); every 20th submission is sent twice, as a client
retrying after a lost answer would. Figures: throughput and p50/p95 of the submissions; afterwards
the database is counted: every part submitted once, one 提交审核 step each, every retry refused.
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/ssj_bench_results"
OFFICERS = 300


def prepare(visits: int):
    """The drawn task; returns [(visit number, session key, part department code)] for its visits."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from shuangsuiji.accounts.models import Role, User
    from shuangsuiji.draws.demo import before_round, demo_round, drand
    from shuangsuiji.draws.models import TeamMember
    from shuangsuiji.plans import services
    from shuangsuiji.plans.models import Task
    from shuangsuiji.results import vocabulary
    from shuangsuiji.results.models import ResultCode

    vocabulary.load(ResultCode)
    actor = User.objects.get(username="bench")
    import import_entities as ie

    dept, item, people = ie.bench_item_and_officers(OFFICERS)
    for person in people:
        person.user = User.objects.create_user(f"bench_ins_{person.pk}", role=Role.INSPECTOR, department=dept,
                                               display_name=person.name)
        person.save(update_fields=["user"])
    number = Task.objects.filter(title__startswith="bench results").count() + 1
    task = services.create_task(actor, dept, kind="internal", title=f"bench results {number}", items=[item],
                                year=2026, rules={"default": {"count": visits}}, team_size=2,
                                starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31))
    services.submit(actor, task)
    services.approve(actor, task)
    task = services.commit(actor, task, [drand(1000)], now=before_round(1000))
    task = services.reveal(actor, Task.objects.get(pk=task.pk), [demo_round(1000)])
    sessions: dict[int, str] = {}
    jobs = []
    members = TeamMember.objects.filter(draw=task.draw, active=True).select_related("inspector__user").order_by("id")
    first_member = {}
    for m in members:
        first_member.setdefault(m.entity_id, m.inspector.user)
    for visit in task.visits.filter(void=False).order_by("number"):
        user = first_member[visit.entity_id]
        if user.pk not in sessions:
            store = SessionStore()
            store[SESSION_KEY] = str(user.pk)
            store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            store[HASH_SESSION_KEY] = user.get_session_auth_hash()
            store.create()
            sessions[user.pk] = store.session_key
        jobs.append((visit.number, sessions[user.pk]))
    return task, item, jobs


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(port: int, workers: int, pg_url: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": pg_url, "SSJ_DEBUG": "0",
           "SSJ_ALLOWED_HOSTS": "127.0.0.1", "SSJ_SSL_REDIRECT": "0", "SSJ_PROXY_COUNT": "1",
           "SSJ_LOG_LEVEL": "ERROR"}
    proc = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "shuangsuiji.wsgi", "-b",
                             f"127.0.0.1:{port}", "-w", str(workers), "-k", "gthread", "--threads", "4",
                             # longer than a simulated person's pause, so no request races the idle close
                             "--keep-alive", "10",
                             "--log-level", "warning"], cwd=ROOT, env=env, start_new_session=True)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("gunicorn did not start")


def main() -> None:
    import import_entities as ie

    parser = argparse.ArgumentParser()
    parser.add_argument("--visits", type=int, default=10_000)
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--pg-url", default=os.environ.get("SSJ_BENCH_RESULTS_PG_URL", DEFAULT_PG))
    args = parser.parse_args()
    print(f"command: {Path(sys.executable).name} {' '.join(sys.argv)}")
    # The sessions made here are signed with the key the server will use.
    os.environ["SSJ_SECRET_KEY"] = secrets.token_hex(32)
    ie.bench_directory(args.pg_url, max(20_000, args.visits * 2))
    t = time.perf_counter()
    task, item, jobs = prepare(args.visits)
    print(f"task {task.number}: {len(jobs):,} visits drawn and matched in {time.perf_counter() - t:.1f} s")

    import requests

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = serve(port, args.workers, args.pg_url)
    local = threading.local()
    now = dt.datetime.now().astimezone().replace(microsecond=0)
    body_times = {"arrived_at": (now - dt.timedelta(hours=1)).isoformat(), "left_at": now.isoformat()}

    def http() -> requests.Session:
        if not hasattr(local, "session"):
            local.session = requests.Session()
        return local.session

    def one(index: int, number: str, session_key: str) -> tuple[float, int, int]:
        csrf = secrets.token_hex(16)
        cookies = {"sessionid": session_key, "csrftoken": csrf}
        headers = {"X-CSRFToken": csrf, "X-Forwarded-Proto": "https", "Origin": f"https://127.0.0.1:{port}",
                   "Referer": f"https://127.0.0.1:{port}/results/"}
        s = http()
        visit = s.get(f"{base}/api/v1/results/visits/{number}", cookies=cookies, headers=headers, timeout=60)
        if visit.status_code != 200:
            return 0.0, visit.status_code, 0
        part = visit.json()["parts"][0]
        results = [{"item_id": item.pk, "codes": ["no_problem"], "findings": f"bench {number}"}]
        payload = {"revision": part["revision"], "submit": True, "results": results, **body_times}
        started = time.perf_counter()
        answer = s.put(f"{base}/api/v1/results/parts/{part['id']}", json=payload, cookies=cookies, headers=headers,
                       timeout=60)
        took = time.perf_counter() - started
        retry = 0
        if index % 20 == 0:
            retry = s.put(f"{base}/api/v1/results/parts/{part['id']}", json=payload, cookies=cookies,
                          headers=headers, timeout=60).status_code
        return took, answer.status_code, retry

    try:
        started = time.perf_counter()
        with ThreadPoolExecutor(args.threads) as pool:
            out = list(pool.map(lambda job: one(job[0], *job[1]), enumerate(jobs)))
        wall = time.perf_counter() - started
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    from shuangsuiji.common.models import AuditEvent
    from shuangsuiji.results.models import PartStatus, ProcessStep, VisitPart

    ok = [took for took, status, _ in out if status == 200]
    failed = {}
    for _, status, _ in out:
        if status != 200:
            failed[status] = failed.get(status, 0) + 1
    retries = [r for *_, r in out if r]
    if len(ok) < 2:
        raise SystemExit(f"too few submissions answered 200: {failed}")
    q = statistics.quantiles(ok, n=100)
    print(f"submissions: {len(ok):,} of {len(jobs):,} answered 200 in {wall:.1f} s wall "
          f"({len(jobs) / wall:.0f} visits/s, each a GET and a PUT; {args.threads} client threads, "
          f"gunicorn {args.workers}×4 threads)")
    print(f"submit latency: p50 {q[49] * 1000:.0f} ms, p95 {q[94] * 1000:.0f} ms, max {max(ok) * 1000:.0f} ms")
    if failed:
        print(f"non-200 answers: {failed}")
    parts = VisitPart.objects.filter(visit__task=task)
    submitted = parts.filter(status=PartStatus.SUBMITTED).count()
    steps = ProcessStep.objects.filter(part__visit__task=task, step="submitted")
    duplicated = steps.count() - steps.values("part_id").distinct().count()
    print(f"afterwards: parts {parts.count():,}, submitted {submitted:,}, 提交审核 steps {steps.count():,} "
          f"(duplicated {duplicated}), retries {len(retries)} all refused: {all(r == 400 for r in retries)}")
    starts = AuditEvent.objects.filter(action="task.start", object_id=str(task.pk)).count()
    print(f"task {task.number} moved to 实施中 by exactly one audited step: {starts == 1} ({starts})")
    lost = len(jobs) - submitted
    print(f"lost {lost}, duplicated {duplicated}; load={os.getloadavg()[0]:.1f}")
    if lost or duplicated or starts != 1 or not all(r == 400 for r in retries):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
