"""The pure scoring: every factor's contribution, caps, bounds, direct E, and a scheme that cannot classify is
refused in words. And over many random businesses: a class never improves when a risk fact is added."""

import random

import pytest

from shuangsuiji.credit import scoring
from shuangsuiji.credit.services import DEFAULT_RULES

SCHEME = scoring.Scheme.from_json(DEFAULT_RULES)


def test_a_business_with_nothing_against_it_in_a_low_risk_industry_is_A():
    rated = scoring.rate({"industry": "I"}, SCHEME)
    assert (rated.klass, rated.score, rated.parts) == ("A", 1, (("industry", "I", 1),))


def test_each_contribution_is_kept_and_counts_stop_at_their_cap():
    rated = scoring.rate({"problems": 5, "clean": 1, "abnormal": True, "serious": False, "industry": "H",
                          "new_business": True}, SCHEME)
    parts = {key: points for key, _value, points in rated.parts}
    assert parts == {"problems": 45, "clean": -5, "abnormal": 25, "new_business": 10, "industry": 8}
    assert rated.score == 83 and rated.klass == "D"


@pytest.mark.parametrize(("score_facts", "klass"), [
    ({"complaints": 0}, "A"), ({"complaints": 1}, "B"),  # 5 points: A is "below 5"
    ({"problems": 1, "complaints": 2}, "C"), ({"serious": True}, "D")])
def test_bounds_are_upper_and_exclusive(score_facts, klass):
    assert scoring.rate(score_facts, SCHEME).klass == klass


def test_an_A_to_E_scheme_puts_a_listed_situation_in_E_whatever_its_score():
    five = scoring.Scheme.from_json({**DEFAULT_RULES, "classes": "ABCDE", "direct": ["serious"]})
    rated = scoring.rate({"serious": True, "clean": 2}, five)
    assert rated.klass == "E" and rated.direct == "serious"
    assert scoring.rate({"problems": 9, "abnormal": True}, five).klass == "D"  # E is direct only


@pytest.mark.parametrize(("change", "words"), [
    ({"classes": "ABC"}, "A–D 四类或 A–E 五类"),
    ({"weights": {"size": {"points": 3}}}, "未知的分类因素“size”"),
    ({"weights": {"problems": {"points": 1.5}}}, "分值应为 -1000 到 1000 之间的整数"),
    ({"weights": {"problems": {"points": 1, "cap": 0}}}, "计数上限应为正整数"),
    ({"thresholds": {"A": 10, "B": 10, "C": 50}}, "B类的分数上限应大于A类的（10）"),
    ({"thresholds": {"A": 10, "C": 50}}, "请设置B类的分数上限"),
    ({"industry_risk": {"Z": 3}}, "门类代码“Z”不在"),
    ({"direct": ["serious"]}, "只在 A–E 五类方案中使用"),
    ({"classes": "ABCDE", "direct": ["problems"]}, "只能是是/否类因素"),
])
def test_a_scheme_that_cannot_classify_is_refused_in_words(change, words):
    with pytest.raises(scoring.SchemeError, match=words):
        scoring.Scheme.from_json({**DEFAULT_RULES, **change})


def test_a_scheme_survives_its_stored_form():
    assert scoring.Scheme.from_json(SCHEME.to_json()) == SCHEME


def test_over_many_businesses_a_risk_fact_never_improves_the_class():
    """Monotone: with every weight but 'clean' positive, adding a risk fact moves a business to the same or a
    worse class — 2,000 random businesses, each with one fact added."""
    rng = random.Random(30)
    order = "ABCD"
    for _ in range(2000):
        facts = {"problems": rng.randint(0, 4), "clean": rng.randint(0, 3), "followup_open": rng.randint(0, 2),
                 "penalties": rng.randint(0, 4), "complaints": rng.randint(0, 6), "abnormal": rng.random() < .1,
                 "industry": rng.choice("ABCDEFGHIJKLMNOPQRST"), "new_business": rng.random() < .2}
        before = scoring.rate(facts, SCHEME).klass
        key = rng.choice(["problems", "followup_open", "penalties", "complaints", "abnormal", "serious"])
        worse = {**facts, key: True if isinstance(facts.get(key, False), bool) else facts[key] + 1}
        assert order.index(scoring.rate(worse, SCHEME).klass) >= order.index(before), (facts, key)
