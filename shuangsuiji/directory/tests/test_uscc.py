"""USCC checks (GB 32100-2015 with the embedded GB 11714 organisation code), as properties and with real codes."""

import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from stdnum.cn import uscc as stdnum_uscc

from shuangsuiji.directory import uscc

# Published codes of well-known companies, each checked against its source before use.
REAL_CODES = [
    "914403001922038216",  # 华为技术有限公司 (zh.wikipedia.org, infobox 机构代码)
    "91440300708461136T",  # 深圳市腾讯计算机系统有限公司 (check-china.com sample report)
    "91110000710925462X",  # 中国石油天然气股份有限公司 (GLEIF LEI 529900RPY4YG47TRSV05, registeredAs)
    "91110000600037341L",  # python-stdnum's own doctest example
]
POSITION = re.compile(r"第\d+位")

pairs = st.sampled_from([(a, t) for a, (_, types) in uscc.AUTHORITIES.items() for t in types])


@st.composite
def valid_codes(draw, pair=pairs):
    authority, kind = draw(pair)
    region = draw(st.text("0123456789", min_size=6, max_size=6))
    body = draw(st.text(uscc.ALPHABET, min_size=8, max_size=8))
    head = authority + kind + region + body + uscc.org_check_char(body)
    return head + stdnum_uscc.calc_check_digit(head)


def reference_is_valid(code: str) -> bool:
    """A slow, independent statement of the standard, to hold the fast path to."""
    if len(code) != 18 or any(c not in uscc.ALPHABET for c in code):
        return False
    if code[0] not in uscc.AUTHORITIES or code[1] not in uscc.AUTHORITIES[code[0]][1]:
        return False
    if not code[2:8].isdigit():
        return False
    org_total = sum(int(c, 36) * w for c, w in zip(code[8:16], (3, 7, 9, 10, 5, 8, 4, 2), strict=True))
    org_check = {10: "X", 11: "0"}.get(11 - org_total % 11, str(11 - org_total % 11))
    return code[16] == org_check and code[17] == stdnum_uscc.calc_check_digit(code[:17])


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_published_codes_are_valid(code):
    assert uscc.validate(code) is None
    assert stdnum_uscc.is_valid(code)


@given(valid_codes())
def test_generated_valid_codes_pass(code):
    assert uscc.validate(code) is None
    assert reference_is_valid(code)


@given(valid_codes(st.sampled_from([("9", "1"), ("9", "2"), ("9", "3"), ("1", "1"), ("5", "2")])))
def test_the_final_check_character_agrees_with_python_stdnum(code):
    assert stdnum_uscc.is_valid(code)
    assert uscc.check_char(code[:17]) == stdnum_uscc.calc_check_digit(code[:17])


@given(valid_codes(), st.integers(0, 17), st.sampled_from(uscc.ALPHABET + "IOZSVaz-_ +0X中"))
def test_any_single_character_substitution_is_caught_and_the_message_names_a_position(code, position, char):
    assume(code[position] != char)
    changed = code[:position] + char + code[position + 1:]
    message = uscc.validate(changed)
    assert message is not None
    assert POSITION.search(message), message


@given(valid_codes(), st.integers(0, 16))
def test_any_adjacent_transposition_is_caught_and_the_message_names_a_position(code, position):
    assume(code[position] != code[position + 1])
    swapped = code[:position] + code[position + 1] + code[position] + code[position + 2:]
    message = uscc.validate(swapped)
    assert message is not None
    assert POSITION.search(message), message


@given(st.text(uscc.ALPHABET + "IOSVZa ", min_size=16, max_size=20))
def test_the_fast_path_agrees_with_a_plain_reading_of_the_standard(text):
    assert (uscc.validate(text) is None) == reference_is_valid(text)


@given(valid_codes(), st.integers(0, 17))
def test_the_fast_path_agrees_on_near_misses(code, position):
    # Near misses of valid codes exercise every check, unlike random text.
    for char in uscc.ALPHABET:
        changed = code[:position] + char + code[position + 1:]
        assert (uscc.validate(changed) is None) == reference_is_valid(changed)


@given(valid_codes(st.sampled_from([("A", "1"), ("A", "9"), ("N", "1"), ("N", "2"), ("N", "3"), ("N", "9"),
                                    ("Y", "1")])))
def test_letter_initial_authorities_are_accepted_with_their_type_codes(code):
    assert uscc.validate(code) is None
    assert not stdnum_uscc.is_valid(code)  # python-stdnum refuses these: the reason this module exists


@pytest.mark.parametrize(("authority", "kind"), [("A", "2"), ("N", "4"), ("Y", "2"), ("9", "4"), ("9", "9")])
def test_a_type_code_the_authority_does_not_use_is_refused_at_position_2(authority, kind):
    body = "MA3C4WQ5"
    head = authority + kind + "371703" + body + uscc.org_check_char(body)
    message = uscc.validate(head + uscc.check_char(head))
    assert message is not None and "第2位" in message


def test_a_wrong_embedded_organisation_code_check_is_refused_at_position_17():
    code = "914403001922038216"
    wrong = code[:16] + ("1" if code[16] != "1" else "2")
    fixed = wrong[:17] + uscc.check_char(wrong[:17])  # the final check is right, only the org check is wrong
    message = uscc.validate(fixed)
    assert message is not None and "第17位" in message


@pytest.mark.parametrize(("code", "where"), [
    ("", "为空"), ("91440300192203821", "第18位"), ("9144030019220382161", "第19位"),
    ("Z14403001922038216", "第1位"), ("B14403001922038216", "第1位"), ("9144A3001922038216", "第5位"),
])
def test_each_error_message_says_where_the_code_is_wrong(code, where):
    assert where in uscc.validate(code)


def test_spreadsheet_noise_is_normalised_away():
    assert uscc.normalise(" 9144 0300-1922 038216\u3000") == "914403001922038216"
    assert uscc.normalise("９１４４０３００１９２２０３８２１６") == "914403001922038216"
    assert uscc.normalise("9144030071526726xg") == "9144030071526726XG"
