"""Issue 22: a draw pins the audit chain's head at freeze time, heads are published hourly, and
``verify_audit`` finds a chain rewritten consistently by someone with database access."""

import datetime as dt

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from shuangsuiji.common import audit, auditchain
from shuangsuiji.common.models import AuditDay, AuditEvent, AuditHour, AuditTip
from shuangsuiji.draws import services
from shuangsuiji.draws.testing import COMMIT_AT, SOURCES, make_directory, make_published_item, make_team


def _commit(personas):
    make_team(personas.lead_dept)
    make_directory(60, inactive=0)
    draw = services.prepare(personas.lead_admin, personas.lead_dept, title="链头测试",
                            items=[make_published_item(personas.lead_dept)],
                            rules={"default": {"ratio": "0.1", "minimum": 1}})
    before = audit.head()
    return services.commit(personas.lead_admin, draw, SOURCES, now=COMMIT_AT), before


def _rewrite_history(change_pk: int) -> None:
    """What an insider with the database could do: change one old event and re-hash everything after it,
    the daily and hourly heads and the tip included, so the chain is internally consistent again."""
    AuditEvent.objects.filter(pk=change_pk).update(summary="事后改写的说明")
    AuditDay.objects.all().delete()
    AuditHour.objects.all().delete()
    prev = auditchain.GENESIS
    for event in AuditEvent.objects.order_by("id"):
        event.prev_hash, event.hash = prev, auditchain.hash_of(event, prev)
        AuditEvent.objects.filter(pk=event.pk).update(prev_hash=event.prev_hash, hash=event.hash)
        prev = event.hash
        for model, key in ((AuditDay, {"day": timezone.localdate(event.at)}),
                           (AuditHour, {"hour": auditchain.hour_of(event.at)})):
            row, created = model.objects.get_or_create(
                **key, defaults={"count": 1, "head_hash": event.hash, "first_id": event.pk, "last_id": event.pk})
            if not created:
                row.count, row.head_hash, row.last_id = row.count + 1, event.hash, event.pk
                row.save()
    AuditTip.objects.update_or_create(pk=1, defaults={"last_hash": prev, "last_id": event.pk})


def test_the_manifest_pins_the_audit_head_at_freeze_time_and_the_kit_shows_it(personas):
    draw, before = _commit(personas)
    assert draw.manifest["audit_head"] == before
    assert before["id"] == AuditEvent.objects.get(action="draw.prepare").pk
    call_command("verify_audit")


def test_a_consistently_rewritten_history_contradicts_the_pinned_head(personas):
    draw, before = _commit(personas)
    _rewrite_history(AuditEvent.objects.order_by("id").first().pk)
    assert audit.verify_chain().ok  # the chain alone no longer shows the rewrite …
    with pytest.raises(CommandError, match=f"抽取 {draw.number} 承诺时固定的审计链头（编号 {before['id']}"):
        call_command("verify_audit")  # … the head the draw published does


def test_heads_are_kept_per_hour_and_published(personas, client):
    with time_machine.travel(dt.datetime(2026, 12, 7, 9, 10, tzinfo=dt.UTC), tick=False):
        audit.record(None, "test.a")
    with time_machine.travel(dt.datetime(2026, 12, 7, 10, 20, tzinfo=dt.UTC), tick=False):
        second = audit.record(None, "test.b")
        third = audit.record(None, "test.c")
    hours = list(AuditHour.objects.order_by("hour").values_list("count", "head_hash"))
    assert hours == [(1, AuditEvent.objects.get(action="test.a").hash), (2, third.hash)]
    assert audit.verify_chain().ok
    page = client.get("/public/audit/?day=2026-12-07").content.decode()
    assert "18:00" in page and third.hash in page and second.hash not in page  # Beijing time, hour's last
    assert {h["head_hash"] for h in client.get("/public/audit.json").json()["hours"]} >= {third.hash}


def test_an_hourly_head_removed_behind_the_services_back_is_found(personas):
    audit.record(None, "test.a")
    AuditHour.objects.all().delete()
    assert "没有对应的整点链头" in audit.verify_chain().problem
