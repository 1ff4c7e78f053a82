"""Issue 26: the per-object permission matrix. Every URL and API operation that names a record is
listed; each one that can be read is called with real records of the lead department of a joint task
(市场监管) as each kind of user: the office, the leader, the lead department's admin, the partner
department's admin, the admin and an inspector of a third department, an inspector on the visit's team and
one of the same department who is not.

The expected answer comes from the permission map (who may reach the URL at all) plus the record's rule:
"joint" records (the task, its draw, visits and results) are read by the departments of the task; "dept"
records by their own department; "admins" records (officers, sub-libraries: joint teams and joint scopes
use other departments' ones) by every department's admin, an officer reading only their own record;
"personal" records (an officer's conflicts) by the own department's admin, the officer and the office only;
"ops" records (background jobs) by the department's admins and the office. The office reads everything,
the leader everything but "personal" and "ops" records. A URL naming a record without a place in
OBJECT_URLS or EXEMPT fails the test. Every change is posted with a body that works (CHANGES, below), on a
record brought to the state the change needs (PREPARE).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from shuangsuiji.accounts.models import Department, Role
from shuangsuiji.accounts.testing import make_user
from shuangsuiji.clues import services as clue_services
from shuangsuiji.common.models import Job
from shuangsuiji.directory.models import SubLibrary
from shuangsuiji.draws import recusals
from shuangsuiji.draws import services as draw_services
from shuangsuiji.draws.models import TeamMember
from shuangsuiji.draws.testing import COMMIT_AT, DECIDE_AT, LATER_REVEALED, LATER_ROUND, REVEALED, SOURCES
from shuangsuiji.inspectors.models import Inspector
from shuangsuiji.inspectors.testing import make_conflict
from shuangsuiji.plans import services as plan_services
from shuangsuiji.plans.tests.test_plans import entry_for
from shuangsuiji.results.models import Evidence, FollowUp, FollowUpKind
from shuangsuiji.results.services import ensure_parts
from shuangsuiji.results.testing import field_visit
from shuangsuiji.site.routes import rule_for
from shuangsuiji.site.testing import routes

# URL name → (record rule, path of the lead department's record); "change" URLs are not read here.
OBJECT_URLS = {
    # joint task, its draw, visit and results
    "plans:task_detail": ("joint", lambda w: f"/plans/tasks/{w['task'].number}/"),
    "plans:task_step": ("change", lambda w: f"/plans/tasks/{w['task'].number}/step/start/"),
    "plans:task_edit": ("change", lambda w: f"/plans/tasks/{w['task'].number}/edit/"),
    "plans:task_commit": ("change", lambda w: f"/plans/tasks/{w['task'].number}/commit/"),
    "plans:task_consult": ("change", lambda w: f"/plans/tasks/{w['task'].number}/consult/"),
    "api:tasks_consult": ("change", lambda w: f"/api/v1/plans/tasks/{w['task'].number}/consultations"),
    "plans:task_reveal": ("change", lambda w: f"/plans/tasks/{w['task'].number}/reveal/"),
    "plans:visit_detail": ("joint", lambda w: f"/plans/visits/{w['visit'].number}/"),
    "plans:visits_pdf": ("joint", lambda w: f"/plans/tasks/{w['task'].number}/visits.pdf"),
    "plans:visits_xlsx": ("joint", lambda w: f"/plans/tasks/{w['task'].number}/visits.xlsx"),
    "api:tasks_detail": ("joint", lambda w: f"/api/v1/plans/tasks/{w['task'].number}"),
    "api:tasks_visits": ("joint", lambda w: f"/api/v1/plans/tasks/{w['task'].number}/visits"),
    "api:tasks_step": ("change", lambda w: f"/api/v1/plans/tasks/{w['task'].number}/steps/start"),
    "api:tasks_commit": ("change", lambda w: f"/api/v1/plans/tasks/{w['task'].number}/commit"),
    "api:tasks_reveal": ("change", lambda w: f"/api/v1/plans/tasks/{w['task'].number}/reveal"),
    "draws:draw_detail": ("joint", lambda w: f"/draws/{w['draw'].number}/"),
    "draws:department_kit": ("joint", lambda w: f"/draws/{w['draw'].number}/kit.zip"),
    "draws:draw_commit": ("change", lambda w: f"/draws/{w['draw'].number}/commit/"),
    "draws:draw_reveal": ("change", lambda w: f"/draws/{w['draw'].number}/reveal/"),
    "draws:draw_publish": ("change", lambda w: f"/draws/{w['draw'].number}/publish/"),
    "draws:draw_void": ("change", lambda w: f"/draws/{w['draw'].number}/void/"),
    "draws:draw_redraw": ("change", lambda w: f"/draws/{w['draw'].number}/redraw/"),
    "draws:recusal_request": ("change", lambda w: f"/draws/{w['draw'].number}/members/{w['member'].pk}/recusal/"),
    "draws:recusal_decide": ("change", lambda w: f"/draws/{w['draw'].number}/recusals/{w['recusal'].pk}/decide/"),
    "draws:recusal_complete": ("change", lambda w: f"/draws/{w['draw'].number}/recusals/{w['recusal'].pk}/complete/"),
    "results:visit": ("joint", lambda w: f"/results/visits/{w['visit'].number}/"),
    "api:results_visit": ("joint", lambda w: f"/api/v1/results/visits/{w['visit'].number}"),
    "results:part_save": ("change", lambda w: f"/results/parts/{w['part'].pk}/save/"),
    "api:results_part_save": ("change", lambda w: f"/api/v1/results/parts/{w['part'].pk}"),
    "results:part_review": ("change", lambda w: f"/results/parts/{w['part'].pk}/review/"),
    "api:results_part_review": ("change", lambda w: f"/api/v1/results/parts/{w['part'].pk}/review"),
    "results:evidence_upload": ("change", lambda w: f"/results/items/{w['result'].pk}/evidence/"),
    "results:evidence_file": ("joint", lambda w: f"/results/evidence/{w['evidence'].pk}/"),
    "results:followup_create": ("change", lambda w: f"/results/items/{w['result'].pk}/followup/"),
    "results:followup_detail": ("dept", lambda w: f"/results/followups/{w['followup'].pk}/"),
    "results:followup_step": ("change", lambda w: f"/results/followups/{w['followup'].pk}/close/"),
    # the lead department's own records
    "inspectors:inspector_detail": ("admins", lambda w: f"/inspectors/{w['inspector'].pk}/"),
    "api:inspectors_detail": ("admins", lambda w: f"/api/v1/inspectors/{w['inspector'].pk}"),
    "inspectors:inspector_edit": ("dept", lambda w: f"/inspectors/{w['inspector'].pk}/edit/"),
    "inspectors:inspector_status": ("change", lambda w: f"/inspectors/{w['inspector'].pk}/status/"),
    "inspectors:inspector_account": ("change", lambda w: f"/inspectors/{w['inspector'].pk}/account/"),
    "api:inspectors_update": ("change", lambda w: f"/api/v1/inspectors/{w['inspector'].pk}"),
    "api:inspectors_change_status": ("change", lambda w: f"/api/v1/inspectors/{w['inspector'].pk}/status"),
    "inspectors:conflict_create": ("personal", lambda w: f"/inspectors/{w['inspector'].pk}/conflicts/new/"),
    "api:inspectors_conflicts": ("personal", lambda w: f"/api/v1/inspectors/{w['inspector'].pk}/conflicts"),
    "api:inspectors_declare_conflict": ("change", lambda w: f"/api/v1/inspectors/{w['inspector'].pk}/conflicts"),
    "inspectors:conflict_end": ("change", lambda w: f"/inspectors/conflicts/{w['conflict'].pk}/end/"),
    "api:inspectors_conflict_end": ("change", lambda w: f"/api/v1/inspectors/conflicts/{w['conflict'].pk}/end"),
    "clues:detail": ("dept", lambda w: f"/clues/{w['clue'].number}/"),
    "api:clues_get": ("dept", lambda w: f"/api/v1/clues/{w['clue'].number}"),
    "clues:triage": ("change", lambda w: f"/clues/{w['clue'].number}/triage/"),
    "clues:check": ("change", lambda w: f"/clues/{w['handled_clue'].number}/check/"),
    "clues:case": ("change", lambda w: f"/clues/{w['handled_clue'].number}/case/"),
    "clues:close": ("change", lambda w: f"/clues/{w['handled_clue'].number}/close/"),
    "clues:case_close": ("change", lambda w: f"/clues/{w['case'].clue.number}/case/close/"),
    "items:list_detail": ("dept", lambda w: f"/items/lists/{w['draft_list'].pk}/"),
    "items:list_diff": ("dept", lambda w: f"/items/lists/{w['draft_list'].pk}/diff/"),
    "api:items_get_list": ("dept", lambda w: f"/api/v1/items/lists/{w['draft_list'].pk}"),
    "api:items_diff": ("dept", lambda w: f"/api/v1/items/lists/{w['draft_list'].pk}/diff"),
    "items:list_publish": ("change", lambda w: f"/items/lists/{w['draft_list'].pk}/publish/"),
    "items:list_delete": ("change", lambda w: f"/items/lists/{w['draft_list'].pk}/delete/"),
    "items:list_new_version": ("change", lambda w: f"/items/lists/{w['draft_list'].pk}/new-version/"),
    "items:list_ratio_caps": ("change", lambda w: f"/items/lists/{w['draft_list'].pk}/ratio-caps/"),
    "api:items_publish": ("change", lambda w: f"/api/v1/items/lists/{w['draft_list'].pk}/publish"),
    "items:list_submit": ("change", lambda w: f"/items/lists/{w['draft_list'].pk}/submit/"),
    "api:items_submit": ("change", lambda w: f"/api/v1/items/lists/{w['draft_list'].pk}/submit"),
    "items:list_return": ("change", lambda w: f"/items/lists/{w['draft_list'].pk}/return/"),
    "api:items_return": ("change", lambda w: f"/api/v1/items/lists/{w['draft_list'].pk}/return"),
    "api:items_new_version": ("change", lambda w: f"/api/v1/items/lists/{w['draft_list'].pk}/new-version"),
    "items:item_add": ("dept", lambda w: f"/items/lists/{w['draft_list'].pk}/add/"),
    "items:item_detail": ("dept", lambda w: f"/items/{w['draft_item'].pk}/"),
    "items:item_edit": ("dept", lambda w: f"/items/{w['draft_item'].pk}/edit/"),
    "items:item_delete": ("change", lambda w: f"/items/{w['draft_item'].pk}/delete/"),
    "plans:plan_detail": ("dept", lambda w: f"/plans/{w['plan'].pk}/"),
    "plans:plan_step": ("change", lambda w: f"/plans/{w['plan'].pk}/file/"),
    "plans:entry_remove": ("change", lambda w: f"/plans/entries/{w['entry'].pk}/remove/"),
    "plans:entry_edit": ("change", lambda w: f"/plans/entries/{w['entry'].pk}/edit/"),
    "api:plans_add_entry": ("change", lambda w: f"/api/v1/plans/{w['plan'].pk}/entries"),
    "api:plans_step": ("change", lambda w: f"/api/v1/plans/{w['plan'].pk}/file"),
    "directory:sublibrary_detail": ("admins", lambda w: f"/directory/sublibraries/{w['sublibrary'].pk}/"),
    "directory:sublibrary_edit": ("dept", lambda w: f"/directory/sublibraries/{w['sublibrary'].pk}/edit/"),
    "directory:sublibrary_delete": ("change", lambda w: f"/directory/sublibraries/{w['sublibrary'].pk}/delete/"),
    "api:directory_get_sublibrary": ("admins", lambda w: f"/api/v1/directory/sublibraries/{w['sublibrary'].pk}"),
    "api:directory_sublibrary_members": ("admins", lambda w: f"/api/v1/directory/sublibraries/{w['sublibrary'].pk}/members"),
    "common:job_detail": ("ops", lambda w: f"/jobs/{w['job'].pk}/"),
}
EXEMPT = {  # URLs naming a record that belongs to no department, or to the office alone
    "api:directory_check_uscc": "checks a code's check digits; no record",
    "api:directory_get_entity": "the shared directory of businesses: every staff member reads it",
    "directory:entity_detail": "the shared directory of businesses: every staff member reads it",
    "credit:entity": "a business's credit class: role-level (READERS; credit/tests/test_credit_pages.py), no "
                     "department owns a business",
    "api:directory_import_status": "a directory import is the office's (only it imports the directory)",
    "directory:import_template": "a blank template",
    "credit:facts_template": "a blank template (OFFICE only)",
    "clues:import_template": "a blank template",
    "clues:proposal": "a 专项整治 proposal spans departments (role-level: OFFICE and LEADER read it; "
                      "clues/tests/test_proposals.py)",
    "meeting:member_replace": "the joint meeting's composition (role-level, OFFICE only)",
    "meeting:meeting": "a joint meeting's record is read by every member unit and the leader (role-level, READERS)",
    "meeting:meeting_act": "office-only steps, a unit's own topic and receipt (meeting/tests/test_meetings.py)",
    "meeting:decision_report": "the owner unit or the office reports (meeting/tests/test_meetings.py)",
    "clues:proposal_accept": "the office's decision on a proposal (role-level, OFFICE only)",
    "clues:proposal_dismiss": "the office's decision on a proposal (role-level, OFFICE only)",
    "draws:lottery_kind_edit": "the office's table of lotteries (role-level, OFFICE only)",
    "results:minor_retire": "the office's list of minor violations (role-level, OFFICE only)",
    "push:retry": "the office's outbox (role-level, OFFICE only)",
    "push:export": "the office's export files of the outbox (role-level, OFFICE only)",
    "notices:read": "marks read only a notice of the reader's own department (for anyone else: back to their own "
                    "list, nothing read or changed; results/tests/test_deadlines.py)",
}
USERS = ("office", "leader", "lead_admin", "partner_admin", "other_admin", "other_inspector", "team_inspector",
         "idle_inspector")


@pytest.fixture
def world(personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    visit, _partner_inspector = field_visit(personas)
    ensure_parts(visit)
    lead, partner = personas.lead_dept, personas.partner_dept
    other = Department.objects.exclude(pk__in=[lead.pk, partner.pk]).order_by("code").first()
    part = visit.parts.get(department=lead)
    result = part.results.first()
    member = TeamMember.objects.filter(draw=visit.draw, entity=visit.entity, department=lead, active=True).first()
    inspector = Inspector.objects.get(user=personas.inspector)
    task_item = visit.task.task_items.filter(item__department=lead).first().item
    draft_list = type(task_item.item_list).objects.get(pk=task_item.item_list_id)
    draft_list.pk = None
    draft_list.version += 50
    draft_list.status = "draft"
    draft_list.save()
    draft_item = type(task_item).objects.get(pk=task_item.pk)
    draft_item.pk, draft_item.item_list = None, draft_list
    draft_item.save()
    plan = plan_services.create_plan(personas.lead_admin, lead, 2027)
    users = {
        "office": personas.office, "leader": personas.leader, "lead_admin": personas.lead_admin,
        "partner_admin": personas.partner_admin, "other_admin": make_user("olga", Role.DEPT_ADMIN, other),
        "other_inspector": make_user("otto", Role.INSPECTOR, other), "team_inspector": personas.inspector,
        "idle_inspector": personas.conflicted_inspector,
    }
    return {
        "personas": personas, "users": users, "lead": lead, "partner": partner, "task": visit.task, "draw": visit.draw, "visit": visit,
        "part": part, "result": result, "member": member, "inspector": inspector,
        "member2": TeamMember.objects.filter(draw=visit.draw, department=lead, active=True).exclude(
            entity=visit.entity).first(),
        "recusal": recusals.request_recusal(personas.office, member, applicant="business", reason="亲属"),
        "conflict": make_conflict(inspector=inspector),
        "draft_list": draft_list, "draft_item": draft_item, "plan": plan, "published_list": task_item.item_list,
        "entry": entry_for(personas, plan, task_item),
        "sublibrary": SubLibrary.objects.create(name="本部门分库", department=lead, rule={}),
        "job": Job.objects.create(kind="items.import", title="导入", created_by=personas.lead_admin, department=lead),
        "evidence": _evidence(result, tmp_path),
        "followup": FollowUp.objects.create(result=result, kind=FollowUpKind.RECTIFY, owner=lead,
                                            due_on=timezone.localdate() + dt.timedelta(days=20)),
        "clue": clue_services.receive(personas.lead_admin, source="complaint", received_on=timezone.localdate(),
                                      content="反映该店销售过期食品", complainant="投诉人甲"),
        "handled_clue": _assigned_clue(personas, lead, uscc=visit.entity.uscc),
        "case": clue_services.open_case(personas.lead_admin, _assigned_clue(personas, lead), kind="no_licence",
                                        organ=None),
    }


def _assigned_clue(personas, department, uscc: str = ""):
    clue = clue_services.receive(personas.lead_admin, source="complaint", received_on=timezone.localdate(),
                                 content="反映无照经营", uscc=uscc)
    return clue_services.assign(personas.lead_admin, clue, department)


def _evidence(result, media: Path) -> Evidence:
    (media / "evidence").mkdir(exist_ok=True)
    (media / "evidence" / "a.jpg").write_bytes(b"\xff\xd8\xff\xe0 a photo")
    return Evidence.objects.create(result=result, name="a.jpg", path="evidence/a.jpg", content_type="image/jpeg",
                                   size=12, sha256="0" * 64)


def expected_read(kind: str, who: str) -> bool:
    """May ``who`` read a lead-department record of this kind (given that the map lets them in)?"""
    if who == "office":
        return True
    if who == "leader":
        return kind not in ("personal", "ops")
    in_lead = who in ("lead_admin", "team_inspector", "idle_inspector")
    if kind == "joint":
        return in_lead or who == "partner_admin"
    if kind == "admins":
        return who.endswith("_admin") or who == "team_inspector"  # dave reads his own officer record
    if kind == "personal":
        return who in ("lead_admin", "team_inspector")  # dave's own record
    if kind == "ops":
        return who == "lead_admin"
    return in_lead  # "dept"


def refused(answer) -> bool:
    return answer.status_code in (401, 403, 404) or (
        answer.status_code == 302 and "/accounts/login/" in answer.get("Location", ""))


def test_every_url_naming_a_record_is_in_the_matrix():
    named = {name for name, path in routes() if ("987654" in path or "no-such" in path) and not rule_for(name).public}
    assert named - set(OBJECT_URLS) - set(EXEMPT) == set(), "a URL naming a record has no place in the matrix"
    assert set(OBJECT_URLS) - named == set() and set(EXEMPT) - named == set()


@pytest.mark.django_db
def test_every_user_reads_only_what_the_map_and_the_record_rule_allow(world, client):
    wrong, read = [], 0
    for who in USERS:
        user = world["users"][who]
        client.force_login(user)
        for name, (kind, path_of) in OBJECT_URLS.items():
            if kind == "change":
                continue
            path = path_of(world)
            answer = client.get(path)
            read += 1
            want = rule_for(name).allows(user) and expected_read(kind, who)
            if answer.status_code >= 500:
                wrong.append(f"GET {path} ({name}) as {who}: {answer.status_code}")
            elif want and refused(answer):
                wrong.append(f"GET {path} ({name}) as {who}: refused ({answer.status_code}), should read it")
            elif not want and not refused(answer):
                wrong.append(f"GET {path} ({name}) as {who}: {answer.status_code}, should be refused")
    assert read > 150 and wrong == [], "\n".join(wrong)


# Changes, with a body that works: everyone who may not change the record posts it first and nothing is
# recorded in the audit log (every change is); then one who may posts it and a change is recorded, which
# proves the body was valid and the refusals were the rule's. Each URL gets a fresh world.
LEAD_ONLY = ("office", "lead_admin")  # the record's department's administrators (and the office)
LEAD_STAFF = ("office", "lead_admin", "team_inspector", "idle_inspector")  # anyone acting for that department
TEAM = ("team_inspector",)  # whoever inspected enters the results (谁检查、谁录入): not even the office
COMMIT_FORM = {"use_drand": "on", "drand_round": "1000", "use_witness": "on", "witness_name": "公证员现场掷骰",
               "witness_numbers": "4 1 6", "witness_min": "1", "witness_max": "6"}


def confirm_body(w) -> dict:
    return {"department": w["users"]["partner_admin"].department.code, "action": "confirm"}


LEAVE = {"status": "leave", "starts_on": "2026-12-10", "ends_on": "2026-12-20", "reason": "休假"}


def _png():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from shuangsuiji.results.testing import png_bytes

    return SimpleUploadedFile("photo.png", png_bytes(40, 30), content_type="image/png")


def _entry(w):
    return {"title": "新增批次", "kind": "internal", "item_ids": [w["task"].task_items.first().item_id],
            "scope_text": "全区", "ratio_text": "5%", "timing": "三季度", "lead_department": w["lead"].code}


def _entry_form(w):
    entry = w["entry"]
    return {"title": "调整后的批次", "kind": entry.kind, "items": list(entry.items.values_list("pk", flat=True)),
            "scope_text": "全区", "ratio_text": "3%", "timing": "四季度", "lead_department": entry.lead_department_id}


def _task_form(w):
    return {"kind": "joint_risk", "title": "第二批联查（修改）", "method": "onsite", "ratio": "6", "rounding": "half_up",
            "minimum": "1", "exclusion_days": "0", "team_size": "2",
            "items": list(w["task2"].task_items.values_list("item_id", flat=True))}


CHANGES = {  # name: (who may change it, method, body of w, the user whose change proves the body)
    "clues:triage": (LEAD_ONLY, "post", lambda w: {"action": "reject", "note": "无法核实"}, "lead_admin"),
    "clues:check": (LEAD_ONLY, "post", lambda w: {"items": [w["task"].task_items.filter(
        item__department=w["lead"]).first().item_id]}, "lead_admin"),
    "clues:case": (LEAD_ONLY, "post", lambda w: {"kind": "no_licence"}, "lead_admin"),
    "clues:close": (LEAD_ONLY, "post", lambda w: {"outcome": "unfounded", "closing_note": "经核实不属实"}, "lead_admin"),
    "clues:case_close": (LEAD_ONLY, "post", lambda w: {"result": "责令停止经营"}, "lead_admin"),
    "plans:task_step": (LEAD_STAFF, "post", lambda w: {}, "lead_admin"),
    "api:tasks_step": (LEAD_STAFF, "post", lambda w: {"reason": ""}, "lead_admin"),
    "draws:draw_void": (LEAD_ONLY, "post", lambda w: {"reason": "演练：抽取范围设置有误"}, "lead_admin"),
    "draws:recusal_request": (LEAD_ONLY, "post",
                              lambda w: {"applicant": "business", "reason": "系其亲属", "category": "interest"},
                              "lead_admin"),
    "draws:recusal_decide": (LEAD_ONLY, "post", lambda w: {"approve": "1", "reason": "经核实属实"}, "lead_admin"),
    "results:part_save": (TEAM, "post", lambda w: {"revision": str(w["part"].revision), **{
        f"r{r.item_id}-findings": "经营场所整洁" for r in w["part"].results.all()}}, "team_inspector"),
    # Evidence: the team, and the department's reviewers.
    "results:evidence_upload": (TEAM + LEAD_ONLY, "post", lambda w: {"file": _png(), "kind": "photo"}, "team_inspector"),
    "inspectors:inspector_status": (LEAD_ONLY, "post", lambda w: LEAVE, "lead_admin"),
    "inspectors:inspector_account": (LEAD_ONLY, "post", lambda w: {"username": "new_officer"}, "lead_admin"),
    "api:inspectors_update": (LEAD_ONLY, "patch", lambda w: {"phone": "13900000001"}, "lead_admin"),
    "api:inspectors_change_status": (LEAD_ONLY, "post", lambda w: LEAVE, "lead_admin"),
    "api:inspectors_declare_conflict": (LEAD_ONLY + ("team_inspector",), "post",
                                        lambda w: {"entity_uscc": w["visit"].entity.uscc, "relation": "亲属",
                                                   "valid_from": "2026-01-01"}, "lead_admin"),
    "inspectors:conflict_end": (LEAD_ONLY, "post", lambda w: {"ends_on": "2026-12-31"}, "lead_admin"),
    "api:inspectors_conflict_end": (LEAD_ONLY, "post", lambda w: {"ends_on": "2026-12-31"}, "lead_admin"),
    # the draft changes the lead's published list: the office publishes it (the department submits it)
    "items:list_publish": (LEAD_ONLY, "post", lambda w: {}, "office"),
    "items:list_submit": (LEAD_ONLY, "post", lambda w: {}, "lead_admin"),
    "api:items_submit": (LEAD_ONLY, "post", lambda w: {}, "lead_admin"),
    "items:list_return": (("office",), "post", lambda w: {"comment": "新增事项缺少法律依据"}, "office"),
    "api:items_return": (("office",), "post", lambda w: {"comment": "新增事项缺少法律依据"}, "office"),
    "items:list_delete": (LEAD_ONLY, "post", lambda w: {}, "lead_admin"),
    "items:list_ratio_caps": (LEAD_ONLY, "post", lambda w: {"cap": "5"}, "lead_admin"),
    "api:items_publish": (LEAD_ONLY, "post", lambda w: {}, "office"),
    "items:item_delete": (LEAD_ONLY, "post", lambda w: {}, "lead_admin"),
    "plans:plan_step": (LEAD_ONLY, "post", lambda w: {}, "lead_admin"),
    "plans:entry_remove": (LEAD_ONLY, "post", lambda w: {}, "lead_admin"),
    "plans:entry_edit": (LEAD_ONLY, "post", _entry_form, "lead_admin"),
    "plans:task_edit": (LEAD_ONLY, "post", _task_form, "lead_admin"),  # a draft task (PREPARE)
    "api:plans_add_entry": (LEAD_ONLY, "post", _entry, "lead_admin"),
    "api:plans_step": (LEAD_ONLY, "post", lambda w: {"reason": ""}, "lead_admin"),
    "directory:sublibrary_delete": (LEAD_ONLY, "post", lambda w: {}, "lead_admin"),
    "api:results_part_save": (TEAM, "put", lambda w: {"revision": _fresh(w["part"]).revision, "results": [
        {"item_id": r.item_id, "findings": "经营场所整洁"} for r in w["part"].results.all()]}, "team_inspector"),
    "items:list_new_version": (LEAD_ONLY, "post", lambda w: {}, "lead_admin"),
    "api:items_new_version": (LEAD_ONLY, "post", lambda w: {}, "lead_admin"),
    # after the team submitted its part (found a problem)
    "results:part_review": (LEAD_ONLY, "post", lambda w: {"action": "approve"}, "lead_admin"),
    "api:results_part_review": (LEAD_ONLY, "post", lambda w: {"approve": True}, "lead_admin"),
    # a second task of the lead department, approved (commit) or committed (reveal), at the commit's moment
    "plans:task_commit": (LEAD_ONLY, "post", lambda w: {**COMMIT_FORM}, "lead_admin"),
    # 会商: the partner department's administrator, for itself (the office overrides with another action).
    "plans:task_consult": (("partner_admin",), "post", confirm_body, "partner_admin"),
    "api:tasks_consult": (("partner_admin",), "post", confirm_body, "partner_admin"),
    "api:tasks_commit": (LEAD_ONLY, "post", lambda w: {"sources": SOURCES}, "lead_admin"),
    "api:tasks_reveal": (LEAD_ONLY, "post", lambda w: {"revealed": REVEALED}, "lead_admin"),
    "plans:task_reveal": (LEAD_ONLY, "post", lambda w: {"s0": json.dumps(REVEALED[0])}, "lead_admin"),
    # a draw of the lead department outside any task, prepared, committed, revealed or void
    "draws:draw_commit": (LEAD_ONLY, "post", lambda w: {**COMMIT_FORM}, "lead_admin"),
    "draws:draw_reveal": (LEAD_ONLY, "post", lambda w: {"s0": json.dumps(REVEALED[0])}, "lead_admin"),
    "draws:draw_publish": (LEAD_ONLY, "post", lambda w: {}, "lead_admin"),
    "draws:draw_redraw": (LEAD_ONLY, "post", lambda w: {}, "lead_admin"),
    "results:followup_step": (LEAD_ONLY, "post", lambda w: {}, "lead_admin"),  # the owner department signs
    "draws:recusal_complete": (LEAD_ONLY, "post", lambda w: {"round_json": json.dumps(LATER_REVEALED)}, "lead_admin"),
    "results:followup_create": (TEAM + LEAD_ONLY, "post", lambda w: {"kind": "rectify", "note": "责令限期改正",
                                                                     "rectify_deadline": "2027-01-15"}, "lead_admin"),
}
PREPARE = {  # the state a change needs, made before anyone posts
    "results:part_review": "submitted", "api:results_part_review": "submitted", "results:followup_create": "submitted",
    "items:list_new_version": "without_draft", "api:items_new_version": "without_draft",
    "draws:recusal_complete": "decided",
    "plans:task_edit": "draft_task", "inspectors:inspector_account": "unlinked_officer",
    "items:list_return": "submitted_list", "api:items_return": "submitted_list",
    "plans:task_commit": "approved_task", "api:tasks_commit": "approved_task",
    "plans:task_consult": "unconfirmed_task", "api:tasks_consult": "unconfirmed_task", "api:tasks_reveal": "committed_task",
    "plans:task_reveal": "committed_task", "draws:draw_commit": "prepared_draw", "draws:draw_reveal": "committed_draw",
    "draws:draw_publish": "revealed_draw", "draws:draw_redraw": "void_draw",
}
# A commit declares randomness that does not exist yet: these run at the moment before drand round 1000.
AT_COMMIT = {"plans:task_commit", "api:tasks_commit", "draws:draw_commit"}


def _fresh(record):
    return type(record).objects.get(pk=record.pk)


def submitted(w) -> None:
    """The team inspector answers every item of the lead department's part (a problem found) and submits."""
    from shuangsuiji.results import services as result_services

    left = timezone.now() - dt.timedelta(hours=1)
    result_services.save_part(w["users"]["team_inspector"], w["part"], revision=_fresh(w["part"]).revision,
                              results={r.item_id: {"codes": ["pending"], "findings": "未公示年度报告"}
                                       for r in w["part"].results.all()},
                              arrived_at=left - dt.timedelta(hours=1), left_at=left, submit=True)


