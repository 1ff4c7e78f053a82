"""Stratified selection of the k lowest consistent-sampler tickets (ssj-draw/1 §4).

Performance notes (10 million entities must draw in seconds):
* every ticket hashes the same 64-byte prefix first, so one SHA-256 state is
  primed with it and copied per id;
* a ticket's leading digits are the hash integer's lowest decimal digits
  reversed, so ``x % 10**D`` looked up in a precomputed set keeps only ids
  whose ticket is below a per-stratum threshold; every dropped ticket is
  provably larger than every kept one, so the result stays exact (a stratum
  that keeps too few is rescanned with everything accepted);
* only kept candidates get the full decimal ticket;
* the pool stays one bytes object; with fork, workers read it without copies.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import itertools
import math
import multiprocessing
import operator
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from shuangsuiji.lottery.canonical import sha256_hex
from shuangsuiji.lottery.errors import PoolError, QuotaError
from shuangsuiji.lottery.quota import CountRule
from shuangsuiji.lottery.tickets import DEFAULT_DIGITS, fraction_from_int, seed_prefix, trim

PROTOCOL = "ssj-draw/1"
ALGORITHM = "consistent-sampler-1.0.10-first-ticket/lowest-k-per-stratum"
_TASK_BYTES = 4 << 20  # ~150k lines per task: small enough to bound worker memory
_PARALLEL_MIN_BYTES = 8 << 20  # below this, forking costs more than it saves
_BAD_CHARS = (b"\r", b"\x00")


def _fast_sha256() -> Any:
    """Return CPython's built-in SHA-256 type: its copy() avoids OpenSSL's costly EVP context copy."""
    try:
        from _sha256 import sha256  # CPython 3.11

        return sha256
    except ImportError:
        pass
    try:
        from _sha2 import sha256  # CPython 3.12+

        return sha256
    except ImportError:
        return hashlib.sha256


_sha256 = _fast_sha256()


def _check_name(value: str, what: str) -> None:
    """Refuse ids/strata that would break the one-line-per-entity TSV."""
    if not isinstance(value, str) or not value:
        raise PoolError(f"{what}不能为空")
    if any(c in value for c in "\t\n\r\x00") or value != value.strip():
        raise PoolError(f"{what}「{value!r}」含有制表符、换行符或首尾空白")


@dataclass(frozen=True)
class Pool:
    """The frozen pool in canonical form: `id<TAB>stratum\\n` lines sorted by id, UTF-8."""

    data: bytes
    strata: tuple[str, ...]  # sorted by code point; 1-based position = "第 N 层"
    counts: tuple[int, ...]

    @property
    def size(self) -> int:
        """Return the number of entities."""
        return sum(self.counts)

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, str]]) -> Pool:
        """Build the canonical pool from (id, stratum) pairs in any order."""
        table: dict[str, str] = {}
        for entity_id, stratum in rows:
            _check_name(entity_id, "企业标识")
            _check_name(stratum, "分层名称")
            if entity_id in table:
                raise PoolError(f"抽取池中企业「{entity_id}」重复出现")
            table[entity_id] = stratum
        data = "".join(f"{i}\t{table[i]}\n" for i in sorted(table)).encode("utf-8")
        return cls.from_tsv(data, set(table.values()))

    @classmethod
    def from_tsv(cls, data: bytes, strata: Iterable[str] | None = None) -> Pool:
        """Wrap canonical pool bytes; encoding, order and uniqueness are checked chunk by chunk when drawing."""
        if not data:
            raise PoolError("抽取池为空，无法抽取")
        if not data.endswith(b"\n"):
            raise PoolError("pool.tsv 最后一行必须以换行符结束")
        if strata is None:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise PoolError(f"pool.tsv 不是合法的 UTF-8 编码（第 {_line_of(data, exc.start)} 行）") from None
            names = sorted({line.rpartition("\t")[2] for line in text.splitlines()})
        else:
            names = sorted(set(strata))
        for name in names:
            _check_name(name, "分层名称")
        # Each line ends with exactly one "<TAB>known stratum<LF>" (names hold no TAB/LF), so these
        # counts sum to the line count iff every line ends in a known stratum; one TAB per line is
        # checked per chunk when drawing.
        counts = tuple(data.count(b"\t" + n.encode("utf-8") + b"\n") for n in names)
        if sum(counts) != data.count(b"\n"):
            raise PoolError(_first_bad_line(data, names))
        return cls(data, tuple(names), counts)

    @functools.cached_property
    def sha256(self) -> str:
        """Return the SHA-256 hex of pool.tsv (computed once, overlapping the scan when drawing)."""
        return sha256_hex(self.data)

    def rows(self) -> Iterator[tuple[str, str]]:
        """Yield (id, stratum) pairs in canonical order."""
        for line in self.data.decode("utf-8").splitlines():
            entity_id, _, stratum = line.partition("\t")
            yield entity_id, stratum

    def stratum_label(self, name: str) -> str:
        """Return the human label of a stratum, e.g. "第 2 层「企业|B」"."""
        return f"第 {self.strata.index(name) + 1} 层「{name}」"


def _line_of(data: bytes, position: int) -> int:
    """Return the 1-based line number of a byte position."""
    return data.count(b"\n", 0, position) + 1


def _first_bad_line(data: bytes, names: Iterable[str]) -> str:
    """Return a precise message for the first line that is not `id<TAB>known stratum`."""
    known = set(names)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"pool.tsv 不是合法的 UTF-8 编码（第 {_line_of(data, exc.start)} 行）"
    for number, line in enumerate(text.split("\n")[:-1], start=1):
        for bad in ("\r", "\x00"):
            if bad in line:
                return f"pool.tsv 第 {number} 行含有非法字符 {bad.encode()!r}"
        parts = line.split("\t")
        if len(parts) != 2 or not parts[0]:
            return f"pool.tsv 第 {number} 行格式错误：应为「统一社会信用代码<TAB>分层」，实际为 {line!r}"
        if parts[1] not in known:
            return f"pool.tsv 第 {number} 行的分层「{parts[1]}」未在清单中声明"
    return "pool.tsv 格式错误"


@dataclass(frozen=True)
class Drawn:
    """One drawn entity with its ticket as consistent_sampler prints it."""

    entity_id: str
    ticket: str


@dataclass(frozen=True)
class StratumResult:
    """Counts and winners of one stratum."""

    name: str
    population: int
    excluded: int
    eligible: int
    count: int
    drawn: tuple[Drawn, ...]

    def to_json(self) -> dict[str, Any]:
        """Return the result.json form."""
        return {
            "name": self.name,
            "population": self.population,
            "excluded": self.excluded,
            "eligible": self.eligible,
            "count": self.count,
            "drawn": [{"id": d.entity_id, "ticket": d.ticket} for d in self.drawn],
        }


@dataclass(frozen=True)
class DrawResult:
    """The outcome of a draw: winners per stratum in ticket order, plus what it depended on."""

    seed: str
    pool_sha256: str
    strata: tuple[StratumResult, ...]
    algorithm: str = ALGORITHM
    protocol: str = PROTOCOL

    @property
    def drawn_ids(self) -> list[str]:
        """Return every drawn id, stratum by stratum, in ticket order."""
        return [d.entity_id for s in self.strata for d in s.drawn]

    @property
    def counts(self) -> dict[str, int]:
        """Return the number drawn per stratum."""
        return {s.name: s.count for s in self.strata}

    def to_json(self) -> dict[str, Any]:
        """Return the result.json form (the kit adds the commitment and manifest digests)."""
        return {
            "protocol": self.protocol,
            "algorithm": self.algorithm,
            "seed": self.seed,
            "pool_sha256": self.pool_sha256,
            "strata": [s.to_json() for s in self.strata],
        }


def resolve_rules(rules: CountRule | Mapping[str, CountRule | int], pool: Pool) -> dict[str, CountRule]:
    """Map every stratum of the pool to its rule ("*" is the default)."""
    if isinstance(rules, CountRule):
        return {name: rules for name in pool.strata}
    table = {k: (v if isinstance(v, CountRule) else CountRule.from_json(v)) for k, v in rules.items()}
    for name in table:
        if name != "*" and name not in pool.strata:
            raise QuotaError(f"抽取规则中的分层「{name}」不在抽取池中（池中分层：{'、'.join(pool.strata)}）")
    out: dict[str, CountRule] = {}
    for name in pool.strata:
        rule = table.get(name, table.get("*"))
        if rule is None:
            raise QuotaError(f"{pool.stratum_label(name)}没有抽取规则")
        out[name] = rule
    return out


# --- the scan -------------------------------------------------------------

@dataclass
class _ScanState:
    """What forked workers read from the parent (set just before forking)."""

    data: bytes = b""
    prefix: bytes = b""
    filters: dict[bytes, tuple[int, frozenset[int]]] = field(default_factory=dict)
    tail_table: bytes = bytes(256)
    excluded: frozenset[bytes] = frozenset()


_STATE = _ScanState()


@dataclass
class _Chunk:
    """A worker's answer for one byte range of the pool."""

    start: int
    first: bytes
    last: bytes
    candidates: list[tuple[bytes, bytes, int]]
    excluded_hits: list[tuple[bytes, bytes]]
    error: tuple[int, str] | None = None  # (line index within chunk, reason)


