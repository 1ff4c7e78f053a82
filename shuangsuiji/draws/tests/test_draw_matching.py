"""Inspector matching as part of the draw: frozen basis, teams at reveal, replay from the kit, recusal."""

import datetime as dt
import json

import pytest

from shuangsuiji.accounts.models import Role
from shuangsuiji.accounts.testing import make_user
from shuangsuiji.common.errors import Forbidden, WrongState
from shuangsuiji.draws import recusals, services
from shuangsuiji.draws.models import Draw, DrawStatus, Recusal, RecusalStatus, TeamMember
from shuangsuiji.draws.testing import (
    COMMIT_AT,
    DECIDE_AT,
    LATER_REVEALED,
    LATER_ROUND,
    REVEALED,
    SOURCES,
    approve_recusal,
    make_directory,
    make_published_item,
    make_team,
)
from shuangsuiji.inspectors.models import Conflict, DutyStatus, InspectorKind
from shuangsuiji.lottery.verify import verify_files


@pytest.fixture
def joint(personas):
    """A draw citing items of two departments, each with enough qualified officers."""
    make_team(personas.lead_dept, 10, "食品经营")
    make_team(personas.partner_dept, 10, "公共场所卫生")
    entities = make_directory(200)
    items = [make_published_item(personas.lead_dept), make_published_item(personas.partner_dept, "公共场所卫生检查")]
    items[1].category = "公共场所卫生"
    items[1].save()
    draw = services.prepare(personas.lead_admin, personas.lead_dept, title="食品和公共场所联合抽查", items=items,
                            rules={"default": {"ratio": "0.05"}})
    return draw, entities


def revealed(personas, draw):
    draw = services.commit(personas.lead_admin, draw, SOURCES, now=COMMIT_AT)
    return services.reveal(personas.lead_admin, draw, REVEALED)


def test_every_drawn_business_gets_two_qualified_officers_from_each_department(personas, joint):
    draw = revealed(personas, joint[0])
    assert draw.matching_error == ""
    drawn = draw.drawn.count()
    assert drawn == 10
    for dept in (personas.lead_dept, personas.partner_dept):
        members = TeamMember.objects.filter(draw=draw, department=dept, active=True)
        assert members.count() == 2 * drawn
        assert all(m.inspector.department_id == dept.pk and m.inspector.kind == InspectorKind.OFFICER for m in members)
        per_target = {}
        for m in members:
            per_target.setdefault(m.entity_id, set()).add(m.inspector_id)
        assert all(len(s) == 2 for s in per_target.values())


def test_the_departments_kit_replays_the_matching(personas, joint):
    draw = revealed(personas, joint[0])
    files = services.kit_files(draw, include_matching=True)
    assert "matching-assignment.json" in files
    report = verify_files(files, check_signature=False)
    assert report.ok, report.problems


def test_a_matching_snapshot_changed_after_the_seed_is_caught(personas, joint):
    draw = revealed(personas, joint[0])
    files = services.kit_files(draw, include_matching=True)
    snap = json.loads(files["matching-snapshot.json"])
    snap["task"]["max_targets"] += 1
    files["matching-snapshot.json"] = json.dumps(snap, ensure_ascii=False).encode()
    report = verify_files(files, check_signature=False)
    assert not report.ok
    assert any("冻结的匹配依据不一致" in p for p in report.problems)


def test_the_public_kit_does_not_carry_the_teams(personas, joint):
    draw = revealed(personas, joint[0])
    assert "matching-assignment.json" not in services.kit_files(draw)


def test_an_inspector_with_a_conflict_is_never_sent_to_that_business(personas, joint):
    draw, entities = joint
    officers = list(personas.lead_dept.inspectors.all())
    Conflict.objects.bulk_create(Conflict(inspector=officers[0], entity=e, relation="近亲属在该主体任职",
                                          valid_from=dt.date(2025, 1, 1)) for e in entities)
    draw = revealed(personas, draw)
    assert not TeamMember.objects.filter(draw=draw, inspector=officers[0]).exists()


def test_too_few_qualified_officers_refuse_the_commitment_naming_the_department(personas, joint):
    draw, _ = joint
    for officer in personas.partner_dept.inspectors.all()[1:]:
        officer.status = DutyStatus.TRANSFERRED
        officer.save()
    with pytest.raises(services.DrawServiceError, match="区卫生健康局") as exc:
        services.commit(personas.lead_admin, draw, SOURCES, now=COMMIT_AT)
    assert "承诺未发布" in str(exc.value)


def test_a_team_below_two_officers_is_refused(personas, joint):
    with pytest.raises(services.DrawServiceError, match="至少 2 名"):
        services.prepare(personas.lead_admin, personas.lead_dept, title="x", items=list(joint[0].items.all()),
                         rules={"default": {"ratio": "0.05"}}, matching_params={"team_size": 1})


