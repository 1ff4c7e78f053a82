"""Demo market entities of 菏泽市定陶区: a reproducible, realistic mix for draws and directory pages.

The mix follows what a Shandong county with a strong agriculture, food and wood-processing base looks
like: mostly 个体工商户 in retail, catering and small services; small enterprises in wood panels
(胶合板), food, trade and construction; farmers' cooperatives in vegetables, grain and livestock; and
a few village collectives (村股份经济合作社, USCC authority N). All weights are data, not rules.
"""

from __future__ import annotations

import datetime
import itertools
import random
from dataclasses import dataclass

from faker import Faker

from shuangsuiji.directory import uscc
from shuangsuiji.directory.models import (
    CreditClass,
    Entity,
    EntityStatus,
    EntityType,
    Industry,
    Scale,
    Township,
)
from shuangsuiji.directory.reference import load_industries

SEED = 371703
DEFAULT_COUNT = 20_000

# Share of each entity type (个体 dominate county registers; collectives are a handful per town).
TYPE_WEIGHTS = {EntityType.INDIVIDUAL: 70.0, EntityType.ENTERPRISE: 26.0, EntityType.COOPERATIVE: 3.5,
                EntityType.OTHER: 0.5}

# GB/T 4754-2017 小类 → (weight within its entity type, trade words used in names, name suffix for 个体).
INDIVIDUAL_INDUSTRIES: dict[str, tuple[float, tuple[str, ...], str]] = {
    "5211": (4, ("日用百货", "百货"), "店"), "5213": (5, ("便利",), "店"), "5219": (6, ("副食", "杂货"), "店"),
    "5221": (3, ("粮油",), "店"), "5223": (5, ("水果", "蔬菜", "果蔬"), "店"), "5224": (3, ("肉食", "鲜肉", "禽蛋"), "店"),
    "5226": (4, ("烟酒", "茶叶", "酒水"), "店"), "5232": (5, ("服装", "服饰", "童装"), "店"),
    "5233": (2, ("鞋", "鞋帽"), "店"), "5234": (1.5, ("化妆品",), "店"), "5241": (1, ("文具",), "店"),
    "5251": (1.5, ("药",), "店"), "5272": (2, ("家电",), "店"), "5274": (2, ("手机", "通讯器材"), "店"),
    "5281": (3, ("五金", "五金交电"), "店"), "5283": (1.5, ("家具",), "店"), "5289": (1.5, ("装饰材料", "瓷砖"), "店"),
    "5264": (2, ("电动车", "摩托车"), "店"), "5299": (2, ("农资", "种子"), "店"),
    "6210": (5, ("饭", "家常菜"), "店"), "6220": (3, ("快餐",), "店"), "6291": (5, ("小吃", "水饺", "包子", "烧饼", "羊汤"), "店"),
    "6299": (2, ("烧烤",), "店"), "6239": (1, ("奶茶", "冷饮"), "店"),
    "8040": (4, ("理发", "美发", "美容"), "店"), "8111": (2, ("汽修", "汽车维修"), "店"), "8113": (1, ("电动车维修",), "店"),
    "8132": (1, ("家电维修",), "店"), "8060": (0.5, ("摄影",), "店"), "8030": (0.5, ("干洗",), "店"),
    "1431": (1.5, ("挂面", "馒头"), "坊"), "1392": (1, ("豆腐",), "坊"), "1411": (1, ("糕点",), "坊"),
    "2032": (1, ("木门",), "加工部"), "2110": (1, ("木器", "家具"), "加工部"), "2019": (1, ("木材",), "加工部"),
    "5431": (3, ("货运",), "部"),
}
ENTERPRISE_INDUSTRIES: dict[str, tuple[float, tuple[str, ...], str]] = {
    # Agriculture (Heze: vegetables, peony, herbs, pigs and poultry).
    "0141": (2, ("农业科技", "蔬菜种植"), ""), "0143": (1, ("牡丹种植", "花卉"), ""), "0171": (1, ("中药材种植",), ""),
    "0313": (1.5, ("生猪养殖", "养殖"), ""), "0321": (1, ("禽业",), ""), "0314": (0.5, ("畜牧",), ""),
    "0511": (0.5, ("种业",), ""), "0512": (0.5, ("农机服务",), ""),
    # Food processing.
    "1312": (1.5, ("面粉", "粮食加工"), ""), "1329": (1, ("饲料",), ""), "1353": (1, ("食品", "肉制品"), ""),
    "1352": (0.5, ("禽业加工",), ""), "1371": (1, ("果蔬食品",), ""), "1391": (0.8, ("淀粉",), ""),
    "1431": (1, ("食品",), ""), "1411": (0.5, ("食品",), ""), "1512": (0.3, ("酒业",), ""), "1522": (0.3, ("饮品",), ""),
    # Wood processing: plywood and panels are the district's signature industry.
    "2021": (4, ("木业", "板材"), ""), "2022": (0.8, ("新型板材",), ""), "2029": (1.5, ("板业",), ""),
    "2011": (1, ("木材加工",), ""), "2013": (1, ("木制品",), ""), "2032": (1, ("门业",), ""),
    "2039": (1, ("木制品", "工艺品"), ""), "2110": (1.5, ("家具",), ""),
    # Other manufacturing.
    "1761": (0.5, ("纺织",), ""), "1830": (0.3, ("服饰",), ""), "2231": (0.4, ("包装",), ""),
    "2624": (0.5, ("生物科技", "肥业"), ""), "2929": (0.5, ("塑料制品",), ""), "3021": (0.6, ("建材",), ""),
    "3031": (0.4, ("新型建材",), ""), "3311": (0.6, ("钢结构",), ""), "3484": (0.6, ("机械",), ""),
    # Construction.
    "4710": (2, ("建筑工程", "建设工程"), ""), "4790": (0.5, ("建筑",), ""), "4813": (0.7, ("市政工程",), ""),
    "4891": (0.8, ("园林绿化工程",), ""), "4910": (0.5, ("电力工程",), ""), "4999": (0.4, ("安装工程",), ""),
    "5012": (1.5, ("装饰工程", "装饰设计"), ""),
    # Trade.
    "5111": (1.5, ("粮食购销", "粮贸"), ""), "5115": (1, ("木材",), ""), "5123": (1, ("农产品",), ""),
    "5127": (0.8, ("商贸",), ""), "5165": (1, ("建材",), ""), "5166": (1, ("农资",), ""),
    "5172": (0.5, ("汽车配件",), ""), "5174": (0.5, ("五金",), ""), "5199": (2, ("商贸", "贸易"), ""),
    "5212": (1.5, ("超市", "购物广场"), ""), "5261": (0.5, ("汽车销售",), ""), "5265": (0.4, ("石化",), ""),
    "5251": (0.8, ("医药连锁", "大药房"), ""),
    # Transport, hospitality, property and services.
    "5431": (2, ("物流", "运输"), ""), "5437": (0.4, ("供应链",), ""), "6210": (1, ("餐饮管理",), ""),
    "6129": (0.5, ("宾馆",), ""), "7010": (0.6, ("置业", "房地产开发"), ""), "7020": (0.6, ("物业管理",), ""),
    "7243": (0.8, ("企业管理咨询", "信息咨询"), ""), "7259": (0.6, ("广告", "文化传媒"), ""),
    "7263": (0.4, ("劳务",), ""), "7519": (0.6, ("科技",), ""), "6513": (0.6, ("网络科技", "信息技术"), ""),
    "7452": (0.2, ("检测技术",), ""), "8010": (0.4, ("家政服务",), ""), "8111": (0.4, ("汽车服务",), ""),
    "8393": (0.4, ("文化艺术培训",), ""), "9013": (0.3, ("网络会所",), ""),
}
COOPERATIVE_INDUSTRIES: dict[str, tuple[float, tuple[str, ...], str]] = {
    "0141": (4, ("蔬菜种植",), ""), "0112": (3, ("粮食种植", "小麦种植"), ""), "0143": (1, ("牡丹种植",), ""),
    "0171": (1, ("中药材种植",), ""), "0151": (1, ("果树种植",), ""), "0142": (1, ("食用菌种植",), ""),
    "0313": (2, ("生猪养殖",), ""), "0314": (1, ("肉羊养殖",), ""), "0321": (1, ("蛋鸡养殖",), ""),
    "0311": (1, ("肉牛养殖",), ""), "0392": (0.3, ("蜜蜂养殖",), ""), "0512": (1, ("农机",), ""),
}
COLLECTIVE_INDUSTRY = "7215"  # 农村集体经济组织管理
INDUSTRIES_BY_TYPE = {
    EntityType.INDIVIDUAL: INDIVIDUAL_INDUSTRIES,
    EntityType.ENTERPRISE: ENTERPRISE_INDUSTRIES,
    EntityType.COOPERATIVE: COOPERATIVE_INDUSTRIES,
}

