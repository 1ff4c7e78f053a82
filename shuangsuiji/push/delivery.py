"""Delivering the outbox: claim due messages, send each with its key, settle what the receiver answered.

- A claim is one conditional UPDATE that stamps a lease token on free rows; a row is sent only by the
  worker whose token it carries, and a worker that dies mid-send leaves a lease that expires, after which
  another worker resends it with the same key (the receiver keeps one record per key).
- Messages of one department part go out in order: a correction never overtakes its first publication.
- The receiver's contract (docs/push.md): 2xx with a JSON object echoing the key means stored; 409 means
  it had the key already (also stored); 5xx, 408, 425, 429, a timeout or no connection are retried with
  exponential back-off; any other 4xx is a refusal, failed at once for the office to look at; a 2xx whose
  body is not the JSON echo is garbage and retried.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from .models import OutboxMessage, State

MAX_DELAY = dt.timedelta(hours=6)
RETRY_STATUSES = {408, 425, 429}


def config_problem() -> str | None:
    """Why nothing can be pushed now, in words for the office; None when the endpoint is usable."""
    endpoint = settings.PUSH_ENDPOINT
    if not endpoint:
        return "未配置推送地址（SSJ_PUSH_ENDPOINT）：推送记录保留在发件箱中待发送，配置后自动补发；也可下载每日导出文件上传公示系统。"
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"推送地址“{endpoint}”不是有效的 http(s) 地址（SSJ_PUSH_ENDPOINT）；推送记录保留待发送。"
    return None


@dataclass
class Outcome:
    stored: bool  # the receiver has the message
    retry: bool = False  # worth another try later
    status: int | None = None
    answer: str = ""
    error: str = ""


class HttpReceiver:
    """HTTP JSON push: POST the payload to the endpoint with the key in ``Idempotency-Key``."""

    def __init__(self, endpoint: str | None = None, token: str | None = None, timeout: float | None = None):
        self.endpoint = endpoint or settings.PUSH_ENDPOINT
        self.timeout = timeout if timeout is not None else settings.PUSH_TIMEOUT_SECONDS
        token = settings.PUSH_TOKEN if token is None else token
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.client = httpx.Client(timeout=self.timeout, headers=headers)

    def close(self) -> None:
        self.client.close()

    def send(self, message: OutboxMessage) -> Outcome:
        try:
            response = self.client.post(self.endpoint, json=message.payload,
                                        headers={"Idempotency-Key": message.key})
        except httpx.TimeoutException:
            return Outcome(False, True, error=f"接收方在 {self.timeout:g} 秒内没有答复（超时），稍后重试。")
        except httpx.TransportError as exc:
            return Outcome(False, True, error=f"无法连接接收方（{type(exc).__name__}），稍后重试。")
        text = response.text[:500]
        status = response.status_code
        if 200 <= status < 300:
            try:
                body = json.loads(response.content)
            except ValueError:
                body = None
            if isinstance(body, dict) and body.get("key") == message.key:
                return Outcome(True, status=status, answer=text)
            return Outcome(False, True, status, text, "接收方的答复无法识别（应为含本条幂等键 key 的 JSON），稍后重试。")
        if status == 409:
            return Outcome(True, status=status, answer=text)
        if status >= 500 or status in RETRY_STATUSES:
            return Outcome(False, True, status, text, f"接收方暂时无法处理（HTTP {status}），稍后重试。")
        return Outcome(False, False, status, text, f"接收方拒收（HTTP {status}），请查看答复并核对后重试。")


def backoff(attempts: int, base_seconds: int | None = None) -> dt.timedelta:
    """The wait after the ``attempts``-th failure: base, 2×, 4× … up to six hours, ±20 % so that many
    messages failing together do not come back together."""
    base = base_seconds if base_seconds is not None else settings.PUSH_RETRY_SECONDS
    delay = min(dt.timedelta(seconds=base * 2 ** max(attempts - 1, 0)), MAX_DELAY)
    return delay * random.uniform(0.8, 1.2)


def due(now: dt.datetime):
    """Pending messages whose time has come, not leased, with no earlier unsent message of the same part."""
    earlier = OutboxMessage.objects.filter(part_id=OuterRef("part_id"), pk__lt=OuterRef("pk")).exclude(
        state=State.SENT)
    return (OutboxMessage.objects.filter(state=State.PENDING, next_attempt_at__lte=now)
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now)).exclude(Exists(earlier)))


def claim(batch: int, now: dt.datetime, lease: dt.timedelta) -> list[OutboxMessage]:
    """Take up to ``batch`` due messages for this worker alone: in one transaction, the due rows no other
    worker is taking (SKIP LOCKED on PostgreSQL; SQLite's write transactions run one at a time) get this
    worker's lease token, through an UPDATE that re-checks they are still free."""
    token = uuid.uuid4().hex
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    with transaction.atomic():
        rows = due(now).order_by("next_attempt_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True, of=("self",))
        ids = list(rows.values_list("pk", flat=True)[:batch])
        if ids:
            OutboxMessage.objects.filter(pk__in=ids, state=State.PENDING).filter(free).update(
                lease_until=now + lease, lease_token=token)
    return list(OutboxMessage.objects.filter(pk__in=ids, lease_token=token).order_by("next_attempt_at", "pk")
                ) if ids else []


def settle(message: OutboxMessage, outcome: Outcome, now: dt.datetime, max_attempts: int | None = None) -> str:
    """Write what the attempt gave: sent, pending again later, or failed. Only the lease holder writes."""
    max_attempts = max_attempts or settings.PUSH_MAX_ATTEMPTS
    attempts = message.attempts + 1
    fields = {"attempts": attempts, "last_status": outcome.status, "last_answer": outcome.answer[:500],
              "last_error": outcome.error[:500], "lease_until": None, "lease_token": ""}
    if outcome.stored:
        fields.update(state=State.SENT, sent_at=now, last_error="")
    elif outcome.retry and attempts < max_attempts:
        fields.update(next_attempt_at=now + backoff(attempts))
    else:
        if outcome.retry:
            fields["last_error"] = f"已尝试 {attempts} 次仍未送达：{outcome.error}"[:500]
        fields.update(state=State.FAILED)
    OutboxMessage.objects.filter(pk=message.pk, lease_token=message.lease_token).update(**fields)
    return fields.get("state", State.PENDING)


@dataclass
class Stats:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    passes: int = 0
    problem: str | None = None
    errors: list[str] = field(default_factory=list)


def deliver(*, batch: int = 100, receiver=None, now=None, max_passes: int = 1000) -> Stats:
    """Send every due message (batch by batch) until none is due; a message that must wait is left for a
    later sweep. ``now`` fixes the clock (tests)."""
    stats = Stats()
    if receiver is None:
        stats.problem = config_problem()
        if stats.problem:
            return stats
        receiver = HttpReceiver()
        owned = True
    else:
        owned = False
    lease = dt.timedelta(seconds=float(getattr(receiver, "timeout", settings.PUSH_TIMEOUT_SECONDS)) * 2 + 30)
    try:
        while stats.passes < max_passes:
            moment = now or timezone.now()
            messages = claim(batch, moment, lease)
            if not messages:
                break
            stats.passes += 1
            for message in messages:
                outcome = receiver.send(message)
                state = settle(message, outcome, now or timezone.now())
                if state == State.SENT:
                    stats.sent += 1
                elif state == State.FAILED:
                    stats.failed += 1
                    stats.errors.append(f"{message.key}：{outcome.error}")
                else:
                    stats.retried += 1
    finally:
        if owned:
            receiver.close()
    return stats
