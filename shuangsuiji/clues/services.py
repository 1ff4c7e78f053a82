"""Writes to the clue register: intake and triage, each in one transaction with its audit event.

A clue is received by a department (the office's or an administrator's own) and triaged within the
``clue_triage`` time limit on the working-day clock: assigned to the department responsible for the sector
(谁审批、谁监管), merged into an earlier clue about the same thing, or not accepted with a reason. The responsible
department then disposes of it: a targeted (non-random) check whose recorded reason is the clue, or for 无证无照经营
a case referred to the organ 《无证无照经营查处办法》 names; and closes it with the outcome."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone

from shuangsuiji.accounts.models import Department
from shuangsuiji.common import audit, jobs, uploads
from shuangsuiji.common.errors import Forbidden, Problems, Refused, WrongState
from shuangsuiji.common.numbering import next_number
from shuangsuiji.common.workdays import due_date
from shuangsuiji.directory import uscc as uscc_mod
from shuangsuiji.directory.models import Entity, Industry
from shuangsuiji.items.models import InspectionItem
from shuangsuiji.notices import services as notices
from shuangsuiji.plans import services as plans
from shuangsuiji.plans.models import Task, TaskKind, TaskStatus

from . import importer
from .models import Case, CaseStatus, CaseType, Clue, Outcome, Source, Status, UnlicensedKind

MAX_CONTENT = 5000


class ClueError(Refused):
    """Wrong input for a clue, in Chinese, by form field; nothing was changed."""


class ClueProblems(Problems):
    error = ClueError


def _may_receive(actor) -> None:
    if not (actor.is_office or actor.is_admin) or actor.department_id is None:
        raise Forbidden("只有联席会议办公室和部门管理员可以登记线索。")


def _may_triage(actor, clue: Clue) -> None:
    if not (actor.is_office or actor.manages(clue.received_by)):
        raise Forbidden("只有受理部门的管理员或联席会议办公室可以分办这条线索。")


def find_entity(code: str) -> tuple[Entity | None, str | None]:
    """The business a typed code names, or the problem with the code in words."""
    code = uscc_mod.normalise(code or "")
    if not code:
        return None, None
    problem = uscc_mod.validate(code)
    if problem:
        return None, problem
    entity = Entity.objects.filter(uscc=code).first()
    if entity is None:
        return None, f"统一社会信用代码 {code} 不在检查对象名录库中；主体不在名录中时请只填写名称"
    return entity, None


def check(*, source: str, received_on: dt.date | None, content: str, uscc: str = "",
          today: dt.date | None = None) -> Entity | None:
    """The business a clue names, or ClueError with every problem by field (nothing is saved)."""
    today = today or timezone.localdate()
    problems = ClueProblems()
    if source not in Source.values:
        problems.add("source", "请选择线索来源：" + "、".join(Source.labels) + "。")
    if received_on is None:
        problems.add("received_on", "请填写收到日期。")
    elif received_on > today:
        problems.add("received_on", f"收到日期 {received_on:%Y-%m-%d} 晚于今天。")
    if not content.strip():
        problems.add("content", "请填写线索内容。")
    elif len(content) > MAX_CONTENT:
        problems.add("content", f"线索内容不超过 {MAX_CONTENT} 字（现为 {len(content)} 字）。")
    entity, problem = find_entity(uscc)
    if problem:
        problems.add("uscc", problem)
    problems.raise_any()
    return entity


@transaction.atomic
def receive(actor, *, source: str, received_on: dt.date | None, content: str, uscc: str = "", entity_name: str = "",
            township=None, industry=None, items=(), complainant: str = "", complainant_phone: str = "",
            case_type: str = CaseType.GENERAL, today: dt.date | None = None) -> Clue:
    """Register a clue received by the actor's department; every problem is named by field at once."""
    _may_receive(actor)
    entity = check(source=source, received_on=received_on, content=content, uscc=uscc, today=today)
    return _create(actor, source=source, received_on=received_on, content=content, entity=entity,
                   entity_name=entity_name, township=township, industry=industry, items=items, complainant=complainant,
                   complainant_phone=complainant_phone, case_type=case_type)


def division_of(entity: Entity | None) -> Industry | None:
    """The industry division (大类, two digits) of a business's class: clues are grouped by division."""
    if entity is None or not entity.industry_id:
        return None
    return Industry.objects.filter(code=entity.industry_id[:2], level="division").first()


