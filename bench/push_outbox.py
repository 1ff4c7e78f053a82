"""100,000 outbox messages pushed to a loopback receiver that fails 20 % of calls at random, on PostgreSQL.

Run: .venv/bin/python bench/push_outbox.py [--messages N] [--workers N] [--fail-rate F] [--pg-url URL]
Sets up its own database (default ssj_bench_push) with the demo district (whose publications wrote real
outbox messages), then writes N pending messages like the first one (each its own key and record) and runs
W delivery workers (threads, each with its own database connection and HTTP client) against
``shuangsuiji.push.testing.Receiver`` on 127.0.0.1, which answers 500 or drops the connection after storing
on a random 20 % of calls and keeps one record per key. The back-off's first wait is 1 s here (30 s in
production) so that the figure is the delivery path's, not the wait's. Figures: wall time and messages per
second; then the receiver is counted: every key stored exactly once, none missing, none doubled.
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/ssj_bench_push"


def main() -> None:
    import import_entities as ie

    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--fail-rate", type=float, default=0.2)
    parser.add_argument("--pg-url", default=os.environ.get("SSJ_BENCH_PUSH_PG_URL", DEFAULT_PG))
    args = parser.parse_args()
    print(f"command: {Path(sys.executable).name} {' '.join(sys.argv)}")
    ie.ensure_pg_database(args.pg_url)
    os.environ["DATABASE_URL"] = args.pg_url
    os.environ["SSJ_TASKS_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    os.environ["SSJ_PUSH_RETRY_SECONDS"] = "1"
    ie._migrated_with_actor()

    from django.conf import settings
    from django.db import connections
    from django.db.models import Max
    from django.utils import timezone

    from shuangsuiji.push import delivery, outbox
    from shuangsuiji.push.models import OutboxMessage, State
    from shuangsuiji.push.testing import Receiver, copies
    from shuangsuiji.results.models import Publication
    from shuangsuiji.site import demo

    demo.seed(entities=300)
    first = OutboxMessage.objects.order_by("id").first() or outbox.record(
        None, publication=Publication.objects.order_by("id").first(), action="publish")
    OutboxMessage.objects.exclude(pk=first.pk).filter(key__contains="-copy").delete()
    OutboxMessage.objects.filter(pk=first.pk).update(state=State.SENT)
    t = time.perf_counter()
    made = copies(first, args.messages)
    keys = {m.key for m in made}
    print(f"{len(made):,} pending messages written in {time.perf_counter() - t:.1f} s")

    receiver = Receiver(fail_rate=args.fail_rate)
    settings.PUSH_ENDPOINT = receiver.url
    totals = {"sent": 0, "retried": 0, "failed": 0}
    lock = threading.Lock()
    done = threading.Event()

    def worker() -> None:
        client = delivery.HttpReceiver(timeout=5)
        try:
            while not done.is_set():
                stats = delivery.deliver(receiver=client, batch=200)
                with lock:
                    for k in totals:
                        totals[k] += getattr(stats, k)
                if not stats.passes:
                    if not OutboxMessage.objects.filter(state=State.PENDING).exists():
                        done.set()
                    time.sleep(0.2)
        finally:
            client.close()
            connections.close_all()

    started, started_at = time.perf_counter(), timezone.now()
    threads = [threading.Thread(target=worker) for _ in range(args.workers)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - started
    receiver.stop()

    stored = set(receiver.records) & keys
    calls = sum(receiver.hits[k] for k in keys)
    copies_ = OutboxMessage.objects.filter(key__contains="-copy")
    sent = copies_.filter(state=State.SENT).count()
    first_try = copies_.filter(attempts=1).aggregate(last=Max("sent_at"))["last"]
    first_seconds = (first_try - started_at).total_seconds()
    most = copies_.aggregate(m=Max("attempts"))["m"]
    print(f"{args.workers} workers, receiver failing {args.fail_rate:.0%} of calls at random (500 or answer lost "
          f"after storing): {len(keys):,} messages all delivered in {wall:.1f} s. First attempts: all made in "
          f"{first_seconds:.1f} s = {len(keys) / first_seconds:,.0f} messages/s; the rest is back-off: the "
          f"unluckiest message needed {most} attempts (waits of 1, 2, 4 … s)")
    print(f"receiver: {calls:,} calls ({calls - len(keys):,} repeats after a failure), {len(stored):,} keys stored, "
          f"missing {len(keys - stored):,}, stored twice {len(receiver.doubled):,}")
    print(f"outbox: sent {sent:,}, failed {totals['failed']:,}, retried after a failure {totals['retried']:,}")
    ok = len(stored) == len(keys) and not receiver.doubled and sent == len(keys) and totals["failed"] == 0
    print("exactly once at the receiver: " + ("yes" if ok else "NO"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
