"""Unified social credit codes (统一社会信用代码), GB 32100-2015.

python-stdnum's ``cn.uscc`` computes the final mod-31 check character (the tests hold this module
to it) but refuses the letter-initial registration authorities (A, N, Y) and does not check the
organisation code embedded in positions 9–17, which carries its own GB 11714 check character. This
module checks all of it and answers in Chinese, naming the position, because the message goes
straight into an import report.

Speed matters: a million-row import validates a million codes. ``validate`` therefore takes a fast
path for valid codes (table lookups and two C-level ``int()`` parses, see below) and only walks the
code character by character to explain a failure.
"""

from __future__ import annotations

import random

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: digits and capitals without I, O, Z, S, V
_VALUE = {c: i for i, c in enumerate(ALPHABET)}

# Registration authority (position 1) → (name, allowed institution-type codes for position 2),
# GB 32100-2015 table 1; Y ("其他") has the single type 1.
AUTHORITIES: dict[str, tuple[str, str]] = {
    "1": ("机构编制", "1239"),
    "2": ("外交", "19"),
    "3": ("司法行政", "123459"),
    "4": ("文化", "19"),
    "5": ("民政", "1239"),
    "6": ("旅游", "129"),
    "7": ("宗教", "129"),
    "8": ("工会", "19"),
    "9": ("市场监管（工商）", "123"),
    "A": ("中央军委改革和编制办公室", "19"),
    "N": ("农业农村", "1239"),
    "Y": ("其他", "1"),
}

# GB 32100 check: weights 3^i mod 31 (GB/T 17710 hybrid system), the same as python-stdnum's.
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
# GB 11714 organisation code: 8-character body, these weights, mod 11; 10 → "X", 11 → "0".
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_B36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

# Indexed by the weighted sum modulo 11 / 31: the check character is 11 - r (10 → X, 11 → 0) / 31 - r.
_ORG_CHECK = "".join("X" if r == 1 else "0" if r == 0 else str(11 - r) for r in range(11))
_USCC_CHECK = "".join(ALPHABET[(31 - r) % 31] for r in range(31))

# The fast path lets C do the arithmetic. Σ v_i·3^i mod 31 is int(reversed digits, 34) mod 31,
# because 34 ≡ 3 (mod 31); the USCC alphabet is first mapped to base-34 digits whose value is the
# character's GB 32100 value, and anything else to "!", which int() refuses. The GB 11714 weights
# are 2^8..2^1 mod 11, so the body's weighted sum is 2·int(body, 35) mod 11 (35 ≡ 2 mod 11; the
# USCC alphabet has no Z, so every body character is a base-35 digit with its GB 11714 value).
_TO_B34 = bytearray(b"!" * 256)
for _i, _ch in enumerate(ALPHABET):
    _TO_B34[ord(_ch)] = ord(_B36[_i])
_TO_B34 = bytes(_TO_B34)
_PREFIXES = frozenset((a + t).encode("ascii") for a, (_, types) in AUTHORITIES.items() for t in types)


def org_check_char(body: str) -> str:
    """GB 11714 check character of an 8-character organisation code body."""
    total = sum(int(ch, 36) * w for ch, w in zip(body, _ORG_WEIGHTS, strict=True))
    return _ORG_CHECK[total % 11]


def check_char(first17: str) -> str:
    """GB 32100 check character (position 18) of the first 17 characters."""
    return _USCC_CHECK[sum(_VALUE[ch] * w for ch, w in zip(first17, _USCC_WEIGHTS, strict=True)) % 31]


def validate(code: str, _prefixes=_PREFIXES, _b34=_TO_B34, _uc=_USCC_CHECK, _oc=_ORG_CHECK) -> str | None:
    """None when ``code`` is a valid USCC, else a Chinese message naming the position that is wrong."""
    # Fast path (~1 µs): no Python-level loop; any doubt falls through to the explanation.
    try:
        raw = code.encode("ascii")
        if (
            len(raw) == 18
            and raw[:2] in _prefixes
            and raw[2:8].isdigit()
            and _uc[int(raw.translate(_b34)[16::-1], 34) % 31] == code[17]
            and _oc[2 * int(raw[8:16], 35) % 11] == code[16]
        ):
            return None
    except (UnicodeEncodeError, ValueError):
        pass
    return _explain(code)


def _explain(code: str) -> str:
    """The first thing wrong with an invalid code, position by position (slow path)."""
    if not code:
        return "统一社会信用代码为空"
    for i, ch in enumerate(code[:18]):
        if ch not in _VALUE:
            return f"统一社会信用代码第{i + 1}位“{ch}”不是允许的字符（数字或除I、O、Z、S、V以外的大写字母）"
    if len(code) < 18:
        return f"统一社会信用代码应为18位，实际为{len(code)}位（缺第{len(code) + 1}位起）"
    if len(code) > 18:
        return f"统一社会信用代码应为18位，实际为{len(code)}位（第19位起多余）"
    authority = AUTHORITIES.get(code[0])
    if authority is None:
        return f"统一社会信用代码第1位登记管理部门代码“{code[0]}”无效"
    if code[1] not in authority[1]:
        allowed = "、".join(authority[1])
        return (f"统一社会信用代码第2位机构类别代码“{code[1]}”不适用于登记管理部门“{authority[0]}”"
                f"（可用：{allowed}）")
    for i in range(2, 8):
        if not "0" <= code[i] <= "9":
            return f"统一社会信用代码第{i + 1}位“{code[i]}”应为数字（第3–8位是登记管理机关行政区划码）"
    expected_org = org_check_char(code[8:16])
    if code[16] != expected_org:
        return f"统一社会信用代码第17位组织机构代码校验码应为“{expected_org}”，实际为“{code[16]}”"
    expected = check_char(code[:17])
    if code[17] != expected:
        return f"统一社会信用代码第18位校验码应为“{expected}”，实际为“{code[17]}”"
    raise AssertionError(f"{code!r} failed the fast path but no rule explains why")  # pragma: no cover


def is_valid(code: str) -> bool:
    return validate(code) is None


_NOISE = str.maketrans("", "", " -\u3000\t")
_FULLWIDTH = str.maketrans({chr(0xFF10 + i): str(i) for i in range(10)}
                           | {chr(0xFF21 + i): chr(0x41 + i) for i in range(26)})


def normalise(raw: str) -> str:
    """Uppercase and drop the spaces, dashes and full-width characters that spreadsheets add."""
    code = raw.strip().translate(_NOISE)
    if not code.isascii():
        code = code.translate(_FULLWIDTH)
    return code.upper()


def make(rng: random.Random, *, authority: str = "9", kind: str = "1", region: str = "371703") -> str:
    """A random valid USCC, for demo data and tests."""
    # Real codes issued since 2015 mostly carry "MA" + 6 assigned characters in the org-code body.
    body = "MA" + "".join(rng.choices(ALPHABET, k=6))
    head = authority + kind + region + body + org_check_char(body)
    return head + check_char(head)