def _scan(span: tuple[int, int]) -> _Chunk:
    """Hash every id of data[start:end] and keep those under their stratum's threshold."""
    start, end = span
    st_ = _STATE
    chunk = st_.data[start:end]
    problem = _chunk_problem(chunk)
    if problem is not None:
        return _Chunk(start, b"", b"", [], [], problem)
    # One C-level split gives [id, stratum, id, stratum, ...]: one TAB per line was just checked.
    parts = chunk.replace(b"\n", b"\t").split(b"\t")
    del chunk
    parts.pop()
    ids = parts[0::2]
    strata = parts[1::2]
    del parts
    if not ids[0] or not set(strata) <= st_.filters.keys() or not all(map(operator.lt, ids, itertools.islice(ids, 1, None))):
        return _Chunk(start, b"", b"", [], [], _locate_error(ids, strata))
    copy = _sha256(st_.prefix).copy
    # The hot loop (one primed-state copy per id); update() returns None, hence "not".
    digests = [h.digest() for uid in ids if not (h := copy()).update(uid)]
    # Pre-filter on the last hash byte (= x mod 256) in C; see _filter_for for why it is exact.
    tails = b"".join(digests)[31::32].translate(st_.tail_table)
    from_bytes = int.from_bytes
    filters = st_.filters
    keep = []
    for i in itertools.compress(range(len(ids)), tails):
        modulus, accept = filters[strata[i]]
        value = from_bytes(digests[i], "big")
        if value % modulus in accept:
            keep.append((ids[i], strata[i], value))
    hits: list[tuple[bytes, bytes]] = []
    if st_.excluded:
        for uid in st_.excluded.intersection(ids):
            hits.append((uid, strata[bisect.bisect_left(ids, uid)]))
        keep = [k for k in keep if k[0] not in st_.excluded]
    return _Chunk(start, ids[0], ids[-1], keep, hits)


