"""Issue 29: the audit log showed raw codes (task.close, draw.reveal) and "72/12" as the object. Every action a
service records has words, the page shows them with the object named, and it filters by department, person,
action and date."""

import datetime as dt
import re
from pathlib import Path

from django.utils import timezone

from shuangsuiji.common import audit
from shuangsuiji.common.models import AuditEvent
from shuangsuiji.plans.services import TRANSITIONS
from shuangsuiji.site.audit_labels import GROUPS, LABELS

ROOT = Path(__file__).resolve().parents[2]
LITERAL = re.compile(r'audit\.record\(\s*[^,()]+,\s*"([a-z_]+(?:\.[a-z_]+)+)"', re.S)
FAMILIES = {  # codes written with an f-string, and the values their variable takes
    "task.{step}": list(TRANSITIONS), "result.{name}": ["edited", "submitted", "approved", "returned"],
    "followup.{action}": ["acknowledge", "receipt", "recheck", "close"],
    "task.consult_{action}": ["confirm", "object", "override"],
    "clue.{status}": ["assigned", "rejected", "merged"],
}


def recorded_actions() -> set[str]:
    codes = set()
    for path in ROOT.rglob("*.py"):
        if "/tests/" in str(path) or "/migrations/" in str(path):
            continue
        text = path.read_text("utf-8")
        codes |= set(LITERAL.findall(text))
        for family, values in FAMILIES.items():
            if f'f"{family}"' in text:
                codes |= {family.split("{")[0] + v for v in values}
    return codes


def test_every_recorded_action_has_words_and_a_group():
    codes = recorded_actions()
    assert len(codes) > 60
    assert codes - set(LABELS) == set()
    assert {c.split(".")[0] for c in LABELS} <= set(GROUPS)


def test_the_page_speaks_chinese_and_names_the_object(personas, client_for):
    from shuangsuiji.results import services
    from shuangsuiji.results.testing import field_visit
    from shuangsuiji.results.tests.test_results import lead_part, submitted

    visit, _ = field_visit(personas)
    submitted(personas, visit, codes=("no_problem",), findings="")
    services.review(personas.lead_admin, lead_part(visit, personas), approve=True)
    page = client_for(personas.office).get("/jobs/audit/").content.decode()
    assert "揭晓任务抽取结果" in page and "审核通过检查结果" in page
    assert f"检查单 {visit.number} · 市场监管" in page
    assert ">task.reveal<" not in page and ">result.approved<" not in page


def test_filters_by_department_person_action_and_date(personas, client_for):
    audit.record(personas.lead_admin, "plan.create", None, department=personas.lead_dept, summary="甲计划")
    audit.record(personas.partner_admin, "plan.file", None, department=personas.partner_dept, summary="乙计划")
    old = audit.record(personas.partner_admin, "plan.create", None, department=personas.partner_dept, summary="丙计划")
    AuditEvent.objects.filter(pk=old.pk).update(at=timezone.now() - dt.timedelta(days=40))
    client = client_for(personas.office)

    def shown(**params):
        page = client.get("/jobs/audit/", params).content.decode()
        return [s for s in ("甲计划", "乙计划", "丙计划") if s in page]

    assert shown() == ["甲计划", "乙计划", "丙计划"]
    assert shown(department="wjj") == ["乙计划", "丙计划"]
    assert shown(actor="鲍勃") == ["甲计划"]
    assert shown(action="plan.create") == ["甲计划", "丙计划"]
    since = (timezone.localdate() - dt.timedelta(days=7)).isoformat()
    assert shown(since=since) == ["甲计划", "乙计划"]
    assert shown(until=since) == ["丙计划"]
    page = client.get("/jobs/audit/", {"since": "2026-13-01"}).content.decode()
    assert "起始日期“2026-13-01”不是有效日期" in page
    assert client_for(personas.lead_admin).get("/jobs/audit/").status_code == 403
