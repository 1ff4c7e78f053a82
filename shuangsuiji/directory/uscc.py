"""Unified social credit codes (统一社会信用代码), GB 32100-2015.

python-stdnum's ``cn.uscc`` computes the final mod-31 check character (reused here) but refuses the
letter-initial registration authorities (A, N, Y) and does not check the organisation code embedded
in positions 9–17, which carries its own GB 11714 check character. This module checks all of it and
answers in Chinese, because the message goes straight into an import report.
"""

from __future__ import annotations

import random

from stdnum.cn.uscc import calc_check_digit

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}

# Registration authority (position 1) → allowed entity-type codes (position 2), per GB 32100-2015 table 1.
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

_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_BODY = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def org_check_char(body: str) -> str:
    """GB 11714 check character of an 8-character organisation code body."""
    total = 0
    for ch, w in zip(body, _ORG_WEIGHTS, strict=True):
        total += (ord(ch) - 48 if ch <= "9" else ord(ch) - 55) * w
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def validate(code: str) -> str | None:
    """None when ``code`` is a valid USCC, else a Chinese message saying what is wrong."""
    if len(code) != 18:
        return f"统一社会信用代码应为18位，实际为{len(code)}位"
    for i, ch in enumerate(code):
        if ch not in _VALUE:
            return f"统一社会信用代码第{i + 1}位“{ch}”不是允许的字符（数字或除I、O、Z、S、V以外的大写字母）"
    authority = AUTHORITIES.get(code[0])
    if authority is None:
        return f"统一社会信用代码第1位登记管理部门代码“{code[0]}”无效"
    if code[1] not in authority[1]:
        return f"统一社会信用代码第2位机构类别代码“{code[1]}”不适用于登记管理部门“{authority[0]}”"
    if not code[2:8].isdigit():
        return "统一社会信用代码第3–8位应为6位数字的登记管理机关行政区划码"
    body, org_check = code[8:16], code[16]
    if any(ch not in _ORG_BODY for ch in body):
        return "统一社会信用代码第9–16位组织机构代码本体含有无效字符"
    if org_check_char(body) != org_check:
        return f"统一社会信用代码第17位组织机构代码校验码应为“{org_check_char(body)}”，实际为“{org_check}”"
    expected = calc_check_digit(code[:17])
    if expected != code[17]:
        return f"统一社会信用代码第18位校验码应为“{expected}”，实际为“{code[17]}”"
    return None


def is_valid(code: str) -> bool:
    return validate(code) is None


def normalise(raw: str) -> str:
    """Uppercase and drop spaces and dashes that spreadsheets add."""
    return raw.replace(" ", "").replace("-", "").replace("\u3000", "").strip().upper()


def make(rng: random.Random, *, authority: str = "9", kind: str = "1", region: str = "371703") -> str:
    """A random valid USCC, for demo data and tests."""
    # Real codes issued since 2015 mostly carry "MA" + 6 assigned characters in the org-code body.
    body = "MA" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(6))
    head = authority + kind + region + body + org_check_char(body)
    return head + calc_check_digit(head)
