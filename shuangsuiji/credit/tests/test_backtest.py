"""Issue 30, back-test: past inspections by the class their business had the day before, the problem rate per
class as a table and a chart, and a scheme whose worse classes do not find more problems is flagged."""

import datetime as dt

from shuangsuiji.credit import services
from shuangsuiji.credit.models import ClassChange
from shuangsuiji.credit.testing import inspected
from shuangsuiji.directory.testing import make_entity

JUNE = dt.date(2026, 6, 1)


def _businesses(personas, klass: str, n: int, problems: int, on=dt.date(2026, 7, 1)):
    for i in range(n):
        shop = make_entity()
        ClassChange.objects.create(entity=shop, before="", after=klass, on=JUNE, version=1)
        inspected(shop, personas.lead_dept, on, problem=i < problems)


def test_the_class_is_the_one_before_the_inspection_and_rates_rise_with_risk(personas, client_for):
    _businesses(personas, "A", 10, 1)
    _businesses(personas, "B", 10, 3)
    _businesses(personas, "D", 5, 4)
    _businesses(personas, "C", 2, 0, on=dt.date(2026, 5, 1))  # inspected before any class: 未分类
    shop = make_entity()  # classed D on the very day of its inspection: it counts as it was the day before (A)
    ClassChange.objects.create(entity=shop, before="", after="A", on=JUNE, version=1)
    ClassChange.objects.create(entity=shop, before="A", after="D", on=dt.date(2026, 7, 1), version=1)
    inspected(shop, personas.lead_dept, dt.date(2026, 7, 1), problem=False)
    result = services.backtest()
    rows = {r["klass"]: (r["inspections"], r["problems"]) for r in result["rows"]}
    assert rows == {"A": (11, 1), "B": (10, 3), "C": (0, 0), "D": (5, 4), "未分类": (2, 0)}
    assert result["inversions"] == [] and result["enough"]
    page = client_for(personas.leader).get("/credit/backtest/").content.decode()
    assert "方案能区分风险" in page and "80.0%" in page and 'data-chart="chart-1"' in page


def test_a_scheme_whose_worse_classes_find_no_more_problems_is_flagged(personas, client_for):
    _businesses(personas, "A", 10, 5)
    _businesses(personas, "B", 10, 2)
    _businesses(personas, "C", 6, 3)
    result = services.backtest()
    assert result["inversions"] == [("A", "B")]
    page = client_for(personas.office).get("/credit/backtest/").content.decode()
    assert "现行分类方案未能区分风险：B 类的发现问题率不高于 A 类" in page
    assert client_for(personas.inspector).get("/credit/backtest/").status_code == 403