def _create(actor, *, source: str, received_on: dt.date, content: str, entity: Entity | None, entity_name: str = "",
            township=None, industry=None, items=(), complainant: str = "", complainant_phone: str = "",
            case_type: str = CaseType.GENERAL, how: str = "登记", **origin) -> Clue:
    """A checked clue written with its audit event; ``origin``: external_ref, intake_key, intake_digest."""
    clue = Clue.objects.create(
        number=next_number(Clue, f"XS{received_on.year}-", 5), source=source,
        case_type=case_type if case_type in CaseType.values else CaseType.GENERAL,
        received_on=received_on, content=content.strip(),
        entity=entity, entity_name="" if entity else entity_name.strip()[:200],
        township=township or (entity.township if entity else None),
        industry=industry or division_of(entity), received_by=actor.department,
        complainant=complainant.strip()[:100], complainant_phone=complainant_phone.strip()[:30],
        due_on=due_date("clue_triage", received_on), created_by=actor, **origin)
    clue.items.set(items)
    audit.record(actor, "clue.receive", clue, after={"source": source, "received_on": received_on.isoformat(),
                                                     "entity": entity.uscc if entity else clue.entity_name,
                                                     **({"external_ref": clue.external_ref} if clue.external_ref else {})},
                 summary=f"{how}线索 {clue.number}（{clue.get_source_display()}）", department=actor.department)
    return clue


# --- Intake from a spreadsheet (the 12315 export) and from other systems' API calls ------------------------------

IMPORT_JOB = "clues.import"


class ClueImportRejected(jobs.JobError):
    """The file had problems: nothing was registered; ``report`` lists them by row and column."""


def start_import(upload, source: str, *, actor) -> jobs.Job:
    """Store an uploaded clue file and register its rows as a background job."""
    _may_receive(actor)
    if source not in Source.values:
        raise ClueError("请选择线索来源。", errors={"source": "请选择线索来源。"})
    relative, _ = uploads.store_upload(upload, "clues/imports")
    name = Path(upload.name or "upload").name[:200]
    return jobs.start(IMPORT_JOB, f"导入线索：{name}", user=actor, department=actor.department,
                      params={"path": str(relative), "filename": name, "source": source})


def import_file(path: Path | str, source: str, *, actor, filename: str = "",
                progress: Callable[..., None] | None = None) -> tuple[list[Clue], importer.Checked]:
    """Read, check and register a clue file: every row or none. Rows already registered (by 工单编号) and rows
    that are not complaints or reports are skipped and listed."""
    _may_receive(actor)
    filename = filename or Path(path).name
    checked = importer.read(path, default_source=source, today=timezone.localdate(), progress=progress)
    if checked.error_count:
        errors = sorted(checked.errors, key=lambda e: e["row"])
        raise ClueImportRejected(f"文件中有 {checked.error_count:,} 处错误，未登记任何线索。请按错误明细修改后重新上传。",
                                 {"errors": errors, "error_count": checked.error_count,
                                  "errors_truncated": checked.error_count > len(errors), "rows": checked.rows})
    if not checked.rows:
        raise ClueImportRejected("文件中没有数据行。")
    made = []
    try:
        with transaction.atomic():
            for row in checked.clues:
                made.append(_create(actor, how="导入", **{k: v for k, v in row.items() if k not in ("row", "uscc")}))
            audit.record(actor, "clue.import", None,
                         after={"file": filename, "rows": checked.rows, "created": len(made),
                                "skipped": len(checked.skipped), "numbers": [c.number for c in made][:50]},
                         summary=f"导入线索“{filename}”：登记 {len(made)} 条，略过 {len(checked.skipped)} 行",
                         department=actor.department)
    except IntegrityError:  # the same 工单编号 registered meanwhile (the same export imported twice at once)
        raise ClueImportRejected("文件中的工单编号刚由另一次导入登记，本次未登记任何线索；请重新导入，"
                                 "已登记的工单会自动略过。") from None
    return made, checked


