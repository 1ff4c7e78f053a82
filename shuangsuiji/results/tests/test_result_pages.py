"""The pages walk the same services: the workbench, the visit form, review, follow-ups and evidence."""

import datetime as dt

from django.utils import timezone

from shuangsuiji.results.models import FollowUp, PartStatus, ProcessStep, VisitPart
from shuangsuiji.results.testing import field_visit, png_bytes


def test_an_inspector_saves_a_draft_uploads_a_photo_and_submits_through_the_pages(personas, client_for, settings,
                                                                                  tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    visit, _ = field_visit(personas)
    c = client_for(personas.inspector)
    bench = c.get("/results/")
    assert bench.status_code == 200 and visit.entity.name in bench.content.decode()
    page = c.get(f"/results/visits/{visit.number}/")
    assert page.status_code == 200 and "提交审核" in page.content.decode()
    part = VisitPart.objects.get(visit=visit, department=personas.lead_dept)
    row = part.results.get()
    key = f"r{row.item_id}"
    draft = c.post(f"/results/parts/{part.pk}/save/", {"revision": 0, "action": "draft", f"{key}-codes": ["pending"],
                                                       f"{key}-findings": "操作间地面积水"})
    assert draft.status_code == 302
    row.refresh_from_db()
    assert row.codes == ["pending"] and row.findings == "操作间地面积水"
    upload = c.post(f"/results/items/{row.pk}/evidence/", {"kind": "photo",
                                                         "file": SimpleUploadedFile("p.png", png_bytes(300, 200))})
    assert upload.status_code == 302 and row.evidence.count() == 1
    ev = row.evidence.get()
    assert c.get(f"/results/evidence/{ev.pk}/?display=1")["Content-Type"] == "image/jpeg"
    now = timezone.localtime().replace(second=0, microsecond=0)
    stale = c.post(f"/results/parts/{part.pk}/save/", {"revision": 0, "action": "submit"}, follow=True)
    assert "修订号不一致" in stale.content.decode()
    done = c.post(f"/results/parts/{part.pk}/save/", {
        "revision": 1, "action": "submit", f"{key}-codes": ["pending"], f"{key}-findings": "操作间地面积水",
        "arrived_at": (now - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"), "left_at": now.strftime("%Y-%m-%dT%H:%M")},
        follow=True)
    assert "已提交" in done.content.decode()
    assert VisitPart.objects.get(pk=part.pk).status == PartStatus.SUBMITTED
    steps = set(ProcessStep.objects.filter(part=part).values_list("step", flat=True))
    assert {"opened", "edited", "evidence", "submitted"} <= steps


def test_the_department_decides_a_follow_up_and_approves_and_the_other_department_acknowledges(personas, client_for):
    from shuangsuiji.results import services

    visit, _ = field_visit(personas)
    part = VisitPart.objects.get(pk=services.ensure_parts(visit)[0].pk)
    row = part.results.get()
    now = timezone.now()
    services.save_part(personas.inspector, part, revision=0, submit=True, arrived_at=now - dt.timedelta(hours=1),
                       left_at=now, results={row.item_id: {"codes": ["other_rules"], "findings": "无健康证明上岗"}})
    admin = client_for(personas.lead_admin)
    assert "待审核" in admin.get("/results/").content.decode()
    refused = admin.post(f"/results/parts/{part.pk}/review/", {"action": "approve"}, follow=True)
    assert "确定后续处置" in refused.content.decode()
    admin.post(f"/results/items/{row.pk}/followup/", {"kind": "notify", "owner": personas.partner_dept.pk,
                                                      "note": "抄告卫健"})
    fu = FollowUp.objects.get()
    assert fu.owner == personas.partner_dept
    admin.post(f"/results/parts/{part.pk}/review/", {"action": "approve"})
    assert VisitPart.objects.get(pk=part.pk).status == PartStatus.APPROVED
    partner = client_for(personas.partner_admin)
    assert "抄告相关部门" in partner.get("/results/").content.decode()
    assert partner.get(f"/results/visits/{visit.number}/").status_code == 200
    partner.post(f"/results/followups/{fu.pk}/acknowledge/")
    assert FollowUp.objects.get().status == "acknowledged"
    wrong = admin.post(f"/results/followups/{fu.pk}/close/", {"closing_note": "x"}, follow=True)
    assert "负责部门" in wrong.content.decode()


def test_an_inspector_not_on_the_team_sees_no_form_and_cannot_save(personas, client_for):
    visit, _ = field_visit(personas)
    c = client_for(personas.conflicted_inspector)
    page = c.get(f"/results/visits/{visit.number}/")
    assert page.status_code == 200 and "提交审核" not in page.content.decode()
    part = VisitPart.objects.get(visit=visit, department=personas.lead_dept)
    refused = c.post(f"/results/parts/{part.pk}/save/", {"revision": 0, "action": "draft"}, follow=True)
    assert "谁检查、谁录入" in refused.content.decode()
    assert VisitPart.objects.get(pk=part.pk).revision == 0


def test_the_office_keeps_the_minor_violation_list(personas, client_for):
    office = client_for(personas.office)
    answer = office.post("/results/minor/", {"behaviour": "未公示许可证", "keywords": "未公示许可证",
                                            "item_code": "NOPE"}, follow=True)
    assert "没有编码为 NOPE 的事项" in answer.content.decode()
    office.post("/results/minor/", {"behaviour": "未公示许可证", "keywords": "未公示许可证"})
    assert "未公示许可证" in client_for(personas.lead_admin).get("/results/minor/").content.decode()
    refused = client_for(personas.lead_admin).post("/results/minor/", {"behaviour": "x", "keywords": "y"}, follow=True)
    assert "联席会议办公室维护" in refused.content.decode()
