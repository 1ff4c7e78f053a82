"""A real HTTP receiver on loopback for the push's tests and bench: it keeps one record per key (as the
contract asks of the publicity platform) and fails on purpose — down, 500s, answers too slow, answers lost
after storing, garbage, refusals, or a share of calls at random."""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.utils import timezone

from .models import OutboxMessage, State

# What the receiver does with a request: store and answer (ok), store and answer after ``slow_seconds``
# (slow), store and drop the connection without answering (lost), answer 500 without storing (error),
# store and answer 200 with text that is not the JSON echo (garbage), refuse with 400 (reject).
BEHAVIOURS = ("ok", "slow", "lost", "error", "garbage", "reject")


class Receiver:
    def __init__(self, *, fail_rate: float = 0.0, slow_seconds: float = 1.0, seed: int = 7):
        self.records: dict[str, dict] = {}
        self.order: list[str] = []
        self.hits: Counter[str] = Counter()
        self.headers: list[dict] = []
        self.plan: list[str] = []  # behaviours for the next requests, then "ok" (or random failures)
        self.fail_rate, self.slow_seconds = fail_rate, slow_seconds
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None
        self.port = 0
        self.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/push"

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body leave at once (no 40 ms delayed-ACK stall)

            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                key = self.headers.get("Idempotency-Key", "")
                behaviour = receiver.next_behaviour()
                with receiver.lock:
                    receiver.hits[key] += 1
                    receiver.headers.append(dict(self.headers))
                if behaviour == "error":
                    return self.answer(500, b"internal error")
                if behaviour == "reject":
                    return self.answer(400, json.dumps({"error": "字段 uscc 格式不符"}, ensure_ascii=False).encode())
                payload = json.loads(body)
                with receiver.lock:
                    duplicate = key in receiver.records
                    if not duplicate:
                        receiver.records[key] = payload
                        receiver.order.append(key)
                if behaviour == "slow":
                    time.sleep(receiver.slow_seconds)
                if behaviour == "lost":
                    self.close_connection = True
                    return None
                if behaviour == "garbage":
                    return self.answer(200, b"<html>OK</html>")
                return self.answer(200, json.dumps({"key": key, "duplicate": duplicate}).encode())

            def answer(self, status: int, data: bytes):
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        """Go down: connections are refused until ``start`` (on the same port)."""
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def next_behaviour(self) -> str:
        with self.lock:
            if self.plan:
                return self.plan.pop(0)
            if self.fail_rate and self.random.random() < self.fail_rate:
                return self.random.choice(("error", "lost"))
            return "ok"

    @property
    def doubled(self) -> list[str]:
        """Keys stored more than once (always empty: the receiver keeps one record per key)."""
        return [k for k, n in Counter(self.order).items() if n > 1]


def copies(message: OutboxMessage, n: int) -> list[OutboxMessage]:
    """``n`` more pending messages like ``message``, each its own key and part (for volume)."""
    now = timezone.now()
    rows = []
    for i in range(n):
        key = f"{message.key}-copy{i}"
        rows.append(OutboxMessage(key=key, action=message.action, publication_id=message.publication_id,
                                  part_id=-(i + 1), department_id=message.department_id,
                                  payload={**message.payload, "key": key}, state=State.PENDING, next_attempt_at=now))
    return OutboxMessage.objects.bulk_create(rows, batch_size=5000)
