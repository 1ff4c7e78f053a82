"""The audit hash chain: how an event is hashed, and the check that finds the first broken link.

An event's hash is SHA-256 over a canonical JSON array of the previous event's hash and the event's
own fields. Every event's ``prev_hash`` is the hash of the event before it (by id), across days; each
day's last hash is kept in ``AuditDay`` and shown on the public portal, so rewriting the whole chain
after the fact would contradict the heads already published.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

GENESIS = "0" * 64


def normalise(value: Any) -> Any:
    """The value as it reads back from a JSON column (string keys, lists for tuples)."""
    return None if value is None else json.loads(json.dumps(value, ensure_ascii=False))


def event_hash(prev_hash: str, *, at: dt.datetime, actor_id, action: str, object_type: str, object_id: str,
               object_repr: str, department_id, summary: str, before: Any, after: Any) -> str:
    """SHA-256 of the canonical encoding of one event and the hash before it."""
    stamp = at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    fields = [prev_hash, stamp, actor_id, action, object_type, object_id, object_repr, department_id,
              summary, before, after]
    data = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def hash_of(event, prev_hash: str) -> str:
    """The hash an ``AuditEvent`` row (or historical model row) should carry."""
    return event_hash(prev_hash, at=event.at, actor_id=event.actor_id, action=event.action,
                      object_type=event.object_type, object_id=event.object_id, object_repr=event.object_repr,
                      department_id=event.department_id, summary=event.summary, before=event.before,
                      after=event.after)


@dataclass(frozen=True)
class ChainReport:
    """What ``verify`` found: how many events it read and the first problem, if any."""

    checked: int
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


def hour_of(moment: dt.datetime) -> dt.datetime:
    """The start of the local hour an event falls in (the unit of the published hourly heads)."""
    return timezone.localtime(moment).replace(minute=0, second=0, microsecond=0)


def verify(events, days, tip, hours) -> ChainReport:
    """Walk ``events`` in id order; compare each link, each day's and each hour's head, and the tip."""
    prev, checked = GENESIS, 0
    seen_days: dict[dt.date, tuple[int, str]] = {}
    seen_hours: dict[dt.datetime, tuple[int, str]] = {}
    last_id = 0
    for e in events:
        where = f"第 {checked + 1} 条审计记录（编号 {e.pk}，{timezone.localtime(e.at):%Y-%m-%d %H:%M:%S}，{e.action}）"
        if e.prev_hash != prev:
            return ChainReport(checked, f"{where}的上一条哈希与前一条记录不符：其前面有记录被删除、插入或改动。")
        if hash_of(e, prev) != e.hash:
            return ChainReport(checked, f"{where}的内容与其哈希不符：该记录在数据库中被直接修改。")
        for seen, key in ((seen_days, timezone.localdate(e.at)), (seen_hours, hour_of(e.at))):
            seen[key] = (seen.get(key, (0, ""))[0] + 1, e.hash)
        prev, last_id, checked = e.hash, e.pk, checked + 1
    if tip is not None and (tip.last_hash or GENESIS) != prev:
        return ChainReport(checked, f"审计链末端记录的是编号 {tip.last_id} 的哈希，而现存最后一条是编号 {last_id}：最新的记录被删除。")
    problem = (_heads_problem(days, seen_days, lambda d: d.day, lambda k: f"{k:%Y-%m-%d} ", "日链头", "当日")
               or _heads_problem(hours, seen_hours, lambda h: hour_of(h.hour),
                                 lambda k: f"{timezone.localtime(k):%Y-%m-%d %H}:00 时段", "整点链头", "该时段"))
    return ChainReport(checked, problem)


def _heads_problem(rows, seen: dict, key_of, name, head_word: str, period_word: str) -> str:
    """Compare the stored heads of one granularity (days or hours) with what the events give; '' if equal.
    ``seen`` is consumed: what remains has no stored head."""
    for row in rows:
        key = key_of(row)
        count, head = seen.pop(key, (0, ""))
        if (count, head) != (row.count, row.head_hash):
            return (f"{name(key)}的{head_word}记录 {row.count} 条、链头 {row.head_hash[:16]}…，而现存记录为 {count} 条、"
                    f"链头 {head[:16] or '无'}…：{period_word}记录被删除或改动。")
    if seen:
        return f"{name(min(seen))}的审计记录没有对应的{head_word}：记录是绕过系统写入的。"
    return ""
