"""Writing the outbox: each change of what is public becomes one message, in the change's transaction.

The payload is frozen at write time (what was public then), so a later correction never rewrites what an
earlier message says. Layout and key: docs/push.md."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Action, OutboxMessage


def authority(department) -> str:
    """检查实施机关 in full: "区市场监督管理局" of 菏泽市定陶区 is 菏泽市定陶区市场监督管理局."""
    name = department.name
    district = settings.SSJ_DISTRICT["name"]
    return district + name[1:] if name.startswith("区") else name


def key_for(publication, action: str) -> str:
    """Stable and unique per change: the district, the public version and what happened to it."""
    return f"{settings.SSJ_DISTRICT['code']}-{publication.pk}-{action}"


def payload(publication, action: str) -> dict:
    entity, task = publication.entity, publication.task
    body = {
        "key": key_for(publication, action),
        "action": action,
        "record_id": f"{settings.SSJ_DISTRICT['code']}-part-{publication.part_id}",
        "version": publication.version,
        "inspecting_authority": authority(publication.department),
        "check_type": publication.kind_label,
        "check_date": publication.checked_on.isoformat(),
        "result": publication.summary,
        "uscc": entity.uscc,
        "enterprise_name": entity.name,
        "items": [{"code": line["code"], "item": line["item"], "result": line["result"]} for line in publication.lines],
        "has_problem": publication.has_problem,
        "published_at": timezone.localtime(publication.published_at).isoformat(),
        "task": task.number,
        "draw": publication.draw.number if publication.draw_id else None,
    }
    if action == Action.CORRECT:
        body["correction_reason"] = publication.correction_reason
    if action == Action.WITHDRAW:
        body["withdrawn_at"] = timezone.localtime(publication.withdrawn_at).isoformat()
        body["withdrawal_reason"] = publication.withdrawal_reason
    return body


def record(sender, publication, action: str, actor=None, **kwargs) -> OutboxMessage:
    """The receiver of ``results.signals.publication_changed``: one outbox message, delivered after commit."""
    message = OutboxMessage.objects.create(
        key=key_for(publication, action), action=action, publication=publication, part_id=publication.part_id,
        department_id=publication.department_id, payload=payload(publication, action),
        next_attempt_at=timezone.now())
    if settings.PUSH_ENDPOINT:
        from .tasks import deliver_outbox

        transaction.on_commit(deliver_outbox.enqueue)
    return message
