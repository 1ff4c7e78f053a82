"""Draw lifecycle: prepare → commit → reveal → publish; void and redraw. Every step is audited.

The outcome is decided only by ``shuangsuiji.lottery``; this module queries the pool, stores what
the engine returns, and refuses every transition the lifecycle does not allow.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
import json
import operator
import secrets
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from shuangsuiji.common import audit
from shuangsuiji.common.errors import Forbidden, Refused, WrongState
from shuangsuiji.common.workdays import add_working_days, deadline_days
from shuangsuiji.directory.models import Entity
from shuangsuiji.items.models import InspectionItem
from shuangsuiji.lottery import beacon, rfc3797
from shuangsuiji.lottery import kit as lkit
from shuangsuiji.lottery import matching as lm
from shuangsuiji.lottery import sources as lsources
from shuangsuiji.lottery.bundle import HERE as LOTTERY_DIR
from shuangsuiji.lottery.errors import DrawError
from shuangsuiji.lottery.quota import CountRule
from shuangsuiji.lottery.sampling import Pool
from shuangsuiji.lottery.sampling import draw as run_draw
from shuangsuiji.lottery.sources import Commitment
from shuangsuiji.lottery.sources import commit as make_commitment
from shuangsuiji.lottery.sources import reveal as reveal_sources

from . import matching as dmatch
from . import signals
from .models import (
    Draw,
    DrawnEntity,
    DrawStatus,
    LotteryKind,
    TeamMember,
)
from .scope import ALL, LIST_LAYERS, STRATA, PoolTable, pool_table, public_labels

# Which states a step may start from (the transition table).
TRANSITIONS = {
    "commit": {DrawStatus.PREPARED},
    "reveal": {DrawStatus.COMMITTED},
    "publish": {DrawStatus.REVEALED},
    "void": {DrawStatus.PREPARED, DrawStatus.COMMITTED, DrawStatus.REVEALED, DrawStatus.PUBLISHED},
    "redraw": {DrawStatus.VOID},
}
STEP_LABELS = {"commit": "承诺", "reveal": "揭晓", "publish": "公布", "void": "作废", "redraw": "重新抽取"}


class DrawServiceError(Refused):
    """Wrong input for a draw, in Chinese; the draw is left as it was (who acts and from which state are
    refused with the common ``Forbidden`` and ``WrongState``)."""


def _check(actor, draw: Draw, step: str) -> None:
    if not actor.can_act_for(draw.department):
        raise Forbidden("只有组织抽取的部门（或联席会议办公室）可以操作此抽取。")
    if draw.status not in TRANSITIONS[step]:
        raise WrongState(
            f"抽取 {draw.number} 当前状态为“{draw.get_status_display()}”，不能{STEP_LABELS[step]}。"
        )


def verifier_bytes() -> bytes:
    """The single-file citizen verifier shipped in every kit (lottery/dist/verify_draw.py)."""
    return (LOTTERY_DIR / "dist" / "verify_draw.py").read_bytes()


def pool_path(draw: Draw) -> Path:
    """Where a draw's frozen pool file is kept."""
    return Path(settings.MEDIA_ROOT) / "draws" / draw.number / "pool.tsv"


def _next_number(department, year: int) -> str:
    prefix = f"{year}-{department.code}-"
    last = (Draw.objects.filter(department=department, number__startswith=prefix).order_by("-number")
            .values_list("number", flat=True).first())
    seq = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{seq:04d}"


def parse_rule(data: dict[str, Any]) -> CountRule:
    """A count rule (ratio or fixed count) from its JSON form, refused in Chinese when malformed."""
    try:
        return CountRule.from_json(data)
    except DrawError as exc:
        raise DrawServiceError(str(exc)) from None


