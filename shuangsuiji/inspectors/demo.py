"""Demo inspector directory for 菏泽市定陶区: officers of all 16 member units, a few third-party experts,
declared conflicts with demo entities, and the demo inspector accounts linked to their records.

Certificate numbers follow the pattern ``鲁菏定`` + two-digit unit number (the unit's position in seed
annex 1, 01 = 发改 … 12 = 市场监管 … 16 = 税务) + five-digit serial, e.g. 鲁菏定1200001. This is a demo
convention that looks like a Shandong certificate; real numbers are entered or imported as issued.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from faker import Faker

from shuangsuiji.accounts.models import Department, User
from shuangsuiji.accounts.reference import DINGTAO_DEPARTMENTS
from shuangsuiji.common import audit
from shuangsuiji.directory.demo import TOWN_WEIGHTS
from shuangsuiji.directory.models import Entity, EntityStatus, Township

from .forms import RELATIONS
from .models import Category, Conflict, DutyStatus, Inspector, InspectorKind, Qualification, StatusChange
from .services import domain_suggestions
from .validation import check_id_number

SEED = 3717031
CERT_PATTERN = "鲁菏定{unit:02d}{serial:05d}"
UNIT_NUMBER = {code: n for n, (code, *_rest) in enumerate(DINGTAO_DEPARTMENTS, start=1)}

# Officers per unit: the big inspecting units (market, health, agriculture, safety, environment,
# culture) carry most of the load.
DEPARTMENT_SIZES = {
    "scjgj": 60, "wjj": 35, "nyncj": 30, "yjj": 25, "sthjfj": 25, "whzf": 22, "zjj": 18, "jtysj": 18,
    "gafj": 15, "swju": 15, "jtj": 12, "rsj": 10, "swj": 10, "fgj": 8, "xzspj": 8, "tjj": 8,
}
# Used when a unit has no published item list yet (or the lists are not imported).
FALLBACK_DOMAINS = {
    "scjgj": ["食品生产", "食品销售", "餐饮服务", "特种设备", "工业产品生产许可", "计量", "广告", "企业公示信息"],
    "wjj": ["公共场所卫生", "生活饮用水卫生", "医疗机构", "职业卫生", "放射卫生", "学校卫生", "传染病防治"],
    "nyncj": ["农药经营", "种子经营", "兽药经营", "饲料和饲料添加剂", "农产品质量安全", "动物防疫"],
    "yjj": ["危险化学品", "工贸行业安全生产", "烟花爆竹经营", "非煤矿山"],
    "sthjfj": ["排污许可", "固体废物", "建设项目环境影响评价", "辐射安全", "大气污染防治"],
    "whzf": ["娱乐场所", "互联网上网服务场所", "演出市场", "出版物市场", "旅行社"],
    "zjj": ["建筑市场", "房地产开发", "物业服务", "燃气经营", "工程质量"],
    "jtysj": ["道路运输", "机动车维修", "驾驶员培训", "公路工程"],
    "gafj": ["旅馆业治安", "公章刻制", "保安服务", "二手车交易"],
    "swju": ["发票使用", "纳税申报", "税收优惠"],
    "jtj": ["民办学校", "校外培训", "中小学教育装备"],
    "rsj": ["劳务派遣", "人力资源服务机构", "职业技能培训机构"],
    "swj": ["单用途商业预付卡", "报废机动车回收", "再生资源回收"],
    "fgj": ["工程咨询", "招标投标", "节能审查"],
    "xzspj": ["审批事项事后核查"],
    "tjj": ["统计调查对象", "统计执法检查"],
}
CATEGORY_WEIGHTS = {Category.CIVIL_SERVANT: 45, Category.QUALIFIED: 35, Category.DAILY: 20}
POLICE_CATEGORY_WEIGHTS = {Category.CIVIL_SERVANT: 85, Category.QUALIFIED: 15}
# (unit, organisation pattern): 政府购买服务 experts for specialised checks.
THIRD_PARTIES = [
    ("scjgj", "山东{}检测技术有限公司"), ("scjgj", "菏泽{}特种设备检验服务有限公司"), ("scjgj", "山东{}计量检测有限公司"),
    ("yjj", "菏泽{}安全技术咨询有限公司"), ("yjj", "山东{}安全评价有限公司"),
    ("sthjfj", "山东{}环境检测有限公司"), ("sthjfj", "菏泽{}环保科技有限公司"), ("wjj", "山东{}卫生检测有限公司"),
]
ID_AREAS = ("371727", "371727", "371702", "371721", "371722", "371728", "370102")  # 371727 = old 定陶县
CONFLICT_UNITS = ("scjgj", "wjj", "nyncj")
CONFLICT_COUNT = 12


def _pick(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _id_number(fake: Faker, rng: random.Random) -> str:
    while True:
        number = fake.ssn(min_age=24, max_age=58, area_code=rng.choice(ID_AREAS))
        if check_id_number(number) is None:
            return number


def _status(rng: random.Random, today: datetime.date) -> tuple[str, datetime.date | None, datetime.date | None]:
    r = rng.random()
    if r < 0.04:
        start = today - datetime.timedelta(days=rng.randint(0, 20))
        return DutyStatus.LEAVE, start, today + datetime.timedelta(days=rng.randint(3, 60))
    if r < 0.07:
        return DutyStatus.TRANSFERRED, today - datetime.timedelta(days=rng.randint(10, 400)), None
    return DutyStatus.ON_DUTY, None, None


def build(today: datetime.date | None = None) -> tuple[list[Inspector], dict[int, list[str]]]:
    """Unsaved inspectors (officers, then third parties) and the domains of each, by list position."""
    today = today or datetime.date.today()
    rng = random.Random(SEED)
    fake = Faker("zh_CN")
    fake.seed_instance(SEED)
    towns = list(Township.objects.filter(name__in=TOWN_WEIGHTS).order_by("code"))
    town_weights = [TOWN_WEIGHTS[t.name] for t in towns]
    departments = {d.code: d for d in Department.objects.filter(code__in=DEPARTMENT_SIZES)}
    names: set[str] = set()
    people: list[Inspector] = []
    domains: dict[int, list[str]] = {}

    def new_name() -> str:
        while (name := fake.name()) in names:
            pass
        names.add(name)
        return name

    for code, size in DEPARTMENT_SIZES.items():
        dept = departments.get(code)
        if dept is None:
            continue
        pool = domain_suggestions(dept) or FALLBACK_DOMAINS[code]
        weights = POLICE_CATEGORY_WEIGHTS if code in ("gafj", "swju") else CATEGORY_WEIGHTS
        for serial in range(1, size + 1):
            status, start, until = _status(rng, today)
            expired = rng.random() < 0.02
            expires = today + datetime.timedelta(days=-rng.randint(1, 200) if expired else rng.randint(120, 1800))
            people.append(Inspector(
                name=new_name(), department=dept, kind=InspectorKind.OFFICER, category=_pick(rng, weights),
                cert_no=CERT_PATTERN.format(unit=UNIT_NUMBER[code], serial=serial), status=status,
                status_from=start, status_until=until, township=rng.choices(towns, weights=town_weights)[0],
                qualification_expires=expires, id_number=_id_number(fake, rng), phone=fake.phone_number(),
            ))
            domains[len(people) - 1] = rng.sample(pool, k=min(len(pool), rng.randint(2, 6)))
    for code, pattern in THIRD_PARTIES:
        dept = departments.get(code)
        if dept is None:
            continue
        trade = fake.company_prefix()[:4]
        pool = domain_suggestions(dept) or FALLBACK_DOMAINS[code]
        people.append(Inspector(
            name=new_name(), department=dept, kind=InspectorKind.THIRD_PARTY, organisation=pattern.format(trade),
            township=None, phone=fake.phone_number(),
        ))
        domains[len(people) - 1] = rng.sample(pool, k=min(len(pool), 2))
    return people, domains


@transaction.atomic
def ensure_inspectors(today: datetime.date | None = None) -> int:
    """Create the demo directory unless any inspector exists; returns how many were created."""
    if Inspector.objects.exists():
        return 0
    people, domains = build(today)
    Inspector.objects.bulk_create(people, batch_size=500)
    Qualification.objects.bulk_create(
        [Qualification(inspector=people[i], domain=d) for i, ds in domains.items() for d in ds], batch_size=2000)
    StatusChange.objects.bulk_create([
        StatusChange(inspector=p, status=p.status, starts_on=p.status_from, ends_on=p.status_until,
                     reason="演示数据") for p in people if p.status != DutyStatus.ON_DUTY
    ])
    audit.record(None, "demo.seed", None, summary=f"演示数据：登记执法检查人员及第三方专家 {len(people)} 名")
    return len(people)


@transaction.atomic
def link_demo_users() -> list[str]:
    """Give each demo inspector account (inspector_scjgj, inspector_wjj) an on-duty officer record."""
    linked = []
    today = datetime.date.today()
    for user in User.objects.filter(username__startswith="inspector_", department__isnull=False):
        if Inspector.objects.filter(user=user).exists():
            continue
        record = (Inspector.objects.available_on(today).filter(department=user.department, user__isnull=True)
                  .order_by("id").first())
        if record is not None:
            record.user = user
            record.save(update_fields=["user", "updated_at"])
            linked.append(f"{user.username} → {record.name}（{record.cert_no}）")
    return linked


@transaction.atomic
def ensure_conflicts(today: datetime.date | None = None) -> int:
    """A few declared conflicts between officers and active demo entities, unless any exist."""
    if Conflict.objects.exists():
        return 0
    today = today or datetime.date.today()
    rng = random.Random(SEED + 1)
    officers = list(Inspector.objects.officers().filter(department__code__in=CONFLICT_UNITS)
                    .select_related("user").order_by("id")[:60])
    # Linked demo accounts come first, so that logging in as inspector_scjgj shows a conflict.
    officers.sort(key=lambda o: o.user is None)
    linked = sum(1 for o in officers if o.user is not None)
    entity_ids = list(Entity.objects.filter(status=EntityStatus.ACTIVE).order_by("id").values_list("id", flat=True))
    if not officers or not entity_ids:
        return 0
    office = User.objects.filter(username="office").first()
    rows: list[Conflict] = []
    pairs: set[tuple[int, int]] = set()
    while len(rows) < CONFLICT_COUNT:
        inspector = officers[len(rows)] if len(rows) < linked else rng.choice(officers)
        entity_id = rng.choice(entity_ids)
        if (inspector.pk, entity_id) in pairs:
            continue
        pairs.add((inspector.pk, entity_id))
        start = today - datetime.timedelta(days=rng.randint(30, 900))
        ended = rng.random() < 0.25
        rows.append(Conflict(
            inspector=inspector, entity_id=entity_id, relation=rng.choice(RELATIONS),
            reason="本人申报" if rng.random() < 0.5 else "单位核查发现", valid_from=start,
            valid_until=today - datetime.timedelta(days=rng.randint(1, 20)) if ended else None, declared_by=office,
        ))
    Conflict.objects.bulk_create(rows)
    audit.record(office, "demo.seed", None, summary=f"演示数据：登记回避关系 {len(rows)} 条")
    return len(rows)
