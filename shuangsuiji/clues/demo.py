"""Demo clues: complaints, a referral and a monitoring hit received by 市场监管 and 卫健 over the last weeks, some
triaged (assigned, merged, not accepted) and some waiting, one of them past its time limit."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from shuangsuiji.accounts.models import Department, User
from shuangsuiji.directory.models import Entity, EntityStatus

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
]


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
                                     uscc=entity.uscc if entity else "", entity_name="" if entity else "无名豆制品作坊",
                                     complainant=complainant, complainant_phone="1380000" + f"{days:04d}" if complainant else ""))
    scjg, wj = User.objects.get(username="admin_scjgj"), User.objects.get(username="admin_wjj")
    services.assign(scjg, made[0], Department.objects.get(code="scjgj"), "食品销售环节，由市场监管局核查处置。")
    services.merge(scjg, made[1], made[0].number, "与前一投诉为同一门店同一问题。")
    services.assign(scjg, made[2], Department.objects.get(code="scjgj"), "网络交易违法广告，由本局处置。")
    services.assign(wj, made[3], Department.objects.get(code="wjj"), "公共场所卫生，由卫健局监督检查。")
    services.reject(wj, made[5], "投诉人未能提供店铺名称和地址，无法核实，已电话告知。")
    say(f"线索：登记 {len(made)} 条（已分办 3 条、合并 1 条、不予受理 1 条，待分办 2 条，其中 1 条已逾期）")