def decided(w) -> None:
    """The department approved the recusal, declaring a drand round that is now public."""
    recusals.decide_recusal(w["users"]["lead_admin"], w["recusal"], approve=True, reason="经核实属实",
                            round_no=LATER_ROUND, now=DECIDE_AT)


def submitted_list(w) -> None:
    """The lead department sent its change to the published list to the office."""
    from shuangsuiji.items import services as item_services

    item_services.submit_list(w["draft_list"], actor=w["users"]["lead_admin"])


def unlinked_officer(w) -> None:
    """An officer of the lead department without a login yet."""
    from shuangsuiji.inspectors.testing import make_inspector

    w["officer"] = make_inspector(department=w["lead"])


def draft_task(w) -> None:
    """A second joint task of the lead department on the same items, still a draft."""
    w["task2"] = plan_services.create_task(w["users"]["lead_admin"], w["lead"], kind="joint_risk", title="第二批联查",
                                           items=[ti.item for ti in w["task"].task_items.all()],
                                           rules={"default": {"ratio": "0.05", "minimum": 1}})


def unconfirmed_task(w) -> None:
    """The same, approved by the office; 会商 pending."""
    draft_task(w)
    plan_services.submit(w["users"]["lead_admin"], w["task2"])
    w["task2"] = plan_services.approve(w["users"]["office"], w["task2"])


