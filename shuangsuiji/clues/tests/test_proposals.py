"""Issue 31, slice 4: common problems in the clues proposed as 专项整治联查. Enough clues about one industry in one
town (threshold and window set by the office) make a proposal showing the clues, the departments concerned, the
items the clues name and the scope; the office turns it into a task drawn by the normal double-random path, whose
businesses all come from that town and industry, or dismisses it with a reason. Decided clues do not propose the
same again; clues not accepted, merged or outside the window do not count."""

import datetime as dt

import pytest
from django.utils import timezone

from shuangsuiji.clues import proposals, services
from shuangsuiji.clues.models import Dimension, Proposal, ProposalStatus
from shuangsuiji.common.audit import AuditEvent
from shuangsuiji.common.errors import Forbidden
from shuangsuiji.directory.models import Industry, Township
from shuangsuiji.directory.testing import make_entity
from shuangsuiji.draws.testing import COMMIT_AT, REVEALED, SOURCES, make_published_item, make_team
from shuangsuiji.plans import services as plans
from shuangsuiji.plans.models import TaskKind, TaskStatus


@pytest.fixture
def town(personas):
    return Township.objects.order_by("code").first()


def hotels(town, n=8):
    inn = Industry.objects.get(code="6129")
    return [make_entity(industry=inn, township=town, name=f"定陶区第{i}宾馆") for i in range(n)]


def complaints(personas, businesses, n, *, days_ago=3, items=()):
    received = timezone.localdate() - dt.timedelta(days=days_ago)
    return [services.receive(personas.partner_admin if i % 2 else personas.lead_admin, source="complaint",
                             received_on=received, content=f"第{i}次反映宾馆床品未更换、卫生差",
                             uscc=businesses[i % len(businesses)].uscc, items=items) for i in range(n)]


def test_clues_about_one_industry_in_one_town_make_one_proposal(personas, town, client_for):
    proposals.set_rule(personas.office, threshold=5, window_days=30)
    shops = hotels(town)
    complaints(personas, shops, 3)
    assert proposals.refresh() == []  # three: below the threshold
    clues = complaints(personas, shops, 2)
    services.reject(personas.lead_admin, clues[0], "重复投诉，已电话答复")
    assert proposals.refresh() == []  # a clue not accepted does not count
    complaints(personas, shops, 1)
    complaints(personas, shops, 3, days_ago=40)  # outside the window
    [proposal] = proposals.refresh()
    assert proposal.dimension == Dimension.INDUSTRY_TOWN  # the same clues by industry or town alone: not again
    assert proposal.industry_id == "61" and proposal.township == town and proposal.clues.count() == 5
    assert proposals.scope(proposal) == {"sublibrary": None, "filters": {"township": [town.code], "industry": ["61"]}}
    page = client_for(personas.office).get(f"/clues/proposals/{proposal.pk}/").content.decode()
    assert town.name in page and "住宿业" in page and "转为专项整治联查" in page
    assert page.count("/clues/XS") >= 5
    assert client_for(personas.lead_admin).get("/clues/proposals/").status_code == 403
    assert "转为专项整治联查" not in client_for(personas.leader).get(f"/clues/proposals/{proposal.pk}/").content.decode()


def test_the_office_turns_a_proposal_into_a_special_joint_task_drawn_from_its_scope(personas, town, client_for):
    proposals.set_rule(personas.office, threshold=5, window_days=30)
    shops = hotels(town, 10)
    elsewhere = make_entity(industry=Industry.objects.get(code="6129"),
                            township=Township.objects.exclude(pk=town.pk).first())
    shop_in_town = make_entity(industry=Industry.objects.get(code="5211"), township=town)
    hygiene = make_published_item(personas.partner_dept, "宾馆、旅店卫生情况的检查")
    licence = make_published_item(personas.lead_dept, "营业执照（登记证）规范使用情况的检查")
    make_team(personas.lead_dept, 6, "食品经营")
    make_team(personas.partner_dept, 6, "食品经营")
    complaints(personas, shops, 6, items=[hygiene])
    [proposal] = [p for p in proposals.refresh() if p.dimension == Dimension.INDUSTRY_TOWN]
    assert proposals.items(proposal) == [hygiene]
    assert {d for d, _n in proposals.departments(proposal)} == {personas.lead_dept, personas.partner_dept}
    c = client_for(personas.office)
    refused = c.post(f"/clues/proposals/{proposal.pk}/dismiss/", {"note": ""}).content.decode()
    assert "这个字段是必填项" in refused
    answer = c.post(f"/clues/proposals/{proposal.pk}/accept/", {
        "department": personas.partner_dept.pk, "title": "", "items": [hygiene.pk, licence.pk], "ratio": "50",
        "minimum": "1", "team_size": "2"})
    assert answer.status_code == 302, answer.content.decode()[:2000]
    proposal.refresh_from_db()
    task = proposal.task
    assert proposal.status == ProposalStatus.ACCEPTED and answer["Location"] == f"/plans/tasks/{task.number}/"
    assert task.kind == TaskKind.JOINT_SPECIAL and task.is_random and task.department == personas.partner_dept
    assert set(task.partners.all()) == {personas.lead_dept}
    assert AuditEvent.objects.filter(action="clue.proposal_accepted").exists()
    # The normal double-random path: submitted, approved by someone else (four eyes), confirmed, committed, drawn.
    plans.submit(personas.office, task)
    plans.approve(personas.partner_admin, task)
    plans.consult(personas.lead_admin, task, personas.lead_dept, "confirm")
    plans.commit(personas.partner_admin, task, SOURCES, now=COMMIT_AT)
    task = plans.reveal(personas.partner_admin, type(task).objects.get(pk=task.pk), REVEALED)
    assert task.status == TaskStatus.DRAWN and task.draw is not None
    drawn = set(task.visits.values_list("entity_id", flat=True))
    assert len(drawn) == 5 and drawn <= {s.pk for s in shops}
    assert elsewhere.pk not in drawn and shop_in_town.pk not in drawn
    assert proposals.refresh() == []  # its clues are decided: not proposed again


def test_a_dismissed_proposal_needs_a_reason_and_only_new_clues_propose_again(personas, town):
    proposals.set_rule(personas.office, threshold=3, window_days=30)
    shops = hotels(town)
    complaints(personas, shops, 3)
    [proposal] = proposals.refresh()
    with pytest.raises(Forbidden):
        proposals.dismiss(personas.lead_admin, proposal, "x")
    with pytest.raises(services.ClueError, match="须写明理由"):
        proposals.dismiss(personas.office, proposal, " ")
    proposals.dismiss(personas.office, proposal, "已由卫健部门个案处理，暂不开展专项整治")
    assert proposals.refresh() == []
    complaints(personas, shops, 2)
    assert proposals.refresh() == []
    complaints(personas, shops, 1)
    [again] = proposals.refresh()
    assert again.pk != proposal.pk and again.clues.count() == 3
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.DISMISSED


def test_the_rule_is_the_offices_and_checked(personas, client_for):
    with pytest.raises(Forbidden):
        proposals.set_rule(personas.lead_admin, threshold=5, window_days=30)
    page = client_for(personas.office).post("/clues/proposals/", {"threshold": "1", "window_days": "3"}).content.decode()
    assert "2" in page and "有 2 处需要修改" in page
    client_for(personas.office).post("/clues/proposals/", {"threshold": "12", "window_days": "60"})
    from shuangsuiji.clues.models import ClusterRule

    rule = ClusterRule.current()
    assert (rule.threshold, rule.window_days) == (12, 60)
    assert AuditEvent.objects.filter(action="clue.cluster_rule").exists()