def _chunk_problem(chunk: bytes) -> tuple[int, str] | None:
    """Check encoding, stray bytes and one TAB per line of a chunk, all at C speed."""
    try:
        chunk.decode("utf-8")
    except UnicodeDecodeError as exc:
        return chunk.count(b"\n", 0, exc.start), "不是合法的 UTF-8 编码"
    for bad in _BAD_CHARS:
        if bad in chunk:
            return chunk.count(b"\n", 0, chunk.index(bad)), f"含有非法字符 {bad!r}"
    if chunk.count(b"\t") != chunk.count(b"\n"):
        for index, line in enumerate(chunk.split(b"\n")):
            if line.count(b"\t") != 1:
                return index, "格式错误：应为「统一社会信用代码<TAB>分层」"
    return None


def _locate_error(ids: list[bytes], strata: list[bytes]) -> tuple[int, str]:
    """Find which line of a chunk broke the scan (slow path, errors only)."""
    prev = b""
    for index, (uid, stratum) in enumerate(zip(ids, strata, strict=True)):
        if not uid:
            return index, "企业标识为空"
        if uid <= prev:
            return index, f"未按企业标识升序排列或有重复（{uid.decode('utf-8', 'replace')}）"
        if stratum not in _STATE.filters:
            return index, f"分层「{stratum.decode('utf-8', 'replace')}」未在清单中声明"
        prev = uid
    return 0, "格式错误"


