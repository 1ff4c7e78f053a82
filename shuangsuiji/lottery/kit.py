"""Freeze → manifest, and the verification kit (ssj-draw/1 §1 and §5)."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from shuangsuiji.lottery.canonical import json_digest, sha256_hex
from shuangsuiji.lottery.errors import KitError, PoolError
from shuangsuiji.lottery.quota import CountRule
from shuangsuiji.lottery.sampling import ALGORITHM, PROTOCOL, DrawResult, Pool
from shuangsuiji.lottery.sources import Commitment

POOL_FORMAT = "USCC<TAB>stratum<LF>, one line per entity, sorted by USCC (code point order), UTF-8"
# A blinded draw (§5.1): the public kit has pool-ids.tsv (when the pool itself says nothing of a class) and a
# result without strata; the auditor kit adds pool.tsv, its salt and the full result.
POOL_IDS = "pool-ids.tsv"
POOL_SALT = "pool-salt.txt"
RESULT_FULL = "result-full.json"
MATCHING_SNAPSHOT = "matching-snapshot.json"
MATCHING_ASSIGNMENT = "matching-assignment.json"
MATCHING_PENDING = "matching-pending.json"  # the teams are not public yet (said by the platform, in plain words)


def rules_to_json(rules: CountRule | Mapping[str, CountRule | int]) -> dict[str, Any]:
    """Return the manifest form of count rules: stratum (or "*") → rule."""
    if isinstance(rules, CountRule):
        return {"*": rules.to_json()}
    return {k: (v if isinstance(v, CountRule) else CountRule.from_json(v)).to_json() for k, v in rules.items()}


def rules_from_json(data: object) -> dict[str, CountRule]:
    """Read manifest count rules."""
    if not isinstance(data, dict) or not data:
        raise KitError("manifest.json 中的 count_rules 应为「分层 → 规则」的非空对象")
    return {str(k): CountRule.from_json(v) for k, v in data.items()}


def build_manifest(
    task: Mapping[str, Any],
    pool: Pool,
    rules: CountRule | Mapping[str, CountRule | int],
    exclusions: Mapping[str, str] | None = None,
    items: Sequence[Any] = (),
    filters: Sequence[Any] = (),
    audit_head: Mapping[str, Any] | None = None,
    blind_salt: str | None = None,
    public_ids: bool = True,
) -> dict[str, Any]:
    """Freeze everything the draw depends on except randomness (publish its digest in the commitment).

    ``audit_head`` is the platform's audit chain end at freeze time ({"id", "sha256"}): once committed,
    a later rewrite of the history before the draw no longer contains this head.

    With ``blind_salt`` the pool's strata stay out of the public kit (§5.1): the manifest commits to the
    salted digest of pool.tsv and, when ``public_ids``, to the digest of the pool's ids alone.
    """
    excl = dict(exclusions or {})
    for entity_id, reason in excl.items():
        if not isinstance(reason, str) or not reason.strip():
            raise PoolError(f"排除企业「{entity_id}」必须写明排除理由")
    return {
        "protocol": PROTOCOL,
        "algorithm": ALGORITHM,
        "task": dict(task),
        "items": list(items),
        "filters": list(filters),
        "strata": list(pool.strata),
        "count_rules": rules_to_json(rules),
        "exclusions": [{"id": k, "reason": excl[k]} for k in sorted(excl)],
        "pool": {"sha256": pool.sha256, "entities": pool.size, "format": POOL_FORMAT} if blind_salt is None else {
            "sha256": salted_pool_digest(blind_salt, pool.data), "entities": pool.size, "format": POOL_FORMAT,
            "blinded": "sha256(salt ‖ LF ‖ pool.tsv); pool.tsv and the salt are in the auditor kit",
            **({"ids_sha256": sha256_hex(pool_ids(pool))} if public_ids else {}),
        },
        **({"audit_head": dict(audit_head)} if audit_head is not None else {}),
    }


def salted_pool_digest(salt: str, data: bytes) -> str:
    """The blinded pool digest: without the salt, nobody can test guesses of the strata against it."""
    return sha256_hex(salt.encode("utf-8") + b"\n" + data)


def pool_ids(pool: Pool) -> bytes:
    """The pool's ids alone, one per line, in pool order (pool-ids.tsv)."""
    return b"".join(line.split(b"\t", 1)[0] + b"\n" for line in pool.data.splitlines())