def approved_task(w) -> None:
    """The same, confirmed by the partner: ready to commit."""
    unconfirmed_task(w)
    partner = w["users"]["partner_admin"]
    plan_services.consult(partner, w["task2"], partner.department, "confirm")  # 会商


def committed_task(w) -> None:
    approved_task(w)
    w["task2"] = plan_services.commit(w["users"]["lead_admin"], w["task2"], SOURCES, now=COMMIT_AT)


def prepared_draw(w) -> None:
    w["draw2"] = draw_services.prepare(w["users"]["lead_admin"], w["lead"], title="专项抽取", rules={
        "default": {"ratio": "0.05", "minimum": 1}}, items=[w["task"].task_items.filter(
            item__department=w["lead"]).first().item])


def committed_draw(w) -> None:
    prepared_draw(w)
    w["draw2"] = draw_services.commit(w["users"]["lead_admin"], w["draw2"], SOURCES, now=COMMIT_AT)


def revealed_draw(w) -> None:
    committed_draw(w)
    w["draw2"] = draw_services.reveal(w["users"]["lead_admin"], w["draw2"], REVEALED)


def void_draw(w) -> None:
    revealed_draw(w)
    w["draw2"] = draw_services.void(w["users"]["lead_admin"], w["draw2"], "演练：范围设置有误")


