"""One entity filter for pages, API and sub-library rules; only 存续 entities can be drawn."""

import pytest

from shuangsuiji.directory.filters import EntityFilter
from shuangsuiji.directory.models import Entity, EntityStatus, EntityType
from shuangsuiji.directory.testing import make_entity

pytestmark = pytest.mark.django_db


def names(queryset) -> set[str]:
    return set(queryset.values_list("name", flat=True))


def pick(data, user=None) -> set[str]:
    filt = EntityFilter(data, user=user)
    assert filt.is_valid(), filt.error_text()
    return names(filt.apply(Entity.objects.all()))


@pytest.fixture
def entities(personas):
    make_entity(name="冉固面粉厂", township_id="371703102", industry_id="1311", scale="small", credit_class="A")
    make_entity(name="天中超市", township_id="371703001", industry_id="5211", entity_type=EntityType.INDIVIDUAL,
                scale="micro", credit_class="D")
    make_entity(name="已注销饭店", township_id="371703001", industry_id="6210", status=EntityStatus.CANCELLED)
    make_entity(name="吊销的木业", industry_id="2021", status=EntityStatus.REVOKED)
    make_entity(name="迁出的纺织", industry_id="1713", status=EntityStatus.MOVED)


def test_drawable_entities_are_exactly_those_that_still_exist(entities):
    assert names(Entity.objects.drawable()) == {"冉固面粉厂", "天中超市"}


@pytest.mark.parametrize(("data", "expected"), [
    ({"township": ["371703001"]}, {"天中超市", "已注销饭店"}),
    ({"industry": ["C"]}, {"冉固面粉厂", "吊销的木业", "迁出的纺织"}),  # 门类 C 制造业 covers every code below it
    ({"industry": ["13"]}, {"冉固面粉厂"}),  # 大类 13 农副食品加工业
    ({"industry": ["F", "H"]}, {"天中超市", "已注销饭店"}),
    ({"entity_type": ["individual"]}, {"天中超市"}),
    ({"status": ["cancelled", "revoked"]}, {"已注销饭店", "吊销的木业"}),
    ({"scale": ["micro"]}, {"天中超市"}),
    ({"credit_class": ["D"]}, {"天中超市"}),
    ({"q": "超市"}, {"天中超市"}),
    ({"township": ["371703001"], "status": ["active"]}, {"天中超市"}),
])
def test_each_filter_selects_the_entities_it_names(entities, data, expected):
    assert pick(data) == expected


def test_a_code_fragment_finds_entities_by_the_start_of_their_uscc(entities):
    entity = Entity.objects.get(name="天中超市")
    assert pick({"q": entity.uscc[:10].lower()}) == {"天中超市"}
    assert pick({"q": entity.uscc}) == {"天中超市"}


def test_an_unknown_choice_is_invalid_with_a_chinese_message(personas):
    filt = EntityFilter({"township": ["999"]})
    assert not filt.is_valid()
    assert "乡镇（街道）" in filt.error_text()


def test_inspectors_may_not_filter_by_credit_class(personas):
    filt = EntityFilter({"credit_class": ["D"]}, user=personas.inspector)
    assert not filt.is_valid() and filt.forbidden
    assert "信用风险分类" in filt.error_text()
    assert EntityFilter({"credit_class": ["D"]}, user=personas.leader).is_valid()


def test_a_filter_turns_into_a_rule_and_back(entities):
    filt = EntityFilter({"township": ["371703102", "371703001"], "q": "忽略", "industry": ["C"]})
    rule = filt.to_rule()
    assert rule == {"township": ["371703001", "371703102"], "industry": ["C"]}
    assert names(EntityFilter.from_rule(rule).apply(Entity.objects.drawable())) == {"冉固面粉厂"}
