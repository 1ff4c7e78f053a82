"""Issue 30: every business gets a class computed from the evidence the platform holds (its own inspections and
follow-ups) and imports (经营异常名录, 严重违法失信名单, penalties, complaints, annual reports), its age and its
industry; the rating names the scheme version and each factor's points; changes are recorded."""

import datetime as dt

from shuangsuiji.common.models import AuditEvent
from shuangsuiji.credit import services
from shuangsuiji.credit.models import ClassChange, Facts, Rating
from shuangsuiji.credit.testing import inspected
from shuangsuiji.directory.testing import make_entity

ON = dt.date(2026, 11, 30)


def test_classes_follow_the_evidence_and_every_change_is_recorded(personas):
    plain = make_entity(industry_id="6511", registered_on=dt.date(2015, 1, 1), credit_class="")  # 软件开发, section I
    eatery = make_entity(industry_id="6210", registered_on=dt.date(2015, 1, 1), credit_class="B")  # 正餐服务, H
    listed = make_entity(industry_id="6210", registered_on=dt.date(2026, 6, 1), credit_class="B")
    for on in (dt.date(2025, 3, 1), dt.date(2026, 5, 1)):
        inspected(listed, personas.lead_dept, on, problem=True)
    inspected(listed, personas.lead_dept, dt.date(2026, 6, 1), problem=True, followup_due=dt.date(2026, 7, 1))
    inspected(eatery, personas.lead_dept, dt.date(2026, 4, 1), problem=False)
    inspected(eatery, personas.lead_dept, dt.date(2022, 4, 1), problem=True)  # older than three years: ignored
    Facts.objects.create(entity=listed, abnormal=True, complaints=2)

    summary = services.recompute(personas.office, on=ON)

    ratings = {r.entity_id: r for r in Rating.objects.all()}
    assert (ratings[plain.pk].klass, ratings[plain.pk].score) == ("A", 1)
    assert (ratings[eatery.pk].klass, ratings[eatery.pk].score) == ("B", 3)  # 8 (H) − 5 (one clean inspection)
    parts = {key: (value, points) for key, value, points in ratings[listed.pk].parts}
    assert parts == {"problems": (3, 45), "followup_open": (1, 10), "followup_late": (1, 15),
                     "abnormal": (True, 25), "complaints": (2, 10), "new_business": (True, 10),
                     "industry": ("H", 8)}
    assert ratings[listed.pk].klass == "D" and ratings[listed.pk].version == 1
    listed.refresh_from_db()
    plain.refresh_from_db()
    assert listed.credit_class == "D" and plain.credit_class == "A"
    assert summary["rated"] == 3 and summary["changed"] == 2  # eatery stayed B
    assert {(c.entity_id, c.before, c.after) for c in ClassChange.objects.all()} == {
        (plain.pk, "", "A"), (listed.pk, "B", "D")}
    assert AuditEvent.objects.filter(action="credit.recompute").count() == 1

    # A month on, a clean inspection of the plain business lowers its score but not its class: no change.
    inspected(plain, personas.lead_dept, dt.date(2026, 12, 1), problem=False)
    again = services.recompute(personas.office, on=dt.date(2026, 12, 31))
    assert again["changed"] == 0 and ClassChange.objects.count() == 2
    assert Rating.objects.get(entity=plain).score == -4


def test_history_is_as_of_the_date_asked(personas):
    """A recomputation as of a past date sees only what was known then (the demo and the back-test rely on it)."""
    shop = make_entity(industry_id="6511", registered_on=dt.date(2010, 1, 1))
    inspected(shop, personas.lead_dept, dt.date(2026, 6, 1), problem=True, followup_due=dt.date(2026, 7, 1),
              closed_on=dt.date(2026, 8, 1))
    before = services.history(dt.date(2026, 5, 31))
    assert shop.pk not in before
    during = services.history(dt.date(2026, 6, 15))[shop.pk]
    assert during == {"problems": 1, "followup_open": 1}
    after = services.history(dt.date(2026, 9, 1))[shop.pk]
    assert after == {"problems": 1, "followup_late": 1}  # closed a month after its due date


def test_a_new_scheme_version_is_what_the_next_recomputation_uses(personas):
    shop = make_entity(industry_id="6511", registered_on=dt.date(2010, 1, 1))
    services.recompute(personas.office, on=ON)
    rules = {**services.DEFAULT_RULES, "industry_risk": {**services.DEFAULT_RULES["industry_risk"], "I": 30}}
    scheme = services.save_scheme(personas.office, rules, "软件业风险上调（示例）")
    assert scheme.version == 2
    assert Rating.objects.get(entity=shop).version == 1  # until recomputed
    services.recompute(personas.office, on=ON)
    rating = Rating.objects.get(entity=shop)
    assert (rating.version, rating.klass, rating.score) == (2, "C", 30)