def without_draft(w) -> None:
    """A new version starts from the published list only when no draft of it is open."""
    w["draft_item"].delete()
    w["draft_list"].delete()


CHANGE_PATHS = {  # where a change URL's record differs from the read table's
    "draws:recusal_request": lambda w: f"/draws/{w['draw'].number}/members/{w['member2'].pk}/recusal/",
    "items:list_new_version": lambda w: f"/items/lists/{w['published_list'].pk}/new-version/",
    "api:items_new_version": lambda w: f"/api/v1/items/lists/{w['published_list'].pk}/new-version",
    "results:followup_step": lambda w: f"/results/followups/{w['followup'].pk}/acknowledge/",
    "plans:task_edit": lambda w: f"/plans/tasks/{w['task2'].number}/edit/",
    "inspectors:inspector_account": lambda w: f"/inspectors/{w['officer'].pk}/account/",
    "plans:task_commit": lambda w: f"/plans/tasks/{w['task2'].number}/commit/",
    "plans:task_consult": lambda w: f"/plans/tasks/{w['task2'].number}/consult/",
    "api:tasks_consult": lambda w: f"/api/v1/plans/tasks/{w['task2'].number}/consultations",
    "api:tasks_commit": lambda w: f"/api/v1/plans/tasks/{w['task2'].number}/commit",
    "api:tasks_reveal": lambda w: f"/api/v1/plans/tasks/{w['task2'].number}/reveal",
    "plans:task_reveal": lambda w: f"/plans/tasks/{w['task2'].number}/reveal/",
    "draws:draw_commit": lambda w: f"/draws/{w['draw2'].number}/commit/",
    "draws:draw_reveal": lambda w: f"/draws/{w['draw2'].number}/reveal/",
    "draws:draw_publish": lambda w: f"/draws/{w['draw2'].number}/publish/",
    "draws:draw_redraw": lambda w: f"/draws/{w['draw2'].number}/redraw/",
}


