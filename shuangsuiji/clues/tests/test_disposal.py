"""Issue 31, slice 2: disposing of a clue. The responsible department opens a targeted (non-random) check whose
recorded reason is the clue — never shown or counted as random — and closes the clue once the check's results are
in; an 无证无照经营 clue opens a case referred to the organ 《无证无照经营查处办法》 names, which closes it."""

import datetime as dt

import pytest

from shuangsuiji.clues import services
from shuangsuiji.clues.models import Case, CaseStatus, Clue, Outcome, Status
from shuangsuiji.common.audit import AuditEvent
from shuangsuiji.common.errors import Forbidden, WrongState
from shuangsuiji.directory.testing import make_entity
from shuangsuiji.draws.testing import make_published_item
from shuangsuiji.notices.models import Notice
from shuangsuiji.plans import services as plans
from shuangsuiji.plans.models import TaskKind, TaskStatus
from shuangsuiji.results import services as results
from shuangsuiji.results.models import PartStatus, VisitPart

TODAY = dt.date(2026, 12, 8)


def assigned(personas, department, **fields):
    clue = services.receive(personas.lead_admin, source=fields.pop("source", "complaint"), received_on=TODAY,
                            content=fields.pop("content", "消费者反映熟食有异味，怀疑过期销售。"),
                            complainant="王女士", **fields)
    return services.assign(personas.lead_admin, clue, department)


def results_entered(personas, task):
    task = plans.submit(personas.lead_admin, task)
    task = plans.approve(personas.office, task)  # four eyes
    task = plans.issue_targeted(personas.lead_admin, task)
    task = plans.advance(personas.lead_admin, task, "start")
    for visit in task.visits.all():
        results.ensure_parts(visit)
    VisitPart.objects.filter(visit__task=task).update(status=PartStatus.APPROVED)
    return plans.advance(personas.lead_admin, task, "complete")


def test_a_clue_leads_to_a_targeted_check_whose_reason_is_the_clue_and_closes_after_its_results(personas, client_for):
    shop = make_entity(name="菏泽市定陶区好味熟食店")
    item = make_published_item(personas.lead_dept)
    clue = assigned(personas, personas.lead_dept, uscc=shop.uscc)
    page = client_for(personas.lead_admin).get(f"/clues/{clue.number}/").content.decode()
    assert "立定向检查" in page and "无证无照经营：立案移送查处" in page
    answer = client_for(personas.lead_admin).post(f"/clues/{clue.number}/check/", {"items": [item.pk], "uscc": ""})
    assert answer.status_code == 302
    clue.refresh_from_db()
    task = clue.task
    assert clue.status == Status.CHECKING and task.kind == TaskKind.TARGETED and not task.is_random
    assert task.targeted_reason == "complaint" and clue.number in task.targeted_note
    assert "异味" not in task.targeted_note and "王女士" not in task.targeted_note  # the complaint stays internal
    assert task.department == personas.lead_dept and task.scope == {"targets": [shop.pk]}
    with pytest.raises(services.ClueError, match="尚未确认结果录入完毕"):
        services.close(personas.lead_admin, clue, outcome=Outcome.CONFIRMED, note="已责令整改")
    task = results_entered(personas, task)
    assert task.status == TaskStatus.RESULTS_COMPLETE and task.draw is None
    page = client_for(personas.lead_admin).get(f"/clues/{clue.number}/").content.decode()
    assert task.number in page and "不属于随机抽查" in page and "办结" in page
    refused = client_for(personas.lead_admin).post(f"/clues/{clue.number}/close/",
                                                   {"outcome": "confirmed", "closing_note": ""}).content.decode()
    assert "这个字段是必填项" in refused and Clue.objects.get(pk=clue.pk).status == Status.CHECKING
    client_for(personas.lead_admin).post(f"/clues/{clue.number}/close/",
                                         {"outcome": "confirmed", "closing_note": "现场检查发现过期熟食 3 份，已责令下架。"})
    clue.refresh_from_db()
    assert clue.status == Status.CLOSED and clue.outcome == Outcome.CONFIRMED and clue.closed_at
    assert {"clue.check", "clue.closed"} <= set(AuditEvent.objects.values_list("action", flat=True))
    with pytest.raises(WrongState):
        services.close(personas.lead_admin, clue, outcome=Outcome.CONFIRMED, note="再次办结")