def test_an_approved_recusal_draws_a_recorded_replayable_replacement(personas, joint):
    draw = revealed(personas, joint[0])
    member = TeamMember.objects.filter(draw=draw, department=personas.partner_dept).first()
    recusal = recusals.request_recusal(personas.office, member, applicant="business",
                                       reason="检查对象称该执法人员为其前员工的近亲属")
    with pytest.raises(Forbidden, match="部门负责人"):
        recusals.decide_recusal(personas.lead_admin, recusal, approve=True, reason="同意")
    recusal = recusals.decide_recusal(personas.partner_admin, recusal, approve=True, reason="经核实存在利害关系",
                                      round_no=LATER_ROUND, now=DECIDE_AT)
    assert recusal.status == RecusalStatus.AWAITING and recusal.replacement is None
    assert TeamMember.objects.filter(draw=draw, entity=member.entity, department=member.department,
                                     active=True).count() == 1  # the recused officer has left already
    recusal = recusals.complete_recusal(personas.partner_admin, recusal, LATER_REVEALED)
    assert recusal.status == RecusalStatus.APPROVED and recusal.replacement_id != member.inspector_id
    team = TeamMember.objects.filter(draw=draw, entity=member.entity, department=member.department, active=True)
    assert team.count() == 2 and member.inspector_id not in {m.inspector_id for m in team}
    draw.refresh_from_db()
    assert len(draw.matching["swaps"]) == 1 and draw.matching["swaps"][0]["fresh"] == LATER_REVEALED["randomness"]
    report = verify_files(services.kit_files(draw, include_matching=True), check_signature=False)
    assert report.ok, report.problems
    assert Recusal.objects.count() == 1


def test_the_partner_department_sees_the_joint_draw_and_decides_its_own_recusals(personas, client_for, joint):
    draw = revealed(personas, joint[0])
    client = client_for(personas.partner_admin)
    assert client.get(f"/draws/{draw.number}/").status_code == 200
    member = TeamMember.objects.filter(draw=draw, department=personas.partner_dept).first()
    recusal = recusals.request_recusal(personas.office, member, applicant="inspector", reason="本人与负责人系亲属")
    response = client.post(f"/draws/{draw.number}/recusals/{recusal.pk}/decide/", {"approve": "1", "reason": "属实"})
    assert response.status_code == 302
    recusal.refresh_from_db()
    assert recusal.status == RecusalStatus.AWAITING  # the replacement waits for a round that does not exist yet
    page = client.get(f"/draws/{draw.number}/").content.decode()
    assert f"第 {recusal.source['declaration']['round']} 轮随机数抽取" in page
    early = client.post(f"/draws/{draw.number}/recusals/{recusal.pk}/complete/",
                        {"round_json": json.dumps(LATER_REVEALED)}, follow=True).content.decode()
    assert f"drand 第 {recusal.source['declaration']['round']} 轮将于北京时间" in early
    assert "之后才能确定替换人员" in early


def test_a_certificate_changed_after_the_commitment_does_not_break_the_reveal(personas, joint):
    draw = services.commit(personas.lead_admin, joint[0], SOURCES, now=COMMIT_AT)
    officer = personas.lead_dept.inspectors.first()
    officer.cert_no = "鲁菏定12999999"
    officer.save()
    draw = services.reveal(personas.lead_admin, draw, REVEALED)
    assert draw.matching_error == "" and TeamMember.objects.filter(draw=draw).exists()


def test_a_committed_draw_cannot_be_voided_once_its_numbers_may_exist(personas, joint):
    draw = services.commit(personas.lead_admin, joint[0], SOURCES, now=COMMIT_AT)
    with pytest.raises(WrongState, match="先揭晓"):
        services.void(personas.lead_admin, draw, "结果不理想，重新抽取")


# Issue 23, finding 3: the precheck counted every officer of the department, so a draw that could not be
# staffed was committed and failed at the reveal.


def test_officers_not_qualified_for_the_items_do_not_count_towards_staffing(personas, joint):
    draw, _ = joint
    make_team(personas.partner_dept, 30, "消防安全")  # on duty, but not qualified for 公共场所卫生
    draw.matching_params = {**draw.matching_params, "max_targets": 1}
    draw.save()
    with pytest.raises(services.DrawServiceError) as exc:
        services.commit(personas.lead_admin, draw, SOURCES, now=COMMIT_AT)
    message = str(exc.value)
    assert "区卫生健康局：预计抽取 10 户、每户 2 名执法人员，共需 20 人次" in message
    assert "具备「公共场所卫生」检查资格且在岗的执法人员 10 名，每人至多 1 户，只能承担 10 人次，还差 10 人次" in message
    assert Draw.objects.get(pk=draw.pk).status == DrawStatus.PREPARED


def test_a_draw_the_precheck_lets_through_is_staffed_at_the_reveal(personas, joint):
    draw, _ = joint
    for officer in personas.partner_dept.inspectors.all()[5:]:
        officer.status = DutyStatus.TRANSFERRED
        officer.save()
    make_team(personas.partner_dept, 60, "消防安全")  # many officers, few of them qualified: the demo's case
    draw.rules = {"default": {"ratio": "0.15"}}
    draw.save()
    draw = revealed(personas, draw)
    assert draw.matching_error == ""
    drawn = draw.drawn.count()
    assert TeamMember.objects.filter(draw=draw, department=personas.partner_dept).count() == 2 * drawn