def _digest(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def _resolve_names(sent: dict, problems: ClueProblems) -> dict:
    """The town (by name), industry division (by code or name) and published items (by code) a call names, read
    the way the importer reads them (``importer.Names``)."""
    names, found = importer.Names(), {"township": None, "industry": None}
    for field, parse in (("township", names.town), ("industry", names.industry)):
        if text := str(sent.get(field) or "").strip():
            try:
                found[field] = parse(text)
            except ValueError as exc:
                problems.add(field, str(exc))
    codes = list(dict.fromkeys(str(c).strip() for c in sent.get("items") or () if str(c).strip()))
    items = list(InspectionItem.objects.published().filter(code__in=codes))
    if missing := sorted(set(codes) - {i.code for i in items}):
        problems.add("items", "不是已公布的抽查事项编号：" + "、".join(missing[:5]))
    return {**found, "items": items}


@transaction.atomic
def submit(actor, *, key: str, sent: dict) -> tuple[Clue, bool]:
    """A clue sent by another system (a monitoring system, a hotline) with an idempotency key: the first call
    registers it (True: new); a repeated call with the same key and the same content answers that clue (False);
    the same key with other content is refused, so a retry never makes a second clue and a reused key never
    hides a different one. ``sent``: source, received_on, content, uscc, entity_name, township (name),
    industry (division code or name), items (codes), complainant, complainant_phone, case_type, external_ref."""
    _may_receive(actor)
    key = key.strip()
    if not key or len(key) > 100:
        raise ClueError("请在请求头 Idempotency-Key 中给出本次提交的唯一标识（1–100 个字符），重试时使用同一个值。",
                        errors={"Idempotency-Key": "缺少或超过 100 个字符"})
    digest = _digest(sent)
    Department.objects.select_for_update().filter(pk=actor.department_id).first()  # one call at a time
    earlier = Clue.objects.filter(received_by=actor.department_id, intake_key=key).first()
    if earlier is not None:
        if earlier.intake_digest != digest:
            raise WrongState(f"幂等键 {key} 已用于登记线索 {earlier.number}，内容不同：新的线索请使用新的幂等键。")
        return earlier, False
    ref = str(sent.get("external_ref") or "").strip()[:40]
    if ref and (other := Clue.objects.filter(external_ref=ref).first()) is not None:
        raise WrongState(f"来源系统编号 {ref} 已登记为线索 {other.number}。")
    problems = ClueProblems()
    names = _resolve_names(sent, problems)
    entity = None
    try:
        entity = check(source=sent.get("source", ""), received_on=sent.get("received_on"),
                       content=sent.get("content", ""), uscc=sent.get("uscc", ""))
    except ClueError as exc:
        problems.errors.update(exc.errors)
    problems.raise_any()
    clue = _create(actor, how="接口登记", source=sent["source"], received_on=sent["received_on"],
                   content=sent["content"], entity=entity, entity_name=sent.get("entity_name", ""),
                   complainant=sent.get("complainant", ""), complainant_phone=sent.get("complainant_phone", ""),
                   case_type=sent.get("case_type", CaseType.GENERAL), external_ref=ref, intake_key=key,
                   intake_digest=digest, **names)
    return clue, True


def _decide(actor, clue: Clue, status: str, note: str, **fields) -> Clue:
    clue = Clue.objects.select_for_update().get(pk=clue.pk)
    _may_triage(actor, clue)
    if clue.status != Status.NEW:
        raise WrongState(f"线索 {clue.number} 已{clue.get_status_display()}，不能再分办。")
    before = {"status": clue.status}
    for name, value in fields.items():
        setattr(clue, name, value)
    clue.status, clue.decision_note, clue.decided_at = status, note.strip(), timezone.now()
    clue.save()
    audit.record(actor, f"clue.{status}", clue, before=before,
                 after={"status": status, "note": clue.decision_note,
                        **{k: str(v) for k, v in fields.items()}},
                 summary=f"线索 {clue.number}：{clue.get_status_display()}", department=clue.received_by)
    return clue


@transaction.atomic
def assign(actor, clue: Clue, department: Department | None, note: str = "") -> Clue:
    """Hand the clue to the department responsible for the sector (which may be the receiving one)."""
    if department is None:
        raise ClueError("请选择承办部门（谁审批、谁监管）。", errors={"department": "请选择承办部门。"})
    clue = _decide(actor, clue, Status.ASSIGNED, note, department=department)
    if department.pk != clue.received_by_id:
        notices.tell(department, f"分办线索 {clue.number}：{clue.subject}", clue.content[:200],
                     url="clues:detail", args=[clue.number])
    return clue


@transaction.atomic
def reject(actor, clue: Clue, note: str) -> Clue:
    """不予受理, with the reason (kept, and read by the receiving department)."""
    if not note.strip():
        raise ClueError("不予受理须写明理由。", errors={"note": "请写明不予受理的理由。"})
    return _decide(actor, clue, Status.REJECTED, note)


@transaction.atomic
def merge(actor, clue: Clue, into_number: str, note: str = "") -> Clue:
    """A duplicate: merged into an earlier clue about the same thing, which carries on."""
    into = Clue.objects.filter(number=into_number.strip().upper()).first()
    if into is None or not Clue.objects.visible_to(actor).filter(pk=into.pk).exists():
        raise ClueError(f"未找到线索 {into_number.strip() or '（未填写）'}。", errors={"into": "请填写要并入的线索编号。"})
    if into.pk == clue.pk or into.status == Status.MERGED:
        raise ClueError(f"不能并入线索 {into.number}：请并入一条未被合并的其他线索。", errors={"into": "请换一条线索。"})
    return _decide(actor, clue, Status.MERGED, note or f"与 {into.number} 重复", merged_into=into)


# --- Disposal -----------------------------------------------------------------------------------------------------

def _handling(actor, clue: Clue, *states: str) -> Clue:
    """The clue locked, if the actor handles it (the responsible department's administrator or the office) and it
    is in one of ``states``."""
    clue = Clue.objects.select_for_update().get(pk=clue.pk)
    if clue.department is None or not actor.manages(clue.department):
        raise Forbidden("只有承办部门的管理员或联席会议办公室可以处置这条线索。")
    if clue.status not in states:
        raise WrongState(f"线索 {clue.number} 当前为“{clue.get_status_display()}”，不能这样处置。")
    return clue


@transaction.atomic
def open_check(actor, clue: Clue, *, items, uscc: str = "", title: str = "", starts_on=None, ends_on=None) -> Task:
    """A targeted (non-random) check of the business the clue is about, drafted in the responsible department; its
    recorded reason is the clue (source and number, not the complaint's text), so it never reads as random. The
    default title names no clue: a targeted task's title is public once a result of it is."""
    clue = _handling(actor, clue, Status.ASSIGNED)
    entity = clue.entity
    if uscc.strip():
        entity, problem = find_entity(uscc)
        if problem:
            raise ClueError(problem, errors={"uscc": problem})
    if entity is None:
        raise ClueError("请填写被检查主体的统一社会信用代码：线索未指明名录中的主体。",
                        errors={"uscc": "请填写被检查主体的统一社会信用代码。"})
    task = plans.create_task(
        actor, clue.department, kind=TaskKind.TARGETED, title=title.strip() or f"定向检查（{clue.get_source_display()}）：{entity.name}",
        items=list(items), targeted_reason=clue.source, targeted_note=f"线索 {clue.number}（{clue.get_source_display()}）",
        targets=[entity.uscc], starts_on=starts_on, ends_on=ends_on)
    before = {"status": clue.status}
    clue.task, clue.status = task, Status.CHECKING
    if clue.entity_id is None:
        clue.entity = entity
    clue.save()
    audit.record(actor, "clue.check", clue, before=before, after={"status": clue.status, "task": task.number},
                 summary=f"线索 {clue.number}：立定向检查 {task.number}", department=clue.department)
    return task


ORGAN_BASIS = {
    UnlicensedKind.NO_PERMIT: "《无证无照经营查处办法》第五条：未依法取得许可从事经营活动的，由法律、法规、国务院决定规定的部门予以查处",
    UnlicensedKind.NO_LICENCE: "《无证无照经营查处办法》第六条：未依法取得营业执照从事经营活动的，由市场监督管理部门予以查处",
    UnlicensedKind.BOTH: "《无证无照经营查处办法》第七条：未依法取得许可且未依法取得营业执照的，依照第五条予以查处",
}


def market_supervision() -> Department | None:
    """The department that holds 工商 duties: the one hosting the joint-meeting office (the seed's 区市场监管局)."""
    return Department.objects.filter(hosts_office=True).first()


@transaction.atomic
def open_case(actor, clue: Clue, *, kind: str, organ: Department | None, note: str = "") -> Case:
    """An 无证无照经营 case, referred to the organ the measures name: market supervision for 无照, the licensing
    department (by default the responsible one, 谁审批、谁监管) for 无证 and 无证无照."""
    clue = _handling(actor, clue, Status.ASSIGNED)
    problems = ClueProblems()
    if kind not in UnlicensedKind.values:
        problems.add("kind", "请选择无证无照经营的类别：" + "、".join(UnlicensedKind.labels) + "。")
    market = market_supervision()
    if kind == UnlicensedKind.NO_LICENCE:
        organ = market
    elif organ is None:
        organ = clue.department
    if kind in (UnlicensedKind.NO_PERMIT, UnlicensedKind.BOTH) and organ is not None and organ == market \
            and clue.department != market:
        problems.add("organ", (f"无证经营由许可部门查处（第五条）：{market.name}不是该事项的许可部门时，"
                           f"请选择许可部门（如{clue.department.name}）。"))
    if organ is None:
        problems.add("organ", "请选择查处机关。")
    problems.raise_any()
    case = Case.objects.create(number=next_number(Case, f"AJ{timezone.localdate().year}-", 5), clue=clue, kind=kind,
                               organ=organ, basis=ORGAN_BASIS[kind], note=note.strip(), opened_by=actor)
    before = {"status": clue.status}
    clue.status, clue.case_type = Status.CASE, CaseType.UNLICENSED
    clue.save()
    audit.record(actor, "clue.case", clue, before=before,
                 after={"status": clue.status, "case": case.number, "kind": kind, "organ": organ.code},
                 summary=f"线索 {clue.number}：无证无照经营，移送{organ.name}查处（{case.number}）",
                 department=clue.department)
    if organ.pk != clue.department_id:
        notices.tell(organ, f"移送无证无照经营案件 {case.number}：{clue.subject}", case.get_kind_display(),
                     url="clues:detail", args=[clue.number])
    return case


def _close(actor, clue: Clue, outcome: str, note: str) -> Clue:
    before = {"status": clue.status}
    clue.status, clue.outcome, clue.closing_note, clue.closed_at = Status.CLOSED, outcome, note.strip(), timezone.now()
    clue.save()
    audit.record(actor, "clue.closed", clue, before=before, after={"status": clue.status, "outcome": outcome},
                 summary=f"线索 {clue.number} 办结：{clue.get_outcome_display()}",
                 department=clue.department or clue.received_by)
    return clue


CHECK_DONE = (TaskStatus.RESULTS_COMPLETE, TaskStatus.PUBLISHED, TaskStatus.CLOSED)


@transaction.atomic
def close(actor, clue: Clue, *, outcome: str, note: str) -> Clue:
    """办结: with the outcome and what was done. A clue under a targeted check closes once the check's results are
    entered; one referred as a case closes with the case (``close_case``)."""
    clue = _handling(actor, clue, Status.ASSIGNED, Status.CHECKING)
    problems = ClueProblems()
    if clue.status == Status.CHECKING and clue.task.status not in CHECK_DONE:
        problems.add("outcome", f"定向检查任务 {clue.task.number} 尚未确认结果录入完毕（当前“{clue.task.get_status_display()}”），"
                                "结果录入后才能办结。")
    if outcome not in Outcome.values or outcome == Outcome.REFERRED:
        problems.add("outcome", "请选择办理结果：属实、部分属实或不属实。")
    if not note.strip():
        problems.add("closing_note", "请写明办结情况（核查了什么、如何处置）。")
    problems.raise_any()
    return _close(actor, clue, outcome, note)


@transaction.atomic
def close_case(actor, case: Case, result: str) -> Case:
    """The organ records what it did (立案查处、责令停止、取缔…); the case and its clue are closed."""
    case = Case.objects.select_for_update().select_related("organ", "clue").get(pk=case.pk)
    if not actor.manages(case.organ):
        raise Forbidden(f"只有查处机关（{case.organ.name}）的管理员可以办结这个案件。")
    if case.status != CaseStatus.OPEN:
        raise WrongState(f"案件 {case.number} 已办结。")
    if not result.strip():
        raise ClueError("请写明查处结果。", errors={"result": "请写明查处结果（如立案查处、责令停止经营、取缔）。"})
    case.status, case.result, case.closed_by, case.closed_at = CaseStatus.CLOSED, result.strip(), actor, timezone.now()
    case.save()
    _close(actor, Clue.objects.select_for_update().get(pk=case.clue_id), Outcome.REFERRED,
           f"{case.organ.name}查处：{case.result}")
    return case
