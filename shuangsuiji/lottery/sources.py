"""Commitments, randomness sources and the seed (ssj-draw/1 §2–§3)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from shuangsuiji.lottery import beacon, rfc3797
from shuangsuiji.lottery.canonical import json_digest
from shuangsuiji.lottery.errors import SourceError

PROTOCOL = "ssj-draw/1"
CHINA_TZ = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")
_DATE = re.compile(r"\A\d{4}-\d{2}-\d{2}\Z")
_HEX64 = re.compile(r"\A[0-9a-f]{64}\Z")
_NONCE = re.compile(r"\A[0-9a-f]{32,128}\Z")
# Sources nobody can know at commit time. Witness numbers are sealed at commit, so they are known to
# whoever typed them in: a draw that has only witness numbers is a rehearsal, never a binding draw.
BINDING = ("drand", "lottery")


def parse_time(value: str) -> dt.datetime:
    """Parse an ISO 8601 timestamp that must carry a UTC offset."""
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        raise SourceError(f"承诺时间格式错误：{value!r}（应为带时区的 ISO 8601 时间）") from None
    if parsed.tzinfo is None:
        raise SourceError(f"承诺时间缺少时区：{value!r}")
    return parsed


def format_time(moment: dt.datetime) -> str:
    """Format a timezone-aware datetime as the canonical UTC string used in commitments."""
    if moment.tzinfo is None:
        raise SourceError("承诺时间缺少时区")
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _shape_of(decl: dict[str, Any], label: str) -> list[int]:
    """Return the declared group sizes of a lottery/witness source."""
    shape = decl.get("shape")
    if (
        not isinstance(shape, list)
        or not shape
        or any(isinstance(n, bool) or not isinstance(n, int) or n < 1 for n in shape)
    ):
        raise SourceError(f"{label}的 shape 应为正整数列表（每组号码个数），实际为 {shape!r}")
    return list(shape)


def _check_ranges_declared(decl: dict[str, Any], shape: list[int], label: str) -> None:
    """Optional per-group number ranges ``ranges: [[lo, hi], ...]`` and ``distinct`` (e.g. lottery balls)."""
    ranges = decl.get("ranges")
    if ranges is not None and (
        not isinstance(ranges, list)
        or len(ranges) != len(shape)
        or any(
            not isinstance(r, list) or len(r) != 2 or any(isinstance(n, bool) or not isinstance(n, int) for n in r)
            or not 0 <= r[0] <= r[1]
            for r in ranges
        )
    ):
        raise SourceError(f"{label}的 ranges 应为每组一个 [最小值, 最大值]（共 {len(shape)} 组），实际为 {ranges!r}")
    if "distinct" in decl and not isinstance(decl["distinct"], bool):
        raise SourceError(f"{label}的 distinct 应为 true 或 false")
    if decl.get("distinct") and ranges is not None:
        for i, ((lo, hi), n) in enumerate(zip(ranges, shape, strict=True), start=1):
            if hi - lo + 1 < n:
                raise SourceError(f"{label}第 {i} 组要 {n} 个互不相同的号码，但范围 {lo}–{hi} 不够")


def publication_time(decl: dict[str, Any]) -> dt.datetime | None:
    """When a declared source becomes public: a drand round's time, a lottery's draw time. Witness
    numbers are sealed at commit and have none."""
    if decl.get("type") == "drand":
        return dt.datetime.fromtimestamp(beacon.round_time(str(decl["chain"]), int(decl["round"])), dt.UTC)
    if decl.get("type") == "lottery":
        return parse_time(str(decl["draw_time"]))
    return None


def check_declaration(decl: object, committed_at: dt.datetime, index: int) -> dict[str, Any]:
    """Validate one declared source and refuse any source that already existed at commit time."""
    label = f"第 {index} 个随机源"
    if not isinstance(decl, dict):
        raise SourceError(f"{label}声明格式错误：应为 JSON 对象")
    kind = decl.get("type")
    if kind == "drand":
        chain = beacon.get_chain(str(decl.get("chain")))
        round_no = decl.get("round")
        if isinstance(round_no, bool) or not isinstance(round_no, int) or round_no < 1:
            raise SourceError(f"{label}（drand）的轮次应为正整数，实际为 {round_no!r}")
        published = beacon.round_time(chain, round_no)
        if published <= committed_at.timestamp():
            when = dt.datetime.fromtimestamp(published, CHINA_TZ).isoformat()
            raise SourceError(
                f"{label}：drand {chain.name} 链第 {round_no} 轮发布于 {when}，"
                f"不晚于承诺时间 {committed_at.astimezone(CHINA_TZ).isoformat()}，不能作为随机源"
            )
    elif kind == "lottery":
        date = decl.get("draw_date")
        if not isinstance(date, str) or not _DATE.match(date):
            raise SourceError(f"{label}（彩票）的开奖日期应为 YYYY-MM-DD，实际为 {date!r}")
        if not decl.get("name"):
            raise SourceError(f"{label}（彩票）缺少彩票名称 name")
        _check_ranges_declared(decl, _shape_of(decl, label), label)
        commit_date = committed_at.astimezone(CHINA_TZ).date().isoformat()
        if date <= commit_date:
            raise SourceError(
                f"{label}：彩票「{decl['name']}」开奖日期 {date} 不晚于承诺日期 {commit_date}（北京时间），不能作为随机源"
            )
        if not isinstance(decl.get("draw_time"), str):
            raise SourceError(f"{label}（彩票）缺少开奖时间 draw_time（带时区的 ISO 8601 时间）")
        draw_time = parse_time(decl["draw_time"])
        if draw_time.astimezone(CHINA_TZ).date().isoformat() != date:
            raise SourceError(f"{label}（彩票）的开奖时间 {decl['draw_time']} 不在开奖日期 {date}（北京时间）")
    elif kind == "witness":
        if not decl.get("name"):
            raise SourceError(f"{label}（现场见证人）缺少见证人名称 name")
        _check_ranges_declared(decl, _shape_of(decl, label), label)
        if not isinstance(decl.get("seal"), str) or not _HEX64.match(decl["seal"]):
            raise SourceError(
                f"{label}（现场见证人）缺少封存摘要 seal：见证人号码须在承诺时封存（SHA-256，64 位十六进制），"
                "揭晓时不能再输入新的号码"
            )
    else:
        raise SourceError(f"{label}的类型「{kind}」未知：只支持 drand、lottery、witness")
    return decl


@dataclass(frozen=True)
class Commitment:
    """What is published before any randomness exists."""

    manifest_sha256: str
    committed_at: str
    sources: tuple[dict[str, Any], ...]
    rehearsal: bool = False

    def to_json(self) -> dict[str, Any]:
        """Return the JSON object whose canonical digest is the commitment digest."""
        out: dict[str, Any] = {
            "protocol": PROTOCOL,
            "manifest_sha256": self.manifest_sha256,
            "committed_at": self.committed_at,
            "sources": [dict(s) for s in self.sources],
        }
        if self.rehearsal:
            out["rehearsal"] = True
        return out

    @property
    def digest(self) -> str:
        """Return the commitment digest (SHA-256 of its canonical JSON)."""
        return json_digest(self.to_json())

    @classmethod
    def from_json(cls, data: object) -> Commitment:
        """Rebuild and validate a commitment read from sources.json."""
        if not isinstance(data, dict) or data.get("protocol") != PROTOCOL:
            raise SourceError(f"承诺格式错误：缺少或不支持的协议版本（应为 {PROTOCOL}）")
        sources = data.get("sources")
        if not isinstance(sources, list):
            raise SourceError("承诺格式错误：sources 应为列表")
        rehearsal = data.get("rehearsal", False)
        if not isinstance(rehearsal, bool):
            raise SourceError("承诺格式错误：rehearsal 应为 true 或 false")
        return commit(str(data.get("manifest_sha256")), parse_time(str(data.get("committed_at"))), sources, rehearsal)


def commit(
    manifest_sha256: str, committed_at: dt.datetime, sources: Sequence[dict[str, Any]], rehearsal: bool = False
) -> Commitment:
    """Create a commitment; refuses sources that exist before committed_at, and a binding draw without a
    source nobody can know at commit time."""
    if not re.fullmatch(r"[0-9a-f]{64}", manifest_sha256 or ""):
        raise SourceError(f"清单摘要格式错误：{manifest_sha256!r}")
    if not sources:
        raise SourceError("承诺中至少要声明一个未来的随机源")
    when = parse_time(format_time(committed_at))
    checked = tuple(check_declaration(dict(d), when, i) for i, d in enumerate(sources, start=1))
    if not rehearsal and not any(d["type"] in BINDING for d in checked):
        raise SourceError(
            "正式抽取至少要声明一个承诺时任何人都无法知道的公共随机源（drand 轮次或彩票开奖号码）；"
            "仅用现场见证人号码的抽取只能作为演练"
        )
    return Commitment(manifest_sha256, format_time(committed_at), checked, rehearsal)


def seal_witness(numbers: Sequence[Sequence[int]], nonce: str) -> str:
    """The seal of witness numbers published in the commitment: digest of their RFC 3797 key string and a
    random nonce (the nonce keeps a few dice from being guessed from the seal)."""
    if not isinstance(nonce, str) or not _NONCE.match(nonce):
        raise SourceError("见证人号码的随机数 nonce 应为 32–128 位小写十六进制")
    return json_digest({"numbers": rfc3797.key_string(numbers), "nonce": nonce})


def _check_numbers_shape(numbers: object, shape: list[int], label: str) -> list[list[int]]:
    """Check revealed numbers against the declared shape."""
    if not isinstance(numbers, list) or len(numbers) != len(shape) or any(
        not isinstance(g, list) or len(g) != n for g, n in zip(numbers, shape, strict=False)
    ):
        actual = [len(g) if isinstance(g, list) else "?" for g in numbers] if isinstance(numbers, list) else numbers
        raise SourceError(f"{label}号码格式不符：应为 {len(shape)} 组，每组个数 {shape}，实际为 {actual!r}")
    rfc3797.key_string(numbers)  # same integer checks as the key string
    return numbers


def canonical_value(decl: dict[str, Any], revealed: object, index: int, check_signature: bool = True) -> str:
    """Verify one revealed source against its declaration and return its canonical value string."""
    label = f"第 {index} 个随机源"
    if not isinstance(revealed, dict):
        raise SourceError(f"{label}的揭示值格式错误：应为 JSON 对象")
    kind = decl["type"]
    if kind == "drand":
        round_json = revealed.get("round_json", revealed)
        if isinstance(round_json, dict) and round_json.get("round") != decl["round"]:
            raise SourceError(
                f"{label}：揭示的 drand 轮次 {round_json.get('round')!r} 与承诺的第 {decl['round']} 轮不一致"
            )
        randomness = beacon.verify_drand(round_json, str(decl["chain"]), check_signature=check_signature)
        return randomness.hex()
    label += "（彩票）" if kind == "lottery" else "（见证人）"
    numbers = _check_numbers_shape(revealed.get("numbers"), decl["shape"], label)
    maximum = decl.get("max")
    if isinstance(maximum, int) and any(n > maximum for g in numbers for n in g):
        raise SourceError(f"{label}的号码超出范围：最大应为 {maximum}")
    for i, group in enumerate(numbers, start=1):
        if decl.get("ranges"):
            lo, hi = decl["ranges"][i - 1]
            bad = [n for n in group if not lo <= n <= hi]
            if bad:
                raise SourceError(f"{label}第 {i} 组的号码 {bad[0]} 超出范围 {lo}–{hi}")
        if decl.get("distinct") and len(set(group)) != len(group):
            raise SourceError(f"{label}第 {i} 组的号码有重复：{group}")
    if kind == "witness":
        if seal_witness(numbers, revealed.get("nonce")) != decl["seal"]:  # type: ignore[arg-type]
            raise SourceError(f"{label}的号码与承诺时封存的摘要（seal）不一致：揭晓时不能改动见证人号码")
    return rfc3797.key_string(numbers)


def check_reveal_time(
    commitment: Commitment, revealed_at: dt.datetime, margins: Sequence[dt.timedelta] = ()
) -> None:
    """Refuse a reveal before the commitment, or before any declared source was public plus its margin
    (``margins[i]`` for the i-th source; none by default)."""
    if revealed_at < parse_time(commitment.committed_at):
        raise SourceError(f"揭晓时间 {format_time(revealed_at)} 早于承诺时间 {commitment.committed_at}")
    for i, decl in enumerate(commitment.sources, start=1):
        public = publication_time(decl)
        margin = margins[i - 1] if i <= len(margins) else dt.timedelta(0)
        if public is not None and revealed_at < public + margin:
            what = f"drand 第 {decl['round']} 轮" if decl["type"] == "drand" else f"彩票「{decl['name']}」"
            extra = f"（另加 {int(margin.total_seconds() // 60)} 分钟核对时间）" if margin else ""
            raise SourceError(
                f"第 {i} 个随机源{what}的公布时间为北京时间 {public.astimezone(CHINA_TZ):%Y-%m-%d %H:%M}{extra}，"
                f"揭晓时间 {revealed_at.astimezone(CHINA_TZ):%Y-%m-%d %H:%M:%S} 早于它：开奖前不能揭晓"
            )


def derive_seed(commitment_sha256: str, values: Sequence[str]) -> str:
    """Return the seed: SHA-256 hex of canonical JSON {"commitment": digest, "sources": values}."""
    return json_digest({"commitment": commitment_sha256, "sources": list(values)})


def reveal(commitment: Commitment, revealed: Sequence[object], check_signature: bool = True) -> tuple[str, list[str]]:
    """Verify revealed values in declared order; return (seed, canonical values)."""
    if len(revealed) != len(commitment.sources):
        raise SourceError(f"揭示的随机源个数 {len(revealed)} 与承诺中声明的 {len(commitment.sources)} 个不一致")
    values = [
        canonical_value(decl, value, i, check_signature)
        for i, (decl, value) in enumerate(zip(commitment.sources, revealed, strict=True), start=1)
    ]
    return derive_seed(commitment.digest, values), values
