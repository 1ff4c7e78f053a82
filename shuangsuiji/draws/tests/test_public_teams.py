"""Issue 23, finding 1: the public kit never carried the teams, and the public verifier said PASS on a kit
whose teams were forged or whose matching files were deleted although the manifest commits to a basis."""

import io
import json
import re
import subprocess
import sys
import zipfile

from shuangsuiji.draws import recusals, services
from shuangsuiji.draws.models import Draw, TeamMember
from shuangsuiji.draws.testing import (
    COMMIT_AT,
    REVEALED,
    SOURCES,
    approve_recusal,
    make_directory,
    make_published_item,
    make_team,
)
from shuangsuiji.lottery import bundle
from shuangsuiji.lottery.verify import verify_files
from shuangsuiji.plans import services as plan_services
from shuangsuiji.plans.models import TaskStatus
from shuangsuiji.plans.testing import approved_joint_task
from shuangsuiji.results import services as result_services
from shuangsuiji.results.models import PartStatus, VisitPart


def _joint_draw(personas) -> Draw:
    make_team(personas.lead_dept, 10, "食品经营")
    make_team(personas.partner_dept, 10, "公共场所卫生")
    make_directory(200)
    health = make_published_item(personas.partner_dept, "公共场所卫生检查")
    health.category = "公共场所卫生"
    health.save()
    draw = services.prepare(personas.lead_admin, personas.lead_dept, title="联合抽查",
                            items=[make_published_item(personas.lead_dept), health],
                            rules={"default": {"ratio": "0.05"}})
    draw = services.commit(personas.lead_admin, draw, SOURCES, now=COMMIT_AT)
    return services.reveal(personas.lead_admin, draw, REVEALED)


def _public(draw) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(services.kit_zip(draw))) as archive:
        return {n.split("/", 1)[1]: archive.read(n) for n in archive.namelist()}


def _standalone(files: dict[str, bytes], tmp_path) -> subprocess.CompletedProcess:
    folder = tmp_path / "kit"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    (folder / "verify_draw.py").write_text(bundle.render(), encoding="utf-8")
    return subprocess.run([sys.executable, "-I", "-S", str(folder / "verify_draw.py"), str(folder), "--no-signature"],
                          capture_output=True, text=True)


def test_after_publication_the_public_kit_carries_pseudonymous_teams_and_recusals(personas, tmp_path):
    draw = _joint_draw(personas)
    member = TeamMember.objects.filter(draw=draw, department=personas.partner_dept).first()
    approve_recusal(personas.partner_admin, recusals.request_recusal(
        personas.office, member, applicant="business", reason="系其亲属", category="interest"))
    draw = services.publish(personas.lead_admin, Draw.objects.get(pk=draw.pk))  # no task follows: teams too
    files = _public(draw)
    assert {"matching-snapshot.json", "matching-assignment.json"} <= set(files)
    text = files["matching-snapshot.json"].decode() + files["matching-assignment.json"].decode()
    for person in TeamMember.objects.filter(draw=draw).select_related("inspector"):
        assert person.inspector.cert_no not in text and person.inspector.name not in text
    assert re.search(r'"P[0-9A-F]{12}"', text)
    swap = json.loads(files["matching-assignment.json"])["swaps"][0]
    assert swap["reason"] == "利害关系" and swap["source"]["declaration"]["round"] == 5928395
    run = _standalone(files, tmp_path)
    assert run.returncode == 0 and run.stdout.startswith("PASS"), run.stdout + run.stderr
    assert "未复核" not in run.stdout and "各部门具备资格且在岗的执法人员" in run.stdout


def test_the_public_draw_page_lists_recusals_once_the_teams_are_public(personas, client):
    draw = _joint_draw(personas)
    member = TeamMember.objects.filter(draw=draw, department=personas.partner_dept).first()
    approve_recusal(personas.partner_admin, recusals.request_recusal(
        personas.office, member, applicant="business", reason="系其亲属", category="interest"))
    page = client.get(f"/public/draws/{draw.number}/").content.decode()
    assert "回避记录" not in page
    services.publish(personas.lead_admin, Draw.objects.get(pk=draw.pk))
    page = client.get(f"/public/draws/{draw.number}/").content.decode()
    assert "回避记录" in page and "利害关系" in page and "第 5928395 轮" in page and personas.partner_dept.name in page
    assert member.inspector.cert_no not in page and "系其亲属" not in page


def test_a_forged_team_or_deleted_matching_files_fail_the_public_verifier(personas, tmp_path):
    draw = services.publish(personas.lead_admin, _joint_draw(personas))
    files = _public(draw)
    assignment = json.loads(files["matching-assignment.json"])
    team = assignment["teams"][0]
    others = {i["id"] for i in json.loads(files["matching-snapshot.json"])["inspectors"]
              if i["dept"] == team["dept"]} - set(team["officers"])
    team["officers"] = sorted([team["officers"][0], sorted(others)[0]])
    forged = {**files, "matching-assignment.json": json.dumps(assignment).encode()}
    run = _standalone(forged, tmp_path)
    assert run.returncode == 1 and "检查人员匹配结果与复算不一致" in run.stdout, run.stdout
    deleted = {k: v for k, v in files.items() if not k.startswith("matching-")}
    report = verify_files(deleted, check_signature=False)
    assert "manifest.json 承诺了检查人员匹配依据，但验证包中没有匹配文件（matching-*.json）" in report.problems


def test_before_the_results_are_public_the_kit_says_the_teams_are_not_checked(personas):
    task = approved_joint_task(personas, n=40)
    plan_services.commit(personas.lead_admin, task, SOURCES, now=COMMIT_AT)
    task = plan_services.reveal(personas.lead_admin, task.__class__.objects.get(pk=task.pk), REVEALED)
    services.publish(personas.lead_admin, task.draw)
    files = _public(Draw.objects.get(pk=task.draw_id))
    assert "matching-assignment.json" not in files and "matching-pending.json" in files
    report = verify_files(files, check_signature=False)
    assert report.ok and any("检查组尚未公开" in n and "没有复核" in n for n in report.notes)

    task = plan_services.advance(personas.lead_admin, task, "start")
    for visit in task.visits.all():
        result_services.ensure_parts(visit)
    VisitPart.objects.update(status=PartStatus.APPROVED)
    for step in ("complete", "publish"):
        task = plan_services.advance(personas.lead_admin, task, step)
    assert task.status == TaskStatus.PUBLISHED
    files = _public(Draw.objects.get(pk=task.draw_id))
    assert "matching-assignment.json" in files and verify_files(files, check_signature=False).ok