def blinded_result(result: Mapping[str, Any]) -> dict[str, Any]:
    """The public result of a blinded draw: every drawn business with its ticket, by id, no strata."""
    drawn = sorted((d for s in result["strata"] for d in s["drawn"]), key=lambda d: d["id"])
    return {k: result[k] for k in ("protocol", "algorithm", "seed", "manifest_sha256", "commitment_sha256")} | {
        "blinded": True, "count": len(drawn), "drawn": drawn}


def manifest_digest(manifest: Mapping[str, Any]) -> str:
    """Return the manifest digest that the commitment carries."""
    return json_digest(dict(manifest))


def exclusions_from_manifest(manifest: Mapping[str, Any]) -> dict[str, str]:
    """Return {id: reason} from a manifest."""
    out: dict[str, str] = {}
    for entry in manifest.get("exclusions", []):
        if not isinstance(entry, dict) or "id" not in entry:
            raise KitError(f"manifest.json 中的排除项格式错误：{entry!r}")
        out[str(entry["id"])] = str(entry.get("reason", ""))
    return out


def sources_document(
    commitment: Commitment, revealed: Sequence[Any], values: Sequence[str], seed: str, revealed_at: str
) -> dict[str, Any]:
    """Return sources.json: the commitment, the revealed source data, canonical values, seed and when the
    reveal happened (a verifier refuses a reveal before a declared source was public)."""
    return {
        "commitment": commitment.to_json(),
        "commitment_sha256": commitment.digest,
        "revealed": list(revealed),
        "values": list(values),
        "seed": seed,
        "revealed_at": revealed_at,
    }


def result_document(result: DrawResult, manifest_sha256: str, commitment_sha256: str) -> dict[str, Any]:
    """Return result.json."""
    doc = result.to_json()
    doc["manifest_sha256"] = manifest_sha256
    doc["commitment_sha256"] = commitment_sha256
    return doc


def readme_zh(manifest: Mapping[str, Any]) -> str:
    """Return the plain-Chinese how-to placed in every kit."""
    title = manifest.get("task", {}).get("title") or manifest.get("task", {}).get("id") or "本次抽查"
    return f"""「双随机、一公开」抽取结果验证包 —— {title}

这个文件夹（或压缩包）里的文件，让任何人都能自己重算一遍抽取，确认结果没有被人为改动。

文件说明
  manifest.json   抽取清单：任务、检查事项、筛选条件、分层、每层抽取比例和取整规则、排除名单及理由。
  pool.tsv        抽取池：每行一户，格式为「统一社会信用代码<制表符>分层」，按代码排序。
                  它的 SHA-256 摘要写在 manifest.json 里。
  sources.json    承诺与随机源：抽取前公布的承诺（清单摘要、承诺时间、事先指定的未来随机源），
                  以及开奖后揭示的随机数（drand 随机信标轮次、彩票号码、现场见证人号码）。
  result.json     抽取结果：种子、每层抽中的企业及其签号。
  matching-*.json （如有）检查人员随机匹配的输入和结果。
  verify_draw.py  验证程序（单个文件，只需要 Python 3.11 或更新版本）。

怎么验证
  1. 安装 Python 3（https://www.python.org，3.11 或更新版本）。
  2. 在本文件夹打开命令行，运行：
         python verify_draw.py .
     也可以直接验证压缩包：python verify_draw.py 验证包.zip
  3. 看到 PASS 表示全部一致；否则程序会逐条列出哪里不一致，例如
     「pool.tsv 的 SHA-256 与 manifest 中的摘要不一致」。
  4. 如果电脑上装有 py_ecc（pip install py_ecc），程序还会用 drand 链公钥验证随机信标的签名；
     没有安装时会提示跳过签名验证，其余检查照常进行。加 --no-signature 可主动跳过签名验证。

原理（简要）
  抽取前，清单和抽取池先被“冻结”并计算摘要，摘要连同承诺时间和“将来才会产生的随机数来源”一起公布。
  这些随机数在承诺时还不存在，任何人（包括组织抽取的部门）都无法事先知道。
  随机数揭示后，种子 = SHA-256（承诺摘要 + 各随机源的值）。每户企业的签号由种子和它的
  统一社会信用代码计算（与 Rivest 的 consistent_sampler 算法完全相同），每层签号最小的若干户中选。
  所以结果与名单顺序无关，也无法挑选：改动任何一户、任何一个随机数，都会被验证程序发现。
  详细规范见项目文档 docs/draw-protocol.md（协议版本 {PROTOCOL}）。
"""


