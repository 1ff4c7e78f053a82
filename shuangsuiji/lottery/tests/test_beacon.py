"""drand rounds verify offline against the pinned chain keys; forgeries fail with precise messages."""

from __future__ import annotations

import datetime as dt

import pytest

from shuangsuiji.lottery import beacon
from shuangsuiji.lottery.errors import BeaconError, SourceError
from shuangsuiji.lottery.sources import commit
from shuangsuiji.lottery.tests.vectors import DEFAULT_1, DEFAULT_1000000, QUICKNET_1000, QUICKNET_5928395


@pytest.mark.parametrize(
    ("round_json", "chain"),
    [(QUICKNET_1000, "quicknet"), (QUICKNET_5928395, "quicknet"), (DEFAULT_1000000, "default"), (DEFAULT_1, "default")],
)
def test_real_published_rounds_verify_against_the_pinned_keys(round_json: dict, chain: str) -> None:  # type: ignore[type-arg]
    assert beacon.verify_drand(round_json, chain).hex() == round_json["randomness"]


def test_chains_are_found_by_name_or_hash() -> None:
    assert beacon.get_chain(beacon.QUICKNET.chain_hash) is beacon.QUICKNET
    assert beacon.get_chain("default") is beacon.DEFAULT
    with pytest.raises(BeaconError, match="未知的 drand 链「fastnet」"):
        beacon.get_chain("fastnet")


def test_round_times_follow_genesis_and_period() -> None:
    assert beacon.round_time("quicknet", 1) == 1692803367
    assert beacon.round_time("quicknet", 1000) == 1692803367 + 999 * 3
    assert beacon.round_time("default", 1000000) == 1595431050 + 999999 * 30
    assert beacon.first_round_after("quicknet", 1692803367) == 2


def test_a_forged_signature_is_refused() -> None:
    forged = dict(QUICKNET_1000, signature=QUICKNET_5928395["signature"], randomness=QUICKNET_5928395["randomness"])
    with pytest.raises(BeaconError, match="drand 第 1000 轮签名验证失败：签名与链公钥不符（quicknet 链）"):
        beacon.verify_drand(forged, "quicknet")


def test_a_wrong_round_number_is_refused() -> None:
    with pytest.raises(BeaconError, match="drand 第 1001 轮签名验证失败：签名与链公钥不符"):
        beacon.verify_drand(dict(QUICKNET_1000, round=1001), "quicknet")


def test_a_wrong_previous_signature_is_refused_on_the_chained_network() -> None:
    tampered = dict(DEFAULT_1000000, previous_signature=DEFAULT_1["signature"])
    with pytest.raises(BeaconError, match="drand 第 1000000 轮签名验证失败"):
        beacon.verify_drand(tampered, "default")


def test_a_round_of_the_other_chain_is_refused() -> None:
    with pytest.raises(BeaconError, match="signature 长度应为 96 字节，实际为 48 字节"):
        beacon.verify_drand(QUICKNET_1000, "default")


def test_wrong_randomness_is_refused_even_without_the_signature_check() -> None:
    bad = dict(QUICKNET_1000, randomness="00" * 32)
    with pytest.raises(BeaconError, match="drand 第 1000 轮的 randomness 与 SHA-256\\(signature\\) 不一致"):
        beacon.verify_drand(bad, "quicknet", check_signature=False)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"signature": "zz" + QUICKNET_1000["signature"][2:]}, "signature 不是合法的十六进制字符串"),
        ({"signature": QUICKNET_1000["signature"][:-1]}, "signature 不是合法的十六进制字符串"),
        ({"randomness": None}, "randomness 不是合法的十六进制字符串"),
        ({"randomness": "abcd"}, "randomness 长度应为 32 字节，实际为 2 字节"),
        ({"round": "1000"}, "round 应为正整数，实际为 '1000'"),
        ({"round": 0}, "round 应为正整数，实际为 0"),
    ],
)
def test_malformed_rounds_are_refused_with_a_precise_message(change: dict, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(BeaconError, match=message):
        beacon.verify_drand(dict(QUICKNET_1000, **change), "quicknet")


def test_a_signature_that_is_not_a_curve_point_fails_verification() -> None:
    not_a_point = dict(QUICKNET_1000, signature="a" + "0" * 95)
    not_a_point["randomness"] = __import__("hashlib").sha256(bytes.fromhex(not_a_point["signature"])).hexdigest()
    with pytest.raises(BeaconError, match="签名验证失败"):
        beacon.verify_drand(not_a_point, "quicknet")


def test_a_round_published_before_the_commitment_is_refused() -> None:
    published = dt.datetime.fromtimestamp(beacon.round_time("quicknet", 1000), dt.UTC)
    decl = [{"type": "drand", "chain": "quicknet", "round": 1000}]
    with pytest.raises(SourceError, match="drand quicknet 链第 1000 轮发布于 .*不晚于承诺时间.*不能作为随机源"):
        commit("0" * 64, published, decl)
    with pytest.raises(SourceError, match="不能作为随机源"):
        commit("0" * 64, published + dt.timedelta(hours=1), decl)
    assert commit("0" * 64, published - dt.timedelta(seconds=1), decl).sources[0]["round"] == 1000


def test_checking_a_signature_leaves_the_recursion_limit_as_it_was():
    import sys

    from shuangsuiji.lottery import beacon
    from shuangsuiji.lottery.tests.vectors import QUICKNET_1000

    before = sys.getrecursionlimit()
    sys.setrecursionlimit(1500)
    try:
        beacon.verify_drand(dict(QUICKNET_1000), "quicknet")
        assert sys.getrecursionlimit() == 1500
    finally:
        sys.setrecursionlimit(before)
