"""Offline verification of drand rounds against pinned League of Entropy chains (ssj-draw/1 §3).

Only the standard library is needed to parse a round and check that
randomness = SHA-256(signature); the BLS12-381 pairing check imports py_ecc
lazily so citizens without it can still run every other check.
"""

from __future__ import annotations

import functools
import hashlib
import re
import sys
from dataclasses import dataclass
from typing import Any

from shuangsuiji.lottery.errors import BeaconError


@dataclass(frozen=True)
class DrandChain:
    """A pinned drand chain: hash, group public key and timing."""

    name: str
    chain_hash: str
    public_key: str
    period: int
    genesis_time: int
    scheme: str  # "bls-unchained-g1-rfc9380" or "pedersen-bls-chained"
    dst: bytes


QUICKNET = DrandChain(
    name="quicknet",
    chain_hash="52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971",
    public_key=(
        "83cf0f2896adee7eb8b5f01fcad3912212c437e0073e911fb90022d3e760183c"
        "8c4b450b6a0a6c3ac6a5776a2d1064510d1fec758c921cc22b0e17e63aaf4bcb"
        "5ed66304de9cf809bd274ca73bab4af5a6e9c76a4bc09e76eae8991ef5ece45a"
    ),
    period=3,
    genesis_time=1692803367,
    scheme="bls-unchained-g1-rfc9380",
    dst=b"BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_",
)

DEFAULT = DrandChain(
    name="default",
    chain_hash="8990e7a9aaed2ffed73dbd7092123d6f289930540d7651336225dc172e51b2ce",
    public_key=(
        "868f005eb8e6e4ca0a47c8a77ceaa5309a47978a7c71bc5cce96366b5d7a5699"
        "37c529eeda66c7293784a9402801af31"
    ),
    period=30,
    genesis_time=1595431050,
    scheme="pedersen-bls-chained",
    dst=b"BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_NUL_",
)

CHAINS: dict[str, DrandChain] = {
    QUICKNET.name: QUICKNET,
    QUICKNET.chain_hash: QUICKNET,
    DEFAULT.name: DEFAULT,
    DEFAULT.chain_hash: DEFAULT,
}

_HEX = re.compile(r"\A(?:[0-9a-f]{2})+\Z")


ROUND_FIELDS = ("round", "randomness", "signature", "previous_signature")


def round_fields(obj: dict[str, Any]) -> dict[str, Any]:
    """Only the beacon's own fields of a pasted round (what is kept and published in a kit)."""
    return {k: obj[k] for k in ROUND_FIELDS if k in obj}


def get_chain(chain: str | DrandChain) -> DrandChain:
    """Resolve a chain by name ("quicknet", "default") or hash."""
    if isinstance(chain, DrandChain):
        return chain
    try:
        return CHAINS[str(chain).lower()]
    except KeyError:
        raise BeaconError(f"未知的 drand 链「{chain}」：只支持 quicknet 和 default 两条链") from None


def round_time(chain: str | DrandChain, round_no: int) -> int:
    """Return the Unix time at which a round is published: genesis + (round-1)*period."""
    c = get_chain(chain)
    return c.genesis_time + (round_no - 1) * c.period


