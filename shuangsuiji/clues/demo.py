"""Demo clues: complaints, a referral and a monitoring hit received by 市场监管 and 卫健 over the last weeks, some
triaged (assigned, merged, not accepted) and some waiting, one of them past its time limit; one assigned complaint
under a targeted check, one closed after a call, and an 无证无照经营 clue referred as a case; and twenty complaints
about the hotels of one town (天中街道) from a 12315 export, which make a 专项整治联查 proposal the office turned into a task,
drawn and matched like any other."""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from decimal import Decimal
from pathlib import Path

from django.db.models import Count
from django.utils import timezone

from shuangsuiji.accounts.models import Department, User
from shuangsuiji.directory.models import Entity, EntityStatus
from shuangsuiji.draws.demo import before_round, demo_round, drand
from shuangsuiji.items.models import InspectionItem, ListKind
from shuangsuiji.plans import demo as plans_demo
from shuangsuiji.plans import services as plans
from shuangsuiji.plans.models import Task

from . import proposals, services
from .models import Clue, Source

CLUES = [  # (days ago, source, receiving admin, entity index or None, content, complainant)
    (30, Source.COMPLAINT, "admin_scjgj", 0, "消费者反映在该店购买的熟食有异味，怀疑超过保质期仍在销售。", "王女士"),
    (28, Source.COMPLAINT, "admin_scjgj", 0, "同一门店再次被反映销售过期熟食，与此前投诉为同一事项。", "李先生"),
    (20, Source.MONITORING, "admin_scjgj", 3, "网络交易监测发现该主体在平台销售的保健食品宣传“治疗糖尿病”。", ""),
    (15, Source.ASSIGNED, "admin_wjj", 5, "区政府办公室转办：群众反映该游泳馆水质浑浊、消毒不到位。", ""),
    (12, Source.COMPLAINT, "admin_scjgj", None, "反映天中街道某无名小作坊无证生产豆制品。", "匿名"),
    (4, Source.COMPLAINT, "admin_wjj", 8, "反映该美容店使用的毛巾未消毒。", "张女士"),
    (2, Source.FOUND, "admin_scjgj", 11, "日常检查发现该超市冷藏柜温度记录缺失，需进一步核查。", ""),
    (9, Source.COMPLAINT, "admin_scjgj", None, "反映城区一村口有人摆设流动熟食摊点，未办理营业执照。", "赵先生"),
]

NAMELESS = {12: "无名豆制品作坊", 9: "流动熟食摊点"}


def _took(clues, days: int) -> None:
    """Demo history: each clue triaged ``days`` after it was received (and closed, if it is, a week later) rather
    than all on the day the demo is seeded, so the dashboard's times look like a working office's."""
    now = timezone.now()
    for n, clue in enumerate(clues):
        decided = timezone.make_aware(dt.datetime.combine(clue.received_on + dt.timedelta(days=days + n % 3),
                                                          dt.time(10, 30)))
        fields = {"decided_at": min(decided, now)}
        if clue.closed_at:
            fields["closed_at"] = min(decided + dt.timedelta(days=7), now)
        Clue.objects.filter(pk=clue.pk).update(**fields)


def ensure_clues(say) -> None:
    if Clue.objects.exists():
        return
    today = timezone.localdate()
    entities = list(Entity.objects.filter(status=EntityStatus.ACTIVE).order_by("id")[:20])
    made = []
    for days, source, admin, index, content, complainant in CLUES:
        user = User.objects.get(username=admin)
        entity = entities[index] if index is not None and index < len(entities) else None
        made.append(services.receive(user, source=source, received_on=today - dt.timedelta(days=days), content=content,
                                     uscc=entity.uscc if entity else "", entity_name="" if entity else NAMELESS[days],
                                     complainant=complainant, complainant_phone="1380000" + f"{days:04d}" if complainant else "",
                                     case_type="unlicensed" if index is None and days == 9 else "general"))
    scjg, wj = User.objects.get(username="admin_scjgj"), User.objects.get(username="admin_wjj")
    services.assign(scjg, made[0], Department.objects.get(code="scjgj"), "食品销售环节，由市场监管局核查处置。")
    services.merge(scjg, made[1], made[0].number, "与前一投诉为同一门店同一问题。")
    services.assign(scjg, made[2], Department.objects.get(code="scjgj"), "网络交易违法广告，由本局处置。")
    services.assign(wj, made[3], Department.objects.get(code="wjj"), "公共场所卫生，由卫健局监督检查。")
    services.reject(wj, made[5], "投诉人未能提供店铺名称和地址，无法核实，已电话告知。")
    # Disposal: a targeted check of the first complaint (created, approved by the office — four eyes — and issued),
    # the monitoring hit closed after the business removed the claims, the street stall referred as 无照 case.
    food = (InspectionItem.objects.published().filter(department__code="scjgj", name__contains="食品")
            .order_by("code").first())
    task = services.open_check(scjg, made[0], items=[food], starts_on=today, ends_on=today + dt.timedelta(days=15))
    plans.submit(scjg, task)
    plans.issue_targeted(scjg, plans.approve(User.objects.get(username="office"), task))
    services.close(scjg, made[2], outcome="confirmed",
                   note="约谈经营者，已删除“治疗糖尿病”等宣传内容，责令整改；同时抄告网信部门。")
    services.assign(scjg, made[7], Department.objects.get(code="scjgj"), "无照经营，由本局查处。")
    services.open_case(scjg, made[7], kind="no_licence", organ=None, note="流动摊点，地址：城区村口，每日傍晚出摊。")
    _took(Clue.objects.filter(pk__in=[c.pk for c in made]).exclude(decided_at=None), 2)
    say(f"线索：登记 {len(made)} 条（已分办 4 条：定向检查 1 条、办结 1 条、无证无照立案 1 条；合并 1 条、不予受理 1 条，"
        f"待分办 2 条，其中 1 条已逾期）")