# Issue 23, finding 2: each approved recusal took the next officer in an order fixed by the seed, so a
# department approving recusals one after another walked down the list to the officer it wanted.


def test_a_replacement_is_drawn_from_a_round_that_did_not_exist_at_the_decision(personas, joint):
    draw = revealed(personas, joint[0])
    member = TeamMember.objects.filter(draw=draw, department=personas.partner_dept).first()
    recusal = recusals.request_recusal(personas.office, member, applicant="business", reason="亲属",
                                       category="interest")
    with pytest.raises(services.DrawServiceError, match="最早为第"):
        recusals.decide_recusal(personas.partner_admin, recusal, approve=True, reason="属实", round_no=1000,
                                now=DECIDE_AT)  # a round already public at the decision
    recusal = recusals.decide_recusal(personas.partner_admin, recusal, approve=True, reason="属实",
                                      round_no=LATER_ROUND, now=DECIDE_AT)
    assert recusal.source["declared_at"] == "2023-08-24T09:00:00Z"
    with pytest.raises(WrongState, match="之后才能确定替换人员"):
        recusals.complete_recusal(personas.partner_admin, recusal, LATER_REVEALED,
                                  now=DECIDE_AT + dt.timedelta(hours=1))
    forged = dict(LATER_REVEALED, signature="00" + LATER_REVEALED["signature"][2:])
    with pytest.raises(services.DrawServiceError):
        recusals.complete_recusal(personas.partner_admin, recusal, forged)
    done = recusals.complete_recusal(personas.partner_admin, recusal, LATER_REVEALED)
    assert done.replacement is not None and done.revealed["round"] == LATER_ROUND


def test_recusals_beyond_the_cap_need_the_office(personas, joint, settings):
    settings.RECUSAL_CAP_PER_DEPARTMENT = 1
    draw = revealed(personas, joint[0])
    first, second = TeamMember.objects.filter(draw=draw, department=personas.partner_dept)[:2]
    approve_recusal(personas.partner_admin, recusals.request_recusal(personas.office, first,
                                                                     applicant="business", reason="亲属"))
    again = recusals.request_recusal(personas.office, second, applicant="business", reason="同学")
    with pytest.raises(WrongState, match="已有 1 次回避替换（上限 1 次），再有回避须由联席会议办公室决定"):
        recusals.decide_recusal(personas.partner_admin, again, approve=True, reason="属实", round_no=LATER_ROUND,
                                now=DECIDE_AT)
    second_office = make_user("olga", Role.OFFICE, personas.lead_dept)  # four eyes: not who registered it
    assert approve_recusal(second_office, again).status == RecusalStatus.APPROVED


def test_a_kit_whose_replacement_used_no_fresh_randomness_or_another_value_fails(personas, joint):
    draw = revealed(personas, joint[0])
    member = TeamMember.objects.filter(draw=draw, department=personas.partner_dept).first()
    approve_recusal(personas.partner_admin, recusals.request_recusal(personas.office, member,
                                                                     applicant="business", reason="亲属"))
    draw.refresh_from_db()
    files = services.kit_files(draw, include_matching=True)
    assert verify_files(files, check_signature=False).ok
    assignment = json.loads(files["matching-assignment.json"])
    for edit, message in ((lambda w: (w.pop("fresh"), w.pop("source")), "没有使用决定之后才产生的随机源"),
                          (lambda w: w.update(fresh="0" * 64), "记录的随机数与 drand 第 5928395 轮不一致")):
        changed = json.loads(json.dumps(assignment))
        edit(changed["swaps"][0])
        report = verify_files({**files, "matching-assignment.json": json.dumps(changed).encode()}, check_signature=False)
        assert any(message in p for p in report.problems), report.problems


def test_a_replacement_comes_from_officers_still_on_duty_at_the_decision(personas, joint):
    draw = revealed(personas, joint[0])
    member = TeamMember.objects.filter(draw=draw, department=personas.partner_dept).first()
    team = set(TeamMember.objects.filter(draw=draw, entity=member.entity, department=member.department)
               .values_list("inspector_id", flat=True))
    staying = personas.partner_dept.inspectors.exclude(pk__in=team).order_by("pk").first()
    for officer in personas.partner_dept.inspectors.exclude(pk__in=team | {staying.pk}):
        officer.status = DutyStatus.TRANSFERRED  # left the department after the commitment
        officer.save()
    recusal = approve_recusal(personas.partner_admin, recusals.request_recusal(
        personas.office, member, applicant="business", reason="亲属"))
    assert recusal.replacement_id == staying.pk
    assert len(recusal.source["unavailable"]) == personas.partner_dept.inspectors.count() - len(team) - 1
    draw.refresh_from_db()
    assert verify_files(services.kit_files(draw, include_matching=True), check_signature=False).ok