@transaction.atomic
def prepare(actor, department, *, title: str, purpose: str = "", items=(), scope: dict | None = None,
            strata_by: list[str] | None = None, rules: dict | None = None, exclusions: list[dict] | None = None,
            matching_params: dict | None = None, replaces: Draw | None = None) -> Draw:
    """Create a draw in preparation; nothing about it is public yet."""
    if not actor.can_act_for(department):
        raise Forbidden("只能为本部门准备抽取。")
    if not title.strip():
        raise DrawServiceError("请填写抽取名称。")
    items = list(items)
    unpublished = [i.name for i in items if not InspectionItem.objects.published().filter(pk=i.pk).exists()]
    if unpublished:
        raise DrawServiceError(f"只能引用已公布清单中的抽查事项，以下事项未公布：{'、'.join(unpublished[:5])}")
    strata_by = list(strata_by or [])
    bad = [s for s in strata_by if s not in STRATA]
    if bad:
        raise DrawServiceError(f"不支持的分层依据：{'、'.join(bad)}")
    rules = rules or {}
    if "default" not in rules:
        raise DrawServiceError("请设置抽取比例或固定户数。")
    parse_rule(rules["default"])
    for rule in (rules.get("per_stratum") or {}).values():
        parse_rule(rule)
    exclusions = _check_exclusions(exclusions or [])
    matching_params = _check_matching_params(matching_params or {})
    type(department).objects.select_for_update().filter(pk=department.pk).first()  # one number at a time
    draw = Draw.objects.create(
        number=_next_number(department, timezone.localdate().year), title=title.strip(), department=department,
        purpose=purpose, scope=scope or {}, strata_by=strata_by, rules=rules, exclusions=exclusions,
        created_by=actor, replaces=replaces, matching_params=matching_params,
    )
    draw.items.set(items)
    audit.record(actor, "draw.prepare", draw, after=audit.snapshot(draw, ["title", "scope", "strata_by", "rules"]))
    return draw


def _check_matching_params(params: dict) -> dict:
    """Team size never below 2 officers (行政处罚法 §42); q in (0, 1]; caps positive."""
    out = {**dmatch.DEFAULT_PARAMS, **params}
    if int(out["team_size"]) < 2:
        raise DrawServiceError("每个检查组至少 2 名执法人员（行政处罚法第四十二条），不能设置更少。")
    if not 0 < float(out["q"]) <= 1:
        raise DrawServiceError("单个执法人员与检查对象配对概率上限应在 0 到 1 之间。")
    if out["max_targets"] is not None and int(out["max_targets"]) < 1:
        raise DrawServiceError("每名执法人员的检查户数上限应为正整数。")
    return out


def _check_exclusions(rows: list[dict]) -> list[dict]:
    out, seen = [], set()
    for n, row in enumerate(rows, start=1):
        uscc, reason = str(row.get("uscc", "")).strip().upper(), str(row.get("reason", "")).strip()
        if not uscc:
            raise DrawServiceError(f"排除名单第 {n} 行缺少统一社会信用代码。")
        if not reason:
            raise DrawServiceError(f"排除名单第 {n} 行（{uscc}）必须写明排除理由。")
        if uscc in seen:
            raise DrawServiceError(f"排除名单第 {n} 行（{uscc}）重复。")
        seen.add(uscc)
        out.append({"uscc": uscc, "reason": reason})
    return out


def _public_pool(draw: Draw) -> tuple[Pool, dict[str, str], PoolTable]:
    """The canonical pool with public stratum labels, the internal → public label map, and the sorted
    table it was written from (USCC lookups and the matching precheck use it, not the pool bytes)."""
    table = pool_table(draw.scope, draw.strata_by)
    if not table.ids:
        raise DrawServiceError("按当前范围没有可抽取的存续市场主体，抽取池为空。")
    internal = sorted(set(table.internal.values())) if table.keys is not None else [ALL]
    labels = public_labels(internal, draw.strata_by)
    # Rows come sorted and unique (USCC is a unique key, validated on import), and the labels are
    # ours, so the canonical TSV is written directly; the engine re-checks order and uniqueness.
    if table.keys is None:
        tail = f"\t{labels[ALL]}\n"
        text = tail.join(table.ids) + tail
    else:
        tails = {raw: f"\t{labels[name]}\n" for raw, name in table.internal.items()}
        text = "".join(map(operator.add, table.ids, map(tails.__getitem__, table.keys)))
    return Pool.from_tsv(text.encode("utf-8"), set(labels.values())), labels, table


def _manifest_rules(draw: Draw, labels: dict[str, str]) -> dict[str, CountRule]:
    """Each public layer's rule: the per-stratum rule named by its internal name, else by one of the name's parts,
    the last dimension's first (a 风险分类联查 by class and joint list gives class "A" its ratio in every "A|一般"
    layer and the 失信联合惩戒对象 their own in "A|失信联合惩戒对象"), else the default."""
    rules: dict[str, CountRule] = {"*": parse_rule(draw.rules["default"])}
    per = draw.rules.get("per_stratum") or {}
    for internal, public in labels.items():
        rule = per.get(internal) or next((per[p] for p in reversed(internal.split("|")) if p in per), None)
        if rule is not None:
            rules[public] = parse_rule(rule)
    return rules


