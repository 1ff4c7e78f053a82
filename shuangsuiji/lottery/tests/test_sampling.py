"""Stratified draws equal the reference sampler, ignore pool order, and refuse bad input in Chinese."""

from __future__ import annotations

import random

import consistent_sampler as cs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shuangsuiji.lottery import sampling
from shuangsuiji.lottery.errors import PoolError, QuotaError
from shuangsuiji.lottery.quota import CountRule
from shuangsuiji.lottery.sampling import Pool, draw
from shuangsuiji.lottery.tests.kitfactory import make_pool

SEED = "5f2c" * 16


def _reference(pool: Pool, seed: str, stratum: str, k: int, excluded: set[str]) -> list[tuple[str, str]]:
    ids = [i for i, s in pool.rows() if s == stratum and i not in excluded]
    return [(t[1], t[0]) for t in cs.sampler(ids, seed=seed, take=k)]


def _as_pairs(result: sampling.DrawResult, stratum: str) -> list[tuple[str, str]]:
    return [(d.entity_id, d.ticket) for s in result.strata if s.name == stratum for d in s.drawn]


def test_a_large_draw_through_the_threshold_filter_equals_the_reference_sampler() -> None:
    pool = make_pool(20000, seed=11)
    excluded = {i for n, (i, _) in enumerate(pool.rows()) if n % 37 == 0}
    result = draw(SEED, pool, CountRule(ratio="0.002"), {i: "已注销" for i in excluded})
    for s in result.strata:
        assert s.count == int(round(s.eligible * 0.002 + 1e-9)) or s.count >= 1
        assert _as_pairs(result, s.name) == _reference(pool, SEED, s.name, s.count, excluded)
        assert s.excluded == sum(1 for i, st_ in pool.rows() if st_ == s.name and i in excluded)


