"""Issue 23, finding 4: after an approved recusal the draw page showed the replacement, but the visit page,
the sheets and the workbench still listed the recused officer, who could still enter results."""

import io

import pytest
from openpyxl import load_workbook

from shuangsuiji.common.errors import Forbidden
from shuangsuiji.draws import recusals
from shuangsuiji.draws.models import TeamMember
from shuangsuiji.draws.testing import approve_recusal
from shuangsuiji.results import services
from shuangsuiji.results.models import ProcessStep
from shuangsuiji.results.testing import field_visit


def _recuse(personas, visit):
    member = TeamMember.objects.get(draw=visit.draw, entity=visit.entity, department=personas.lead_dept,
                                    inspector__user=personas.inspector, active=True)
    recusal = recusals.request_recusal(personas.office, member, applicant="business",
                                            reason="检查对象称该执法人员系其亲属", category="interest")
    recusal = approve_recusal(personas.lead_admin, recusal, reason="核实属近亲属，同意回避")
    return member.inspector, recusal.replacement


def test_the_visit_sheet_pages_and_files_follow_the_team_after_a_recusal(personas, client_for):
    visit, _ = field_visit(personas)
    recused, replacement = _recuse(personas, visit)
    visit.refresh_from_db()
    lead = next(p for p in visit.sheet if p["code"] == personas.lead_dept.code)
    assert recused.cert_no not in {m["cert_no"] for m in lead["team"]}
    assert replacement.cert_no in {m["cert_no"] for m in lead["team"]} and len(lead["team"]) == 2

    admin = client_for(personas.lead_admin)
    page = admin.get(f"/plans/visits/{visit.number}/").content.decode()
    assert replacement.cert_no in page and recused.cert_no not in page
    sheet = load_workbook(io.BytesIO(admin.get(f"/plans/tasks/{visit.task.number}/visits.xlsx").content)).active
    rows = [" ".join(str(c.value) for c in row if c.value) for row in sheet.iter_rows()]
    ours = " ".join(r for r in rows if r.startswith(visit.number) and personas.lead_dept.name in r)
    assert replacement.cert_no in ours and recused.cert_no not in ours
    workbench = admin.get(f"/results/visits/{visit.number}/").content.decode()
    assert replacement.name in workbench


def test_the_recused_officer_can_no_longer_enter_results_and_the_record_says_why(personas):
    visit, _ = field_visit(personas)
    part = next(p for p in services.ensure_parts(visit) if p.department_id == personas.lead_dept.pk)
    recused, replacement = _recuse(personas, visit)
    with pytest.raises(Forbidden, match="谁检查、谁录入"):
        services.save_part(personas.inspector, part, revision=0, results={})
    left, joined = ProcessStep.objects.filter(visit=visit, step="team").order_by("id")
    assert recused.cert_no in left.detail and "近亲属" in left.detail and "待决定时声明的随机源产生后抽取" in left.detail
    assert replacement.cert_no in joined.detail and "利害关系" in joined.detail


def test_an_inspector_cannot_file_a_self_recusal_for_a_colleague(personas):
    visit, _ = field_visit(personas)
    colleague = TeamMember.objects.filter(draw=visit.draw, entity=visit.entity, department=personas.lead_dept,
                                          active=True).exclude(inspector__user=personas.inspector).first()
    with pytest.raises(Forbidden, match="不能替同事申请"):
        recusals.request_recusal(personas.inspector, colleague, applicant="inspector", reason="我想换人")
    mine = TeamMember.objects.get(draw=visit.draw, entity=visit.entity, inspector__user=personas.inspector)
    assert recusals.request_recusal(personas.inspector, mine, applicant="inspector", reason="与负责人系同学")
