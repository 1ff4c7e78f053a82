"""The push to the publicity platform: an outbox row in the same transaction as each change of what is
public, delivered to a real HTTP receiver on loopback that fails on purpose (down, 500s, answers past the
timeout, answers lost after storing, garbage, refusals): nothing lost, nothing doubled."""

import datetime as dt
import io
import threading

import openpyxl
import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from shuangsuiji.common.models import AuditEvent
from shuangsuiji.push import delivery
from shuangsuiji.push.models import OutboxMessage, State
from shuangsuiji.push.testing import Receiver, copies
from shuangsuiji.results import services
from shuangsuiji.results.models import Publication
from shuangsuiji.results.testing import field_visit
from shuangsuiji.results.tests.test_results import TIMES, answer, lead_part, submitted

LATER = dt.timedelta(days=2)  # past any back-off of the first few attempts


@pytest.fixture
def receiver(settings):
    r = Receiver(slow_seconds=1.0)
    settings.PUSH_ENDPOINT = r.url
    settings.PUSH_TOKEN = "secret-token"
    settings.PUSH_RETRY_SECONDS = 30
    yield r
    r.stop()


def published(personas):
    visit, _ = field_visit(personas)
    submitted(personas, visit, codes=("no_problem",), findings="")
    part = services.review(personas.lead_admin, lead_part(visit, personas), approve=True)
    return services.publish(personas.lead_admin, part)


def corrected(personas, part, reason: str):
    """Reopened for correction, entered again by the team, approved and published as the next version."""
    services.reopen_for_correction(personas.lead_admin, part, reason)
    part.refresh_from_db()
    services.save_part(personas.inspector, part, revision=part.revision, submit=True,
                       results=answer(part, ["no_problem"]), **TIMES)
    part = services.review(personas.lead_admin, part, approve=True)
    return services.publish(personas.lead_admin, part)


def send(now=None, timeout=0.5):
    receiver = delivery.HttpReceiver(timeout=timeout)
    try:
        return delivery.deliver(receiver=receiver, now=now)
    finally:
        receiver.close()


def test_publishing_writes_one_message_with_the_documented_fields(personas):
    part = published(personas)
    message = OutboxMessage.objects.get()
    publication = Publication.objects.get(part=part)
    assert message.key == f"371703-{publication.pk}-publish"
    p = message.payload
    assert (p["action"], p["version"], p["uscc"], p["enterprise_name"]) == (
        "publish", 1, part.visit.entity.uscc, part.visit.entity.name)
    assert p["inspecting_authority"] == "菏泽市定陶区市场监督管理局"
    assert p["check_type"] == publication.kind_label and p["result"] == "未发现问题"
    assert p["check_date"] == publication.checked_on.isoformat() and p["record_id"] == f"371703-part-{part.pk}"
    assert message.state == State.PENDING and message.department_id == personas.lead_dept.pk


def test_the_message_is_written_in_the_same_transaction_as_the_publication(personas):
    visit, _ = field_visit(personas)
    submitted(personas, visit, codes=("no_problem",), findings="")
    part = services.review(personas.lead_admin, lead_part(visit, personas), approve=True)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.publish(personas.lead_admin, part)
        assert OutboxMessage.objects.count() == 1
        raise RuntimeError("the publication fails after the message was written")
    assert not OutboxMessage.objects.exists() and not Publication.objects.exists()