def _spans(data: bytes) -> list[tuple[int, int]]:
    """Cut the pool into line-aligned byte ranges."""
    spans = []
    start = 0
    while start < len(data):
        end = data.find(b"\n", min(start + _TASK_BYTES, len(data)) - 1) + 1
        spans.append((start, end))
        start = end
    return spans


_KEEP_ALL = (1, frozenset({0}))
_KEEP_NONE = (1, frozenset[int]())


def _filter_for(expected: float, population: int) -> tuple[int, frozenset[int]]:
    """Return (10**D, residues) keeping tickets below ≈expected/population; (1, {0}) keeps all."""
    share = expected / max(population, 1)
    if share >= 0.5:
        return _KEEP_ALL
    width = max(1, math.ceil(math.log10(1e4 / share)))
    threshold = int(share * 10**width)
    # Ticket digit i is the i-th lowest decimal digit of x, so ticket prefix P <-> residue reversed(P);
    # every ticket with prefix > threshold is larger than every kept ticket: the cut is exact.
    residues = frozenset(int(f"{p:0{width}d}"[::-1]) for p in range(threshold + 1))
    return 10**width, residues


def _tail_table(filters: Iterable[tuple[int, frozenset[int]]]) -> bytes:
    """Return a bytes.translate table marking last-hash-bytes that some stratum could accept."""
    allowed = bytearray(256)
    for modulus, residues in filters:
        # x mod 2**b is fixed by x mod modulus when 2**b divides modulus (b ≤ 8: one byte).
        bits = min(8, (modulus & -modulus).bit_length() - 1)
        low = {r % (1 << bits) for r in residues}
        for byte in range(256):
            if byte % (1 << bits) in low:
                allowed[byte] = 1
    return bytes(allowed)


def _run(pool: Pool, spans: list[tuple[int, int]], processes: int) -> list[_Chunk]:
    """Run the scan over spans, in forked workers when it pays."""
    if processes > 1 and len(pool.data) >= _PARALLEL_MIN_BYTES and "fork" in multiprocessing.get_all_start_methods():
        with multiprocessing.get_context("fork").Pool(processes) as workers:
            pending = workers.map_async(_scan, spans, chunksize=1)
            pool.sha256  # noqa: B018 -- hash the file while the workers scan it
            return pending.get()
    return [_scan(s) for s in spans]