def test_forked_workers_give_the_same_result_as_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    pool = make_pool(6000, seed=5)
    rules = CountRule(ratio="0.005")
    serial = draw(SEED, pool, rules, processes=1)
    monkeypatch.setattr(sampling, "_PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(sampling, "_TASK_BYTES", 4096)
    assert draw(SEED, pool, rules, processes=2) == serial


def test_a_threshold_that_keeps_too_few_falls_back_to_a_full_rescan(monkeypatch: pytest.MonkeyPatch) -> None:
    pool = make_pool(3000, seed=9)
    rules = CountRule(ratio="0.05")
    honest = draw(SEED, pool, rules)
    monkeypatch.setattr(sampling, "_filter_for", lambda expected, population: (10**6, frozenset({0})))
    assert draw(SEED, pool, rules) == honest


def test_pool_order_does_not_matter() -> None:
    rows = list(make_pool(500, seed=2).rows())
    shuffled = rows[:]
    random.Random(4).shuffle(shuffled)
    rules = CountRule(ratio="0.03")
    assert draw(SEED, Pool.from_rows(rows), rules) == draw(SEED, Pool.from_rows(shuffled), rules)


def test_the_result_reports_digest_counts_and_tickets() -> None:
    pool = make_pool(800, seed=3)
    result = draw(SEED, pool, {"*": 4, "个体|C": CountRule(ratio="0.01", rounding="ceil")})
    assert result.pool_sha256 == pool.sha256
    assert result.counts["企业|A"] == 4
    assert result.counts["个体|C"] == -(-[c for n, c in zip(pool.strata, pool.counts, strict=False) if n == "个体|C"][0] // 100)
    assert len(result.drawn_ids) == sum(result.counts.values())
    doc = result.to_json()
    assert doc["protocol"] == "ssj-draw/1" and doc["strata"][0]["drawn"][0]["ticket"].startswith("0.")


ENTITIES = st.lists(
    st.tuples(st.text(alphabet="0123456789ABCDEFGH", min_size=4, max_size=18), st.sampled_from(["甲", "乙"])),
    min_size=6,
    max_size=60,
    unique_by=lambda r: r[0],
).filter(lambda rows: all(sum(1 for _, s in rows if s == x) >= 3 for x in ("甲", "乙")))


@settings(max_examples=80, deadline=None)
@given(rows=ENTITIES, seed=st.text(min_size=1, max_size=16), pick=st.integers(0, 10**6))
def test_removing_a_non_drawn_entity_never_changes_who_is_drawn(rows: list[tuple[str, str]], seed: str, pick: int) -> None:
    rules = CountRule(count=2)
    before = draw(seed, Pool.from_rows(rows), rules)
    losers = [r for r in rows if r[0] not in set(before.drawn_ids)]
    victim = losers[pick % len(losers)]
    after = draw(seed, Pool.from_rows([r for r in rows if r != victim]), rules)
    assert after.drawn_ids == before.drawn_ids
    # Excluding it instead of removing it is the same thing.
    excluded = draw(seed, Pool.from_rows(rows), rules, {victim[0]: "测试排除"})
    assert excluded.drawn_ids == before.drawn_ids


@settings(max_examples=40, deadline=None)
@given(rows=ENTITIES, seed=st.text(min_size=1, max_size=16))
def test_every_stratum_draw_equals_the_reference_sampler(rows: list[tuple[str, str]], seed: str) -> None:
    pool = Pool.from_rows(rows)
    result = draw(seed, pool, CountRule(count=3))
    for name in pool.strata:
        assert _as_pairs(result, name) == _reference(pool, seed, name, 3, set())


# --- bad input -------------------------------------------------------------

def _tiny() -> Pool:
    return Pool.from_rows([("A1", "企业|A"), ("A2", "企业|A"), ("B1", "企业|B")])


@pytest.mark.parametrize(
    ("rules", "error", "message"),
    [
        (CountRule(ratio="0.1"), QuotaError, "第 1 层「企业|A」按比例 0.1 计算的抽取户数为 0（有效户数 2）；如确实不抽取，请在规则中设置 allow_zero"),
        (CountRule(count=3), QuotaError, "第 1 层「企业|A」需抽取 3 户，但排除后有效户数只有 2 户"),
        ({"企业|C": 1, "*": 1}, QuotaError, "抽取规则中的分层「企业|C」不在抽取池中（池中分层：企业|A、企业|B）"),
        ({"企业|A": 1}, QuotaError, "第 2 层「企业|B」没有抽取规则"),
    ],
)
def test_bad_counts_are_refused_in_chinese(rules: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error) as caught:
        draw(SEED, _tiny(), rules)  # type: ignore[arg-type]
    assert str(caught.value) == message


def test_a_zero_count_is_allowed_when_explicitly_asked() -> None:
    result = draw(SEED, _tiny(), CountRule(ratio="0.1", allow_zero=True))
    assert result.drawn_ids == []


def test_half_up_rounding_is_exact_decimal_arithmetic() -> None:
    assert CountRule(ratio="0.05").raw(50) == 3  # 2.5 → 3, where float rounding would give 2
    assert CountRule(ratio="0.05").raw(49) == 2
    assert CountRule(ratio="0.01", rounding="ceil").raw(101) == 2
    assert CountRule(ratio="0.5", minimum=2, maximum=3).raw(100) == 3
    assert CountRule(ratio="0.001", minimum=2).raw(100) == 2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"ratio": "1.5"}, "抽取比例 1.5 应在 0 到 1 之间"),
        ({"ratio": "百分之五"}, "抽取比例 '百分之五' 不是合法的小数"),
        ({"ratio": "0.1", "count": 2}, "必须且只能指定比例 ratio 或固定户数 count 之一"),
        ({"ratio": "0.1", "rounding": "floor"}, "取整方式「floor」未知"),
    ],
)
def test_bad_rules_are_refused(kwargs: dict, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(QuotaError, match=message):
        CountRule(**kwargs)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "抽取池为空，无法抽取"),
        (b"A1\t\xe4\xbc\x81\xe4\xb8\x9a|A", "pool.tsv 最后一行必须以换行符结束"),
        (b"A1\tX\nA2\n", "pool.tsv 第 2 行格式错误"),
        (b"A1\tX\nA2\tY\n", "pool.tsv 第 2 行的分层「Y」未在清单中声明"),
        (b"A1\tX\r\n", "pool.tsv 第 1 行含有非法字符 b'\\\\r'"),
        (b"A1\t\xff\n", "pool.tsv 不是合法的 UTF-8 编码（第 1 行）"),
    ],
)
def test_malformed_pool_files_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(PoolError, match=message):
        Pool.from_tsv(data, ["X"])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"A2\tX\nA1\tX\nA3\tX\n", "pool.tsv 第 2 行未按企业标识升序排列或有重复（A1）"),
        (b"A1\tX\nA1\tX\nA3\tX\n", "pool.tsv 第 2 行未按企业标识升序排列或有重复（A1）"),
    ],
)
def test_unsorted_or_duplicate_pool_lines_are_refused_when_drawing(data: bytes, message: str) -> None:
    with pytest.raises(PoolError, match=message):
        draw(SEED, Pool.from_tsv(data, ["X"]), CountRule(count=1))


def test_exclusions_must_be_in_the_pool_and_give_a_reason() -> None:
    with pytest.raises(PoolError, match="排除名单中有 1 户不在抽取池中：ZZ9"):
        draw(SEED, _tiny(), CountRule(count=1), {"ZZ9": "已注销"})
    with pytest.raises(PoolError, match="排除企业「A1」必须写明排除理由"):
        draw(SEED, _tiny(), CountRule(count=1), {"A1": " "})


def test_pool_rows_are_validated() -> None:
    with pytest.raises(PoolError, match="抽取池中企业「A1」重复出现"):
        Pool.from_rows([("A1", "X"), ("A1", "Y")])
    with pytest.raises(PoolError, match="含有制表符、换行符或首尾空白"):
        Pool.from_rows([("A1\t", "X")])
    with pytest.raises(PoolError, match="抽取池为空，无法抽取"):
        Pool.from_rows([])
