"""Recusals (回避): an application, the department's decision, and the replacement drawn with randomness that
did not exist at the decision (a drand round declared then), so no sequence of approvals can pick who
comes next. Every step is audited and keeps the visit's team in step (``signals.team_changed``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from shuangsuiji.common import audit
from shuangsuiji.common.errors import Forbidden, WrongState
from shuangsuiji.lottery import beacon
from shuangsuiji.lottery import matching as lm
from shuangsuiji.lottery import sources as lsources
from shuangsuiji.lottery.errors import DrawError
from shuangsuiji.notices import services as notices

from . import signals
from .models import Draw, DrawStatus, Recusal, RecusalCategory, RecusalStatus, TeamMember
from .services import DrawServiceError, _people_by_key, matching_snapshot


@transaction.atomic
def request_recusal(actor, member: TeamMember, *, applicant: str, reason: str,
                    category: str = RecusalCategory.OTHER) -> Recusal:
    """Record a recusal application; the inspection goes on while it is pending (行政处罚法 §43)."""
    if not reason.strip():
        raise DrawServiceError("请写明申请回避的理由。")
    if category not in RecusalCategory.values:
        raise DrawServiceError(f"回避类别只能是：{'、'.join(RecusalCategory.labels)}。")
    if applicant not in ("inspector", "business"):
        raise DrawServiceError("申请方只能是执法人员本人或检查对象。")
    if not member.active:
        raise WrongState("该人员已不在检查组中。")
    if member.draw.status not in (DrawStatus.REVEALED, DrawStatus.PUBLISHED):
        raise WrongState("该抽取已作废，不再受理回避申请。")
    if Recusal.objects.filter(member=member, status=RecusalStatus.PENDING).exists():
        raise WrongState("该人员已有待决定的回避申请。")
    is_self = getattr(getattr(actor, "inspector", None), "pk", None) == member.inspector_id
    if applicant == "inspector" and not (is_self or actor.manages(member.department)):
        raise Forbidden("执法人员自行回避只能由本人或其所在部门管理员登记，不能替同事申请。")
    if applicant == "business" and not actor.manages(member.department):
        raise Forbidden("检查对象的回避申请由该执法人员所在部门登记。")
    recusal = Recusal.objects.create(member=member, applicant=applicant, reason=reason.strip(), recorded_by=actor,
                                     category=category)
    audit.record(actor, "draw.recusal_request", member.draw, after={"member": member.pk, "applicant": applicant},
                 summary=reason[:200], department=member.department)
    notices.tell(member.department, f"回避申请待决定：{member.inspector.name}（{member.draw.number}）",
                 f"{recusal.get_applicant_display()}申请，理由：{reason.strip()[:100]}", url="draws:draw_detail",
                 args=[member.draw.number])
    return recusal


@transaction.atomic
def decide_recusal(actor, recusal: Recusal, *, approve: bool, reason: str, round_no: int | None = None,
                   now: dt.datetime | None = None) -> Recusal:
    """The department head decides. An approved recusal takes the officer off the team at once and declares
    the drand round whose randomness will draw the replacement: a round that does not exist yet, so nobody
    deciding can know who comes next (approving recusals one after another walks down no fixed list)."""
    recusal = Recusal.objects.select_for_update().select_related("member__draw", "member__entity",
                                                                  "member__department", "member__inspector").get(pk=recusal.pk)
    member = recusal.member
    if not actor.manages(member.department):
        raise Forbidden("回避申请由该执法人员所在部门负责人决定。")
    if member.inspector.user_id is not None and member.inspector.user_id == actor.pk:
        raise Forbidden("不能决定本人的回避申请。")
    if settings.SSJ_FOUR_EYES and recusal.recorded_by_id == actor.pk:
        raise Forbidden("回避申请须由登记人以外的另一人决定：请由本部门另一名管理员或联席会议办公室决定。")
    if recusal.status != RecusalStatus.PENDING:
        raise WrongState("该回避申请已有决定。")
    if not reason.strip():
        raise DrawServiceError("请写明决定理由。")
    draw = Draw.objects.select_for_update().get(pk=member.draw_id)
    if draw.status not in (DrawStatus.REVEALED, DrawStatus.PUBLISHED):
        raise WrongState("该抽取已作废，不再处理回避申请。")
    now = now or timezone.now()
    if approve:
        taken = Recusal.objects.filter(member__draw=draw, member__department=member.department,
                                       status__in=[RecusalStatus.AWAITING, RecusalStatus.APPROVED]).count()
        cap = settings.RECUSAL_CAP_PER_DEPARTMENT
        if taken >= cap and not actor.is_office:
            raise WrongState(f"本次抽取中{member.department.name}已有 {taken} 次回避替换（上限 {cap} 次），"
                                   "再有回避须由联席会议办公室决定。")
        soonest = beacon.first_round_after("quicknet", (now + dt.timedelta(
            seconds=settings.RECUSAL_ROUND_MARGIN_SECONDS)).timestamp())
        declaration = {"type": "drand", "chain": "quicknet", "round": int(round_no or soonest)}
        if declaration["round"] < soonest:
            raise DrawServiceError(f"替换所用的 drand 轮次须在决定之后产生，最早为第 {soonest} 轮。")
        try:
            lsources.check_declaration(declaration, now, 1)
        except DrawError as exc:
            raise DrawServiceError(str(exc)) from None
        recusal.source = {"declared_at": lsources.format_time(now), "declaration": declaration,
                          "unavailable": _unavailable_now(draw, member.department)}
        TeamMember.objects.filter(pk=member.pk).update(active=False)
        signals.team_changed.send(Draw, draw=draw, entity=member.entity, department=member.department,
                                  recused=member.inspector, replacement=None, reason=reason.strip(), actor=actor)
    recusal.status = RecusalStatus.AWAITING if approve else RecusalStatus.REJECTED
    recusal.decided_by, recusal.decided_at, recusal.decision_reason = actor, now, reason.strip()
    recusal.save()
    audit.record(actor, "draw.recusal_decide", draw, department=member.department, summary=reason[:200],
                 after={"approved": approve, "source": recusal.source})
    return recusal


def _unavailable_now(draw: Draw, department) -> list[str]:
    """Pseudonyms of the department's people in the draw's basis who are not on duty at the decision: the
    replacement comes from those eligible at that moment, and the list is public with the swap."""
    from shuangsuiji.inspectors.models import DutyStatus, Inspector

    away = set(Inspector.objects.filter(department=department).exclude(status=DutyStatus.ON_DUTY)
               .values_list("pk", flat=True))
    return sorted(key for key, pk in draw.matching_people.items() if pk in away)


@transaction.atomic
def complete_recusal(actor, recusal: Recusal, revealed: Any, now: dt.datetime | None = None,
                     check_signature: bool = True) -> Recusal:
    """Once the declared round is public, verify it and draw the replacement from the draw's seed and it."""
    recusal = Recusal.objects.select_for_update().select_related("member__draw", "member__entity",
                                                                  "member__department").get(pk=recusal.pk)
    member = recusal.member
    if not actor.manages(member.department):
        raise Forbidden("回避替换由该执法人员所在部门办理。")
    if recusal.status != RecusalStatus.AWAITING:
        raise WrongState("该回避申请不在待替换状态。")
    draw = Draw.objects.select_for_update().get(pk=member.draw_id)
    now = now or timezone.now()
    declaration = recusal.source["declaration"]
    public = lsources.publication_time(declaration)
    if now < public:
        raise WrongState(f"drand 第 {declaration['round']} 轮将于北京时间 "
                               f"{public.astimezone(lsources.CHINA_TZ):%Y-%m-%d %H:%M:%S} 产生，之后才能确定替换人员。")
    try:
        fresh = lsources.canonical_value(declaration, revealed, 1, check_signature=check_signature)
    except DrawError as exc:
        raise DrawServiceError(str(exc)) from None
    round_json = beacon.round_fields(revealed)
    source = {**recusal.source, "revealed": round_json}
    key = next((k for k, pk in draw.matching_people.items() if pk == member.inspector_id), None)
    try:
        assignment, new_key = lm.replace(draw.seed, matching_snapshot(draw), lm.assignment_from_obj(draw.matching),
                                         member.entity.uscc, member.department.code, key,
                                         recusal.get_category_display(), fresh=fresh, source=source)
    except lm.MatchingError as exc:
        raise DrawServiceError(str(exc)) from None
    Draw.objects.filter(pk=draw.pk).update(matching=lm.assignment_to_obj(assignment))
    replacement = _people_by_key(draw)[new_key]
    TeamMember.objects.create(draw=draw, entity=member.entity, department=member.department,
                              inspector=replacement, counts_as_officer=member.counts_as_officer)
    recusal.replacement, recusal.revealed, recusal.status = replacement, round_json, RecusalStatus.APPROVED
    recusal.save()
    signals.team_changed.send(Draw, draw=draw, entity=member.entity, department=member.department,
                              recused=member.inspector, replacement=replacement,
                              reason=recusal.get_category_display(), actor=actor)
    audit.record(actor, "draw.recusal_replace", draw, department=member.department,
                 after={"recusal": recusal.pk, "round": declaration["round"], "replacement": replacement.pk})
    return recusal