# Towns by resident population (thousands, rounded; the two 街道 are the largest). 陈集镇 is administered
# by the 菏泽经济技术开发区, so its entities register under 371771.
TOWN_WEIGHTS = {"天中街道": 150, "滨河街道": 120, "冉固镇": 60, "张湾镇": 55, "黄店镇": 70, "孟海镇": 55,
                "马集镇": 70, "仿山镇": 60, "半堤镇": 55, "杜堂镇": 45, "南王店镇": 55, "陈集镇": 65}
STATUS_WEIGHTS = {EntityStatus.ACTIVE: 86, EntityStatus.CANCELLED: 9, EntityStatus.REVOKED: 4, EntityStatus.MOVED: 1}
OLD_STATUS_WEIGHTS = {EntityStatus.ACTIVE: 68, EntityStatus.CANCELLED: 20, EntityStatus.REVOKED: 10,
                      EntityStatus.MOVED: 2}
SCALE_WEIGHTS = {
    EntityType.ENTERPRISE: {Scale.MICRO: 70, Scale.SMALL: 24, Scale.MEDIUM: 5, Scale.LARGE: 1},
    EntityType.COOPERATIVE: {Scale.MICRO: 85, Scale.SMALL: 15},
}
CREDIT_WEIGHTS = {CreditClass.A: 10, CreditClass.B: 72, CreditClass.C: 13, CreditClass.D: 5}
USCC_KIND = {EntityType.ENTERPRISE: "1", EntityType.INDIVIDUAL: "2", EntityType.COOPERATIVE: "3"}
FIRST_DAY, LAST_DAY = datetime.date(1995, 1, 1), datetime.date(2026, 6, 30)

