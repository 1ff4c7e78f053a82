"""Demo draws for 菏泽市定陶区: one published (with teams), one joint draw committed and awaiting its numbers."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Count

from shuangsuiji.accounts.models import Department, User
from shuangsuiji.inspectors.models import Qualification
from shuangsuiji.items.models import InspectionItem

from . import services
from .models import Draw

WITNESS = [{"type": "witness", "name": "区公证处公证员现场掷骰", "shape": [3]}]


def _best_item(department: Department) -> InspectionItem | None:
    """A published item of the department whose domain the most of its officers are qualified for."""
    domains = (Qualification.objects.filter(inspector__department=department, inspector__kind="officer")
               .values("domain").annotate(n=Count("id")).order_by("-n", "domain"))
    for row in domains:
        item = InspectionItem.objects.published().filter(department=department, category=row["domain"]).first()
        if item is not None:
            return item
    return None


def ensure_demo_draws(say: Callable[[str], None]) -> None:
    if Draw.objects.exists():
        return
    scjg, wj = Department.objects.get(code="scjgj"), Department.objects.get(code="wjj")
    admin = User.objects.get(username="admin_scjgj")
    food, health = _best_item(scjg), _best_item(wj)
    if food is None:
        say("演示抽取：市场监管部门没有可引用的已公布事项，跳过。")
        return
    try:
        draw = services.prepare(admin, scjg, title="2026年度市场主体“双随机”抽查（演示）", items=[food],
                                purpose="演示：按信用风险分类分层，各层抽取 1%。", strata_by=["credit_class"],
                                rules={"default": {"ratio": "0.01", "minimum": 1}})
        draw = services.commit(admin, draw, WITNESS)
        draw = services.reveal(admin, draw, [{"numbers": [[3, 5, 2]]}])
        services.publish(admin, draw)
        say(f"演示抽取 {draw.number}：已公布，抽中 {draw.drawn.count()} 户并完成检查人员匹配。")
        if health is not None:
            joint = services.prepare(admin, scjg, title="2026年度公共场所和食品经营联合抽查（演示，待揭晓）",
                                     items=[food, health], purpose="演示：承诺已发布，请在抽取页面输入现场掷骰号码完成揭晓。",
                                     scope={"filters": {"entity_type": ["enterprise"]}},
                                     rules={"default": {"ratio": "0.005", "minimum": 1}})
            joint = services.commit(admin, joint, WITNESS)
            say(f"演示抽取 {joint.number}：承诺已发布，等待揭晓。")
    except services.DrawServiceError as exc:
        say(f"演示抽取未能完成：{exc}")
