"""Recompute everything in a verification kit and say PASS or exactly what differs (ssj-draw/1 §5)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shuangsuiji.lottery import beacon
from shuangsuiji.lottery.canonical import sha256_hex
from shuangsuiji.lottery.errors import DrawError
from shuangsuiji.lottery.kit import (
    MATCHING_ASSIGNMENT,
    MATCHING_PENDING,
    MATCHING_SNAPSHOT,
    POOL_IDS,
    POOL_SALT,
    RESULT_FULL,
    check_audit_head,
    exclusions_from_manifest,
    manifest_digest,
    read_kit,
    rules_from_json,
    salted_pool_digest,
)
from shuangsuiji.lottery.sampling import PROTOCOL, DrawResult, Pool, draw
from shuangsuiji.lottery.sources import (
    Commitment,
    canonical_value,
    check_declaration,
    check_reveal_time,
    parse_time,
    reveal,
)
from shuangsuiji.lottery.tickets import ticket_full, trim


@dataclass
class Report:
    """The verdict: ok, the differences found, and notes (e.g. a skipped signature check)."""

    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Return True when nothing differs."""
        return not self.problems

    def __str__(self) -> str:
        """Return the text printed by verify_draw.py."""
        lines = ["PASS" if self.ok else "FAIL"]
        lines += [f"  ✗ {p}" for p in self.problems]
        lines += [f"  · {n}" for n in self.notes]
        return "\n".join(lines)


