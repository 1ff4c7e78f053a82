"""Results: who enters, drafts and revisions, the vocabulary's rules, review, publication, follow-ups,
the 免罚清单, evidence and the whole-process record."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from shuangsuiji.accounts.models import Department, Role
from shuangsuiji.accounts.testing import make_user
from shuangsuiji.common.errors import Forbidden, TooLarge, WrongState
from shuangsuiji.common.models import AuditEvent
from shuangsuiji.common.workdays import add_working_days
from shuangsuiji.plans.models import TaskStatus
from shuangsuiji.results import evidence, services
from shuangsuiji.results.models import (
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    MinorViolation,
    PartStatus,
    ProcessStep,
    ResultCode,
)
from shuangsuiji.results.testing import field_visit, png_bytes
from shuangsuiji.results.vocabulary import RESULT_CODES

NOW = timezone.now().replace(second=0, microsecond=0)
TIMES = {"arrived_at": (NOW - dt.timedelta(hours=2)).isoformat(), "left_at": (NOW - dt.timedelta(hours=1)).isoformat()}


def lead_part(visit, personas):
    return next(p for p in services.ensure_parts(visit) if p.department_id == personas.lead_dept.pk)


def answer(part, codes, findings=""):
    return {r.item_id: {"codes": codes, "findings": findings} for r in part.results.all()}


def submitted(personas, visit, codes=("pending",), findings="后厨未设置防鼠设施"):
    part = lead_part(visit, personas)
    return services.save_part(personas.inspector, part, revision=0, results=answer(part, list(codes), findings),
                              submit=True, **TIMES)


def test_the_standard_vocabulary_is_loaded_as_data(db):
    assert list(ResultCode.objects.values_list("label", flat=True)) == [r[1] for r in RESULT_CODES]
    assert len(RESULT_CODES) == 14
    assert ResultCode.objects.get(code="no_problem").exclusive
    assert not ResultCode.objects.get(code="no_problem").problem


def test_one_part_per_department_in_the_sheets_order_with_its_items(personas):
    visit, _ = field_visit(personas, two_lead_items=True)
    parts = services.ensure_parts(visit)
    assert [p.department.code for p in parts] == [s["code"] for s in visit.sheet]
    assert [p.results.count() for p in parts] == [len(s["items"]) for s in visit.sheet] == [2, 1]
    assert services.ensure_parts(visit) == parts  # idempotent


def test_only_the_assigned_inspector_enters_and_a_stale_revision_is_refused(personas):
    visit, partner_inspector = field_visit(personas)
    part = lead_part(visit, personas)
    for outsider in (personas.conflicted_inspector, partner_inspector, personas.lead_admin):
        with pytest.raises(Forbidden, match="谁检查、谁录入"):
            services.save_part(outsider, part, revision=0, results={})
    saved = services.save_part(personas.inspector, part, revision=0, results=answer(part, ["no_problem"]))
    assert saved.revision == 1 and saved.status == PartStatus.DRAFT
    with pytest.raises(WrongState, match="修订号不一致"):
        services.save_part(personas.inspector, part, revision=0, results=answer(part, ["pending"]))
    assert part.results.get().codes == ["no_problem"]


def test_the_vocabulary_rules_and_a_complete_submission(personas):
    visit, _ = field_visit(personas)
    part = lead_part(visit, personas)
    with pytest.raises(services.ResultError, match="不能与其他结果同时选择"):
        services.save_part(personas.inspector, part, revision=0, results=answer(part, ["no_problem", "pending"]))
    with pytest.raises(services.ResultError, match="不在标准结果用语中"):
        services.save_part(personas.inspector, part, revision=0, results=answer(part, ["made_up"]))
    with pytest.raises(services.ResultError, match="尚未选择检查结果|到达时间"):
        services.save_part(personas.inspector, part, revision=0, results={}, submit=True)
    with pytest.raises(services.ResultError, match="写明具体问题"):
        services.save_part(personas.inspector, part, revision=0, results=answer(part, ["pending"]), submit=True,
                           **TIMES)
    with pytest.raises(services.ResultError, match="离开时间早于到达时间"):
        services.save_part(personas.inspector, part, revision=0, results={}, arrived_at=TIMES["left_at"],
                           left_at=TIMES["arrived_at"])
    with pytest.raises(services.ResultError, match="不是有效的日期时间"):
        services.save_part(personas.inspector, part, revision=0, results={}, arrived_at="昨天")
    assert part.results.get().codes == []  # nothing kept from refused saves
    done = submitted(personas, visit)
    assert done.status == PartStatus.SUBMITTED and done.results.get().has_problem
    assert visit.task.__class__.objects.get(pk=visit.task_id).status == TaskStatus.IN_PROGRESS
    with pytest.raises(WrongState, match="不能再修改"):
        services.save_part(personas.inspector, done, revision=done.revision, results={})


def test_review_needs_the_departments_admin_a_follow_up_for_problems_and_a_reason_to_return(personas):
    visit, _ = field_visit(personas)
    part = submitted(personas, visit)
    with pytest.raises(Forbidden, match="管理员可以审核"):
        services.review(personas.partner_admin, part, approve=True)
    with pytest.raises(services.ResultError, match="确定后续处置"):
        services.review(personas.lead_admin, part, approve=True)
    with pytest.raises(services.ResultError, match="退回意见"):
        services.review(personas.lead_admin, part, approve=False)
    returned = services.review(personas.lead_admin, part, approve=False, comment="请补充现场照片")
    assert returned.status == PartStatus.RETURNED and returned.editable
    again = services.save_part(personas.inspector, returned, revision=returned.revision, results={}, submit=True)
    services.create_followup(personas.lead_admin, again.results.get(), kind=FollowUpKind.RECTIFY,
                             rectify_deadline=timezone.localdate() + dt.timedelta(days=15))
    approved = services.review(personas.lead_admin, again, approve=True)
    with pytest.raises(Forbidden, match="管理员可以公开"):
        services.publish(personas.partner_admin, approved)
    assert services.publish(personas.lead_admin, approved).status == PartStatus.PUBLISHED


def test_a_follow_up_routed_to_another_department_which_acknowledges_and_closes_it(personas):
    visit, _ = field_visit(personas)
    row = submitted(personas, visit, codes=["other_rules"]).results.get()
    with pytest.raises(services.ResultError, match="其他部门"):
        services.create_followup(personas.lead_admin, row, kind=FollowUpKind.NOTIFY, owner=personas.lead_dept)
    with pytest.raises(services.ResultError, match="由本部门负责"):
        services.create_followup(personas.lead_admin, row, kind=FollowUpKind.CASE, owner=personas.partner_dept,
                                 case_type="x")
    fu = services.create_followup(personas.lead_admin, row, kind=FollowUpKind.NOTIFY, owner=personas.partner_dept,
                                  note="从业人员未取得健康证明，抄告卫健部门")
    assert fu.status == FollowUpStatus.OPEN and fu.due_on == add_working_days(timezone.localdate(), 7)
    with pytest.raises(Forbidden, match="负责部门"):
        services.act_on_followup(personas.lead_admin, fu, "acknowledge")
    with pytest.raises(WrongState, match="请先签收"):
        services.act_on_followup(personas.partner_admin, fu, "close", closing_note="x")
    services.act_on_followup(personas.partner_admin, fu, "acknowledge")
    with pytest.raises(services.ResultError, match="办结情况"):
        services.act_on_followup(personas.partner_admin, fu, "close")
    closed = services.act_on_followup(personas.partner_admin, fu, "close", closing_note="已责令办理健康证明")
    assert closed.status == FollowUpStatus.CLOSED and closed.closed_by == personas.partner_admin
    # the receiving department now sees the visit
    assert services.visits_visible_to(personas.partner_admin).filter(pk=visit.pk).exists()
    steps = list(ProcessStep.objects.filter(visit=visit).values_list("step", flat=True))
    assert steps[-3:] == ["followup", "acknowledged", "closed"]


def test_a_suspected_crime_is_referred_with_its_documents_and_its_receipt(personas):
    visit, _ = field_visit(personas)
    row = submitted(personas, visit, codes=["pending"], findings="涉嫌销售假冒注册商标的食品").results.get()
    with pytest.raises(services.ResultError, match="移送机关和移送文书编号"):
        services.create_followup(personas.lead_admin, row, kind=FollowUpKind.JUDICIAL)
    fu = services.create_followup(personas.lead_admin, row, kind=FollowUpKind.JUDICIAL,
                                  judicial_organ="菏泽市公安局定陶分局", referral_number="定市监移〔2026〕3号")
    services.act_on_followup(personas.lead_admin, fu, "acknowledge")
    with pytest.raises(WrongState, match="接收回执"):
        services.act_on_followup(personas.lead_admin, fu, "close", closing_note="已移送")
    with pytest.raises(services.ResultError, match="不能晚于今天"):
        services.act_on_followup(personas.lead_admin, fu, "receipt", receipt_number="公定受〔2026〕8号",
                                 received_on=timezone.localdate() + dt.timedelta(days=2))
    services.act_on_followup(personas.lead_admin, fu, "receipt", receipt_number="公定受〔2026〕8号",
                             received_on=timezone.localdate())
    assert services.act_on_followup(personas.lead_admin, fu, "close", closing_note="公安机关已立案").status == "closed"
    assert AuditEvent.objects.filter(action="followup.receipt").count() == 1


def test_the_minor_violation_list_proposes_no_penalty_and_requires_the_education_given(personas):
    visit, _ = field_visit(personas)
    with pytest.raises(Forbidden, match="联席会议办公室维护"):
        services.add_minor_violation(personas.lead_admin, behaviour="x", keywords="y")
    entry = services.add_minor_violation(personas.office, behaviour="未在显著位置公示食品经营许可证",
                                         keywords="未公示许可证、未悬挂许可证")
    services.add_minor_violation(personas.office, behaviour="与此无关", keywords="特种设备")
    row = submitted(personas, visit, codes=["corrected"], findings="现场未悬挂许可证，当场改正").results.get()
    assert services.minor_matches(row) == [entry]
    with pytest.raises(services.ResultError, match="教育"):
        services.create_followup(personas.lead_admin, row, kind=FollowUpKind.NONE, minor_violation=entry)
    fu = services.create_followup(personas.lead_admin, row, kind=FollowUpKind.NONE, minor_violation=entry,
                                  education="当场宣讲《食品安全法》第八十七条，当事人签字确认")
    assert fu.penalty_waived and fu.status == FollowUpStatus.CLOSED
    services.retire_minor_violation(personas.office, entry)
    assert services.minor_matches(row) == []
    assert MinorViolation.objects.filter(pk=entry.pk).exists()


def test_unlicensed_operation_opens_a_case_of_that_type(personas):
    visit, _ = field_visit(personas)
    part = lead_part(visit, personas)
    results = {r.item_id: {"codes": ["pending"], "findings": "无食品经营许可证从事食品经营", "unlicensed": True}
               for r in part.results.all()}
    services.save_part(personas.inspector, part, revision=0, results=results, submit=True, **TIMES)
    case = FollowUp.objects.get()
    assert (case.kind, case.case_type, case.owner) == (FollowUpKind.CASE, services.UNLICENSED_CASE, personas.lead_dept)
    services.act_on_followup(personas.lead_admin, case, "acknowledge")
    with pytest.raises(services.ResultError, match="案件编号"):
        services.act_on_followup(personas.lead_admin, case, "close", closing_note="已立案")
    services.act_on_followup(personas.lead_admin, case, "close", closing_note="已立案", case_number="定市监立〔2026〕12号")


def test_evidence_is_stored_with_its_hash_and_a_smaller_copy_and_bad_files_are_refused(personas, settings, tmp_path):
    import hashlib

    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    visit, partner_inspector = field_visit(personas)
    row = lead_part(visit, personas).results.get()
    data = png_bytes()
    ev = evidence.attach(personas.inspector, row, SimpleUploadedFile("现场.png", data, "image/png"))
    assert ev.sha256 == hashlib.sha256(data).hexdigest() and ev.size == len(data)
    assert evidence.file_path(ev).read_bytes() == data
    with Image.open(evidence.file_path(ev, display=True)) as small:
        assert max(small.size) == evidence.DISPLAY_EDGE and small.format == "JPEG"
    with pytest.raises(services.ResultError, match="JPEG、PNG"):
        evidence.attach(personas.inspector, row, SimpleUploadedFile("a.png", b"<html>not a picture</html>"))
    with pytest.raises(services.ResultError, match="已损坏"):
        evidence.attach(personas.inspector, row, SimpleUploadedFile("b.png", data[:200]))
    with pytest.raises(services.ResultError, match="出具单位"):
        evidence.attach(personas.inspector, row, SimpleUploadedFile("r.pdf", b"%PDF-1.4 report"), kind="expert")
    report = evidence.attach(personas.inspector, row, SimpleUploadedFile("r.pdf", b"%PDF-1.4 report"),
                             kind="third_party", source="山东省食品药品检验研究院")
    assert report.display_path == "" and report.get_kind_display() == "第三方机构报告"
    with pytest.raises(Forbidden, match="检查组成员或管理员"):
        evidence.attach(partner_inspector, row, SimpleUploadedFile("c.png", data))
    settings.SSJ_MAX_EVIDENCE_BYTES = 100
    with pytest.raises(TooLarge, match="超过上限"):
        evidence.attach(personas.inspector, row, SimpleUploadedFile("d.png", data))
    assert row.evidence.count() == 2
    assert len(list((tmp_path / "evidence").rglob("*.*"))) == 3  # two originals and one display copy, nothing from refusals


def test_the_whole_process_record_cannot_be_changed_or_removed(personas):
    visit, _ = field_visit(personas)
    submitted(personas, visit)
    record = ProcessStep.objects.filter(visit=visit).first()
    record.detail = "改写"
    with pytest.raises(ValueError, match="不可修改"):
        record.save()
    with pytest.raises(ValueError, match="不可删除"):
        record.delete()


def test_visibility_follows_the_departments_of_the_visit(personas):
    visit, _ = field_visit(personas)
    other = Department.objects.exclude(pk__in=[personas.lead_dept.pk, personas.partner_dept.pk]).first()
    stranger = make_user("gus", Role.DEPT_ADMIN, other)
    assert not services.visits_visible_to(stranger).filter(pk=visit.pk).exists()
    for user in (personas.office, personas.leader, personas.partner_admin, personas.lead_admin):
        assert services.visits_visible_to(user).filter(pk=visit.pk).exists()
    assert list(services.my_visits(personas.inspector)) and visit in services.my_visits(personas.inspector)
    assert visit not in services.my_visits(personas.conflicted_inspector)


def test_a_task_is_complete_only_when_every_departments_part_is_approved(personas):
    from shuangsuiji.plans import services as plan_services

    visit, _ = field_visit(personas)
    part = submitted(personas, visit, codes=("no_problem",), findings="")
    task = visit.task
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS
    expected = sum(len(v.sheet) for v in task.visits.filter(void=False))
    with pytest.raises(WrongState, match=f"还有 {expected} 份"):
        plan_services.advance(personas.lead_admin, task, "complete")
    services.review(personas.lead_admin, part, approve=True)
    with pytest.raises(WrongState, match=f"还有 {expected - 1} 份"):
        plan_services.advance(personas.lead_admin, task, "complete")


def test_a_document_check_is_submitted_without_arrival_and_departure(personas):
    """Issue 29: 书面检查 and 网络监测 have no site visit, so they need no arrival or departure time."""
    from shuangsuiji.plans.models import TaskItem

    visit, _ = field_visit(personas)
    part = lead_part(visit, personas)
    with pytest.raises(services.ResultError, match="请填写到达时间和离开时间"):
        services.save_part(personas.inspector, part, revision=0, results=answer(part, ["no_problem"]), submit=True)
    TaskItem.objects.filter(task=visit.task, item__department=personas.lead_dept).update(method="document")
    part = services.save_part(personas.inspector, part, revision=0, results=answer(part, ["no_problem"]), submit=True)
    assert part.status == PartStatus.SUBMITTED and part.arrived_at is None


def test_the_same_file_is_not_evidence_twice_for_one_item(personas, settings, tmp_path):
    """Issue 29: the same photo could be uploaded twice."""
    settings.MEDIA_ROOT = tmp_path
    visit, _ = field_visit(personas)
    row = lead_part(visit, personas).results.get()
    data = png_bytes(800, 600)
    evidence.attach(personas.inspector, row, SimpleUploadedFile("现场.png", data))
    with pytest.raises(WrongState, match="同一文件已作为此事项的证据上传过（现场.png"):
        evidence.attach(personas.inspector, row, SimpleUploadedFile("现场-副本.png", data))
    assert row.evidence.count() == 1
    assert len(list((tmp_path / "evidence").rglob("*.png"))) == 1  # the second copy is not kept either


def test_results_are_not_entered_before_the_task_starts(personas):
    """Issue 29: results could be entered before the task's start date."""
    visit, _ = field_visit(personas)
    task = visit.task
    task.starts_on = timezone.localdate() + dt.timedelta(days=3)
    task.save(update_fields=["starts_on"])
    part = lead_part(visit, personas)
    with pytest.raises(WrongState, match=f"任务自 {task.starts_on:%Y-%m-%d} 开始实施，此前不能录入检查结果"):
        services.save_part(personas.inspector, part, revision=0, results=answer(part, ["no_problem"]), **TIMES)
