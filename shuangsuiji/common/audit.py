"""Writes audit events; every service calls this inside its own transaction."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.forms.models import model_to_dict

from .models import AuditEvent


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
    """Append one audit event."""
    if department is None and obj is not None:
        department = getattr(obj, "department", None)
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        department=department if getattr(department, "pk", None) else None,
        summary=summary[:500],
        before=before,
        after=after,
    )