# Characters for trade names (字号); Faker's zh_CN company prefixes are added to the pool.
NAME_CHARS = ("鑫源宏达盛隆兴旺福祥瑞恒泰丰华金鼎嘉信诚德润昌顺通利和安康永佳美聚汇荣元正天亿豪博远明"
              "新乐万宝中鸿森林春丽晨阳光海润义仁家富贵凯成发东方益民惠众乾坤锦绣振邦久运蓝翔陶朱范蠡")
ROADS = ("人民路", "建设路", "兴华路", "文化路", "永安路", "青年路", "府前街", "向阳路", "长江路", "黄河路",
         "金山路", "融和路", "团结路", "解放路", "陶驿路", "仿山路")
VILLAGE_SUFFIX = ("庄", "楼", "集", "寨", "庙", "店", "屯", "口", "园", "堂", "营", "湾")


@dataclass
class Counts:
    created: int
    skipped: bool


class _Cumulative:
    """Fast repeated weighted choice: precomputed cumulative weights."""

    def __init__(self, weights: dict):
        self.keys = list(weights)
        values = [w[0] if isinstance(w, tuple) else w for w in weights.values()]
        self.cum = list(itertools.accumulate(values))

    def pick(self, rng: random.Random):
        return rng.choices(self.keys, cum_weights=self.cum)[0]


def all_industry_codes() -> set[str]:
    codes = {COLLECTIVE_INDUSTRY}
    for table in INDUSTRIES_BY_TYPE.values():
        codes.update(table)
    return codes


# Registrations grew steadily after the 2014 commercial-registration reform.
YEAR_WEIGHTS = {y: 1 + max(0, y - 2005) * 0.6 for y in range(FIRST_DAY.year, LAST_DAY.year + 1)}


def _registration_day(rng: random.Random, years: _Cumulative) -> datetime.date:
    year = years.pick(rng)
    start = datetime.date(year, 1, 1)
    end = min(datetime.date(year, 12, 31), LAST_DAY)
    return start + datetime.timedelta(days=rng.randrange((end - start).days + 1))