def test_correcting_and_withdrawing_are_pushed_and_withdrawal_leaves_the_portal(personas, client):
    part = published(personas)
    corrected(personas, part, "误选结果用语")
    uscc = part.visit.entity.uscc
    assert part.visit.entity.name in client.get(f"/public/businesses/{uscc}/").content.decode()
    services.withdraw(personas.lead_admin, part, "检查对象登记有误，非本企业")
    actions = list(OutboxMessage.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["publish", "correct", "withdraw"]
    correct, withdraw = OutboxMessage.objects.order_by("id")[1:]
    assert correct.payload["correction_reason"] == "误选结果用语" and correct.payload["version"] == 2
    assert withdraw.payload["withdrawal_reason"] == "检查对象登记有误，非本企业"
    assert withdraw.payload["version"] == 2
    assert not Publication.objects.public().filter(part=part).exists()  # both versions
    page = client.get(f"/public/businesses/{uscc}/").content.decode()
    assert "未发现问题" not in page and "检查对象登记有误" not in page
    assert client.get(f"/public/tasks/{part.visit.task.number}/").content.decode().count(part.visit.entity.name) == 0
    part.refresh_from_db()
    assert part.status == "returned" and part.review_comment == "撤回：检查对象登记有误，非本企业"


def test_withdrawal_needs_a_reason_and_a_published_result(personas):
    part = published(personas)
    with pytest.raises(services.ResultError, match="请写明撤回理由"):
        services.withdraw(personas.lead_admin, part, "  ")
    with pytest.raises(services.Forbidden):
        services.withdraw(personas.partner_admin, part, "x")
    services.withdraw(personas.lead_admin, part, "误公开")
    with pytest.raises(services.WrongState, match="只有已公开的检查结果可以撤回"):
        services.withdraw(personas.lead_admin, part, "误公开")


def test_delivery_sends_the_key_and_the_token_and_the_receiver_keeps_it(personas, receiver):
    published(personas)
    stats = send()
    message = OutboxMessage.objects.get()
    assert (stats.sent, message.state, message.attempts, message.last_status) == (1, State.SENT, 1, 200)
    assert list(receiver.records) == [message.key]
    assert receiver.headers[0]["Idempotency-Key"] == message.key
    assert receiver.headers[0]["Authorization"] == "Bearer secret-token"


def test_a_receiver_outage_loses_nothing(personas, receiver):
    published(personas)
    message = OutboxMessage.objects.get()
    copies(message, 9)
    receiver.stop()
    stats = send()
    assert (stats.sent, stats.retried) == (0, 10)
    waiting = OutboxMessage.objects.get(pk=message.pk)
    assert waiting.state == State.PENDING and waiting.attempts == 1 and "无法连接接收方" in waiting.last_error
    assert waiting.next_attempt_at > timezone.now() + dt.timedelta(seconds=20)
    assert send().sent == 0  # nothing is due before its back-off
    receiver.start()
    assert send(now=timezone.now() + LATER).sent == 10
    assert len(receiver.records) == 10 and not receiver.doubled
    assert set(receiver.records) == set(OutboxMessage.objects.values_list("key", flat=True))


@pytest.mark.parametrize(("plan", "error"), [
    (["error", "error"], "接收方暂时无法处理（HTTP 500）"),
    (["slow"], "秒内没有答复（超时）"),
    (["lost"], "无法连接接收方"),
    (["garbage"], "接收方的答复无法识别"),
])
def test_failures_are_retried_and_a_resend_after_a_stored_message_is_not_doubled(personas, receiver, plan, error):
    published(personas)
    receiver.plan = list(plan)
    now = timezone.now()
    first = send(now=now)
    message = OutboxMessage.objects.get()
    assert first.sent == 0 and error in message.last_error
    for n in range(1, 4):
        send(now=now + LATER * n)
    message.refresh_from_db()
    assert message.state == State.SENT and message.attempts == len(plan) + 1
    assert list(receiver.records) == [message.key] and not receiver.doubled
    assert receiver.hits[message.key] == len(plan) + 1


def test_a_refusal_fails_at_once_with_the_receivers_answer_and_the_office_retries(personas, receiver, client_for):
    published(personas)
    receiver.plan = ["reject"]
    assert send().failed == 1
    message = OutboxMessage.objects.get()
    assert message.state == State.FAILED and message.last_status == 400 and "uscc" in message.last_answer
    page = client_for(personas.office).get("/push/?state=failed").content.decode()
    assert "接收方拒收（HTTP 400）" in page and message.key in page
    assert client_for(personas.office).post(f"/push/{message.pk}/retry/").status_code == 302
    message.refresh_from_db()  # back to pending from the first attempt, and sent at once by the worker
    assert (message.state, message.attempts) == (State.SENT, 1)
    assert AuditEvent.objects.filter(action="push.retry").exists()
    assert list(receiver.records) == [message.key]


def test_after_the_last_attempt_a_message_is_failed_not_lost(personas, receiver, settings):
    settings.PUSH_MAX_ATTEMPTS = 3
    published(personas)
    receiver.stop()
    now = timezone.now()
    for n in range(3):
        send(now=now + LATER * n)
    message = OutboxMessage.objects.get()
    assert message.state == State.FAILED and message.last_error.startswith("已尝试 3 次仍未送达")


def test_a_correction_never_overtakes_its_first_publication(personas, receiver):
    part = published(personas)
    receiver.stop()
    send()
    corrected(personas, part, "误选")
    receiver.start()
    send()  # the correction is due, but waits for the publication's back-off
    assert receiver.order == []
    send(now=timezone.now() + LATER)
    assert [receiver.records[k]["action"] for k in receiver.order] == ["publish", "correct"]


def test_without_an_endpoint_messages_wait_and_the_page_says_why(personas, settings, client_for):
    settings.PUSH_ENDPOINT = ""
    published(personas)
    stats = delivery.deliver()
    assert stats.problem.startswith("未配置推送地址") and OutboxMessage.objects.get().state == State.PENDING
    page = client_for(personas.office).get("/push/").content.decode()
    assert "未配置推送地址（SSJ_PUSH_ENDPOINT）" in page
    settings.PUSH_ENDPOINT = "ftp://example/push"
    assert "不是有效的 http(s) 地址" in delivery.deliver().problem
    assert client_for(personas.lead_admin).get("/push/").status_code == 403


def test_the_export_file_of_a_day_and_a_department(personas, client_for):
    part = published(personas)
    services.withdraw(personas.lead_admin, part, "误公开")
    day = timezone.localdate().isoformat()
    client = client_for(personas.office)
    assert f"/push/exports/{day}/scjgj.xlsx" in client.get("/push/").content.decode()
    response = client.get(f"/push/exports/{day}/scjgj.xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][2:8] == ("检查实施机关", "检查类型", "检查日期", "检查结果", "统一社会信用代码", "企业名称")
    assert [r[1] for r in rows[1:]] == ["公开", "撤回"]
    assert rows[1][6] == part.visit.entity.uscc and rows[2][9] == "误公开"
    assert client.get("/push/exports/2026-02-30/scjgj.xlsx").status_code == 404
    assert client.get(f"/push/exports/{day}/nosuch.xlsx").status_code == 404


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="workers on separate connections: PostgreSQL leg")
@pytest.mark.django_db(transaction=True)
def test_four_workers_at_once_send_each_message_once(personas, receiver):
    published(personas)  # committed: the worker the publication enqueued has sent its message already
    assert OutboxMessage.objects.get().state == State.SENT
    copies(OutboxMessage.objects.get(), 299)
    results = []

    def worker():
        try:
            results.append(send())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r.sent for r in results) == 299
    assert OutboxMessage.objects.filter(state=State.SENT).count() == 300
    assert len(receiver.records) == 300 and set(receiver.hits.values()) == {1}
    assert sum(1 for r in results if r.sent) > 1  # they shared the work