def first_round_after(chain: str | DrandChain, unix_time: float) -> int:
    """Return the first round published strictly after unix_time."""
    c = get_chain(chain)
    if unix_time < c.genesis_time:
        return 1
    return int((unix_time - c.genesis_time) // c.period) + 2


def message(chain: str | DrandChain, round_no: int, previous_signature: bytes | None = None) -> bytes:
    """Return the 32-byte message the chain signs for a round."""
    c = get_chain(chain)
    round_be8 = round_no.to_bytes(8, "big")
    if c.scheme == QUICKNET.scheme:
        return hashlib.sha256(round_be8).digest()
    if previous_signature is None:
        raise BeaconError(f"drand 第 {round_no} 轮缺少 previous_signature（default 链是链式签名）")
    return hashlib.sha256(previous_signature + round_be8).digest()


def _hex_field(round_json: dict[str, Any], field: str, round_no: object, size: int | None) -> bytes:
    """Decode one lowercase-hex field of a round, with a precise error."""
    value = round_json.get(field)
    if not isinstance(value, str) or not _HEX.match(value.lower()):
        raise BeaconError(f"drand 第 {round_no} 轮的 {field} 不是合法的十六进制字符串：{value!r}")
    raw = bytes.fromhex(value)
    if size is not None and len(raw) != size:
        raise BeaconError(f"drand 第 {round_no} 轮的 {field} 长度应为 {size} 字节，实际为 {len(raw)} 字节")
    return raw


@dataclass(frozen=True)
class ParsedRound:
    """A syntactically valid drand round."""

    round: int
    randomness: bytes
    signature: bytes
    previous_signature: bytes | None


def parse_round(round_json: object, chain: str | DrandChain) -> ParsedRound:
    """Check the shape of a round and that randomness = SHA-256(signature); no pairing yet."""
    c = get_chain(chain)
    if not isinstance(round_json, dict):
        raise BeaconError("drand 轮次数据格式错误：应为 JSON 对象 {round, randomness, signature}")
    round_no = round_json.get("round")
    if isinstance(round_no, bool) or not isinstance(round_no, int) or round_no < 1:
        raise BeaconError(f"drand 轮次数据格式错误：round 应为正整数，实际为 {round_no!r}")
    sig_size = 48 if c.scheme == QUICKNET.scheme else 96
    signature = _hex_field(round_json, "signature", round_no, sig_size)
    randomness = _hex_field(round_json, "randomness", round_no, 32)
    previous: bytes | None = None
    if c.scheme != QUICKNET.scheme:
        previous = _hex_field(round_json, "previous_signature", round_no, None)
    if hashlib.sha256(signature).digest() != randomness:
        raise BeaconError(f"drand 第 {round_no} 轮的 randomness 与 SHA-256(signature) 不一致")
    return ParsedRound(round_no, randomness, signature, previous)


def _keeping_recursion_limit(fn: Any) -> Any:
    """Run fn, then put back the interpreter's recursion limit: importing py_ecc raises it to 100,000
    for the whole process, which would let deeply nested input exhaust the C stack elsewhere."""
    limit = sys.getrecursionlimit()
    try:
        return fn()
    finally:
        sys.setrecursionlimit(limit)


def bls_available() -> bool:
    """Return True when py_ecc can be imported for the pairing check."""
    def probe() -> bool:
        try:
            import py_ecc.optimized_bls12_381  # noqa: F401
        except ImportError:
            return False
        return True

    return bool(_keeping_recursion_limit(probe))


def _pairing_ok(c: DrandChain, parsed: ParsedRound) -> bool:
    """Run the BLS12-381 pairing check with py_ecc (imported lazily)."""
    from py_ecc.bls.g2_primitives import pubkey_to_G1, signature_to_G2
    from py_ecc.bls.hash_to_curve import hash_to_G1, hash_to_G2
    from py_ecc.optimized_bls12_381 import (
        FQ12,
        G1,
        G2,
        curve_order,
        final_exponentiate,
        is_inf,
        multiply,
        neg,
        pairing,
    )

    msg = message(c, parsed.round, parsed.previous_signature)
    if c.scheme == QUICKNET.scheme:
        # Signature on G1, public key on G2: e(sig, g2) == e(H(m), pk).
        sig1 = pubkey_to_G1(parsed.signature)
        if is_inf(sig1) or not is_inf(multiply(sig1, curve_order)):
            return False
        pk2 = signature_to_G2(bytes.fromhex(c.public_key))
        h1 = hash_to_G1(msg, c.dst, hashlib.sha256)
        product = pairing(G2, neg(sig1), final_exponentiate=False) * pairing(pk2, h1, final_exponentiate=False)
    else:
        # Signature on G2, public key on G1: e(g1, sig) == e(pk, H(m)).
        sig2 = signature_to_G2(parsed.signature)
        if is_inf(sig2) or not is_inf(multiply(sig2, curve_order)):
            return False
        pk1 = pubkey_to_G1(bytes.fromhex(c.public_key))
        h2 = hash_to_G2(msg, c.dst, hashlib.sha256)
        product = pairing(sig2, neg(G1), final_exponentiate=False) * pairing(h2, pk1, final_exponentiate=False)
    return bool(final_exponentiate(product) == FQ12.one())


@functools.lru_cache(maxsize=256)
def _signature_ok(c: DrandChain, parsed: ParsedRound) -> bool:
    """The pairing check, remembered: a round is the same round however often it is verified."""
    return bool(_keeping_recursion_limit(lambda: _pairing_ok(c, parsed)))


def verify_drand(round_json: dict[str, Any], chain: str | DrandChain, check_signature: bool = True) -> bytes:
    """Return the verified 32-byte randomness of a round, or raise BeaconError."""
    c = get_chain(chain)
    parsed = parse_round(round_json, c)
    if check_signature:
        try:
            ok = _signature_ok(c, parsed)
        except ImportError:
            raise BeaconError("无法验证 drand 签名：未安装 py_ecc（可用 --no-signature 跳过签名验证）") from None
        except (ValueError, TypeError, AssertionError):
            # py_ecc raises these for bytes that are not a curve point.
            ok = False
        if not ok:
            raise BeaconError(f"drand 第 {parsed.round} 轮签名验证失败：签名与链公钥不符（{c.name} 链）")
    return parsed.randomness