def preview(draw: Draw) -> tuple[list[dict[str, Any]], list[lm.Problem]]:
    """Before commit, from one pass over the pool: per stratum the population and how many the rule
    would draw (before exclusions), and what the commitment's matching check will say."""
    pool, labels, table = _public_pool(draw)
    rules = _manifest_rules(draw, labels)
    inverse = {v: k for k, v in labels.items()}
    strata = [{"stratum": name, "internal": inverse.get(name, name), "population": population,
               "count": rules.get(name, rules["*"]).raw(population)}
              for name, population in zip(pool.strata, pool.counts, strict=True)]
    problems: list[lm.Problem] = []
    if draw.items.exists():
        expected = sum(row["count"] for row in strata)
        basis, section = dmatch.build_basis(draw, draw.matching_params, expected)
        problems = dmatch.precheck(basis, section["parts"], table.ids, expected)
    return strata, problems


def _filter_words(key: str, values: list[str]) -> tuple[str, list[str]]:
    """Chinese words for one scope filter, as the public reads it in the manifest."""
    from shuangsuiji.directory.models import EntityType, Scale, Township

    if key == "entity_type":
        labels = dict(EntityType.choices)
        return "主体类型", [labels.get(v, v) for v in values]
    if key == "scale":
        labels = dict(Scale.choices)
        return "规模", [labels.get(v, v) for v in values]
    if key == "township":
        names = dict(Township.objects.filter(code__in=values).values_list("code", "name"))
        return "乡镇（街道）", [f"{names.get(v, v)}（{v}）" for v in values]
    if key == "industry":
        return "行业代码（GB/T 4754-2017）", [f"{v}*" for v in values]
    return key, [str(v) for v in values]


def _filter_lines(scope: dict, credit_class: Callable[[list], str]) -> list[str]:
    """One "label：values" line per pool filter of ``scope``; ``credit_class`` words that filter (named or keyed)."""
    out = []
    for key, values in sorted(((scope or {}).get("filters") or {}).items()):
        if not values:
            continue
        if key == "credit_class":
            out.append(credit_class(values))
        else:
            label, names = _filter_words(key, values)
            out.append(f"{label}：{'、'.join(names)}")
    return out


def scope_lines(scope: dict) -> list[str]:
    """Internal words for a task's or draw's pool filters (credit classes named: the page is internal)."""
    from shuangsuiji.directory.models import SubLibrary

    out = _filter_lines(scope, lambda values: f"信用风险分类：{'、'.join(str(v) for v in values)}")
    if (scope or {}).get("sublibrary"):
        lib = SubLibrary.objects.filter(pk=scope["sublibrary"]).first()
        out.append(f"名录分库：{lib.name if lib else scope['sublibrary']}")
    return out


def _filters_description(draw: Draw) -> list[str]:
    """Public words for the scope; internal credit-class conditions are named but not listed."""
    def keyed(values: list) -> str:
        # Keyed, so the few possible class subsets cannot be tried one by one against the digest.
        digest = hmac.new(settings.SECRET_KEY.encode(), ("|".join(sorted(values)) + draw.number).encode(),
                          hashlib.sha256).hexdigest()[:16]
        return f"信用风险分类条件（分类不公开，条件摘要 {digest}）"

    out = ["登记状态=存续（注销、吊销、迁出的市场主体不进入抽取池）", *_filter_lines(draw.scope, keyed)]
    if (draw.scope or {}).get("sublibrary"):
        from shuangsuiji.directory.models import SubLibrary

        lib = SubLibrary.objects.filter(pk=draw.scope["sublibrary"]).first()
        if lib is not None and lib.uses_credit_class:
            out.append(f"名录分库：{lib.department.name}的一个按信用风险分类划定的分库（名称不公开）")
        else:
            out.append(f"名录分库={lib.name if lib else draw.scope['sublibrary']}")
    if draw.strata_by:
        out.append("分层依据=" + "×".join(STRATA[s][1] for s in draw.strata_by))
    if "credit_list" in draw.strata_by:
        per = (draw.rules or {}).get("per_stratum") or {}
        words = [f"{name}按 {(Decimal(str(per[name]['ratio'])) * 100).normalize():f}% 抽取"
                 for name in (LIST_LAYERS["punished"], LIST_LAYERS["trusted"])
                 if isinstance(per.get(name), dict) and per[name].get("ratio") is not None]
        if words:
            out.append(f"信用奖惩名单：{'，'.join(words)}，不论其信用风险分类（各自单独成层，层名不公开）")
    return out


