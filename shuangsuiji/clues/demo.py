"""Demo clues: complaints, a referral and a monitoring hit received by 市场监管 and 卫健 over the last weeks, some
triaged (assigned, merged, not accepted) and some waiting, one of them past its time limit; one assigned complaint
under a targeted check, one closed after a call, and an 无证无照经营 clue referred as a case."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from shuangsuiji.accounts.models import Department, User
from shuangsuiji.directory.models import Entity, EntityStatus
from shuangsuiji.items.models import InspectionItem
from shuangsuiji.plans import services as plans

from . import services
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
    say(f"线索：登记 {len(made)} 条（已分办 4 条：定向检查 1 条、办结 1 条、无证无照立案 1 条；合并 1 条、不予受理 1 条，"
        f"待分办 2 条，其中 1 条已逾期）")
