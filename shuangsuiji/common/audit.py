"""Writes audit events; every service calls this inside its own transaction."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from . import auditchain
from .models import AuditDay, AuditEvent, AuditHour, AuditTip


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """A JSON-safe picture of a row for the before/after columns."""
    data = model_to_dict(obj, fields=fields)
    return {k: _jsonable(v) for k, v in data.items()}


def _jsonable(v: Any) -> Any:
    if isinstance(v, models.Model):
        return v.pk
    if isinstance(v, list | tuple | set):
        return [_jsonable(x) for x in v]
    if isinstance(v, str | int | float | bool | dict) or v is None:
        return v
    return str(v)


def record(
    actor,
    action: str,
    obj: models.Model | None = None,
    *,
    before: dict | None = None,
    after: dict | None = None,
    summary: str = "",
    department=None,
) -> AuditEvent:
    """Append one audit event to the hash chain (inside the caller's transaction)."""
    if department is None and obj is not None:
        department = getattr(obj, "department", None)
    event = AuditEvent(
        at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        department=department if getattr(department, "pk", None) else None,
        summary=summary[:500],
        before=auditchain.normalise(before),
        after=auditchain.normalise(after),
    )
    with transaction.atomic():
        # The tip's row lock makes appends one at a time, so ids and links follow the same order.
        tip, _ = AuditTip.objects.select_for_update().get_or_create(pk=1)
        event.prev_hash = tip.last_hash or auditchain.GENESIS
        event.hash = auditchain.hash_of(event, event.prev_hash)
        event.save(force_insert=True)
        tip.last_hash, tip.last_id = event.hash, event.pk
        tip.save(update_fields=["last_hash", "last_id"])
        for model, key in ((AuditDay, {"day": timezone.localdate(event.at)}),
                           (AuditHour, {"hour": auditchain.hour_of(event.at)})):
            if not model.objects.filter(**key).update(count=models.F("count") + 1, head_hash=event.hash,
                                                      last_id=event.pk):
                model.objects.create(**key, count=1, head_hash=event.hash, first_id=event.pk, last_id=event.pk)
    return event


def head() -> dict:
    """The chain's current end, as a draw pins it at freeze time: {"id": last id, "sha256": last hash}."""
    tip = AuditTip.objects.filter(pk=1).first()
    return {"id": tip.last_id if tip else 0, "sha256": (tip.last_hash if tip else "") or auditchain.GENESIS}


# Apps that publish audit heads elsewhere (a draw's manifest) register a source of (what, id, hash) here;
# ``verify_pins`` then checks each pinned head is still the chain's event with that id and hash.
PIN_SOURCES: list = []


def verify_pins() -> list[str]:
    """Every head pinned somewhere public that the chain no longer contains, in words."""
    problems = []
    for source in PIN_SOURCES:
        for what, event_id, digest in source():
            if event_id == 0 and digest == auditchain.GENESIS:
                continue
            if not AuditEvent.objects.filter(pk=event_id, hash=digest).exists():
                problems.append(f"{what}承诺时固定的审计链头（编号 {event_id}，哈希 {str(digest)[:16]}…）已不在审计链中："
                                "承诺之前的审计记录被改写或删除。")
    return problems


def verify_chain() -> auditchain.ChainReport:
    """Check the whole audit chain in id order against the daily heads and the tip."""
    events = AuditEvent.objects.order_by("id").iterator(chunk_size=2000)
    return auditchain.verify(events, AuditDay.objects.order_by("day"), AuditTip.objects.filter(pk=1).first(),
                             AuditHour.objects.order_by("hour"))