def draw(
    seed: str,
    pool: Pool,
    rules: CountRule | Mapping[str, CountRule | int],
    exclusions: Mapping[str, str] | None = None,
    processes: int | None = None,
) -> DrawResult:
    """Draw, in every stratum, the eligible entities with the k lowest tickets."""
    if pool.size == 0:
        raise PoolError("抽取池为空，无法抽取")
    if not isinstance(seed, str) or not seed:
        raise PoolError("种子不能为空")
    by_stratum = resolve_rules(rules, pool)
    exclusions = dict(exclusions or {})
    for entity_id, reason in exclusions.items():
        if not isinstance(reason, str) or not reason.strip():
            raise PoolError(f"排除企业「{entity_id}」必须写明排除理由")
    n_excluded = len(exclusions)

    # Thresholds from an upper bound of k and a lower bound of the eligible count.
    filters: dict[bytes, tuple[int, frozenset[int]]] = {}
    for name, population in zip(pool.strata, pool.counts, strict=True):
        k_up = by_stratum[name].raw(population)
        low = max(1, population - n_excluded)
        expected = 1.25 * k_up + 10 * math.sqrt(k_up) + 100
        filters[name.encode("utf-8")] = _filter_for(expected, low)

    _STATE.data, _STATE.prefix = pool.data, seed_prefix(seed)
    _STATE.excluded = frozenset(e.encode("utf-8") for e in exclusions)
    spans = _spans(pool.data)
    procs = processes or os.cpu_count() or 1
    try:
        _STATE.filters = filters
        _STATE.tail_table = _tail_table(filters.values())
        chunks = _run(pool, spans, procs)
        _check_chunks(pool, chunks)
        excluded_by: dict[str, int] = {name: 0 for name in pool.strata}
        found = set()
        for c in chunks:
            for uid, stratum in c.excluded_hits:
                excluded_by[stratum.decode("utf-8")] += 1
                found.add(uid.decode("utf-8"))
        missing = sorted(set(exclusions) - found)
        if missing:
            shown = "、".join(missing[:5]) + ("等" if len(missing) > 5 else "")
            raise PoolError(f"排除名单中有 {len(missing)} 户不在抽取池中：{shown}")
        counts = {
            name: by_stratum[name].compute(population - excluded_by[name], pool.stratum_label(name))
            for name, population in zip(pool.strata, pool.counts, strict=True)
        }
        candidates = _group(chunks)
        short = [n for n in pool.strata if len(candidates.get(n, [])) < counts[n]]
        if short:
            # Rare: the threshold kept too few; rescan those strata keeping everything.
            _STATE.filters = {n.encode("utf-8"): (_KEEP_ALL if n in short else _KEEP_NONE) for n in pool.strata}
            _STATE.tail_table = _tail_table([_KEEP_ALL])
            again = _group(_run(pool, spans, procs))
            candidates.update({n: again.get(n, []) for n in short})
    finally:
        _STATE.data, _STATE.filters, _STATE.excluded = b"", {}, frozenset()

    strata = []
    for name, population in zip(pool.strata, pool.counts, strict=True):
        ranked = sorted(candidates.get(name, []))[: counts[name]]
        strata.append(
            StratumResult(
                name=name,
                population=population,
                excluded=excluded_by[name],
                eligible=population - excluded_by[name],
                count=counts[name],
                drawn=tuple(Drawn(uid, trim(full, DEFAULT_DIGITS)) for full, uid in ranked),
            )
        )
    return DrawResult(seed=seed, pool_sha256=pool.sha256, strata=tuple(strata))


def _check_chunks(pool: Pool, chunks: list[_Chunk]) -> None:
    """Turn worker errors into line-numbered messages and check order across chunk borders."""
    for c in chunks:
        if c.error is not None:
            index, reason = c.error
            line_no = pool.data.count(b"\n", 0, c.start) + index + 1
            raise PoolError(f"pool.tsv 第 {line_no} 行{reason}")
    for left, right in zip(chunks, chunks[1:], strict=False):
        if right.first.partition(b"\t")[0] <= left.last:
            line_no = pool.data.count(b"\n", 0, right.start) + 1
            raise PoolError(f"pool.tsv 第 {line_no} 行未按企业标识升序排列或有重复")


def _group(chunks: list[_Chunk]) -> dict[str, list[tuple[str, str]]]:
    """Group kept candidates by stratum as (full ticket, id) pairs: the reference's sort order."""
    out: dict[str, list[tuple[str, str]]] = {}
    for c in chunks:
        for uid, stratum, value in c.candidates:
            out.setdefault(stratum.decode("utf-8"), []).append((fraction_from_int(value), uid.decode("utf-8")))
    return out