def seal_witnesses(sources: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, dict]]:
    """Witness numbers are rolled at the commit ceremony and sealed: the declaration keeps only the seal
    (digest of numbers and a fresh nonce); the numbers stay internal until the reveal."""
    declared, sealed = [], {}
    for i, src in enumerate(sources):
        src = dict(src)
        if src.get("type") == "witness":
            numbers = src.pop("numbers", None)
            if numbers is None:
                raise DrawServiceError(
                    f"第 {i + 1} 个随机源（见证人「{src.get('name', '')}」）：请在发布承诺时填写见证人现场产生的号码，"
                    "号码将被封存，揭晓时不能再改。")
            nonce = secrets.token_hex(16)
            try:
                src["seal"] = lsources.seal_witness(numbers, nonce)
            except DrawError as exc:
                raise DrawServiceError(f"第 {i + 1} 个随机源（见证人）：{exc}") from None
            sealed[str(i)] = {"numbers": numbers, "nonce": nonce}
        declared.append(src)
    return declared, sealed


def lottery_declaration(kind: LotteryKind, date: dt.date) -> dict[str, Any]:
    """The declaration of a lottery draw on ``date``, with its draw time from the schedule table."""
    if date.isoweekday() not in kind.weekdays:
        raise DrawServiceError(f"{kind.name}在{date:%Y-%m-%d}（周{'一二三四五六日'[date.weekday()]}）不开奖；"
                               f"开奖时间为{kind.schedule_text}。")
    moment = dt.datetime.combine(date, kind.draw_time, tzinfo=lsources.CHINA_TZ)
    return {"type": "lottery", "name": kind.name, "draw_date": date.isoformat(),
            "draw_time": lsources.format_time(moment), "shape": list(kind.shape), "ranges": list(kind.ranges),
            "distinct": kind.distinct}


def publication_deadline(commitment: Commitment, task_ends_on: dt.date | None) -> dt.date:
    """The task's end date, or the last declared source's day if later, plus the working days allowed
    (the ``draw_publication`` time limit: 20 working days, like results, unless the office changed it)."""
    moments = [lsources.publication_time(d) for d in commitment.sources]
    days = [m.astimezone(lsources.CHINA_TZ).date() for m in moments if m is not None]
    days.append(lsources.parse_time(commitment.committed_at).astimezone(lsources.CHINA_TZ).date())
    if task_ends_on:
        days.append(task_ends_on)
    return add_working_days(max(days), deadline_days("draw_publication"))


def _filtered_by_credit_class(draw: Draw) -> bool:
    """The pool itself is a set of credit classes: even its list of businesses must stay unpublished."""
    from shuangsuiji.directory.models import SubLibrary

    if ((draw.scope or {}).get("filters") or {}).get("credit_class"):
        return True
    library = SubLibrary.objects.filter(pk=(draw.scope or {}).get("sublibrary") or 0).first()
    return bool(library and library.uses_credit_class)


