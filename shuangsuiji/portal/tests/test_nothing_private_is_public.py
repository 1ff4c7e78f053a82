"""Never public: credit-risk classes, inspectors' personal data, internal comments and reasons, drafts,
unpublished results, evidence. The demo district is seeded, every model gets rows, every sensitive field
is filled with a recognisable value, then every public URL is rendered (every record it can name, every
open-data file, every kit and spreadsheet unpacked) and searched for those values. A public URL added
without a place in PUBLIC_PATHS fails the test, so the walk grows with the portal."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.apps import apps
from django.utils import timezone

from shuangsuiji.accounts.models import Department, User
from shuangsuiji.clues.models import Case, Clue, ClusterRule, Proposal
from shuangsuiji.common.models import CalendarOverride, Job
from shuangsuiji.credit.models import Scheme
from shuangsuiji.directory.models import CreditClass, Entity, EntityChange, EntityType, SubLibrary, Township
from shuangsuiji.draws.models import Draw, Recusal
from shuangsuiji.inspectors.models import Conflict, Inspector, StatusChange
from shuangsuiji.items.models import InspectionItem, ItemList
from shuangsuiji.meeting.models import Decision, Liaison, Meeting, Topic, WorkReport
from shuangsuiji.plans.models import AnnualPlan, Task, Visit
from shuangsuiji.results.models import Evidence, FollowUp, ItemResult, PartStatus, Publication, VisitPart
from shuangsuiji.results.services import ensure_parts
from shuangsuiji.site import demo
from shuangsuiji.site.routes import rule_for
from shuangsuiji.site.testing import routes

# Values planted in fields that must never reach the public.
SECRETS = {
    "inspector name": "密名执法员", "inspector ID number": "110101199003079999", "inspector phone": "13987650000",
    "certificate number": "ZJSECRET", "user name": "密名用户", "user email": "secret-user@example.invalid",
    "findings": "秘密检查情况", "review comment": "秘密审核意见", "follow-up note": "秘密处置意见",
    "case number": "SECRETCASE", "referral number": "SECRETREF", "receipt number": "SECRETRCPT",
    "judicial organ": "秘密移送机关", "closing note": "秘密办结情况", "education": "秘密教育情况",
    "recheck": "秘密复查情况", "evidence name": "secret-evidence", "evidence path": "secret/evidence/path",
    "evidence source": "秘密出具单位", "plan return comment": "秘密退回意见", "targeted note": "秘密事由说明",
    "recusal reason": "秘密回避理由", "recusal decision": "秘密回避决定", "conflict relation": "秘密关系",
    "conflict reason": "秘密回避事由", "duty status reason": "秘密在岗说明", "job message": "秘密后台任务",
    "item source unit": "秘密编制单位原文", "source file name": "secret-source-file", "matching error": "秘密匹配失败",
    "individual operator": "秘密个体经营者", "credit sub-library": "秘密信用分库", "draft task": "秘密草稿任务",
    "draft plan": "秘密草稿计划", "draft item list": "秘密草稿清单", "prepared draw": "秘密未承诺抽取",
    "unpublished result": "不配合检查情节严重", "withdrawal reason": "秘密撤回理由",
    "credit scheme note": "秘密分类方案说明", "complainant": "秘密投诉举报人", "clue content": "秘密线索内容",
    "clue closing note": "秘密线索办结情况", "case note": "秘密案件移送说明", "case result": "秘密案件查处结果",
    "proposal note": "秘密专项整治建议理由", "liaison phone": "0530-9999999",
    "minutes": "秘密会议纪要", "topic note": "秘密议题说明", "decision progress": "秘密落实情况", "work report": "秘密工作情况报告",
    **{f"credit class {c}": label for c, label in CreditClass.choices},
}
# Values planted in public fields: the walk must find them, or it is not reading the pages that matter.
CONTROLS = {"enterprise legal representative": "公开法人代表甲", "correction reason": "公开更正理由乙"}


def plant_secrets() -> None:
    """Fill every sensitive field; create the rows the demo has none of."""
    s = SECRETS
    for i in Inspector.objects.all():
        Inspector.objects.filter(pk=i.pk).update(name=f"{s['inspector name']}{i.pk}", id_number=s["inspector ID number"],
                                                 phone=s["inspector phone"])
        if i.cert_no:
            Inspector.objects.filter(pk=i.pk).update(cert_no=f"{s['certificate number']}{i.pk}")
    User.objects.update(display_name=s["user name"], email=s["user email"])
    ItemResult.objects.update(findings=s["findings"])
    VisitPart.objects.update(review_comment=s["review comment"])
    FollowUp.objects.update(note=s["follow-up note"], case_number=s["case number"], judicial_organ=s["judicial organ"],
                            referral_number=s["referral number"], receipt_number=s["receipt number"],
                            closing_note=s["closing note"], education=s["education"], recheck_result=s["recheck"])
    AnnualPlan.objects.update(return_comment=s["plan return comment"])
    Task.objects.update(targeted_note=s["targeted note"])
    Recusal.objects.update(reason=s["recusal reason"], decision_reason=s["recusal decision"])
    Conflict.objects.update(relation=s["conflict relation"], reason=s["conflict reason"])
    StatusChange.objects.update(reason=s["duty status reason"])
    InspectionItem.objects.update(source_unit=s["item source unit"])
    ItemList.objects.update(source_filename=s["source file name"])
    Draw.objects.update(matching_error=s["matching error"])
    Entity.objects.filter(entity_type=EntityType.INDIVIDUAL).update(legal_rep=s["individual operator"])
    Entity.objects.exclude(entity_type=EntityType.INDIVIDUAL).update(legal_rep=CONTROLS["enterprise legal representative"])
    Publication.objects.exclude(correction_reason="").update(correction_reason=CONTROLS["correction reason"])
    # A withdrawn result leaves the portal with its reason (the latest publication: not the corrected one).
    Publication.objects.filter(pk=Publication.objects.filter(correction_reason="").latest("id").pk).update(
        withdrawn_at=timezone.now(), withdrawal_reason=s["withdrawal reason"])
    Scheme.objects.update(note=s["credit scheme note"])
    Clue.objects.update(complainant=s["complainant"], content=s["clue content"], decision_note=s["clue content"],
                        closing_note=s["clue closing note"])
    Case.objects.update(note=s["case note"], result=s["case result"])
    if not Proposal.objects.exists():  # a small demo directory may hold too few hotels in one town
        Proposal.objects.create(dimension="town", township=Township.objects.first(), status="dismissed")
    Proposal.objects.update(note=s["proposal note"])
    ClusterRule.current()
    Liaison.objects.update(phone=s["liaison phone"])
    Meeting.objects.update(minutes=s["minutes"])
    Topic.objects.update(note=s["topic note"])
    Decision.objects.update(progress=s["decision progress"])
    WorkReport.objects.update(text=s["work report"])
    classes = [c for c, _ in CreditClass.choices]
    for n, pk in enumerate(Entity.objects.values_list("pk", flat=True)):
        Entity.objects.filter(pk=pk).update(credit_class=classes[n % len(classes)])
    office = User.objects.get(username="office")
    scjg = Department.objects.get(code="scjgj")
    published = ItemResult.objects.filter(part__status=PartStatus.PUBLISHED).first()
    Evidence.objects.create(result=published, name=f"{s['evidence name']}.jpg", path=f"{s['evidence path']}.jpg",
                            content_type="image/jpeg", size=1, sha256="0" * 64, source=s["evidence source"],
                            uploaded_by=office)
    SubLibrary.objects.create(name=s["credit sub-library"], department=scjg, rule={"credit_class": ["D"]})
    EntityChange.objects.create(batch="b1", uscc=Entity.objects.first().uscc, credit_before="A", credit_after="D")
    CalendarOverride.objects.create(starts_on=dt.date(2028, 1, 1), ends_on=dt.date(2028, 1, 1), kind="holiday", name="元旦")
    Job.objects.create(kind="entity_import", title="导入", message=s["job message"], created_by=office)
    Task.objects.create(number="RW-DRAFT-1", year=timezone.localdate().year, title=s["draft task"], kind="internal",
                        department=scjg)
    AnnualPlan.objects.create(year=timezone.localdate().year, department=scjg, version=9, title=s["draft plan"])
    ItemList.objects.create(department=scjg, version=99, title=s["draft item list"])
    Draw.objects.create(number="CQ-PREPARED-1", title=s["prepared draw"], department=scjg)
    # An entered but unpublished result: its words must not show.
    visit = Visit.objects.filter(parts__isnull=True, void=False).first()
    part = ensure_parts(visit)[0]
    part.results.update(codes=["uncooperative"], has_problem=True)
    VisitPart.objects.filter(pk=part.pk).update(status=PartStatus.SUBMITTED)


def empty_models() -> list[str]:
    return [m._meta.label for m in apps.get_models()
            if m.__module__.startswith("shuangsuiji") and not m.objects.exists()]


def _years():
    return sorted(set(Task.objects.values_list("year", flat=True)) | {timezone.localdate().year})


def _lookups():
    names = Entity.objects.filter(publications__isnull=False).values_list("name", "uscc").distinct()[:5]
    return [f"/public/businesses/?q={n[2:4]}" for n, _ in names] + [f"/public/businesses/?q={u[6:14]}" for _, u in names]


def _businesses():
    ids = set(Publication.objects.values_list("entity_id", flat=True)) | set(
        Entity.objects.filter(draws_drawn__isnull=False).values_list("pk", flat=True)[:40])
    ids |= set(Entity.objects.filter(entity_type=EntityType.INDIVIDUAL).values_list("pk", flat=True)[:3])
    return [f"/public/businesses/{u}/" for u in Entity.objects.filter(pk__in=ids).values_list("uscc", flat=True)]


def _codes():
    return ["all", "joint"] + list(Department.objects.values_list("code", flat=True))


# Every public URL name, with the paths to render for it.
PUBLIC_PATHS = {
    "healthz": lambda: ["/healthz"],
    "favicon": lambda: [],  # a redirect to the static icon: no data in it
    "accounts:login": lambda: ["/accounts/login/"],
    "accounts:logout": lambda: [],  # POST only: ends a session, shows nothing
    "portal:home": lambda: ["/public/"],
    "portal:businesses": _lookups,
    "portal:business": _businesses,
    "portal:tasks": lambda: ["/public/tasks/"] + [f"/public/tasks/?year={y}" for y in _years()],
    "portal:task": lambda: [f"/public/tasks/{n}/" for n in Task.objects.values_list("number", flat=True)],
    "portal:results": lambda: ["/public/results/", "/public/results/?page=2"],
    "portal:data": lambda: ["/public/data/"],
    "portal:data_file": lambda: [f"/public/data/{d}/{y}/{c}.{f}" for d in ("plans", "tasks", "draws", "results")
                                 for y in _years() for c in ["all"] + list(Department.objects.values_list("code", flat=True))
                                 for f in ("csv", "json")],
    "portal:feed": lambda: ["/public/feed.atom"],
    "portal:items_index": lambda: ["/public/items/"],
    "portal:items_department": lambda: [f"/public/items/{c}/" for c in _codes() if c != "all"],
    "portal:items_csv": lambda: [f"/public/items/{c}.csv" for c in _codes()],
    "portal:items_json": lambda: [f"/public/items/{c}.json" for c in _codes()],
    "portal:audit_heads": lambda: ["/public/audit/"],
    "portal:audit_heads_json": lambda: ["/public/audit.json"],
    "public_draws:index": lambda: ["/public/draws/", "/public/draws/?overdue=1"],
    "public_draws:howto": lambda: ["/public/draws/verify/"],
    "public_draws:verifier": lambda: [],  # the verifier's source code: no data in it (its own tests cover it)
    "public_draws:detail": lambda: [f"/public/draws/{n}/" for n in Draw.objects.values_list("number", flat=True)],
    "public_draws:kit": lambda: [f"/public/draws/{n}/kit.zip" for n in Draw.objects.values_list("number", flat=True)],
    "public_plans:index": lambda: ["/public/plans/"] + [f"/public/plans/?year={y}" for y in _years()],
    "public_plans:export": lambda: [f"/public/plans/export/{y}.xlsx" for y in _years()],
}


def texts(response) -> list[tuple[str, str]]:
    """(part name, text) of an answer; a zip (kit, xlsx) is opened and every member read."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return [(n, archive.read(n).decode("utf-8", "replace")) for n in archive.namelist()]
    return [("", body.decode("utf-8", "replace"))]


def test_every_public_url_is_in_the_walk():
    public = {name for name, _ in routes() if rule_for(name).public}
    assert public - set(PUBLIC_PATHS) == set(), "a public URL was added without a place in PUBLIC_PATHS"
    assert set(PUBLIC_PATHS) - public == set(), "PUBLIC_PATHS names a URL that is no longer public"


@pytest.mark.django_db
def test_no_private_value_reaches_any_public_page_file_or_kit(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    demo.seed(entities=600)
    plant_secrets()
    assert empty_models() == [], "every model needs rows for this test to mean anything"
    assert Publication.objects.exists() and Draw.objects.filter(status="published").exists()
    leaks, seen, found = [], 0, set()
    for paths in PUBLIC_PATHS.values():
        for path in paths():
            response = client.get(path)
            assert response.status_code in (200, 404), f"{path} answered {response.status_code}"
            seen += 1
            for part, text in texts(response):
                leaks += [f"{path} {part}: {what}" for what, value in SECRETS.items() if value in text]
                found |= {what for what, value in CONTROLS.items() if value in text}
    assert seen > 150 and found == set(CONTROLS)
    assert leaks == []
