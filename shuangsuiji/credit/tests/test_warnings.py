"""Issue 30, early warning: businesses whose class worsened this month; industries and towns whose problem rate
rose (last three months against the three before) with trend charts; the whole page exported to Excel."""

import datetime as dt
import io

import time_machine
from openpyxl import load_workbook

from shuangsuiji.credit import services
from shuangsuiji.credit.models import ClassChange
from shuangsuiji.credit.testing import inspected
from shuangsuiji.directory.models import Township
from shuangsuiji.directory.testing import make_entity

TODAY = dt.date(2026, 12, 7)


def test_the_month_s_worsened_classes_and_the_rising_groups(personas, client_for):
    town, other = Township.objects.order_by("code")[:2]
    worse = make_entity(name="变差商户", township=town)
    ClassChange.objects.create(entity=worse, before="B", after="D", on=dt.date(2026, 12, 1), version=1)
    better = make_entity(name="变好商户")
    ClassChange.objects.create(entity=better, before="C", after="A", on=dt.date(2026, 12, 1), version=1)
    first = make_entity(name="首次分类商户")
    ClassChange.objects.create(entity=first, before="", after="D", on=dt.date(2026, 12, 1), version=1)
    old = make_entity(name="上月变差商户")
    ClassChange.objects.create(entity=old, before="A", after="C", on=dt.date(2026, 11, 30), version=1)
    # Restaurants (section H) in one town: 1 of 6 with problems in summer, 4 of 6 this autumn. Software (I): flat.
    for i in range(6):
        inspected(make_entity(industry_id="6210", township=town), personas.lead_dept, dt.date(2026, 7, 10),
                  problem=i < 1)
        inspected(make_entity(industry_id="6210", township=town), personas.lead_dept, dt.date(2026, 10, 10),
                  problem=i < 4)
        inspected(make_entity(industry_id="6511", township=other), personas.lead_dept, dt.date(2026, 7, 10),
                  problem=i < 2)
        inspected(make_entity(industry_id="6511", township=other), personas.lead_dept, dt.date(2026, 11, 10),
                  problem=i < 2)
    assert [c.entity.name for c in services.worsened(TODAY)] == ["变差商户"]
    trends = services.rising(TODAY)
    assert [(r["group"], r["recent"][:2], r["before"][:2]) for r in trends["industry"]] == [
        ("H 住宿和餐饮业", (6, 4), (6, 1))]
    assert [r["group"] for r in trends["town"]] == [town.name]
    with time_machine.travel(dt.datetime(2026, 12, 7, 10), tick=False):
        c = client_for(personas.office)
        page = c.get("/credit/warnings/").content.decode()
        assert "变差商户" in page and "B → D" in page and "首次分类商户" not in page and "上月变差商户" not in page
        assert 'data-chart="chart-2"' in page and "50.0 个百分点" in page
        book = load_workbook(io.BytesIO(c.get("/credit/warnings/?format=xlsx").content))
    assert book.sheetnames == ["本月分类变差", "行业问题率上升", "乡镇问题率上升"]
    assert [cell.value for cell in book["本月分类变差"][2]][1:5] == ["变差商户", town.name, "B", "D"]
    assert book["行业问题率上升"]["A2"].value == "H 住宿和餐饮业"