def test_a_worker_that_dies_after_sending_leaves_a_lease_that_expires_and_the_resend_is_not_doubled(
        personas, receiver):
    published(personas)
    now = timezone.now()
    lease = dt.timedelta(seconds=60)
    [message] = delivery.claim(10, now, lease)
    client = delivery.HttpReceiver(timeout=0.5)
    assert client.send(message).stored  # … and the worker dies before writing it down
    client.close()
    assert send(now=now + dt.timedelta(seconds=30)).sent == 0  # still leased to the dead worker
    assert send(now=now + lease + dt.timedelta(seconds=1)).sent == 1
    assert receiver.hits[message.key] == 2 and list(receiver.records) == [message.key] and not receiver.doubled


def test_check_deployment_names_what_holds_the_push_back(personas, settings, receiver):
    from shuangsuiji.site.deployment import ERROR, WARNING, check_push

    published(personas)
    assert check_push() == []  # configured, one message just written
    assert [f.level for f in check_push(timezone.now() + dt.timedelta(days=2))] == [WARNING]
    receiver.plan = ["reject"]
    send()
    assert "有 1 条推送发送失败" in check_push()[0].message
    settings.PUSH_ENDPOINT = "not a url"
    assert check_push()[0].level == ERROR
    settings.PUSH_ENDPOINT = ""
    assert check_push()[0].level == WARNING and "未配置推送地址" in check_push()[0].message