def test_every_change_is_checked():
    assert {name for name, (kind, _) in OBJECT_URLS.items() if kind == "change"} == set(CHANGES)


PREPARERS = {f.__name__: f for f in (submitted, without_draft, decided, submitted_list, unlinked_officer, draft_task, unconfirmed_task, approved_task, committed_task,
                                     prepared_draw,
                                     committed_draw, revealed_draw, void_draw)}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(CHANGES))
def test_only_who_may_change_a_record_changes_it(name, world, client):
    allowed, method, body_of, prover = CHANGES[name]
    if name in PREPARE:
        PREPARERS[PREPARE[name]](world)
    path = CHANGE_PATHS.get(name, OBJECT_URLS[name][1])(world)
    clock = time_machine.travel(COMMIT_AT, tick=False) if name in AT_COMMIT else contextlib.nullcontext()
    with clock:
        _check(name, path, allowed, method, body_of, prover, world, client)


def _check(name, path, allowed, method, body_of, prover, world, client) -> None:
    from shuangsuiji.common.models import AuditEvent

    def send(who):
        client.force_login(world["users"][who])
        body = body_of(world)
        if name.startswith("api:"):
            return getattr(client, method)(path, body, content_type="application/json")
        return client.post(path, body)

    wrong = []
    for who in USERS:
        if who in allowed:
            continue
        before = AuditEvent.objects.count()
        answer = send(who)
        if answer.status_code >= 500 or AuditEvent.objects.count() != before:
            wrong.append(f"{method.upper()} {path} as {who}: {answer.status_code}, and a change was recorded")
    before = AuditEvent.objects.count()
    answer = send(prover)
    assert AuditEvent.objects.count() > before, (name, prover, answer.status_code, answer.content[:300])
    assert wrong == [], "\n".join(wrong)
