"""The Django side of inspector matching: the frozen basis at commit, the assignment at reveal, recusals.

The basis (task rules, every participating department's inspectors with qualifications, duty and
caps, declared conflicts, previous pairings) is frozen and its digest goes into the manifest before
any randomness exists; at reveal the drawn targets are added and ``lottery.matching`` decides the
teams from the draw's seed. Inspectors appear by enforcement certificate number only (no personal data).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import math
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from shuangsuiji.directory.models import Entity
from shuangsuiji.inspectors.models import Conflict, DutyStatus, Inspector, InspectorKind, Qualification
from shuangsuiji.lottery import matching as lm

DEFAULT_PARAMS = {"team_size": 2, "q": 0.5, "max_targets": None, "township_recusal": False,
                  "third_party_per_team": 0, "days": 90}


def inspector_key(inspector: Inspector, draw_number: str) -> str:
    """Public id of a person in one draw's matching: a pseudonym, stable within the draw and unlinkable across
    draws, revealing no name, certificate or ID number (the teams are published after the inspection)."""
    mac = hmac.new(settings.SECRET_KEY.encode(), f"ssj-match-id|{draw_number}|{inspector.pk}".encode(), hashlib.sha256)
    return ("E" if inspector.kind != InspectorKind.OFFICER else "P") + mac.hexdigest()[:12].upper()


def parts_for(draw) -> list[dict[str, Any]]:
    """One part per department whose items the draw cites; domains = those items' categories.

    A joint-list item belongs to its 发起部门 (the department that leads that check)."""
    domains: dict[str, set[str]] = defaultdict(set)
    for item in draw.items.select_related("department", "lead_department"):
        dept = item.department or item.lead_department or draw.department
        domains[dept.code].add(item.category)
    return [{"dept": code, "domains": sorted(d)} for code, d in sorted(domains.items())]


def _unavailable(i: Inspector, start: dt.date, end: dt.date) -> tuple[tuple[str, str], ...]:
    if i.status == DutyStatus.ON_DUTY and not (i.qualification_expires and i.qualification_expires < end):
        return ()
    if i.status == DutyStatus.ON_DUTY:  # qualification runs out during the period
        return ((i.qualification_expires + dt.timedelta(days=1)).isoformat(), end.isoformat()),
    begin = (i.status_from or start).isoformat()
    until = "9999-12-31" if i.status == DutyStatus.TRANSFERRED else (i.status_until or end).isoformat()
    return ((begin, until),)


def build_basis(draw, params: dict[str, Any], expected_targets: int) -> tuple[lm.Snapshot, dict[str, Any]]:
    """The snapshot without targets, and the manifest section that commits to it."""
    params = {**DEFAULT_PARAMS, **(params or {})}
    parts = parts_for(draw)
    codes = [p["dept"] for p in parts]
    start = timezone.localdate()
    end = start + dt.timedelta(days=int(params["days"]))
    people = list(
        Inspector.objects.filter(department__code__in=codes).select_related("department", "township")
        .prefetch_related(Prefetch("qualifications", queryset=Qualification.objects.order_by("domain")))
    )
    inspectors = tuple(
        lm.Inspector(
            id=inspector_key(i, draw.number), name="", dept=i.department.code,
            kind=lm.OFFICER if i.kind == InspectorKind.OFFICER else "expert",
            domains=tuple(q.domain for q in i.qualifications.all()), township=i.township_id or "",
            unavailable=_unavailable(i, start, end),
        )
        for i in people
    )
    max_targets = params["max_targets"]
    if not max_targets:
        # Enough room for the expected load with slack, so caps bind only against piling work on a few; the
        # load of a part falls on the officers the matcher may send to it (qualified and on duty), not on
        # the whole department.
        window = lm.Task(id="", team_size=int(params["team_size"]), start=start.isoformat(), end=end.isoformat())
        need = max((expected_targets * params["team_size"]
                    / max(len(lm.qualified(inspectors, window, p["dept"], p["domains"])), 1) for p in parts),
                   default=1)
        max_targets = max(10, math.ceil(need * 1.5))
    keys = {i.pk: inspector_key(i, draw.number) for i in people}
    conflicts = tuple(sorted(
        (keys[c.inspector_id], c.entity.uscc)
        for c in Conflict.objects.active_on(start).filter(inspector_id__in=keys).select_related("entity")
    ))
    task = lm.Task(id=draw.number, team_size=int(params["team_size"]), start=start.isoformat(), end=end.isoformat(),
                   q=float(params["q"]), max_targets=int(max_targets),
                   township_recusal=bool(params["township_recusal"]),
                   third_party_per_team=int(params["third_party_per_team"]))
    from shuangsuiji.accounts.models import Department

    names = dict(Department.objects.filter(code__in=codes).values_list("code", "name"))
    basis = lm.Snapshot(task=task, departments=tuple(lm.Department(c, names.get(c, c)) for c in codes),
                        inspectors=inspectors, targets=(), conflicts=conflicts, recent=())
    section = {"basis_sha256": lm.snapshot_digest(basis), "parts": parts,
               "recent": "暂无以往检查记录（检查实施模块上线后纳入）"}
    return basis, section


def frozen_townships(draw, basis: lm.Snapshot) -> dict[str, str]:
    """USCC → township for the pool, frozen at commit when township recusal is on (else empty:
    townships then play no part), so nobody can move a target after seeing the seed."""
    if not basis.task.township_recusal:
        return {}
    from .scope import scope_queryset

    return dict(scope_queryset(draw.scope).exclude(township__isnull=True).values_list("uscc", "township_id"))


def townships_json(towns: dict[str, str]) -> bytes:
    """The pool's USCC → township map as canonical JSON: the bytes its digest is taken over."""
    return json.dumps(towns, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def townships_digest(towns: dict[str, str]) -> str:
    """SHA-256 of the canonical township map, as written in the manifest's matching section."""
    return hashlib.sha256(townships_json(towns)).hexdigest()


def people_keys(draw, parts: list[dict[str, Any]]) -> dict[str, int]:
    """Team id → inspector pk at commit (internal: the pseudonyms' key)."""
    codes = [p["dept"] for p in parts]
    return {inspector_key(i, draw.number): i.pk for i in Inspector.objects.filter(department__code__in=codes)}


def snapshot_for(basis: lm.Snapshot, parts: list[dict[str, Any]], drawn_usccs: list[str],
                 towns: dict[str, str] | None = None) -> lm.Snapshot:
    """The basis plus the drawn targets (each with every participating department's part)."""
    towns = towns or {}
    lparts = tuple(lm.Part(p["dept"], tuple(p["domains"])) for p in parts)
    targets = tuple(lm.Target(id=u, township=towns.get(u) or "", parts=lparts) for u in sorted(drawn_usccs))
    return lm.Snapshot(task=basis.task, departments=basis.departments, inspectors=basis.inspectors,
                       targets=targets, conflicts=basis.conflicts, recent=basis.recent)


def precheck(basis: lm.Snapshot, parts: list[dict[str, Any]], pool_usccs: list[str], expected: int) -> list[lm.Problem]:
    """Problems known before the draw: any pool entity could be drawn, so every one is checked for
    eligibility (with unlimited caps), and total capacity is checked against the expected count."""
    roomy = lm.Snapshot(task=lm.Task(**{**basis.task.__dict__, "max_targets": 10**9}),
                        departments=basis.departments, inspectors=basis.inspectors, targets=(),
                        conflicts=basis.conflicts, recent=basis.recent)
    involved = sorted({u for _, u in basis.conflicts} & set(pool_usccs))
    # Targets differ only by conflicts and township: check one representative per township plus every
    # entity with a declared conflict, which covers every distinct eligible set.
    towns: dict[str, str] = {}
    if basis.task.township_recusal:
        pool = set(pool_usccs)
        for uscc, town in Entity.objects.filter(township__isnull=False).values_list("uscc", "township_id").iterator():
            if uscc in pool:
                towns[uscc] = town
    one_per_town = {t: u for u, t in sorted(towns.items())}
    sample = sorted(set(involved) | set(one_per_town.values()) | set(pool_usccs[:1]))
    problems = lm.precheck(snapshot_for(roomy, parts, sample, towns)) if sample else []
    names = {d.id: d.name for d in basis.departments}
    task = basis.task
    for p in parts:
        eligible = len(lm.qualified(basis.inspectors, task, p["dept"], p["domains"]))
        room, need = eligible * task.max_targets, expected * task.team_size
        if need > room:
            problems.append(lm.Problem(
                "error", "capacity",
                f"{names.get(p['dept'], p['dept'])}：预计抽取 {expected} 户、每户 {task.team_size} 名执法人员，共需 {need} 人次；"
                f"具备「{'、'.join(p['domains']) or '本次事项'}」检查资格且在岗的执法人员 {eligible} 名，每人至多 {task.max_targets} 户，"
                f"只能承担 {room} 人次，还差 {need - room} 人次",
                dept=p["dept"], required=need, eligible=room))
    if not any(p.severity == "error" for p in problems) and expected:
        # The matcher itself, with the real caps, on as many targets as will be drawn: the same rules that
        # decide the teams at the reveal decide whether the commitment may go out.
        chosen = set(sample)
        trial = (sample + [u for u in pool_usccs[: expected + len(sample)] if u not in chosen])[:expected]
        seen = {p.message for p in problems}
        problems += [p for p in lm.precheck(snapshot_for(basis, parts, sorted(trial), towns)) if p.message not in seen]
    return problems


def run(seed: str, basis_obj: dict[str, Any], parts: list[dict[str, Any]], drawn: list[str],
        towns: dict[str, str] | None = None):
    """(snapshot, assignment) for the revealed draw; raises lottery MatchingError when impossible."""
    basis = lm.snapshot_from_obj(basis_obj)
    snapshot = snapshot_for(basis, parts, drawn, towns)
    return snapshot, lm.match(seed, snapshot)
