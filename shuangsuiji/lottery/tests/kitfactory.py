"""Builds complete verification kits for tests, the way the Django side will."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

from shuangsuiji.lottery import bundle
from shuangsuiji.lottery.kit import (
    build_manifest,
    kit_files,
    manifest_digest,
    result_document,
    sources_document,
    write_kit,
)
from shuangsuiji.lottery.quota import CountRule
from shuangsuiji.lottery.sampling import Pool, draw
from shuangsuiji.lottery.sources import commit, reveal, seal_witness
from shuangsuiji.lottery.tests.vectors import QUICKNET_1000

STRATA = ("企业|A", "企业|B", "个体|C")
COMMITTED_AT = dt.datetime(2023, 8, 23, 15, 30, tzinfo=dt.UTC)  # before quicknet round 1000
WITNESS_NONCE = "5eed" * 8
DICE: dict[str, Any] = {"numbers": [[4, 1, 6]], "nonce": WITNESS_NONCE}
DECLARED: list[dict[str, Any]] = [
    {"type": "drand", "chain": "quicknet", "round": 1000},
    {"type": "lottery", "name": "示例福利彩票", "draw_date": "2023-08-24", "draw_time": "2023-08-24T13:15:00Z",
     "shape": [6, 1], "ranges": [[1, 33], [1, 16]], "distinct": True},
    {"type": "witness", "name": "现场见证人（市民代表）", "shape": [3], "ranges": [[1, 6]],
     "seal": seal_witness(DICE["numbers"], WITNESS_NONCE)},
]
REVEALED: list[Any] = [dict(QUICKNET_1000), {"numbers": [[3, 7, 12, 19, 25, 31], [9]]}, dict(DICE)]
AUDIT_HEAD = {"id": 4021, "sha256": "ab" * 32}  # the platform's audit chain end when the pool was frozen
REVEALED_AT = "2023-08-24T14:00:00Z"  # after the lottery's draw, the latest of the three sources


def uscc_like(rng: random.Random) -> str:
    """Return an 18-character id shaped like a USCC (no check digit needed by the engine)."""
    return "9133" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(14))


def make_pool(n: int = 3000, seed: int = 1) -> Pool:
    """Return a pool of n USCC-like ids over three strata."""
    rng = random.Random(seed)
    ids = {uscc_like(rng) for _ in range(n)}
    return Pool.from_rows((i, rng.choice(STRATA)) for i in ids)


RULES = {"*": CountRule(ratio="0.01", minimum=1), "个体|C": CountRule(count=5)}


def make_kit_files(check_signature: bool = False, extra: dict[str, bytes] | None = None) -> dict[str, bytes]:
    """Freeze → commit → reveal → select → kit, with a real drand round."""
    pool = make_pool()
    first = pool.data.split(b"\t", 1)[0].decode()
    exclusions = {first: "已列入严重违法失信名单，依法另行处置"}
    manifest = build_manifest(
        {"id": "T-2023-001", "title": "2023 年食品经营者双随机抽查", "organ": "某市市场监督管理局"},
        pool,
        RULES,
        exclusions,
        items=["食品经营许可情况检查"],
        filters=["登记状态=存续", "经营范围含食品"],
        audit_head=AUDIT_HEAD,
    )
    commitment = commit(manifest_digest(manifest), COMMITTED_AT, DECLARED)
    seed, values = reveal(commitment, REVEALED, check_signature=check_signature)
    result = draw(seed, pool, RULES, exclusions)
    verifier = bundle.render().encode("utf-8")
    return kit_files(
        manifest,
        pool,
        sources_document(commitment, REVEALED, values, seed, REVEALED_AT),
        result_document(result, manifest_digest(manifest), commitment.digest),
        extra=extra,
        verifier=verifier,
    )


def make_kit(target: Path, **kwargs: Any) -> Path:
    """Write a kit directory (or zip when target ends with .zip)."""
    return write_kit(make_kit_files(**kwargs), target)
