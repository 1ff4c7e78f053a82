"""Issue 30, differentiated supervision: a 风险分类联查 draws each credit class at its own ratio, picked on the task
form within the scheme's range (defaults A ≤ 5 %, B 5–20 %, C 21–60 %, D 61–100 %); no class at 0 (管理不免抽) and
A keeps a small random control sample; a ratio outside the range is refused in words."""

from collections import Counter

import pytest

from shuangsuiji.credit import services as credit
from shuangsuiji.directory.models import CreditList, Entity
from shuangsuiji.draws.testing import COMMIT_AT, REVEALED, SOURCES, make_directory
from shuangsuiji.plans import services
from shuangsuiji.plans.models import Task
from shuangsuiji.plans.testing import joint_items

FORM = {"kind": "joint_risk", "title": "风险分类联查", "method": "onsite", "ratio": "5", "rounding": "half_up",
        "minimum": "0", "exclusion_days": "0", "team_size": "2"}


def test_a_risk_task_draws_each_class_at_the_ratio_picked_on_the_form(personas, client_for):
    make_directory(200, inactive=0)  # 50 businesses in each of A, B, C and D
    items = joint_items(personas)
    c = client_for(personas.lead_admin)
    form = c.get("/plans/tasks/new/").content.decode()
    assert 'name="ratio_D"' in form and 'value="80"' in form and "分类方案规定 61%–100%" in form
    answer = c.post("/plans/tasks/new/", {**FORM, "items": [i.pk for i in items], "ratio_A": "1", "ratio_B": "10",
                                          "ratio_C": "30", "ratio_D": "70"})
    assert answer.status_code == 302, answer.content.decode()[:3000]
    task = Task.objects.get()
    layers = {k: (v["ratio"], v["minimum"]) for k, v in task.rules["per_stratum"].items()}
    assert layers == {"A": ("0.01", 1), "B": ("0.1", 1), "C": ("0.3", 1), "D": ("0.7", 1),
                      "失信联合惩戒对象": ("1", 1), "守信激励对象": ("0.01", 1)}  # the two lists at the scheme's defaults
    services.submit(personas.lead_admin, task)
    task = services.approve(personas.office, task)
    services.consult(personas.partner_admin, task, personas.partner_dept, "confirm")
    services.commit(personas.lead_admin, task, SOURCES, now=COMMIT_AT)
    task = services.reveal(personas.lead_admin, Task.objects.get(pk=task.pk), REVEALED)
    drawn = Counter(task.visits.values_list("entity__credit_class", flat=True))
    # 1 % of 50 = 0.5, rounded half up (and never below the control sample of one); 10 %, 30 %, 70 % of 50.
    assert drawn == {"A": 1, "B": 5, "C": 15, "D": 35}
    page = c.get(f"/plans/tasks/{task.number}/").content.decode()
    assert "“D”层" in page and "“A”层" in page and "70%" in page  # each class's rule on the task page


def test_ratios_outside_the_scheme_or_at_zero_are_refused_in_words(personas, client_for):
    make_directory(40, inactive=0)
    items = joint_items(personas)
    base = {"kind": "joint_risk", "title": "风险分类联查", "items": items}
    with pytest.raises(services.PlanError) as refused:
        services.create_task(personas.lead_admin, personas.lead_dept, **base, rules={
            "default": {"ratio": "0.05"}, "per_stratum": {"B": {"ratio": "0.3"}, "D": {"ratio": "0.5"}}})
    assert refused.value.errors == {"ratio_B": "B 类的抽取比例 30% 不在分类方案规定的 5%–20% 之间。",
                                    "ratio_D": "D 类的抽取比例 50% 不在分类方案规定的 61%–100% 之间。"}
    with pytest.raises(services.PlanError, match="管理不免抽"):
        services.create_task(personas.lead_admin, personas.lead_dept, **base, rules={
            "default": {"ratio": "0.05"}, "per_stratum": {"A": {"ratio": "0"}}})
    page = client_for(personas.lead_admin).post("/plans/tasks/new/", {
        **FORM, "items": [i.pk for i in items], "ratio_A": "0", "ratio_C": "90"}).content.decode()
    assert "A 类抽取比例（%）：" in page and "C 类的抽取比例 90% 不在分类方案规定的 21%–60% 之间" in page
    assert not Task.objects.exists()


def test_the_office_sets_the_ranges_and_the_form_follows(personas, client_for):
    ratios = {**credit.DEFAULT_RATIOS, "D": {"min": "70", "max": "100", "default": "90"}}
    credit.save_scheme(personas.office, credit.DEFAULT_RULES, "D 类全部从严", ratios)
    form = client_for(personas.lead_admin).get("/plans/tasks/new/").content.decode()
    assert "分类方案规定 70%–100%" in form and 'value="90"' in form
    with pytest.raises(credit.CreditError, match="A 类的抽取比例下限须大于 0"):
        credit.save_scheme(personas.office, credit.DEFAULT_RULES, "A 类免抽",
                           {**credit.DEFAULT_RATIOS, "A": {"min": "0", "max": "5", "default": "3"}})


