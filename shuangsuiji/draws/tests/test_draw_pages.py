"""The draw pages render in every state, and the public ones show nothing internal."""

import datetime as dt
import json

import pytest
import time_machine

from shuangsuiji.draws import services
from shuangsuiji.draws.models import LotteryKind, TeamMember
from shuangsuiji.draws.testing import (
    COMMIT_AT,
    REVEALED,
    SOURCES,
    make_directory,
    make_published_item,
    make_team,
)

# The commit form declares drand round 1000 with sealed dice; posted half an hour before that round.
COMMIT_FORM = {"use_drand": "on", "drand_round": "1000", "use_witness": "on", "witness_name": "公证员",
               "witness_numbers": "4 1 6", "witness_min": "1", "witness_max": "6"}


@pytest.fixture
def draw(personas):
    make_team(personas.lead_dept)
    make_directory(120)
    return services.prepare(personas.lead_admin, personas.lead_dept, title="页面测试抽取",
                            items=[make_published_item(personas.lead_dept)], strata_by=["credit_class"],
                            rules={"default": {"ratio": "0.05", "minimum": 1}})


def test_the_department_walks_a_draw_through_its_pages(personas, client_for, draw):
    client = client_for(personas.lead_admin)
    page = client.get(f"/draws/{draw.number}/")
    assert page.status_code == 200 and "匹配预检通过" in page.content.decode()
    with time_machine.travel(COMMIT_AT, tick=False):
        assert client.post(f"/draws/{draw.number}/commit/", COMMIT_FORM).status_code == 302
    page = client.get(f"/draws/{draw.number}/").content.decode()
    assert "承诺时已封存" in page and "4 1 6" not in page
    assert client.post(f"/draws/{draw.number}/reveal/", {"s0": json.dumps(REVEALED[0])}).status_code == 302
    page = client.get(f"/draws/{draw.number}/").content.decode()
    assert "已揭晓" in page and "检查人员随机匹配" in page
    member = TeamMember.objects.filter(draw__number=draw.number).first()
    assert client.post(f"/draws/{draw.number}/members/{member.pk}/recusal/",
                       {"applicant": "inspector", "reason": "与检查对象负责人系同学"}).status_code == 302
    assert "待决定" in client.get(f"/draws/{draw.number}/").content.decode()
    assert client.get(f"/draws/{draw.number}/kit.zip").status_code == 200


def test_bad_reveal_input_is_a_message_not_an_error_page(personas, client_for, draw):
    client = client_for(personas.lead_admin)
    lottery = services.lottery_declaration(LotteryKind.objects.get(name="中国福利彩票双色球"), dt.date(2023, 8, 24))
    services.commit(personas.lead_admin, draw, [lottery], now=COMMIT_AT)
    response = client.post(f"/draws/{draw.number}/reveal/", {"s0": "1 2"}, follow=True)
    assert response.status_code == 200
    assert "格式不符" in response.content.decode()


def test_the_public_sees_the_commitment_but_no_credit_class_or_teams(personas, client, draw):
    services.commit(personas.lead_admin, draw, SOURCES, now=COMMIT_AT)
    html = client.get(f"/public/draws/{draw.number}/").content.decode()
    assert draw.commitment_sha256 in html
    for secret in ("A类", "D类", "信用风险低", "内部分层", "执法证号"):
        assert secret not in html
    assert client.get(f"/public/draws/{draw.number}/kit.zip").status_code == 200


def test_a_prepared_draw_is_not_public(personas, client, draw):
    assert client.get(f"/public/draws/{draw.number}/").status_code == 404


def test_another_department_cannot_open_the_draw(personas, client_for, draw):
    assert client_for(personas.partner_admin).get(f"/draws/{draw.number}/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_large_pool_is_committed_by_the_worker_with_a_job_page(personas, client_for, draw, monkeypatch):
    monkeypatch.setattr("shuangsuiji.draws.tasks.BACKGROUND_POOL", 10)
    client = client_for(personas.lead_admin)
    with time_machine.travel(COMMIT_AT, tick=False):
        response = client.post(f"/draws/{draw.number}/commit/", COMMIT_FORM)
    assert response.status_code == 302 and response.url.startswith("/jobs/")
    draw.refresh_from_db()
    assert draw.status == "committed"
    assert "承诺已发布" in client.get(response.url).content.decode()


def test_a_voided_draft_never_appears_on_the_portal(personas, client, draw):
    services.void(personas.lead_admin, draw, "准备阶段发现范围有误")
    assert client.get(f"/public/draws/{draw.number}/").status_code == 404
    assert client.get(f"/public/draws/{draw.number}/kit.zip").status_code == 404


def test_a_pasted_beacon_that_is_not_json_gets_a_message(personas, client_for, draw):
    services.commit(personas.lead_admin, draw, [{"type": "drand", "chain": "quicknet", "round": 1000}],
                    now=dt.datetime(2023, 8, 23, tzinfo=dt.UTC))
    client = client_for(personas.lead_admin)
    for bad in ("[" * 100000, "[1, 2]", "not json"):
        response = client.post(f"/draws/{draw.number}/reveal/", {"s0": bad}, follow=True)
        assert response.status_code == 200 and "drand 轮次内容" in response.content.decode()


def test_the_public_page_holds_the_seed_until_the_department_publishes(personas, client, draw):
    draw = services.commit(personas.lead_admin, draw, SOURCES, now=COMMIT_AT)
    draw = services.reveal(personas.lead_admin, draw, REVEALED)
    held = client.get(f"/public/draws/{draw.number}/").content.decode()
    assert "结果已确定、不可更改" in held and "随机源尚未揭示" not in held
    assert draw.seed not in client.get(f"/public/draws/{draw.number}/").content.decode()
    services.publish(personas.lead_admin, draw)
    assert draw.seed in client.get(f"/public/draws/{draw.number}/").content.decode()
