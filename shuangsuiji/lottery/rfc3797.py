"""RFC 3797 §4 key strings and MD5-based selection (publicly verifiable NomCom selection)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from shuangsuiji.lottery.errors import SourceError

MAX_SELECT = 0x10000  # the round index is written in two bytes


def _check_numbers(sources: object) -> list[list[int]]:
    """Validate the shape of RFC 3797 sources: a non-empty list of non-empty lists of integers ≥ 0."""
    if not isinstance(sources, (list, tuple)) or not sources:
        raise SourceError("随机数来源格式错误：应为非空的号码组列表，例如 [[9, 18, 26], [3]]")
    checked: list[list[int]] = []
    for index, group in enumerate(sources, start=1):
        if not isinstance(group, (list, tuple)) or not group:
            raise SourceError(f"随机数来源格式错误：第 {index} 组应为非空的整数列表，实际为 {group!r}")
        for number in group:
            # bool is an int subclass; True would silently become 1.
            if isinstance(number, bool) or not isinstance(number, int) or number < 0:
                raise SourceError(f"随机数来源格式错误：第 {index} 组含有非法号码 {number!r}（应为非负整数）")
        checked.append([int(n) for n in group])
    return checked


def key_string(sources: Sequence[Sequence[int]]) -> str:
    """Return the RFC 3797 key string: each source's numbers sorted, each followed by '.', each source by '/'."""
    groups = _check_numbers(sources)
    return "".join("".join(f"{n}." for n in sorted(group)) + "/" for group in groups)


def digest(key: str, index: int) -> bytes:
    """Return MD5(index_be16 || key || index_be16), the RFC 3797 hash of selection round `index` (0-based)."""
    affix = index.to_bytes(2, "big")
    return hashlib.md5(affix + key.encode("ascii") + affix).digest()


def select(key: str, pool_size: int, count: int) -> list[int]:
    """Return `count` 1-based pool positions in selection order, per RFC 3797 §4."""
    if pool_size <= 0:
        raise SourceError("RFC 3797 选择：候选池为空")
    if count < 0 or count > pool_size:
        raise SourceError(f"RFC 3797 选择：要选 {count} 个，但候选池只有 {pool_size} 个")
    if count > MAX_SELECT:
        raise SourceError(f"RFC 3797 选择：一次最多选 {MAX_SELECT} 个")
    remaining = list(range(1, pool_size + 1))
    chosen: list[int] = []
    for index in range(count):
        value = int.from_bytes(digest(key, index), "big")
        chosen.append(remaining.pop(value % len(remaining)))
    return chosen