def _mark(klass: str, value: str, count: int) -> None:
    ids = Entity.objects.filter(credit_class=klass, credit_list="").order_by("uscc").values_list("pk", flat=True)[:count]
    Entity.objects.filter(pk__in=list(ids)).update(credit_list=value)


def test_joint_punishment_targets_are_drawn_more_and_trusted_businesses_less_and_the_manifest_says_so(
        personas, client_for):
    make_directory(200, inactive=0)  # 50 businesses in each of A, B, C and D
    _mark("B", CreditList.PUNISHED, 10)
    _mark("C", CreditList.TRUSTED, 20)
    items = joint_items(personas)
    c = client_for(personas.lead_admin)
    form = c.get("/plans/tasks/new/").content.decode()
    assert 'name="ratio_punished"' in form and 'name="ratio_trusted"' in form
    answer = c.post("/plans/tasks/new/", {**FORM, "items": [i.pk for i in items], "ratio_A": "1", "ratio_B": "10",
                                          "ratio_C": "30", "ratio_D": "70", "ratio_punished": "100",
                                          "ratio_trusted": "1"})
    assert answer.status_code == 302, answer.content.decode()[:3000]
    task = Task.objects.get()
    assert task.strata_by[:2] == ["credit_class", "credit_list"]
    layers = {k: (v["ratio"], v["minimum"]) for k, v in task.rules["per_stratum"].items()}
    assert layers["失信联合惩戒对象"] == ("1", 1) and layers["守信激励对象"] == ("0.01", 1)
    services.submit(personas.lead_admin, task)
    task = services.approve(personas.office, task)
    services.consult(personas.partner_admin, task, personas.partner_dept, "confirm")
    services.commit(personas.lead_admin, task, SOURCES, now=COMMIT_AT)
    task = services.reveal(personas.lead_admin, Task.objects.get(pk=task.pk), REVEALED)
    drawn = Counter(task.visits.values_list("entity__credit_class", "entity__credit_list"))
    # Every 失信 business; 1 % of the 20 守信 ones (a control sample of one); the rest by class.
    assert drawn == {("B", "punished"): 10, ("C", "trusted"): 1, ("A", ""): 1, ("B", ""): 4, ("C", ""): 9,
                     ("D", ""): 35}
    draw = task.draw
    assert draw.pool_salt  # blinded: the layers are internal
    assert len(draw.manifest["strata"]) == 6 and all(name.startswith("层") for name in draw.manifest["strata"])
    assert ("信用奖惩名单：失信联合惩戒对象按 100% 抽取，守信激励对象按 1% 抽取，不论其信用风险分类"
            in "\n".join(draw.manifest["filters"]))


def test_list_ratios_must_bracket_the_class_ratios_and_stay_in_the_scheme(personas):
    make_directory(40, inactive=0)
    items = joint_items(personas)
    per = {"A": {"ratio": "0.02"}, "D": {"ratio": "0.8"}}
    with pytest.raises(services.PlanError) as refused:
        services.create_task(personas.lead_admin, personas.lead_dept, kind="joint_risk", title="风险分类联查",
                             items=items, rules={"default": {"ratio": "0.05"}, "per_stratum": {
                                 **per, "失信联合惩戒对象": {"ratio": "0.7"}, "守信激励对象": {"ratio": "0.03"}}})
    assert refused.value.errors == {
        "ratio_punished": "失信联合惩戒对象的抽取比例 70% 低于本任务 D 类的 80%：失信联合惩戒对象应按更高比例抽取。",
        "ratio_trusted": "守信激励对象的抽取比例 3% 高于本任务 A 类的 2%：守信激励对象应按更低比例抽取。"}
    with pytest.raises(services.PlanError) as refused:
        services.create_task(personas.lead_admin, personas.lead_dept, kind="joint_risk", title="风险分类联查",
                             items=items, rules={"default": {"ratio": "0.05"}, "per_stratum": {
                                 **per, "守信激励对象": {"ratio": "0"}}})
    assert "管理不免抽" in str(refused.value)
    credit.save_scheme(personas.office, credit.DEFAULT_RULES, "失信对象全部检查", {
        **credit.DEFAULT_RATIOS, "punished": {"min": "100", "max": "100", "default": "100"}})
    with pytest.raises(services.PlanError) as refused:
        services.create_task(personas.lead_admin, personas.lead_dept, kind="joint_risk", title="风险分类联查",
                             items=items, rules={"default": {"ratio": "0.05"}, "per_stratum": {
                                 **per, "失信联合惩戒对象": {"ratio": "0.9"}}})
    assert refused.value.errors == {
        "ratio_punished": "失信联合惩戒对象的抽取比例 90% 不在分类方案规定的 100%–100% 之间。"}
    task = services.create_task(personas.lead_admin, personas.lead_dept, kind="joint_risk", title="风险分类联查",
                                items=items, rules={"default": {"ratio": "0.05"}, "per_stratum": per})
    assert task.rules["per_stratum"]["失信联合惩戒对象"]["ratio"] == "1"  # the scheme's default
    assert task.rules["per_stratum"]["守信激励对象"]["ratio"] == "0.01"
