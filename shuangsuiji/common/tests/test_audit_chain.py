"""The audit trail is a hash chain: direct edits, deletions and insertions in the database are found."""

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from shuangsuiji.common import audit
from shuangsuiji.common.models import AuditDay, AuditEvent, AuditTip

pytestmark = pytest.mark.django_db


def write_events(n=5):
    return [audit.record(None, f"test.step{i}", summary=f"第{i}步", before={"i": i}, after={"i": i + 1})
            for i in range(n)]


def test_a_chain_written_through_the_service_verifies():
    events = write_events()
    report = audit.verify_chain()
    assert report.ok, report.problem
    assert report.checked == 5
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    day = AuditDay.objects.get()
    assert (day.count, day.head_hash, day.last_id) == (5, events[-1].hash, events[-1].pk)


def test_it_names_a_row_edited_directly_in_the_database():
    events = write_events()
    AuditEvent.objects.filter(pk=events[2].pk).update(summary="改过的说明")
    report = audit.verify_chain()
    assert not report.ok
    assert f"编号 {events[2].pk}" in report.problem and "被直接修改" in report.problem


def test_it_notices_an_edited_json_value():
    events = write_events()
    AuditEvent.objects.filter(pk=events[1].pk).update(after={"i": 99})
    assert f"编号 {events[1].pk}" in audit.verify_chain().problem


def test_it_finds_an_event_deleted_from_the_middle():
    events = write_events()
    AuditEvent.objects.filter(pk=events[2].pk).delete()
    problem = audit.verify_chain().problem
    assert f"编号 {events[3].pk}" in problem and "被删除" in problem


def test_it_finds_the_latest_event_deleted():
    events = write_events()
    AuditEvent.objects.filter(pk=events[-1].pk).delete()
    assert "最新的记录被删除" in audit.verify_chain().problem


def test_it_finds_an_event_inserted_behind_the_services_back():
    write_events(2)
    AuditEvent.objects.create(action="forged", summary="补写")
    assert not audit.verify_chain().ok


def test_a_rewritten_day_contradicts_its_published_head():
    events = write_events()
    published = AuditDay.objects.get().head_hash
    AuditEvent.objects.filter(pk=events[-1].pk).delete()
    # An insider who also rewrites the tip still cannot match the head the public already holds.
    AuditTip.objects.filter(pk=1).update(last_hash=events[-2].hash, last_id=events[-2].pk)
    problem = audit.verify_chain().problem
    assert "日链头" in problem and published[:16] in problem


def test_values_hash_the_same_after_reading_them_back_from_the_database():
    audit.record(None, "test.shapes", before={"pair": (1, 2), 3: "三"}, after={"f": 0.1, "nested": {"b": 1, "a": [None]}})
    assert audit.verify_chain().ok


def test_a_rolled_back_change_leaves_no_event_and_an_intact_chain():
    write_events(2)
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record(None, "test.rolled_back")
        raise RuntimeError
    write_events(1)
    report = audit.verify_chain()
    assert report.ok and report.checked == 3


def test_the_command_names_the_first_broken_link():
    events = write_events()
    call_command("verify_audit")
    AuditEvent.objects.filter(pk=events[1].pk).update(action="test.other")
    with pytest.raises(CommandError, match=f"编号 {events[1].pk}"):
        call_command("verify_audit")


def test_the_public_portal_shows_the_daily_heads_and_nothing_of_the_events(client):
    events = write_events()
    page = client.get("/public/audit/")
    assert page.status_code == 200
    assert events[-1].hash in page.content.decode()
    assert "第3步" not in page.content.decode()
    data = client.get("/public/audit.json").json()
    assert data["days"][0]["head_hash"] == events[-1].hash and data["days"][0]["count"] == 5
