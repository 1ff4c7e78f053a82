"""Demo credit facts and classes: some businesses on the 经营异常名录, a few on the 严重违法失信名单, penalties,
complaints, late annual reports and the joint punishment and reward lists (a fixed random choice), then classes computed at the end of June and
September and today, so the history shows changes."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from shuangsuiji.directory.models import Entity

from . import facts, services
from .models import Facts, Rating

AS_OF = (dt.date(2026, 6, 30), dt.date(2026, 9, 30))


def ensure_facts() -> None:
    """The imported facts and lists, before the demo's tasks are drawn (a 风险分类联查 draws the lists apart)."""
    if Facts.objects.exists():
        return
    rng = random.Random(30)
    ids = list(Entity.objects.order_by("id").values_list("id", flat=True))
    rows = []
    for entity_id in rng.sample(ids, min(len(ids), len(ids) // 12)):
        roll = rng.random()
        rows.append(Facts(entity_id=entity_id, abnormal=roll < .35, serious=roll < .03,
                          penalties=rng.choice((0, 0, 1, 1, 2, 4)), complaints=rng.choice((0, 1, 1, 2, 3, 6)),
                          annual_report_missing=rng.random() < .3, punished=roll < .03,
                          trusted=False))
    trusted = set(rng.sample(ids, min(len(ids), len(ids) // 50))) - {r.entity_id for r in rows}
    rows += [Facts(entity_id=i, trusted=True) for i in sorted(trusted)]
    with transaction.atomic():
        Facts.objects.bulk_create(rows, batch_size=5000)
        facts.sync_lists({r.entity_id for r in rows if r.punished or r.trusted})


def ensure_credit(say) -> None:
    """Classes as of the end of June and September and today, from the facts and the demo's inspections."""
    if Rating.objects.exists():
        return
    ensure_facts()
    for on in (*AS_OF, timezone.localdate()):
        summary = services.recompute(None, on=on)
        counts = "，".join(f"{k} 类 {n}" for k, n in summary["classes"].items())
        say(f"信用风险分类（截至 {on:%Y-%m-%d}）：{counts}；{summary['changed']} 户变化")