HOTEL_COMPLAINTS = [  # (department handling it, what the complainant said)
    ("wjj", "入住时发现床单、毛巾有污渍，未做到一客一换。"), ("wjj", "客房卫生间有异味，杯具未消毒。"),
    ("wjj", "宾馆空调滤网积灰严重，住客咳嗽。"), ("gafj", "入住时前台未登记身份证信息。"),
    ("wjj", "客房内发现蟑螂，投诉卫生问题。"), ("wjj", "公共卫生间无人清扫，地面积水。"),
    ("gafj", "宾馆允许未成年人独自入住。"), ("wjj", "一次性用品重复使用。"),
]
HOTEL_ITEMS = ("宾馆、旅店卫生情况的检查", "宾馆、旅店治安安全情况的检查", "宾馆、旅店取得许可证情况的检查")


def _hotel_export(path: Path, hotels: list[Entity], today: dt.date) -> None:
    """Twenty complaints as the 12315 platform exports them, one of them a consultation (not a clue)."""
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["工单编号", "登记时间", "诉求类型", "诉求内容", "被投诉方名称", "统一社会信用代码", "投诉人", "联系电话"])
        for n in range(20):
            hotel = hotels[n % len(hotels)]
            _dept, text = HOTEL_COMPLAINTS[n % len(HOTEL_COMPLAINTS)]
            when = today - dt.timedelta(days=58 - n * 3)
            out.writerow([f"3717030{when:%Y%m%d}{n:05d}", f"{when:%Y-%m-%d} {9 + n % 8}:{n * 7 % 60:02d}:00", "投诉",
                          text, hotel.name, hotel.uscc, f"消费者{n + 1}", f"1390000{n:04d}"])
        out.writerow([f"3717030{today:%Y%m%d}99999", f"{today:%Y-%m-%d} 10:00:00", "咨询", "咨询宾馆开业需办理哪些许可。",
                      "", "", "市民", "13900009999"])


def ensure_special(say) -> None:
    """The 12315 export imported, the clues assigned, the proposal accepted and the task drawn."""
    if Task.objects.filter(kind="joint_special").exists():
        return
    today = timezone.localdate()
    lodging = Entity.objects.filter(status=EntityStatus.ACTIVE, industry__code__startswith="61")
    busiest = lodging.values("township_id").annotate(n=Count("id")).order_by("-n", "township_id").first()
    town = busiest["township_id"] if busiest else None  # 天中街道 in the demo district
    hotels = list(lodging.filter(township_id=town).order_by("id")[:12])
    items = [i for name in HOTEL_ITEMS if (i := InspectionItem.objects.published().filter(
        item_list__kind=ListKind.JOINT, name=name).order_by("code").first())]
    if len(hotels) < 3 or len(items) < len(HOTEL_ITEMS):
        say("专项整治演示：缺少同一乡镇的住宿业主体或宾馆、旅店联合抽查事项，跳过。")
        return
    scjg, office = User.objects.get(username="admin_scjgj"), User.objects.get(username="office")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "12315投诉举报明细.csv"
        _hotel_export(path, hotels, today)
        made, checked = services.import_file(path, "complaint", actor=scjg, filename=path.name)
    departments = {code: Department.objects.get(code=code) for code in ("wjj", "gafj")}
    for n, clue in enumerate(made):
        code = HOTEL_COMPLAINTS[n % len(HOTEL_COMPLAINTS)][0]
        services.assign(scjg, clue, departments[code], "宾馆、旅店卫生由卫健部门监督；住宿登记、治安由公安部门管理。")
    _took(Clue.objects.filter(pk__in=[c.pk for c in made]), 1)
    proposal = next((p for p in proposals.refresh() if p.township_id == town and p.industry_id == "61"), None)
    say(f"12315 导出：登记线索 {len(made)} 条、略过 {len(checked.skipped)} 行（咨询），分办卫健、公安"
        + (f"；形成专项整治联查建议“{proposal.title}”" if proposal else ""))
    if proposal is None:
        return
    plans_demo.qualify(items)
    task = proposals.accept(office, proposal, department=departments["wjj"], title="", items=items,
                            ratio=Decimal("50"), minimum=1, starts_on=today, ends_on=today + dt.timedelta(days=30))
    plans.submit(office, task)
    plans.approve(User.objects.get(username="admin_wjj"), task)  # four eyes: the office drafted and submitted it
    plans_demo.confirm_partners(task)
    plans.commit(User.objects.get(username="admin_wjj"), task, [drand(5928395)], now=before_round(5928395))
    task = plans.reveal(User.objects.get(username="admin_wjj"), Task.objects.get(pk=task.pk), [demo_round(5928395)])
    say(f"专项整治联查 {task.number}：由建议转为任务，随机抽取天中街道住宿业 {task.visits.count()} 户并匹配执法人员")
