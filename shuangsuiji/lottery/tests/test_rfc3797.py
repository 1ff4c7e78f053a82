"""RFC 3797 key strings and selection reproduce the RFC's own §6 worked example."""

from __future__ import annotations

import pytest

from shuangsuiji.lottery import rfc3797
from shuangsuiji.lottery.errors import SourceError

# RFC 3797 §6: three fake lottery sources, 25 volunteers, 10 selected.
RFC_SOURCES = [[9319], [2, 5, 12, 8, 10], [9, 18, 26, 34, 41, 45]]
RFC_KEY = "9319./2.5.8.10.12./9.18.26.34.41.45./"
RFC_DIGESTS = [
    "990DD0A5692A029A98B5E01AA28F3459",
    "3691E55CB63FCC37914430B2F70B5EC6",
    "FE814EDF564C190AC1D25753979990FA",
    "1863CCACEB568C31D7DDBDF1D4E91387",
    "F4AB33DF4889F0AF29C513905BE1D758",
    "13EAEB529F61ACFB9A29D0BA3A60DE4A",
    "992DB77C382CA2BDB9727001F3CDCCD9",
    "63AB4258ECA922976811C7F55C383CE7",
    "DFBC5AC97CED01B3A6E348E3CC63F40D",
    "31CB111C4A4EBE9287CEAE16FE51B909",
]
# Lee, Doc, Mary, Charity, Kasczynski, Envy, Sneazy, Anger, Chastity, Pandora.
RFC_SELECTED = [17, 7, 2, 16, 25, 23, 8, 24, 19, 13]


def test_key_string_matches_rfc_section_6() -> None:
    assert rfc3797.key_string(RFC_SOURCES) == RFC_KEY


def test_md5_rounds_match_rfc_section_6() -> None:
    assert [rfc3797.digest(RFC_KEY, i).hex().upper() for i in range(10)] == RFC_DIGESTS


def test_selection_matches_rfc_section_6_exactly() -> None:
    assert rfc3797.select(RFC_KEY, pool_size=25, count=10) == RFC_SELECTED


def test_selecting_the_whole_pool_is_a_permutation() -> None:
    assert sorted(rfc3797.select(RFC_KEY, 25, 25)) == list(range(1, 26))


@pytest.mark.parametrize(
    ("sources", "message"),
    [
        ([], "应为非空的号码组列表"),
        ([[1, 2], []], "第 2 组应为非空的整数列表"),
        ([[1, -3]], "第 1 组含有非法号码 -3"),
        ([[1, "7"]], "第 1 组含有非法号码 '7'"),
        ([[True]], "第 1 组含有非法号码 True"),
        ([7], "第 1 组应为非空的整数列表"),
    ],
)
def test_key_string_refuses_numbers_in_the_wrong_shape(sources: object, message: str) -> None:
    with pytest.raises(SourceError, match=message):
        rfc3797.key_string(sources)  # type: ignore[arg-type]


def test_select_refuses_more_than_the_pool() -> None:
    with pytest.raises(SourceError, match="要选 26 个，但候选池只有 25 个"):
        rfc3797.select(RFC_KEY, 25, 26)