@transaction.atomic
def commit(actor, draw: Draw, sources: list[dict[str, Any]], now: dt.datetime | None = None,
           rehearsal: bool = False, task_ends_on: dt.date | None = None) -> Draw:
    """Freeze the pool and manifest and publish the commitment, before any randomness exists."""
    draw = Draw.objects.select_for_update().get(pk=draw.pk)
    _check(actor, draw, "commit")
    now = now or timezone.now()
    sources, sealed = seal_witnesses(sources)
    pool, labels, table = _public_pool(draw)
    rules = _manifest_rules(draw, labels)
    exclusions = {e["uscc"]: e["reason"] for e in draw.exclusions}
    # Each excluded USCC is looked up in the sorted table (a binary search), not the pool re-read.
    excluded_by: dict[str, int] = {}
    outside = []
    for uscc in exclusions:
        index = table.find(uscc)
        if index is None:
            outside.append(uscc)
        else:
            name = labels[table.stratum(index)]
            excluded_by[name] = excluded_by.get(name, 0) + 1
    if outside:
        raise DrawServiceError(f"排除名单中有 {len(outside)} 户不在抽取池中：{'、'.join(outside[:5])}")
    items = [{"code": i.code, "name": i.name, "class": i.get_item_class_display(),
              "department": i.department.name if i.department else ""}
             for i in draw.items.select_related("department").order_by("code")]
    try:
        # Refuse impossible counts now (zero, or more than a stratum holds) rather than at reveal time.
        expected = sum(
            rules.get(name, rules["*"]).compute(population - excluded_by.get(name, 0), f"第“{name}”层")
            for name, population in zip(pool.strata, pool.counts, strict=True)
        )
        filtered_by_class = _filtered_by_credit_class(draw)
        salt = secrets.token_hex(16) if filtered_by_class or any(STRATA[s][2] for s in draw.strata_by) else None
        manifest = lkit.build_manifest(
            {"id": draw.number, "title": draw.title, "organ": draw.department.name}, pool, rules, exclusions,
            items=items, filters=_filters_description(draw), audit_head=audit.head(),
            blind_salt=salt, public_ids=not filtered_by_class,
        )
        draw.pool_salt = salt or ""
        if items:
            basis, section = dmatch.build_basis(draw, draw.matching_params, expected)
            problems = dmatch.precheck(basis, section["parts"], table.ids, expected)
            errors = [p.message for p in problems if p.severity == "error"]
            if errors:
                more = f"（另有 {len(errors) - 5} 处）" if len(errors) > 5 else ""
                raise DrawServiceError("检查人员无法按规则匹配，承诺未发布：" + "；".join(errors[:5]) + more)
            towns = dmatch.frozen_townships(draw, basis)
            section["townships_sha256"] = dmatch.townships_digest(towns)
            manifest["matching"] = section
            draw.matching_basis = lm.snapshot_to_obj(basis)
            draw.matching_people = dmatch.people_keys(draw, section["parts"])
            draw.matching_townships = towns
            draw.matching_problems = [p.message for p in problems]
        digest = lkit.manifest_digest(manifest)
        commitment = make_commitment(digest, now, sources, rehearsal=rehearsal)
        for index, value in sealed.items():  # shape and range of the sealed numbers, checked now
            lsources.canonical_value(commitment.sources[int(index)], value, int(index) + 1)
    except DrawError as exc:
        raise DrawServiceError(str(exc)) from None
    path = pool_path(draw)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pool.data)
    draw.manifest, draw.manifest_sha256 = manifest, digest
    draw.pool_sha256, draw.pool_size = pool.sha256, pool.size
    draw.strata_map = {v: k for k, v in labels.items()}
    draw.commitment, draw.commitment_sha256 = commitment.to_json(), commitment.digest
    draw.rehearsal, draw.witness_sealed = rehearsal, sealed
    draw.publish_by = publication_deadline(commitment, task_ends_on)
    draw.committed_at, draw.committed_by, draw.status = now, actor, DrawStatus.COMMITTED
    draw.save()
    audit.record(actor, "draw.commit", draw, after={"manifest_sha256": digest, "commitment_sha256": commitment.digest,
                                                    "pool_size": pool.size, "sources": list(commitment.sources),
                                                    "publish_by": draw.publish_by.isoformat()})
    return draw


def load_pool(draw: Draw) -> Pool:
    """The frozen pool from disk, refused if its bytes no longer match the committed digest."""
    path = pool_path(draw)
    if not path.exists():
        raise WrongState(f"抽取 {draw.number} 的抽取池文件缺失，无法揭晓；请联系联席会议办公室。")
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != draw.pool_sha256:
        raise WrongState(f"抽取 {draw.number} 的抽取池文件与承诺时的摘要不一致，已拒绝揭晓（疑似被改动）。")
    return Pool.from_tsv(data, draw.manifest["strata"])


def _with_sealed_witnesses(draw: Draw, revealed: list[Any]) -> list[Any]:
    """Fill in the sealed witness numbers; numbers typed in at the reveal must be the sealed ones."""
    declared = draw.commitment["sources"]
    if len(revealed) not in (len(declared), len(declared) - len(draw.witness_sealed)):
        raise DrawServiceError(f"揭示的随机源个数 {len(revealed)} 与承诺中声明的 {len(declared)} 个不一致。")
    given = iter(revealed)
    short = len(revealed) < len(declared)
    out = []
    for i, decl in enumerate(declared):
        if decl["type"] != "witness":
            out.append(next(given))
            continue
        sealed = draw.witness_sealed.get(str(i))
        typed = None if short else next(given)
        if sealed is None:
            raise WrongState(f"第 {i + 1} 个随机源（见证人）的封存号码缺失，无法揭晓；请联系联席会议办公室。")
        numbers = typed.get("numbers") if isinstance(typed, dict) else None
        if numbers is not None:
            try:
                same = rfc3797.key_string(numbers) == rfc3797.key_string(sealed["numbers"])
            except DrawError:
                same = False
            if not same:
                raise DrawServiceError(
                    f"第 {i + 1} 个随机源（见证人「{decl['name']}」）的号码与承诺时封存的不一致，已拒绝揭晓："
                    "见证人号码在承诺时已经确定，不能在揭晓时改动。")
        out.append(dict(sealed))
    return out


