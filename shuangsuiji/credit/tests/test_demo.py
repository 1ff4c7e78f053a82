"""In the demo, classes are computed with visible factors, and their history has changes (issue 30, done means)."""

import io

from django.core.management import call_command

from shuangsuiji.credit import services
from shuangsuiji.credit.models import ClassChange, Facts, Rating
from shuangsuiji.directory.models import CreditList, Entity


def test_the_demo_computes_classes_from_facts_and_keeps_their_history(db, client):
    out = io.StringIO()
    call_command("seed_demo", "--entities", "600", stdout=out)
    assert "信用风险分类（截至 2026-06-30）" in out.getvalue()
    assert Rating.objects.count() == Entity.objects.count()
    assert {"A", "B", "C", "D"} <= set(Rating.objects.values_list("klass", flat=True))
    worst = Rating.objects.order_by("-score").first()
    assert Facts.objects.filter(entity_id=worst.entity_id).exists() and len(worst.parts) >= 3
    assert Entity.objects.get(pk=worst.entity_id).credit_class == worst.klass
    assert ClassChange.objects.exclude(before="").exists()  # a class that moved between June and now
    punished = set(Facts.objects.filter(punished=True).values_list("entity_id", flat=True))
    trusted = set(Facts.objects.filter(trusted=True).values_list("entity_id", flat=True))
    assert punished and trusted
    assert set(Entity.objects.filter(credit_list=CreditList.PUNISHED).values_list("pk", flat=True)) == punished
    assert set(Entity.objects.filter(credit_list=CreditList.TRUSTED).values_list("pk", flat=True)) == trusted
    backtest = services.backtest()
    assert backtest["total"] > 0 and sum(r["inspections"] for r in backtest["rows"]) == backtest["total"]
    call_command("seed_demo", "--entities", "600", stdout=io.StringIO())  # idempotent
    assert Facts.objects.filter(entity_id=worst.entity_id).count() == 1

