"""Issue 31: the clue register feeds the credit class. Complaints and reports registered as clues about a business
in the year before the recomputation count as 近一年投诉举报 — not those not accepted, merged as duplicates or
found 不属实 — and an imported count stands when it is higher (the same 12315 complaints may arrive both ways)."""

import datetime as dt

from django.utils import timezone

from shuangsuiji.clues import services as clues
from shuangsuiji.credit import services
from shuangsuiji.credit.models import Facts, Rating
from shuangsuiji.directory.testing import make_entity


def complaint(personas, shop, days_ago=10, source="complaint"):
    return clues.receive(personas.lead_admin, source=source, uscc=shop.uscc, content="投诉",
                         received_on=timezone.localdate() - dt.timedelta(days=days_ago))


def complaints_counted(shop) -> int:
    parts = {key: value for key, value, _points in Rating.objects.get(entity=shop).parts}
    return parts.get("complaints", 0)


def test_complaint_clues_of_the_last_year_count_towards_the_class(personas):
    shop, quiet = make_entity(registered_on=dt.date(2010, 1, 1)), make_entity(registered_on=dt.date(2010, 1, 1))
    for _ in range(3):
        complaint(personas, shop)
    complaint(personas, shop, source="monitoring")  # not a complaint or report
    complaint(personas, shop, days_ago=400)  # more than a year before
    clues.reject(personas.lead_admin, complaint(personas, shop), "无法核实")
    clues.merge(personas.lead_admin, complaint(personas, shop), clues.receive(
        personas.lead_admin, source="monitoring", content="x", received_on=timezone.localdate()).number)
    unfounded = clues.assign(personas.lead_admin, complaint(personas, shop), personas.lead_dept)
    clues.close(personas.lead_admin, unfounded, outcome="unfounded", note="经核实不属实")
    services.recompute(personas.office)
    assert complaints_counted(shop) == 3 and complaints_counted(quiet) == 0
    worse = Rating.objects.get(entity=shop).score
    assert worse != Rating.objects.get(entity=quiet).score
    Facts.objects.create(entity=shop, complaints=5)  # a higher imported count stands
    services.recompute(personas.office)
    assert complaints_counted(shop) == 5
    Facts.objects.filter(entity=shop).update(complaints=1)  # a lower one does not hide the register's
    services.recompute(personas.office)
    assert complaints_counted(shop) == 3
