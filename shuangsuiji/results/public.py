"""What of a result is public, and the read services the portal uses (nothing here writes but ``freeze``).

A published part is frozen into a ``Publication`` row holding only public fields: the item names, the
result words of the standard vocabulary and whether a problem was found. Findings, evidence, comments,
follow-up notes and people stay inside. The follow-up shown publicly is the kind and its state, read live
(a rectification closes after publication); a referral to the judicial organs is shown only as 依法处理.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Max
from django.utils import timezone

from .models import FollowUp, FollowUpKind, FollowUpStatus, Publication, ResultCode, VisitPart

TARGETED = "targeted"
# How a follow-up reads publicly: its kind, never its notes, numbers or the organ it went to.
PUBLIC_FOLLOWUP = {
    FollowUpKind.NONE: "",
    FollowUpKind.RECTIFY: "责令改正",
    FollowUpKind.CASE: "移送执法办案机构依法处理",
    FollowUpKind.NOTIFY: "抄告相关部门",
    FollowUpKind.JUDICIAL: "依法处理",
    FollowUpKind.OTHER: "依法处置",
}


def snapshot(part, vocab: dict[str, str]) -> dict:
    """The public fields of a part (also used by the migration that froze parts published before it)."""
    visit = part.visit
    task = visit.task
    rows = sorted(part.results.all(), key=lambda r: r.item.code)
    lines = [{"code": r.item.code, "item": r.item.name, "result": "；".join(vocab.get(c, c) for c in r.codes),
              "problem": r.has_problem} for r in rows]
    words = dict.fromkeys(vocab.get(c, c) for r in rows for c in r.codes)
    moment = part.arrived_at or part.published_at
    random = task.kind != TARGETED
    return {"entity_id": visit.entity_id, "task_id": task.pk, "department_id": part.department_id,
            "draw_id": visit.draw_id if random else None, "check_kind": task.kind, "random": random,
            "checked_on": timezone.localtime(moment).date(), "lines": lines,
            "summary": "；".join(words)[:500] or "—", "has_problem": any(r.has_problem for r in rows)}


def freeze(part: VisitPart) -> Publication:
    """Write the next public version of a part just published; a previous version becomes 已更正."""
    vocab = dict(ResultCode.objects.values_list("code", "label"))
    part = VisitPart.objects.select_related("visit__task").prefetch_related("results__item").get(pk=part.pk)
    now = part.published_at or timezone.now()
    last = part.publications.aggregate(v=Max("version"))["v"] or 0
    part.publications.current().update(corrected_at=now)
    due = part.publish_due_on
    return Publication.objects.create(part=part, version=last + 1, published_at=now, due_on=due,
                                      late=bool(due and timezone.localdate(now) > due),
                                      correction_reason=part.correction_reason if last else "",
                                      **snapshot(part, vocab))


def followup_words(part_ids) -> dict[int, list[str]]:
    """{part id: public follow-up words with their state} for the given parts, in one query."""
    out: dict[int, list[str]] = defaultdict(list)
    rows = (FollowUp.objects.filter(result__part_id__in=list(part_ids)).exclude(kind=FollowUpKind.NONE)
            .values_list("result__part_id", "kind", "status").order_by("id"))
    for part_id, kind, status in rows:
        state = "已办结" if status == FollowUpStatus.CLOSED else "处置中"
        word = f"{PUBLIC_FOLLOWUP.get(kind, '依法处置')}（{state}）"
        if word not in out[part_id]:
            out[part_id].append(word)
    return out


def with_followups(publications) -> list[Publication]:
    """The publications, each with ``followups`` (public words), in two queries at most."""
    rows = list(publications)
    words = followup_words(p.part_id for p in rows)
    for p in rows:
        p.followups = words.get(p.part_id, [])
    return rows