def _margin(decl: dict[str, Any]) -> int:
    """Minutes after a lottery's draw before its numbers may be used (the official notice takes a while)."""
    if decl["type"] != "lottery":
        return 0
    kind = LotteryKind.objects.filter(name=decl.get("name")).first()
    return kind.margin_minutes if kind else settings.LOTTERY_REVEAL_MARGIN_MINUTES


@transaction.atomic
def reveal(actor, draw: Draw, revealed: list[Any], check_signature: bool = True, now: dt.datetime | None = None) -> Draw:
    """Verify the revealed sources, derive the seed and select; the result is final."""
    draw = Draw.objects.select_for_update().get(pk=draw.pk)
    _check(actor, draw, "reveal")
    now = now or timezone.now()
    revealed = _with_sealed_witnesses(draw, list(revealed))
    pool = load_pool(draw)
    try:
        commitment = Commitment.from_json(draw.commitment)
        lsources.check_reveal_time(commitment, now, [dt.timedelta(minutes=_margin(d)) for d in commitment.sources])
        seed, values = reveal_sources(commitment, revealed, check_signature=check_signature)
        rules = lkit.rules_from_json(draw.manifest["count_rules"])
        result = run_draw(seed, pool, rules, lkit.exclusions_from_manifest(draw.manifest))
    except DrawError as exc:
        raise DrawServiceError(str(exc)) from None
    draw.revealed, draw.source_values, draw.seed = list(revealed), values, seed
    draw.result = lkit.result_document(result, draw.manifest_sha256, draw.commitment_sha256)
    draw.revealed_at, draw.revealed_by, draw.status = now.replace(microsecond=0), actor, DrawStatus.REVEALED
    assignment = _match(draw, result.drawn_ids) if draw.matching_basis else None
    draw.save()
    ids = dict(Entity.objects.filter(uscc__in=result.drawn_ids).values_list("uscc", "pk"))
    DrawnEntity.objects.bulk_create(
        DrawnEntity(draw=draw, entity_id=ids[d.entity_id], stratum=s.name, ticket=d.ticket, rank=rank)
        for s in result.strata for rank, d in enumerate(s.drawn, start=1)
    )
    if assignment is not None:
        people = _people_by_key(draw)
        depts = {d.code: d for d in _departments(draw)}
        TeamMember.objects.bulk_create(
            TeamMember(draw=draw, entity_id=ids[t.target], department=depts[t.dept], inspector=people[key],
                       counts_as_officer=key in t.officers)
            for t in assignment.teams for key in (*t.officers, *t.third_party)
        )
    audit.record(actor, "draw.reveal", draw, after={"seed": draw.seed, "drawn": len(ids),
                                                    "matching": draw.matching_snapshot_sha256 or draw.matching_error})
    signals.draw_revealed.send(Draw, draw=draw, actor=actor)
    return draw


def _match(draw: Draw, drawn: list[str]) -> lm.Assignment | None:
    """Decide every team from the seed; a failure is recorded (the target result stays final)."""
    try:
        snapshot, assignment = dmatch.run(draw.seed, draw.matching_basis, draw.manifest["matching"]["parts"], drawn,
                                          draw.matching_townships)
    except lm.MatchingError as exc:
        draw.matching_error = str(exc)
        return None
    draw.matching = lm.assignment_to_obj(assignment)
    draw.matching_snapshot_sha256 = lm.snapshot_digest(snapshot)
    return assignment


def _people_by_key(draw: Draw) -> dict:
    """Team ids → inspectors, through the map frozen at commit (certificates may change later)."""
    from shuangsuiji.inspectors.models import Inspector

    by_pk = Inspector.objects.in_bulk(list(draw.matching_people.values()))
    return {key: by_pk[pk] for key, pk in draw.matching_people.items() if pk in by_pk}