def _json(files: Mapping[str, bytes], name: str, report: Report) -> Any:
    """Parse one JSON file of the kit, recording a problem if it cannot be read."""
    try:
        return json.loads(files[name].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        report.problems.append(f"{name} 不是合法的 UTF-8 JSON：{exc}")
        return None


def _names(ids: Sequence[str]) -> str:
    """Show a short list of ids."""
    return "[" + "、".join(ids[:10]) + ("…" if len(ids) > 10 else "") + "]"


def _compare(expected: DrawResult, claimed: Any, pool: Pool, report: Report) -> None:
    """Compare the recomputed draw with result.json, stratum by stratum."""
    if not isinstance(claimed, dict) or not isinstance(claimed.get("strata"), list):
        report.problems.append("result.json 缺少 strata 列表")
        return
    claimed_by = {s.get("name"): s for s in claimed["strata"] if isinstance(s, dict)}
    for extra in sorted(set(claimed_by) - set(pool.strata), key=str):
        report.problems.append(f"result.json 含有抽取池中没有的分层「{extra}」")
    for s in expected.strata:
        label = pool.stratum_label(s.name)
        got = claimed_by.get(s.name)
        if got is None:
            report.problems.append(f"result.json 缺少{label}")
            continue
        for key in ("population", "excluded", "eligible", "count"):
            if got.get(key) != getattr(s, key):
                report.problems.append(f"{label}的 {key} 不同：应为 {getattr(s, key)}，结果文件为 {got.get(key)!r}")
        want_ids = [d.entity_id for d in s.drawn]
        drawn = got.get("drawn") if isinstance(got.get("drawn"), list) else []
        got_ids = [str(d.get("id")) for d in drawn if isinstance(d, dict)]
        if want_ids != got_ids:
            if set(want_ids) == set(got_ids):
                report.problems.append(f"{label}中选名单相同但顺序不同：应为 {_names(want_ids)}")
            else:
                missing = [i for i in want_ids if i not in set(got_ids)]
                extra_ids = [i for i in got_ids if i not in set(want_ids)]
                report.problems.append(
                    f"{label}中选名单不同：应为 {_names(want_ids)}，结果文件为 {_names(got_ids)}"
                    f"（应中选而未列出 {_names(missing)}；列出但不应中选 {_names(extra_ids)}）"
                )
            continue
        for d, g in zip(s.drawn, drawn, strict=True):
            if g.get("ticket") != d.ticket:
                report.problems.append(f"{label}中「{d.entity_id}」的签号不同：应为 {d.ticket}，结果文件为 {g.get('ticket')!r}")


def _check_matching(
    files: Mapping[str, bytes], seed: str | None, report: Report,
    manifest: Mapping[str, Any] | None = None, result: Mapping[str, Any] | None = None,
    check_signature: bool = True,
) -> None:
    """Replay the inspector matching when the kit carries it (shuangsuiji.lottery.matching)."""
    present = [n for n in (MATCHING_SNAPSHOT, MATCHING_ASSIGNMENT) if n in files]
    committed = isinstance(manifest, Mapping) and bool(manifest.get("matching"))
    if not present:
        if committed and MATCHING_PENDING in files:
            report.notes.append("检查组尚未公开（检查结束、结果公示后公开），本次没有复核检查人员匹配")
        elif committed:
            report.problems.append("manifest.json 承诺了检查人员匹配依据，但验证包中没有匹配文件（matching-*.json）")
        return
    if len(present) == 1:
        report.problems.append(f"验证包只有 {present[0]}，缺少配对的匹配文件")
        return
    try:
        from shuangsuiji.lottery import matching
    except ImportError:
        report.notes.append("本验证程序不含检查人员匹配模块，matching-*.json 未复核")
        return
    try:
        snapshot = matching.snapshot_from_json(files[MATCHING_SNAPSHOT].decode("utf-8"))
        claimed = matching.assignment_from_json(files[MATCHING_ASSIGNMENT].decode("utf-8"))
    except (DrawError, ValueError, KeyError, TypeError) as exc:
        report.problems.append(f"匹配文件无法读取：{exc}")
        return
    if matching.snapshot_digest(snapshot) != claimed.snapshot_digest:
        report.problems.append("matching-snapshot.json 的摘要与匹配结果中记录的 snapshot_digest 不一致")
    _check_matching_basis(matching, snapshot, manifest, result, report)
    _check_townships(files, snapshot, manifest, report)
    if seed is not None and claimed.seed != seed:
        report.problems.append("匹配结果使用的种子与本次抽取的种子不一致")
    _check_swap_sources(claimed.swaps, report, check_signature)
    try:
        replayed = matching.replay(claimed.seed, snapshot, claimed.swaps)
    except DrawError as exc:
        report.problems.append(f"检查人员匹配复算失败：{exc}")
        return
    if matching.assignment_to_json(replayed) != matching.assignment_to_json(claimed):
        differing = [t.target + "/" + t.dept for t, u in zip(replayed.teams, claimed.teams, strict=False) if t != u]
        report.problems.append(f"检查人员匹配结果与复算不一致：{_names(differing) if differing else '队伍数量不同'}")
        return
    names = {d.id: d.name for d in snapshot.departments}
    parts = {(p.dept, p.domains) for t in snapshot.targets for p in t.parts}
    counts = "；".join(
        f"{names.get(dept, dept)} {len(matching.qualified(snapshot.inspectors, snapshot.task, dept, domains))} 名"
        for dept, domains in sorted(parts)
    )
    report.notes.append(f"检查人员匹配已复核（{len(claimed.teams)} 个检查组，{len(claimed.swaps)} 次回避替换）；"
                        f"各部门具备资格且在岗的执法人员：{counts}")


def _check_swap_sources(swaps: Sequence[Any], report: Report, check_signature: bool) -> None:
    """Each recusal replacement's fresh randomness: declared at the decision, public only after it, and
    exactly the verified value of the declared drand round."""
    for n, w in enumerate(swaps, start=1):
        where = f"第 {n} 次回避替换（{w.target} 的 {w.dept} 部分）"
        if not w.fresh:
            report.problems.append(f"{where}没有使用决定之后才产生的随机源，替换人员可被预知")
            continue
        source = w.source if isinstance(w.source, dict) else {}
        try:
            declared_at = parse_time(str(source.get("declared_at")))
            decl = check_declaration(source.get("declaration"), declared_at, 1)
            if decl["type"] != "drand":
                raise DrawError("只接受 drand 轮次")
            value = canonical_value(decl, source.get("revealed"), 1, check_signature=check_signature)
        except DrawError as exc:
            report.problems.append(f"{where}的随机源不成立：{exc}")
            continue
        if value != w.fresh:
            report.problems.append(f"{where}记录的随机数与 drand 第 {decl['round']} 轮不一致")


def _check_matching_basis(
    matching: Any, snapshot: Any, manifest: Mapping[str, Any] | None, result: Mapping[str, Any] | None,
    report: Report,
) -> None:
    """The snapshot must be the basis committed in the manifest plus exactly the drawn targets,
    so nobody could change inspectors, caps or conflicts after seeing the seed."""
    section = (manifest or {}).get("matching")
    if not isinstance(section, dict):
        report.problems.append("manifest.json 没有承诺检查人员匹配依据（matching.basis_sha256），匹配结果无从核对")
        return
    basis = matching.Snapshot(task=snapshot.task, departments=snapshot.departments, inspectors=snapshot.inspectors,
                              targets=(), conflicts=snapshot.conflicts, recent=snapshot.recent)
    if matching.snapshot_digest(basis) != section.get("basis_sha256"):
        report.problems.append("matching-snapshot.json 中的人员、规则或回避关系与承诺时冻结的匹配依据不一致")
    entries = (result or {}).get("drawn") if (result or {}).get("blinded") else [
        d for s in (result or {}).get("strata", []) for d in s.get("drawn", [])]
    drawn = sorted(d.get("id") for d in entries or [] if isinstance(d, dict))
    if sorted(t.id for t in snapshot.targets) != drawn:
        report.problems.append("matching-snapshot.json 中的检查对象与抽取结果中选的企业不一致")
    parts = [(p.get("dept"), tuple(p.get("domains", []))) for p in section.get("parts", [])]
    if any(sorted((p.dept, tuple(p.domains)) for p in t.parts) != sorted(parts) for t in snapshot.targets):
        report.problems.append("matching-snapshot.json 中检查对象的部门与检查领域与承诺的不一致")


def _check_townships(files: Mapping[str, bytes], snapshot: Any, manifest: Mapping[str, Any] | None,
                     report: Report) -> None:
    """Townships of targets (used by township recusal) must be the ones frozen at commit."""
    want = ((manifest or {}).get("matching") or {}).get("townships_sha256")
    if not want:
        return
    data = files.get("matching-townships.json")
    if data is None:
        report.notes.append("验证包未附 matching-townships.json，检查对象所在乡镇未复核")
        return
    if sha256_hex(data) != want:
        report.problems.append("matching-townships.json 与承诺时冻结的乡镇对照摘要不一致")
        return
    towns = json.loads(data.decode("utf-8"))
    moved = [t.id for t in snapshot.targets if t.township != towns.get(t.id, "")]
    if moved:
        report.problems.append(f"matching-snapshot.json 中检查对象的乡镇与承诺时冻结的不一致：{_names(moved)}")


def verify_files(files: Mapping[str, bytes], check_signature: bool = True) -> Report:
    """Verify a kit given as {file name: bytes}: always a report, PASS or FAIL with its reasons.

    A kit the platform wrote never reaches the ``except``; one edited into a shape no check expects (a list
    where a number belongs, a value missing deep inside) fails with that said, instead of a traceback."""
    try:
        return _verify_files(files, check_signature)
    except Exception as exc:  # noqa: BLE001 - any crash here means the kit is malformed
        report = Report()
        report.problems.append(f"验证包的内容格式不符合协议，无法完成校验（{type(exc).__name__}：{exc}）")
        return report


def _verify_files(files: Mapping[str, bytes], check_signature: bool) -> Report:
    """Verify a kit given as {file name: bytes}.

    A draw stratified or filtered by the internal credit class is *blinded* (§5.1): its public kit has no
    pool.tsv and no strata, and is checked as far as that allows; the auditor kit adds pool.tsv, its salt
    and result-full.json, and is checked completely.
    """
    report = Report()
    if "manifest.json" not in files:
        report.problems.append("验证包缺少文件：manifest.json")
        return report
    manifest = _json(files, "manifest.json", report)
    blinded = isinstance(manifest, dict) and isinstance(manifest.get("pool"), dict) and bool(manifest["pool"].get("blinded"))
    auditor = blinded and POOL_SALT in files
    result_name = RESULT_FULL if auditor else "result.json"
    wanted = ["sources.json", result_name] + (["pool.tsv"] if auditor or not blinded else [])
    missing = [n for n in wanted if n not in files]
    if missing:
        report.problems.append("验证包缺少文件：" + "、".join(missing))
        return report
    sources = _json(files, "sources.json", report)
    result = _json(files, result_name, report)
    if not isinstance(manifest, dict) or not isinstance(sources, dict) or not isinstance(result, dict):
        if not report.problems:
            report.problems.append(f"manifest.json、sources.json、{result_name} 都应为 JSON 对象")
        return report
    if manifest.get("protocol") != PROTOCOL:
        report.problems.append(f"manifest.json 的协议版本为 {manifest.get('protocol')!r}，本程序只支持 {PROTOCOL}")
        return report

    m_digest = manifest_digest(manifest)
    head_problem = check_audit_head(manifest)
    if head_problem:
        report.problems.append(head_problem)
    else:
        head = manifest["audit_head"]
        report.notes.append(
            f"冻结时的审计链头：编号 {head['id']}，{head['sha256']}（可与平台公开的整点链头对照）"
        )
    if check_signature and not beacon.bls_available():
        check_signature = False
        report.notes.append("未安装 py_ecc，已跳过 drand 签名（BLS）验证；randomness = SHA-256(signature) 已检查")
    elif not check_signature:
        report.notes.append("按要求跳过了 drand 签名（BLS）验证")
    seed = _check_sources(manifest, m_digest, sources, result, report, check_signature, result_name)
    if blinded and not auditor:
        _check_blinded_public(files, manifest, result, seed, report)
        _check_matching(files, seed, report, manifest, result, check_signature)
        return report

    # 1. Freeze: the pool is the one the manifest names (salted when blinded: §5.1).
    pool_data = files["pool.tsv"]
    want_pool = manifest.get("pool", {}).get("sha256")
    got_pool = salted_pool_digest(files[POOL_SALT].decode("utf-8", "replace").strip(), pool_data) if auditor \
        else sha256_hex(pool_data)
    if got_pool != want_pool:
        what = "pool.tsv 加盐后的 SHA-256" if auditor else "pool.tsv 的 SHA-256"
        report.problems.append(f"{what} 与 manifest 中的摘要不一致（manifest：{want_pool}，实际：{got_pool}）")
    pool: Pool | None = None
    try:
        pool = Pool.from_tsv(pool_data, manifest.get("strata") or None)
        if manifest.get("pool", {}).get("entities") not in (None, pool.size):
            report.problems.append(f"pool.tsv 有 {pool.size} 户，manifest 记载为 {manifest['pool']['entities']} 户")
    except DrawError as exc:
        report.problems.append(str(exc))
    if result.get("pool_sha256") != (sha256_hex(pool_data) if auditor else want_pool):
        report.problems.append(f"{result_name} 中的抽取池摘要与 pool.tsv 不一致")
    if auditor:
        report.notes.append("审计校验包：含分层（内部信息），已完整重算抽取")

    # 4. Select again and compare.
    draw_seed = seed if seed is not None else result.get("seed")
    if pool is not None and isinstance(draw_seed, str):
        try:
            expected = draw(draw_seed, pool, rules_from_json(manifest.get("count_rules")), exclusions_from_manifest(manifest))
            _compare(expected, result, pool, report)
        except DrawError as exc:
            report.problems.append(f"无法重算抽取：{exc}")

    _check_matching(files, seed, report, manifest, result, check_signature)
    return report


def _check_sources(manifest: Mapping[str, Any], m_digest: str, sources: Mapping[str, Any], result: Mapping[str, Any],
                   report: Report, check_signature: bool, result_name: str) -> str | None:
    """2. Commit and 3. reveal: the commitment covers the manifest, the sources verify, the seed follows."""
    seed: str | None = None
    try:
        commitment = Commitment.from_json(sources.get("commitment"))
        if commitment.manifest_sha256 != m_digest:
            report.problems.append(
                f"承诺中的清单摘要与 manifest.json 不一致（承诺：{commitment.manifest_sha256}，实际：{m_digest}）"
            )
        if sources.get("commitment_sha256") not in (None, commitment.digest):
            report.problems.append("sources.json 中的 commitment_sha256 与承诺内容不一致")
        if commitment.rehearsal:
            report.notes.append("这是一次演练抽取：只用了现场见证人号码，结果不具约束力，不能作为正式抽查的依据")
        seed, values = reveal(commitment, sources.get("revealed") or [], check_signature=check_signature)
        revealed_at = sources.get("revealed_at")
        if not isinstance(revealed_at, str):
            report.problems.append("sources.json 缺少揭晓时间 revealed_at，无法确认揭晓晚于各随机源的公布时间")
        else:
            check_reveal_time(commitment, parse_time(revealed_at))
        if sources.get("values") not in (None, values):
            report.problems.append("sources.json 中记录的随机源规范值与重新计算的不一致")
        if result.get("commitment_sha256") not in (None, commitment.digest):
            report.problems.append(f"{result_name} 中的承诺摘要与 sources.json 的承诺不一致")
    except DrawError as exc:
        report.problems.append(str(exc))
    if seed is not None and result.get("seed") != seed:
        report.problems.append(f"{result_name} 中的种子与由承诺和随机源重新计算的种子不一致（应为 {seed}）")
    if result.get("manifest_sha256") not in (None, m_digest):
        report.problems.append(f"{result_name} 中的清单摘要与 manifest.json 不一致")
    return seed


def _check_blinded_public(files: Mapping[str, bytes], manifest: Mapping[str, Any], result: Mapping[str, Any],
                          seed: str | None, report: Report) -> None:
    """What the public can check of a blinded draw without the strata: every drawn business's ticket, and
    (when the pool's ids are public) that it is in the pool and not excluded."""
    drawn = result.get("drawn")
    if not result.get("blinded") or not isinstance(drawn, list):
        report.problems.append("result.json 应为公开版（blinded），含中选名单 drawn")
        return
    ids: set[str] | None = None
    want_ids = manifest["pool"].get("ids_sha256")
    if want_ids and POOL_IDS in files:
        if sha256_hex(files[POOL_IDS]) != want_ids:
            report.problems.append(f"{POOL_IDS} 的 SHA-256 与 manifest 中的摘要不一致")
        ids = set(files[POOL_IDS].decode("utf-8", "replace").split())
        if len(ids) != manifest["pool"].get("entities"):
            report.problems.append(f"{POOL_IDS} 有 {len(ids)} 户，manifest 记载为 {manifest['pool'].get('entities')} 户")
    elif want_ids:
        report.problems.append(f"manifest 承诺了公开的抽取池名单，但验证包中没有 {POOL_IDS}")
    excluded = set(exclusions_from_manifest(manifest))
    if seed is not None:
        for entry in drawn:
            entity = str(entry.get("id")) if isinstance(entry, dict) else ""
            if entry.get("ticket") != trim(ticket_full(seed, entity)):
                report.problems.append(f"{entity} 的签号不同：应为 {trim(ticket_full(seed, entity))}，结果文件为 {entry.get('ticket')!r}")
            if ids is not None and entity not in ids:
                report.problems.append(f"中选的 {entity} 不在抽取池中")
            if entity in excluded:
                report.problems.append(f"中选的 {entity} 在排除名单中")
    if result.get("count") != len(drawn):
        report.problems.append(f"result.json 记载中选 {result.get('count')!r} 户，名单有 {len(drawn)} 户")
    report.notes.append(
        "本次抽取按信用风险分类分层或筛选，分类不公开：公开校验包不含分层，已核对承诺、随机源、种子"
        + ("、抽取池名单" if ids is not None else "")
        + "和每个中选对象的签号；“各层签号最小者中选”由持审计校验包的监督机关或公证机构完整重算"
    )


def verify_kit(path: str | Path, check_signature: bool = True) -> Report:
    """Verify a kit directory or zip; returns a Report (PASS or the differences)."""
    try:
        files = read_kit(Path(path))
    except DrawError as exc:
        return Report(problems=[str(exc)])
    return verify_files(files, check_signature=check_signature)


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: verify_draw.py KIT_DIR_OR_ZIP [--no-signature]; exit 0 on PASS, 1 otherwise."""
    parser = argparse.ArgumentParser(
        prog="verify_draw.py", description=f"验证「双随机、一公开」抽取结果（{PROTOCOL}）"
    )
    parser.add_argument("kit", help="验证包文件夹或 .zip 文件")
    parser.add_argument("--no-signature", action="store_true", help="跳过 drand 签名（BLS）验证")
    args = parser.parse_args(argv)
    report = verify_kit(args.kit, check_signature=not args.no_signature)
    out = str(report) + "\n"
    try:
        sys.stdout.write(out)
    except UnicodeEncodeError:  # legacy consoles: still print something readable
        sys.stdout.buffer.write(out.encode("utf-8"))
    return 0 if report.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
