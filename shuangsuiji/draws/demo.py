"""Demo draws for 菏泽市定陶区: one published (with teams), one joint draw committed and awaiting its numbers.

Binding randomness must be a future public source, and the demo runs offline, so the demo draws use real
drand rounds whose JSON ships in data/demo/ and are committed half an hour before those rounds (the
commitment time is moved back; everything else is what a real draw does).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from shuangsuiji.accounts.models import Department, User
from shuangsuiji.inspectors.models import Qualification
from shuangsuiji.items.models import InspectionItem

from . import recusals, services
from .models import Draw, TeamMember

DICE = {"type": "witness", "name": "区公证处公证员现场掷骰", "shape": [3], "ranges": [[1, 6]], "numbers": [[3, 5, 2]]}


def demo_round(number: int) -> dict:
    """A real quicknet round shipped with the demo (data/demo/drand-quicknet-N.json)."""
    return json.loads((settings.SSJ_DATA_DIR / "demo" / f"drand-quicknet-{number}.json").read_text("utf-8"))


def before_round(number: int) -> dt.datetime:
    """Half an hour before a quicknet round: the demo's commitment time for a draw that uses it."""
    from shuangsuiji.lottery import beacon

    return dt.datetime.fromtimestamp(beacon.round_time("quicknet", number), dt.UTC) - dt.timedelta(minutes=30)


def drand(number: int) -> dict:
    return {"type": "drand", "chain": "quicknet", "round": number}


def _best_item(department: Department) -> InspectionItem | None:
    """A published item of the department whose domain the most of its officers are qualified for."""
    domains = (Qualification.objects.filter(inspector__department=department, inspector__kind="officer")
               .values("domain").annotate(n=Count("id")).order_by("-n", "domain"))
    for row in domains:
        item = InspectionItem.objects.published().filter(department=department, category=row["domain"]).first()
        if item is not None:
            return item
    return None


def _demo_recusal(draw: Draw, decided_at: dt.datetime) -> None:
    """A business asks that one officer step aside; the department agrees, and the replacement is drawn with
    the drand round declared at the decision (a later real round shipped in data/demo/)."""
    member = TeamMember.objects.filter(draw=draw, active=True).select_related("department").order_by("id").first()
    if member is None:
        return
    head = User.objects.filter(role="dept_admin", department=member.department).first()
    office = User.objects.filter(role="office").first()  # registers it; the department head decides (four eyes)
    recusal = recusals.request_recusal(office, member, applicant="business", category="interest",
                                       reason="检查对象称该执法人员的近亲属在本企业任职（演示）")
    recusal = recusals.decide_recusal(head, recusal, approve=True, reason="经核实属实，同意回避（演示）",
                                      round_no=5928395, now=decided_at)
    recusals.complete_recusal(head, recusal, demo_round(5928395))


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
        items = [food] + ([health] if health is not None else [])
        draw = services.prepare(admin, scjg, title="2026年度市场主体“双随机”抽查（演示）", items=items,
                                purpose="演示：按信用风险分类分层，各层抽取 1%；随机源为 drand 第 1000 轮和公证员封存的骰子号码，"
                                        "一次回避替换用第 5928395 轮（演示数据把承诺、揭晓和回避决定的时间回拨到这些轮次之前）。",
                                strata_by=["credit_class"], rules={"default": {"ratio": "0.01", "minimum": 1}})
        draw = services.commit(admin, draw, [drand(1000), DICE], now=before_round(1000))
        after = before_round(1000) + dt.timedelta(hours=1)
        draw = services.reveal(admin, draw, [demo_round(1000)], now=after)
        _demo_recusal(draw, after + dt.timedelta(days=1))
        services.publish(admin, draw)
        say(f"演示抽取 {draw.number}：已公布，抽中 {draw.drawn.count()} 户，检查组（化名）和一次回避替换已公开。")
        if health is not None:
            joint = services.prepare(admin, scjg, title="2026年度公共场所和食品经营联合抽查（演示，待揭晓）",
                                     items=[food, health],
                                     purpose="演示：承诺已发布，请在抽取页面粘贴 data/demo/drand-quicknet-1000.json 的内容完成揭晓"
                                             "（演示数据把承诺时间回拨到该轮之前）。",
                                     scope={"filters": {"entity_type": ["enterprise"]}},
                                     rules={"default": {"ratio": "0.005", "minimum": 1}})
            # Its checks run to the end of the year: the publication deadline counts from there.
            joint = services.commit(admin, joint, [drand(1000)], now=before_round(1000),
                                    task_ends_on=dt.date(timezone.localdate().year, 12, 31))
            say(f"演示抽取 {joint.number}：承诺已发布，等待揭晓。")
    except services.DrawServiceError as exc:
        say(f"演示抽取未能完成：{exc}")