def _villages(rng: random.Random, fake: Faker, towns: list[Township]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for town in towns:
        names: list[str] = []
        while len(names) < 30:
            name = fake.last_name() + rng.choice(VILLAGE_SUFFIX)
            if name not in names:
                names.append(name)
        out[town.code] = names
    return out


def build(count: int = DEFAULT_COUNT, seed: int = SEED) -> list[Entity]:
    """``count`` unsaved entities with valid, unique USCCs and unique names (same seed → same list)."""
    rng = random.Random(seed)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    towns = list(Township.objects.filter(name__in=TOWN_WEIGHTS).order_by("code"))
    town_pick = _Cumulative({t: TOWN_WEIGHTS[t.name] for t in towns})
    villages = _villages(rng, fake, towns)
    people = list(dict.fromkeys(fake.name() for _ in range(1500)))
    years = _Cumulative(YEAR_WEIGHTS)
    prefixes = sorted({p for p in (fake.company_prefix() for _ in range(400)) if len(p) == 2 and "公司" not in p})
    type_pick = _Cumulative(TYPE_WEIGHTS)
    industry_picks = {t: _Cumulative(table) for t, table in INDUSTRIES_BY_TYPE.items()}
    status_pick, old_status_pick = _Cumulative(STATUS_WEIGHTS), _Cumulative(OLD_STATUS_WEIGHTS)
    credit_pick = _Cumulative(CREDIT_WEIGHTS)
    scale_picks = {t: _Cumulative(w) for t, w in SCALE_WEIGHTS.items()}
    names: set[str] = set()
    codes: set[str] = set(Entity.objects.values_list("uscc", flat=True))
    entities: list[Entity] = []

    def trade_name() -> str:
        if prefixes and rng.random() < 0.25:
            return rng.choice(prefixes)
        a, b = rng.sample(NAME_CHARS, 2)
        return a + b

    while len(entities) < count:
        etype = type_pick.pick(rng)
        town = town_pick.pick(rng)
        if etype == EntityType.OTHER:
            village = rng.choice(villages[town.code])
            name = f"定陶区{town.name}{village}村股份经济合作社"
            industry, code_args = COLLECTIVE_INDUSTRY, {"authority": "N", "kind": "2"}
        else:
            industry = industry_picks[etype].pick(rng)
            _, words, suffix = INDUSTRIES_BY_TYPE[etype][industry]
            word = rng.choice(words)
            if etype == EntityType.ENTERPRISE:
                name = f"菏泽市定陶区{trade_name()}{word}有限公司"
            elif etype == EntityType.INDIVIDUAL:
                name = f"定陶区{trade_name()}{word}{suffix}"
            else:
                name = f"定陶区{trade_name()}{word}专业合作社"
            code_args = {"authority": "9", "kind": USCC_KIND[etype]}
        if name in names:
            continue
        region = town.county_code
        code = uscc.make(rng, region=region, **code_args)
        if code in codes:
            continue
        names.add(name)
        codes.add(code)
        registered = _registration_day(rng, years)
        status = (old_status_pick if registered.year < 2010 else status_pick).pick(rng)
        if town.name.endswith("街道"):
            address = f"菏泽市定陶区{town.name}{rng.choice(ROADS)}{rng.randint(1, 399)}号"
        else:
            address = f"菏泽市定陶区{town.name}{rng.choice(villages[town.code])}村{rng.randint(1, 199)}号"
        scale = scale_picks[etype].pick(rng) if etype in scale_picks else Scale.MICRO
        entities.append(Entity(
            uscc=code, name=name, entity_type=etype, industry_id=industry, township_id=town.code, address=address,
            legal_rep=rng.choice(people), registered_on=registered, status=status, scale=scale,
            credit_class=credit_pick.pick(rng),
        ))
    return entities


def ensure_entities(count: int = DEFAULT_COUNT) -> Counts:
    """Create the demo entities unless the directory already holds any (skip what exists)."""
    if Entity.objects.exists():
        return Counts(0, True)
    if Industry.objects.filter(code__in=all_industry_codes()).count() < len(all_industry_codes()):
        load_industries()  # a flushed test database loses the rows the data migration loaded
    entities = build(count)
    Entity.objects.bulk_create(entities, batch_size=2000)
    return Counts(len(entities), False)