def _departments(draw: Draw):
    from shuangsuiji.accounts.models import Department

    return Department.objects.filter(code__in=[p["dept"] for p in draw.manifest["matching"]["parts"]])


def matching_snapshot(draw: Draw) -> lm.Snapshot:
    """The matching snapshot of a revealed draw: the committed basis plus the drawn businesses."""
    drawn = sorted(DrawnEntity.objects.filter(draw=draw).values_list("entity__uscc", flat=True))
    return dmatch.snapshot_for(lm.snapshot_from_obj(draw.matching_basis), draw.manifest["matching"]["parts"], drawn,
                               draw.matching_townships)


@transaction.atomic
def publish(actor, draw: Draw) -> Draw:
    """Publish a revealed draw (and its kit) on the public portal."""
    draw = Draw.objects.select_for_update().get(pk=draw.pk)
    _check(actor, draw, "publish")
    draw.status, draw.published_at = DrawStatus.PUBLISHED, timezone.now()
    if not Draw.objects.filter(pk=draw.pk, task__isnull=False).exists():
        draw.teams_published_at = draw.published_at  # no inspection follows on the platform
    draw.save()
    audit.record(actor, "draw.publish", draw)
    return draw


@transaction.atomic
def publish_teams(actor, draw: Draw) -> Draw:
    """The inspection is over: the public kit now carries the (pseudonymous) teams and recusals."""
    draw = Draw.objects.select_for_update().get(pk=draw.pk)
    if draw.status != DrawStatus.PUBLISHED:
        raise WrongState(f"抽取 {draw.number} 尚未公布，不能公开检查组。")
    if draw.teams_published_at is None:
        draw.teams_published_at = timezone.now()
        draw.save(update_fields=["teams_published_at"])
        audit.record(actor, "draw.publish_teams", draw)
    return draw


def _sources_may_exist(draw: Draw) -> bool:
    """True once any declared source could be known: a witness's numbers at any time, a drand round
    after its time, lottery numbers from their date on."""

    now = timezone.now()
    for src in draw.commitment["sources"]:
        if src["type"] == "witness":
            return True
        if src["type"] == "drand" and beacon.round_time(src["chain"], src["round"]) <= now.timestamp():
            return True
        if src["type"] == "lottery" and src["draw_date"] <= timezone.localdate().isoformat():
            return True
    return False


@transaction.atomic
def void(actor, draw: Draw, reason: str) -> Draw:
    """Void a draw publicly, with a reason; its record stays as it was."""
    draw = Draw.objects.select_for_update().get(pk=draw.pk)
    _check(actor, draw, "void")
    if len(reason.strip()) < 5:
        raise DrawServiceError("作废必须写明理由（至少 5 个字），理由将向社会公开。")
    if draw.status == DrawStatus.COMMITTED and _sources_may_exist(draw):
        raise WrongState(
            "承诺的随机源可能已经产生，此时作废等于在知道结果后重抽。请先揭晓（结果将被记录并公开），再作废并说明理由。")
    before = draw.status
    draw.status, draw.void_reason, draw.voided_at, draw.voided_by = DrawStatus.VOID, reason.strip(), timezone.now(), actor
    draw.save()
    audit.record(actor, "draw.void", draw, before={"status": before}, after={"status": "void"}, summary=reason[:200])
    signals.draw_voided.send(Draw, draw=draw, actor=actor)
    return draw


@transaction.atomic
def redraw(actor, void_draw: Draw, reason: str = "") -> Draw:
    """A new draw with the same specification, linked to the void one (a redraw is a new public record)."""
    _check(actor, void_draw, "redraw")
    void_draw = Draw.objects.select_for_update().get(pk=void_draw.pk)
    if Draw.objects.filter(replaces=void_draw).exists():
        raise WrongState(f"抽取 {void_draw.number} 已有重新抽取记录。")
    new = prepare(actor, void_draw.department, title=void_draw.title,
                  purpose=f"重新抽取，替代已作废的 {void_draw.number}（作废理由：{void_draw.void_reason}）。{reason}".strip(),
                  items=void_draw.items.all(), scope=void_draw.scope, strata_by=void_draw.strata_by,
                  rules=void_draw.rules, exclusions=void_draw.exclusions,
                  matching_params=void_draw.matching_params, replaces=void_draw)
    return new