def test_a_targeted_check_never_reads_or_counts_as_random(personas, client_for):
    shop = make_entity(name="菏泽市定陶区好味熟食店")
    item = make_published_item(personas.lead_dept)
    clue = assigned(personas, personas.lead_dept, uscc=shop.uscc)
    task = services.open_check(personas.lead_admin, clue, items=[item])
    task = results_entered(personas, task)
    part = VisitPart.objects.get(visit__task=task)
    results.publish(personas.lead_admin, part)
    from shuangsuiji.results.models import Publication

    publication = Publication.objects.get(task=task)
    assert publication.random is False and publication.kind_label.startswith("定向")
    public = client_for(personas.leader).get(f"/public/tasks/{task.number}/").content.decode()
    assert "定向（非随机）检查" in public and clue.number not in public  # the reason's kind, not the clue
    assert "异味" not in public and "王女士" not in public


def test_a_clue_without_a_known_business_asks_for_its_code_and_a_wrong_one_is_named(personas):
    item = make_published_item(personas.lead_dept)
    clue = assigned(personas, personas.lead_dept, entity_name="无名熟食摊")
    with pytest.raises(services.ClueError, match="请填写被检查主体的统一社会信用代码"):
        services.open_check(personas.lead_admin, clue, items=[item])
    with pytest.raises(services.ClueError, match="不在检查对象名录库中"):
        services.open_check(personas.lead_admin, clue, items=[item], uscc="91371703MA3FFT365K")
    with pytest.raises(plans.PlanError, match="请至少选择一项已公布的抽查事项"):
        services.open_check(personas.lead_admin, clue, items=[], uscc=make_entity().uscc)
    assert Clue.objects.get(pk=clue.pk).status == Status.ASSIGNED and not Clue.objects.get(pk=clue.pk).task
    shop = make_entity(name="后来查明的熟食店")
    services.open_check(personas.lead_admin, clue, items=[item], uscc=shop.uscc)
    assert Clue.objects.get(pk=clue.pk).entity == shop


def test_only_the_responsible_department_disposes_of_a_clue(personas):
    item = make_published_item(personas.partner_dept, "公共场所卫生检查")
    clue = assigned(personas, personas.partner_dept, uscc=make_entity().uscc)
    with pytest.raises(Forbidden):  # the receiving department handed it over
        services.open_check(personas.lead_admin, clue, items=[item])
    with pytest.raises(Forbidden):
        services.close(personas.inspector, clue, outcome=Outcome.UNFOUNDED, note="x")
    task = services.open_check(personas.partner_admin, clue, items=[item])
    assert task.department == personas.partner_dept


def test_an_unlicensed_business_clue_opens_a_case_with_the_organ_the_measures_name(personas, client_for):
    clue = assigned(personas, personas.partner_dept, entity_name="无名美容小店", content="反映某美容小店无证无照经营。",
                    case_type="unlicensed")
    assert clue.case_type == "unlicensed"
    page = client_for(personas.partner_admin).post(
        f"/clues/{clue.number}/case/", {"kind": "no_permit", "organ": personas.lead_dept.pk}).content.decode()
    assert "无证经营由许可部门查处" in page and not Case.objects.exists()  # 无证: not market supervision
    client_for(personas.partner_admin).post(f"/clues/{clue.number}/case/", {"kind": "no_permit", "organ": ""})
    case = Case.objects.get()
    assert case.organ == personas.partner_dept and "第五条" in case.basis and case.number.startswith("AJ")
    assert Clue.objects.get(pk=clue.pk).status == Status.CASE

    other = assigned(personas, personas.partner_dept, entity_name="流动摊贩", content="无照经营")
    services.open_case(personas.partner_admin, other, kind="no_licence", organ=personas.partner_dept)
    no_licence = Case.objects.get(clue=other)
    assert no_licence.organ == personas.lead_dept and "第六条" in no_licence.basis  # 无照: market supervision
    assert Notice.objects.filter(department=personas.lead_dept, title__contains=no_licence.number).exists()
    assert other.number in client_for(personas.lead_admin).get("/clues/").content.decode()  # the organ reads it

    with pytest.raises(Forbidden):
        services.close_case(personas.partner_admin, no_licence, "取缔")
    with pytest.raises(services.ClueError, match="请写明查处结果"):
        services.close_case(personas.lead_admin, no_licence, " ")
    client_for(personas.lead_admin).post(f"/clues/{other.number}/case/close/", {"result": "责令停止经营，依法取缔。"})
    other.refresh_from_db()
    assert Case.objects.get(clue=other).status == CaseStatus.CLOSED
    assert other.status == Status.CLOSED and other.outcome == Outcome.REFERRED and "取缔" in other.closing_note
    assert AuditEvent.objects.filter(action="clue.case").count() == 2
