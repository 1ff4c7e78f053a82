"""Writes to the clue register: intake and triage, each in one transaction with its audit event.

A clue is received by a department (the office's or an administrator's own) and triaged within the
``clue_triage`` time limit on the working-day clock: assigned to the department responsible for the sector
(谁审批、谁监管), merged into an earlier clue about the same thing, or not accepted with a reason."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from shuangsuiji.accounts.models import Department
from shuangsuiji.common import audit
from shuangsuiji.common.errors import Forbidden, Refused, WrongState
from shuangsuiji.common.workdays import due_date
from shuangsuiji.directory import uscc as uscc_mod
from shuangsuiji.directory.models import Entity
from shuangsuiji.notices import services as notices

from .models import Clue, Source, Status

MAX_CONTENT = 5000


class ClueError(Refused):
    """Wrong input for a clue, in Chinese, by form field; nothing was changed."""


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


def _next_number(year: int) -> str:
    prefix = f"XS{year}-"
    last = (Clue.objects.select_for_update().filter(number__startswith=prefix).order_by("-number")
            .values_list("number", flat=True).first())
    return f"{prefix}{int(last[len(prefix):]) + 1 if last else 1:05d}"


def check(*, source: str, received_on: dt.date | None, content: str, uscc: str = "",
          today: dt.date | None = None) -> Entity | None:
    """The business a clue names, or ClueError with every problem by field (nothing is saved)."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if source not in Source.values:
        errors["source"] = "请选择线索来源：" + "、".join(Source.labels) + "。"
    if received_on is None:
        errors["received_on"] = "请填写收到日期。"
    elif received_on > today:
        errors["received_on"] = f"收到日期 {received_on:%Y-%m-%d} 晚于今天。"
    if not content.strip():
        errors["content"] = "请填写线索内容。"
    elif len(content) > MAX_CONTENT:
        errors["content"] = f"线索内容不超过 {MAX_CONTENT} 字（现为 {len(content)} 字）。"
    entity, problem = find_entity(uscc)
    if problem:
        errors["uscc"] = problem
    if errors:
        raise ClueError(next(iter(errors.values())) if len(errors) == 1 else
                        f"共 {len(errors)} 处需要修改：" + "；".join(errors.values()), errors=errors)
    return entity


@transaction.atomic
def receive(actor, *, source: str, received_on: dt.date | None, content: str, uscc: str = "", entity_name: str = "",
            township=None, industry=None, items=(), complainant: str = "", complainant_phone: str = "",
            today: dt.date | None = None) -> Clue:
    """Register a clue received by the actor's department; every problem is named by field at once."""
    _may_receive(actor)
    entity = check(source=source, received_on=received_on, content=content, uscc=uscc, today=today)
    clue = Clue.objects.create(
        number=_next_number(received_on.year), source=source, received_on=received_on, content=content.strip(),
        entity=entity, entity_name="" if entity else entity_name.strip()[:200],
        township=township or (entity.township if entity else None),
        industry=industry or (entity.industry if entity else None), received_by=actor.department,
        complainant=complainant.strip()[:100], complainant_phone=complainant_phone.strip()[:30],
        due_on=due_date("clue_triage", received_on), created_by=actor)
    clue.items.set(items)
    audit.record(actor, "clue.receive", clue, after={"source": source, "received_on": received_on.isoformat(),
                                                     "entity": entity.uscc if entity else clue.entity_name},
                 summary=f"登记线索 {clue.number}（{clue.get_source_display()}）", department=actor.department)
    return clue


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