def json_bytes(obj: Any) -> bytes:
    """A kit's JSON file: UTF-8, keys sorted, indented for people reading it."""
    return (json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")


def kit_files(
    manifest: Mapping[str, Any],
    pool: Pool,
    sources: Mapping[str, Any],
    result: Mapping[str, Any],
    extra: Mapping[str, bytes] | None = None,
    verifier: bytes | None = None,
) -> dict[str, bytes]:
    """Return the kit as {file name: bytes}."""
    files = {
        "manifest.json": json_bytes(manifest),
        "pool.tsv": pool.data,
        "sources.json": json_bytes(sources),
        "result.json": json_bytes(result),
        "README-zh.txt": readme_zh(manifest).encode("utf-8"),
    }
    for name, data in (extra or {}).items():
        if "/" in name or name in files:
            raise KitError(f"验证包附加文件名不合法：{name}")
        files[name] = data
    if verifier is not None:
        files["verify_draw.py"] = verifier
    return files


def write_kit(files: Mapping[str, bytes], target: Path) -> Path:
    """Write the kit as a directory, or as a deterministic zip when target ends with .zip."""
    target = Path(target)
    if target.suffix == ".zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in sorted(files):
                info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, files[name])
        target.write_bytes(buffer.getvalue())
        return target
    target.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (target / name).write_bytes(data)
    return target


def read_kit(path: Path) -> dict[str, bytes]:
    """Read a kit directory or zip into {file name: bytes}."""
    path = Path(path)
    if path.is_dir():
        return {p.name: p.read_bytes() for p in sorted(path.iterdir()) if p.is_file()}
    if path.is_file() and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            out: dict[str, bytes] = {}
            for name in archive.namelist():
                if not name.endswith("/"):
                    out[name.rsplit("/", 1)[-1]] = archive.read(name)
            return out
    raise KitError(f"找不到验证包：{path}（应为文件夹或 .zip 压缩包）")


def check_audit_head(manifest: Mapping[str, Any]) -> str | None:
    """The problem with the manifest's pinned audit head, in words, or None."""
    head = manifest.get("audit_head")
    if head is None:
        return "manifest.json 缺少审计链头 audit_head（冻结时平台审计链的末端），无法与公开的审计链头对照"
    if (
        not isinstance(head, dict)
        or isinstance(head.get("id"), bool)
        or not isinstance(head.get("id"), int)
        or head["id"] < 0
        or not isinstance(head.get("sha256"), str)
        or len(head["sha256"]) != 64
        or any(c not in "0123456789abcdef" for c in head["sha256"])
    ):
        return f"manifest.json 中的审计链头 audit_head 格式错误：应为 {{\"id\": 编号, \"sha256\": 64 位十六进制}}，实际为 {head!r}"
    return None
