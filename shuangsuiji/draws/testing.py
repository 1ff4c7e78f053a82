"""Builders for draw tests: a small directory, published items, and sources for draws committed in the past.

Binding randomness must be future and public, so a test that reveals commits at ``COMMIT_AT`` (before
the real quicknet round 1000) and reveals that round; the sealed dice are filled in at the reveal.
"""

from __future__ import annotations

import datetime as dt
import random

from shuangsuiji.directory import search
from shuangsuiji.directory.models import CreditClass, Entity, EntityStatus, EntityType
from shuangsuiji.directory.uscc import make as make_uscc
from shuangsuiji.items.models import InspectionItem, ItemClass, ItemList, ListStatus
from shuangsuiji.lottery.tests.vectors import QUICKNET_1000, QUICKNET_5928395

COMMIT_AT = dt.datetime(2023, 8, 23, 15, 30, tzinfo=dt.UTC)  # half an hour before quicknet round 1000
DRAND = {"type": "drand", "chain": "quicknet", "round": 1000}
DICE = {"type": "witness", "name": "公证员现场掷骰", "shape": [3], "ranges": [[1, 6]], "numbers": [[4, 1, 6]]}
SOURCES = [DRAND, DICE]
REVEALED = [dict(QUICKNET_1000)]  # the dice are sealed at commit and filled in by the reveal
# A recusal decided the next day declares a later real round, which draws the replacement.
DECIDE_AT = dt.datetime(2023, 8, 24, 9, 0, tzinfo=dt.UTC)
LATER_ROUND, LATER_REVEALED = 5928395, dict(QUICKNET_5928395)


def approve_recusal(actor, recusal, reason: str = "经核实存在利害关系"):
    """Decide a recusal (declaring the later round) and draw its replacement from that round."""
    from . import recusals

    recusal = recusals.decide_recusal(actor, recusal, approve=True, reason=reason, round_no=LATER_ROUND,
                                      now=DECIDE_AT)
    return recusals.complete_recusal(actor, recusal, LATER_REVEALED)


def make_directory(n: int = 400, seed: int = 7, inactive: int = 20) -> list[Entity]:
    """n active entities over four credit classes, plus some that are not 存续."""
    rng = random.Random(seed)
    classes = [CreditClass.A, CreditClass.B, CreditClass.C, CreditClass.D]
    seen: set[str] = set()
    rows = []
    for i in range(n + inactive):
        code = make_uscc(rng)
        while code in seen:
            code = make_uscc(rng)
        seen.add(code)
        rows.append(Entity(uscc=code, name=f"定陶区测试商户{i:05d}", entity_type=EntityType.INDIVIDUAL,
                           credit_class=classes[i % 4],
                           status=EntityStatus.ACTIVE if i < n else EntityStatus.CANCELLED))
    made = Entity.objects.bulk_create(rows)
    search.refresh()  # the public look-up's index (PostgreSQL), as an import's job does
    return made


def make_published_item(department, name: str = "食品经营者经营条件检查") -> InspectionItem:
    version = ItemList.objects.filter(department=department).count() + 1
    item_list = ItemList.objects.create(department=department, version=version, title=f"{department.short_name}抽查事项清单",
                                        status=ListStatus.PUBLISHED)
    return InspectionItem.objects.create(item_list=item_list, code=name[:12].encode().hex()[:12], category="食品经营",
                                         name=name, object_type="食品经营者", item_class=ItemClass.KEY,
                                         department=department)


def make_team(department, n: int = 8, domain: str = "食品经营") -> list:
    """n on-duty officers of ``department`` qualified for ``domain``."""
    from shuangsuiji.inspectors.testing import make_inspector

    return [make_inspector(department=department, domains=[domain]) for _ in range(n)]


def make_revealed_draw(personas, n: int = 60):
    """A small draw of the lead department taken to the end: prepared, committed and revealed."""
    from . import services
    from .models import Draw

    make_team(personas.lead_dept)
    make_directory(n=n, inactive=0)
    draw = services.prepare(personas.lead_admin, personas.lead_dept, title="恢复演练抽取",
                            items=[make_published_item(personas.lead_dept)],
                            rules={"default": {"ratio": "0.1", "minimum": 1}})
    services.commit(personas.lead_admin, draw, SOURCES, now=COMMIT_AT)
    return services.reveal(personas.lead_admin, Draw.objects.get(pk=draw.pk), REVEALED)