def kit_files(draw: Draw, include_matching: bool = False) -> dict[str, bytes]:
    """The verification kit as files; before the reveal, only what the commitment covers.

    ``include_matching`` is the departments' (auditor) kit: it always carries the teams and, for a blinded
    draw, pool.tsv with its strata, the salt and the full result. The public kit carries the teams
    (pseudonymous) and recusals once ``teams_published_at``; a blinded draw's public kit has no strata.
    """
    if draw.manifest is None:
        raise WrongState("该抽取尚未承诺，没有校验包。")
    pool = load_pool(draw)
    if not draw.seed:
        dump = lkit.kit_files(draw.manifest, pool, {"commitment": draw.commitment,
                                                    "commitment_sha256": draw.commitment_sha256}, {})
        files = {k: v for k, v in dump.items() if k in ("manifest.json", "pool.tsv", "sources.json", "README-zh.txt")}
        return _blind(draw, pool, files, include_matching)
    sources_doc = lkit.sources_document(Commitment.from_json(draw.commitment), draw.revealed, draw.source_values,
                                        draw.seed, lsources.format_time(draw.revealed_at))
    extra: dict[str, bytes] = {}
    if draw.matching and (include_matching or draw.teams_published_at):
        extra = {lkit.MATCHING_SNAPSHOT: lm.snapshot_to_json(matching_snapshot(draw)).encode(),
                 "matching-townships.json": dmatch.townships_json(draw.matching_townships),
                 lkit.MATCHING_ASSIGNMENT: lm.assignment_to_json(lm.assignment_from_obj(draw.matching)).encode()}
    elif (draw.manifest or {}).get("matching"):
        reason = draw.matching_error or "检查结束、检查结果公示后，检查组（以化名标识）和回避记录加入公开校验包"
        extra = {lkit.MATCHING_PENDING: json.dumps({"teams_published": False, "reason": reason},
                                                    ensure_ascii=False).encode()}
    files = lkit.kit_files(draw.manifest, pool, sources_doc, draw.result, extra=extra, verifier=verifier_bytes())
    return _blind(draw, pool, files, include_matching)


def _blind(draw: Draw, pool: Pool, files: dict[str, bytes], auditor: bool) -> dict[str, bytes]:
    """A blinded draw's kit: the public one without pool.tsv and strata; the auditor one with the salt and
    the full result besides (§5.1)."""
    if not draw.blinded:
        return files
    if draw.result:
        files["result.json"] = lkit.json_bytes(lkit.blinded_result(draw.result))
    if auditor:
        files[lkit.POOL_SALT] = draw.pool_salt.encode() + b"\n"
        if draw.result:
            files[lkit.RESULT_FULL] = lkit.json_bytes(draw.result)
        return files
    files.pop("pool.tsv", None)
    if draw.manifest["pool"].get("ids_sha256"):
        files[lkit.POOL_IDS] = lkit.pool_ids(pool)
    return files


def kit_zip(draw: Draw, include_matching: bool = False) -> bytes:
    """The draw's verification kit as a zip (with the teams for the departments' own kit)."""
    files = kit_files(draw, include_matching)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(f"{draw.number}/{name}", date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[name])
    return buffer.getvalue()


LOTTERY_FIELDS = ["name", "shape", "ranges", "distinct", "weekdays", "draw_time", "margin_minutes", "active"]


@transaction.atomic
def save_lottery_kind(actor, kind: LotteryKind, data: dict) -> LotteryKind:
    """The office edits the lottery schedule table; commitments already made keep the draw time they declared."""
    if not actor.is_office:
        raise Forbidden("彩票开奖时间表由联席会议办公室维护。")
    before = audit.snapshot(kind, LOTTERY_FIELDS) if kind.pk else None
    for field in LOTTERY_FIELDS:
        setattr(kind, field, data[field])
    kind.weekdays = sorted(set(kind.weekdays))
    kind.save()
    audit.record(actor, "draw.lottery_kind", kind, before=before, after=audit.snapshot(kind, LOTTERY_FIELDS))
    return kind


def pinned_audit_heads():
    """(what, id, hash) of the audit head each committed draw's manifest pinned (see ``audit.verify_pins``)."""
    rows = Draw.objects.filter(manifest__audit_head__isnull=False).values_list("number", "manifest__audit_head")
    for number, head in rows.iterator(chunk_size=2000):
        yield f"抽取 {number} ", head["id"], head["sha256"]


def mark_overdue(draws) -> None:
    """Set ``overdue_days`` on each draw of a page (0 when on time) for the 逾期未公布 badge."""
    today = timezone.localdate()
    for d in draws:
        d.overdue_days = d.days_overdue(today)
