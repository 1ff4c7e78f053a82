"""Commitments name only future randomness; the seed is a fixed function of commitment and sources."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest

from shuangsuiji.lottery.errors import SourceError
from shuangsuiji.lottery.sources import (
    Commitment,
    check_reveal_time,
    commit,
    derive_seed,
    reveal,
    seal_witness,
)
from shuangsuiji.lottery.tests.kitfactory import COMMITTED_AT, DECLARED, REVEALED

CST = dt.timezone(dt.timedelta(hours=8))


def test_the_seed_is_sha256_of_the_canonical_json_of_commitment_and_values() -> None:
    values = ["ab" * 32, "1.2./"]
    text = json.dumps({"commitment": "c" * 64, "sources": values}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert derive_seed("c" * 64, values) == hashlib.sha256(text.encode()).hexdigest()


def test_reveal_gives_canonical_values_in_declared_order() -> None:
    c = commit("a" * 64, COMMITTED_AT, DECLARED)
    seed, values = reveal(c, REVEALED, check_signature=False)
    assert values == [REVEALED[0]["randomness"], "3.7.12.19.25.31./9./", "1.4.6./"]
    assert seed == derive_seed(c.digest, values)


def test_a_commitment_round_trips_through_json() -> None:
    c = commit("a" * 64, COMMITTED_AT, DECLARED)
    again = Commitment.from_json(json.loads(json.dumps(c.to_json())))
    assert again == c and again.digest == c.digest
    assert c.committed_at == "2023-08-23T15:30:00Z"


def test_a_lottery_drawn_on_or_before_the_commit_date_in_beijing_is_refused() -> None:
    decl = [{"type": "lottery", "name": "示例彩票", "draw_date": "2024-03-05", "draw_time": "2024-03-05T13:15:00Z",
             "shape": [6, 1]}]
    late_evening = dt.datetime(2024, 3, 5, 21, 0, tzinfo=CST)
    with pytest.raises(SourceError, match="开奖日期 2024-03-05 不晚于承诺日期 2024-03-05（北京时间），不能作为随机源"):
        commit("a" * 64, late_evening, decl)
    # 2024-03-04 17:00 UTC is already 03-05 in Beijing.
    with pytest.raises(SourceError, match="不晚于承诺日期 2024-03-05"):
        commit("a" * 64, dt.datetime(2024, 3, 4, 17, 0, tzinfo=dt.UTC), decl)
    assert commit("a" * 64, dt.datetime(2024, 3, 4, 15, 0, tzinfo=dt.UTC), decl)


@pytest.mark.parametrize(
    ("numbers", "message"),
    [
        ([[3, 7, 12, 19, 25], [9]], "号码格式不符：应为 2 组，每组个数 \\[6, 1\\]，实际为 \\[5, 1\\]"),
        ([[3, 7, 12, 19, 25, 31]], "号码格式不符：应为 2 组"),
        ("3 7 12 19 25 31 9", "号码格式不符"),
        ([[3, 7, 12, 19, 25, -31], [9]], "第 1 组含有非法号码 -31"),
        ([[3, 7, 12, 19, 25, 31], [99]], "第 2 组的号码 99 超出范围 1–16"),
        ([[3, 7, 12, 19, 25, 34], [9]], "第 1 组的号码 34 超出范围 1–33"),
        ([[3, 7, 12, 19, 25, 25], [9]], "第 1 组的号码有重复"),
    ],
)
def test_lottery_numbers_in_the_wrong_shape_are_refused(numbers: object, message: str) -> None:
    c = commit("a" * 64, COMMITTED_AT, DECLARED)
    with pytest.raises(SourceError, match=message):
        reveal(c, [REVEALED[0], {"numbers": numbers}, REVEALED[2]], check_signature=False)


def test_a_revealed_drand_round_must_be_the_committed_round() -> None:
    c = commit("a" * 64, COMMITTED_AT, DECLARED)
    with pytest.raises(SourceError, match="揭示的 drand 轮次 1001 与承诺的第 1000 轮不一致"):
        reveal(c, [dict(REVEALED[0], round=1001), *REVEALED[1:]], check_signature=False)


@pytest.mark.parametrize(
    ("sources", "message"),
    [
        ([], "至少要声明一个未来的随机源"),
        ([{"type": "dice"}], "类型「dice」未知"),
        ([{"type": "lottery", "name": "x", "draw_date": "2099/01/01", "shape": [1]}], "开奖日期应为 YYYY-MM-DD"),
        ([{"type": "witness", "name": "张三", "shape": [0]}], "shape 应为正整数列表"),
        ([{"type": "drand", "chain": "quicknet", "round": 1000},
          {"type": "witness", "name": "张三", "shape": [3]}], "缺少封存摘要 seal"),
        ([{"type": "drand", "chain": "quicknet", "round": 1000},
          {"type": "witness", "name": "张三", "shape": [3], "ranges": [[6, 1]], "seal": "0" * 64}], "ranges 应为"),
        ([{"type": "lottery", "name": "x", "draw_date": "2023-08-24", "shape": [1]}], "缺少开奖时间 draw_time"),
        ([{"type": "lottery", "name": "x", "draw_date": "2023-08-24", "draw_time": "2023-08-25T13:15:00Z",
           "shape": [1]}], "不在开奖日期 2023-08-24"),
        ([{"type": "lottery", "name": "x", "draw_date": "2023-08-24", "draw_time": "2023-08-24T13:15:00Z",
           "shape": [6], "ranges": [[1, 5]], "distinct": True}], "要 6 个互不相同的号码"),
        ([{"type": "drand", "chain": "quicknet", "round": -5}], "轮次应为正整数"),
    ],
)
def test_bad_declarations_are_refused(sources: list, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(SourceError, match=message):
        commit("a" * 64, COMMITTED_AT, sources)


def test_a_commit_time_without_timezone_is_refused() -> None:
    with pytest.raises(SourceError, match="承诺时间缺少时区"):
        commit("a" * 64, dt.datetime(2030, 1, 1), DECLARED)


# Finding 1 (issue 22): witness numbers typed in at the reveal could be chosen after the commitment.


def test_witness_numbers_are_sealed_at_commit_and_other_numbers_are_refused_at_reveal() -> None:
    c = commit("a" * 64, COMMITTED_AT, DECLARED)
    chosen = {"numbers": [[6, 6, 6]], "nonce": REVEALED[2]["nonce"]}
    with pytest.raises(SourceError, match="与承诺时封存的摘要（seal）不一致"):
        reveal(c, [*REVEALED[:2], chosen], check_signature=False)
    with pytest.raises(SourceError, match="nonce"):
        reveal(c, [*REVEALED[:2], {"numbers": REVEALED[2]["numbers"]}], check_signature=False)


def test_a_witness_only_commitment_is_refused_unless_it_is_a_rehearsal() -> None:
    witness_only = [DECLARED[2]]
    with pytest.raises(SourceError, match="正式抽取至少要声明一个承诺时任何人都无法知道的公共随机源"):
        commit("a" * 64, COMMITTED_AT, witness_only)
    rehearsal = commit("a" * 64, COMMITTED_AT, witness_only, rehearsal=True)
    assert rehearsal.to_json()["rehearsal"] is True
    assert Commitment.from_json(rehearsal.to_json()) == rehearsal
    forged = dict(rehearsal.to_json(), rehearsal=False)
    with pytest.raises(SourceError, match="正式抽取至少要声明"):
        Commitment.from_json(forged)


def test_dice_outside_one_to_six_are_refused() -> None:
    dice = {"type": "witness", "name": "公证员", "shape": [3], "ranges": [[1, 6]],
            "seal": seal_witness([[99, 1, 2]], "ab" * 16)}
    c = commit("a" * 64, COMMITTED_AT, [DECLARED[0], dice])
    with pytest.raises(SourceError, match="第 1 组的号码 99 超出范围 1–6"):
        reveal(c, [REVEALED[0], {"numbers": [[99, 1, 2]], "nonce": "ab" * 16}], check_signature=False)


# Finding 2 (issue 22): lottery numbers accepted before the lottery is drawn.


def test_a_reveal_before_a_declared_source_is_public_is_refused() -> None:
    c = commit("a" * 64, COMMITTED_AT, DECLARED)
    day_before = dt.datetime(2023, 8, 23, 20, 0, tzinfo=dt.UTC)
    with pytest.raises(SourceError, match="彩票「示例福利彩票」的公布时间为北京时间 2023-08-24 21:15"):
        check_reveal_time(c, day_before)
    just_after = dt.datetime(2023, 8, 24, 13, 20, tzinfo=dt.UTC)
    check_reveal_time(c, just_after)
    with pytest.raises(SourceError, match="另加 30 分钟核对时间"):
        check_reveal_time(c, just_after, [dt.timedelta(0), dt.timedelta(minutes=30)])
    with pytest.raises(SourceError, match="drand 第 1000 轮的公布时间"):
        check_reveal_time(commit("a" * 64, COMMITTED_AT, DECLARED[:1]), dt.datetime(2023, 8, 23, 15, 45, tzinfo=dt.UTC))
